//! The guided device check (seed step 3): camera, speaker, microphone, network and browser,
//! one step at a time, then a report where each failed item can be re-run alone, then
//! "Finish check" hands the `DeviceReport` to the parent (which stores it, or not).
//! Outcomes of measured items come from the domain rules, so `DeviceReport::validate`
//! accepts every report this produces.
mod network;
#[cfg(feature = "hydrate")]
pub(crate) mod probe;
mod report;
mod steps;
pub mod user_agent;

use crate::i18n::*;
use domain::device::{
    BrowserCheck, CameraCheck, CheckOutcome, DeviceReport, MAX_TEXT, MicCheck, NetworkCheck,
    SpeakerCheck,
};
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use network::NetworkStep;
use report::ReportView;
use steps::{BrowserStep, CameraStep, MicStep, SpeakerStep};

/// One item of the check, in the order the candidate goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Camera,
    Speaker,
    Microphone,
    Network,
    Browser,
}

impl Item {
    pub const ALL: [Item; 5] =
        [Item::Camera, Item::Speaker, Item::Microphone, Item::Network, Item::Browser];

    /// A stable name for markup and tests.
    pub fn code(self) -> &'static str {
        match self {
            Item::Camera => "camera",
            Item::Speaker => "speaker",
            Item::Microphone => "microphone",
            Item::Network => "network",
            Item::Browser => "browser",
        }
    }
}

/// The item's name in the user's language.
pub fn item_label(i18n: I18nContext<Locale>, item: Item) -> AnyView {
    match item {
        Item::Camera => tr!(i18n, dev_item_camera).into_any(),
        Item::Speaker => tr!(i18n, dev_item_speaker).into_any(),
        Item::Microphone => tr!(i18n, dev_item_microphone).into_any(),
        Item::Network => tr!(i18n, dev_item_network).into_any(),
        Item::Browser => tr!(i18n, dev_item_browser).into_any(),
    }
}

/// Browser text cut to what the server accepts.
pub(crate) fn clip(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}

/// Each item's result so far (`None`: not done, or being re-run).
#[derive(Clone, Copy)]
struct Results {
    camera: RwSignal<Option<CameraCheck>>,
    speaker: RwSignal<Option<SpeakerCheck>>,
    microphone: RwSignal<Option<MicCheck>>,
    network: RwSignal<Option<NetworkCheck>>,
    browser: RwSignal<Option<BrowserCheck>>,
}

impl Results {
    fn new() -> Self {
        Self {
            camera: RwSignal::new(None),
            speaker: RwSignal::new(None),
            microphone: RwSignal::new(None),
            network: RwSignal::new(None),
            browser: RwSignal::new(None),
        }
    }

    fn outcome(&self, item: Item) -> Option<CheckOutcome> {
        match item {
            Item::Camera => self.camera.with(|r| r.as_ref().map(|r| r.outcome)),
            Item::Speaker => self.speaker.with(|r| r.as_ref().map(|r| r.outcome)),
            Item::Microphone => self.microphone.with(|r| r.as_ref().map(|r| r.outcome)),
            Item::Network => self.network.with(|r| r.as_ref().map(|r| r.outcome)),
            Item::Browser => self.browser.with(|r| r.as_ref().map(|r| r.outcome)),
        }
    }

    fn clear(&self, item: Item) {
        match item {
            Item::Camera => self.camera.set(None),
            Item::Speaker => self.speaker.set(None),
            Item::Microphone => self.microphone.set(None),
            Item::Network => self.network.set(None),
            Item::Browser => self.browser.set(None),
        }
    }

    /// The whole report, once every item has a result.
    fn report(&self) -> Option<DeviceReport> {
        Some(DeviceReport {
            camera: self.camera.get()?,
            speaker: self.speaker.get()?,
            microphone: self.microphone.get()?,
            network: self.network.get()?,
            browser: self.browser.get()?,
        })
    }

    /// The next item to run: the first without a result (`None`: show the report).
    fn next(&self) -> Option<Item> {
        Item::ALL.into_iter().find(|&i| untrack(|| self.outcome(i)).is_none())
    }
}

/// The guided check. `on_finish` gets the report when the candidate presses "Finish check";
/// `finishing` (optional) disables that button while the parent saves it.
#[component]
pub fn DeviceCheck(
    #[prop(into)] on_finish: Callback<DeviceReport>,
    #[prop(optional, into)] finishing: Signal<bool>,
) -> impl IntoView {
    let results = Results::new();
    let step = RwSignal::new(Some(Item::Camera));
    let advance = move || step.set(results.next());
    let retry = Callback::new(move |item: Item| {
        results.clear(item);
        step.set(Some(item));
    });
    let panel = move || match step.get() {
        Some(Item::Camera) => view! {
            <CameraStep on_done=move |r| {
                results.camera.set(Some(r));
                advance();
            } />
        }
        .into_any(),
        Some(Item::Speaker) => view! {
            <SpeakerStep on_done=move |r| {
                results.speaker.set(Some(r));
                advance();
            } />
        }
        .into_any(),
        Some(Item::Microphone) => view! {
            <MicStep on_done=move |r| {
                results.microphone.set(Some(r));
                advance();
            } />
        }
        .into_any(),
        Some(Item::Network) => view! {
            <NetworkStep on_done=move |r| {
                results.network.set(Some(r));
                advance();
            } />
        }
        .into_any(),
        Some(Item::Browser) => view! {
            <BrowserStep on_done=move |r| {
                results.browser.set(Some(r));
                advance();
            } />
        }
        .into_any(),
        None => match untrack(|| results.report()) {
            Some(report) => {
                view! { <ReportView report on_retry=retry on_finish finishing /> }.into_any()
            }
            None => ().into_any(),
        },
    };
    view! {
        <div class="dev-check">
            <Stepper results step />
            <div class="dev-panel">{panel}</div>
        </div>
    }
}

/// The row of items at the top: done (passed or failed), current, or to come.
#[component]
fn Stepper(results: Results, step: RwSignal<Option<Item>>) -> impl IntoView {
    let i18n = use_i18n();
    let status = move |item: Item| {
        if step.get() == Some(item) {
            "current"
        } else {
            match results.outcome(item) {
                Some(CheckOutcome::Pass) => "pass",
                Some(CheckOutcome::Fail) => "fail",
                None => "pending",
            }
        }
    };
    let items = Item::ALL
        .into_iter()
        .enumerate()
        .map(|(n, item)| {
            view! {
                <li
                    class="dev-pill"
                    data-item=item.code()
                    data-status=move || status(item)
                    aria-current=move || (status(item) == "current").then_some("step")
                >
                    <span class="dev-pill-mark" aria-hidden="true">
                        {move || match status(item) {
                            "pass" => "✓".to_string(),
                            "fail" => "✕".to_string(),
                            _ => (n + 1).to_string(),
                        }}
                    </span>
                    <span class="dev-pill-label">{item_label(i18n, item)}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="dev-pills">
            {items}
            <li
                class="dev-pill"
                data-item="report"
                data-status=move || if step.get().is_none() { "current" } else { "pending" }
                aria-current=move || step.get().is_none().then_some("step")
            >
                <span class="dev-pill-mark" aria-hidden="true">"6"</span>
                <span class="dev-pill-label">{tr!(i18n, dev_item_report)}</span>
            </li>
        </ol>
    }
}
