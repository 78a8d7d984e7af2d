//! A tab left open across a deploy reloads itself. The page carries the build that rendered it
//! (`<meta name="vigil-build">`, the content hash of its WASM and JS); the watcher asks the
//! server for its build (`GET /build`) every minute, when the tab comes back into view, when
//! the network returns and whenever a live socket reconnects (a deploy restarts the server).
//! When they differ the page reloads, so it runs the code the server now speaks. Nothing is
//! lost by the reload: unsent answers wait in local storage and every other step's state is
//! the server's. One reload per new build at most (`sessionStorage`), so a proxy that keeps
//! serving an old page cannot make a loop.
use std::cell::Cell;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const EVERY_MS: i32 = 60_000;
const RELOADED_FOR: &str = "vigil.reloaded-for";

thread_local! {
    static STARTED: Cell<bool> = const { Cell::new(false) };
}

/// The build this page was rendered with (empty when the page does not say).
fn page_build() -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name=vigil-build]").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default()
}

async fn server_build() -> Option<String> {
    let window = web_sys::window()?;
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoStore);
    let res = JsFuture::from(window.fetch_with_str_and_init("/build", &init)).await.ok()?;
    let res: web_sys::Response = res.dyn_into().ok()?;
    if !res.ok() {
        return None;
    }
    let text = JsFuture::from(res.text().ok()?).await.ok()?;
    text.as_string().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Asks the server now; reloads the page if it runs another build.
pub fn check_now() {
    let mine = page_build();
    if mine.is_empty() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let Some(theirs) = server_build().await else { return };
        if theirs == mine {
            return;
        }
        let Some(window) = web_sys::window() else { return };
        let storage = window.session_storage().ok().flatten();
        if let Some(s) = &storage {
            if s.get_item(RELOADED_FOR).ok().flatten().as_deref() == Some(theirs.as_str()) {
                return;
            }
            let _ = s.set_item(RELOADED_FOR, &theirs);
        }
        let _ = window.location().reload();
    });
}

/// Starts watching (once per page).
pub fn start() {
    if STARTED.with(|s| s.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let check = Closure::<dyn Fn()>::new(check_now).into_js_value();
    let _ = window
        .set_interval_with_callback_and_timeout_and_arguments_0(check.unchecked_ref(), EVERY_MS);
    let _ = window.add_event_listener_with_callback("online", check.unchecked_ref());
    let on_visible = Closure::<dyn Fn()>::new(|| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
        if visible {
            check_now();
        }
    })
    .into_js_value();
    if let Some(doc) = window.document() {
        let _ =
            doc.add_event_listener_with_callback("visibilitychange", on_visible.unchecked_ref());
    }
}
