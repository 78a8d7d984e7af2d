//! The proctor's camera frames (`/ws/frames`): one signal per candidate view holding an
//! object URL of its latest JPEG, its sequence number and when the server received it.
//! Opening it for one candidate switches that candidate to the focus profile. Reconnects by
//! itself every second.
use crate::domain::camera::CameraSettings;
use crate::domain::{CandidateId, RoomId, View};
use leptos::prelude::*;
use std::collections::HashMap;

/// The latest frame of a view as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownFrame {
    /// `blob:` URL of the JPEG (revoked when replaced).
    pub url: String,
    pub seq: u32,
    pub width: u16,
    pub height: u16,
    /// Server clock, ms since the epoch.
    pub received_ms: u64,
    pub captured_ms: u64,
}

type Slot = ArcRwSignal<Option<ShownFrame>>;

#[derive(Clone, Copy)]
pub struct FramesFeed {
    pub settings: RwSignal<Option<CameraSettings>>,
    /// Server time minus local time, in ms.
    pub offset_ms: RwSignal<i64>,
    /// Frames received since the page opened.
    pub received: RwSignal<u64>,
    slots: StoredValue<HashMap<(CandidateId, View), Slot>>,
}

impl FramesFeed {
    /// The signal of one view's latest frame.
    pub fn frame(&self, c: CandidateId, view: View) -> Signal<Option<ShownFrame>> {
        let slot = self.slot(c, view);
        Signal::derive(move || slot.get())
    }

    fn slot(&self, c: CandidateId, view: View) -> Slot {
        if let Some(s) = self.slots.with_value(|m| m.get(&(c, view)).cloned()) {
            return s;
        }
        let s: Slot = ArcRwSignal::new(None);
        self.slots.update_value(|m| {
            m.insert((c, view), s.clone());
        });
        s
    }
}

/// Opens the frames of `room` (only `only`'s, at focus rate, when given).
pub fn use_frames_feed(room: RoomId, only: Option<CandidateId>) -> FramesFeed {
    let feed = FramesFeed {
        settings: RwSignal::new(None),
        offset_ms: RwSignal::new(0),
        received: RwSignal::new(0),
        slots: StoredValue::new(HashMap::new()),
    };
    #[cfg(feature = "hydrate")]
    {
        let path = match only {
            Some(c) => format!("/ws/frames?room={room}&candidate={}", c.0),
            None => format!("/ws/frames?room={room}"),
        };
        let link = browser::FramesLink::open(path, feed);
        let stored = StoredValue::new_local(link);
        on_cleanup(move || {
            stored.with_value(|l| l.close());
            feed.slots.with_value(|m| {
                for s in m.values() {
                    if let Some(f) = s.get_untracked() {
                        browser::revoke(&f.url);
                    }
                }
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (room, only);
    feed
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{FramesFeed, ShownFrame};
    use crate::domain::camera::{DOWN_HEADER_LEN, RelayHeader};
    use crate::domain::protocol::FramesServerMsg;
    use leptos::prelude::*;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{BinaryType, Blob, BlobPropertyBag, MessageEvent, Url, WebSocket};

    type Handler = Closure<dyn FnMut(JsValue)>;

    pub fn revoke(url: &str) {
        let _ = Url::revoke_object_url(url);
    }

    fn object_url(jpeg: &[u8]) -> Option<String> {
        let arr = js_sys::Array::new();
        arr.push(&js_sys::Uint8Array::from(jpeg));
        let opts = BlobPropertyBag::new();
        opts.set_type("image/jpeg");
        let blob = Blob::new_with_u8_array_sequence_and_options(&arr, &opts).ok()?;
        Url::create_object_url_with_blob(&blob).ok()
    }

    pub struct Inner {
        url: String,
        feed: FramesFeed,
        alive: Cell<bool>,
        ws: RefCell<Option<WebSocket>>,
        handlers: RefCell<Vec<Handler>>,
    }

    #[derive(Clone)]
    pub struct FramesLink(Rc<Inner>);

    impl FramesLink {
        pub fn open(path: String, feed: FramesFeed) -> FramesLink {
            let loc = web_sys::window().map(|w| w.location());
            let proto = loc.as_ref().and_then(|l| l.protocol().ok()).unwrap_or_default();
            let host = loc.as_ref().and_then(|l| l.host().ok()).unwrap_or_default();
            let scheme = if proto == "https:" { "wss" } else { "ws" };
            let link = FramesLink(Rc::new(Inner {
                url: format!("{scheme}://{host}{path}"),
                feed,
                alive: Cell::new(true),
                ws: RefCell::new(None),
                handlers: RefCell::new(Vec::new()),
            }));
            link.connect();
            link
        }

        pub fn close(&self) {
            self.0.alive.set(false);
            if let Some(ws) = self.0.ws.borrow_mut().take() {
                ws.set_onclose(None);
                ws.set_onmessage(None);
                let _ = ws.close();
            }
            self.0.handlers.borrow_mut().clear();
        }

        fn on_binary(&self, buf: js_sys::ArrayBuffer) {
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            let Some(h) = RelayHeader::parse(&bytes) else {
                return;
            };
            let Some(url) = object_url(&bytes[DOWN_HEADER_LEN..]) else {
                return;
            };
            let feed = self.0.feed;
            let slot = feed.slot(h.candidate, h.view);
            let old = slot.get_untracked();
            slot.set(Some(ShownFrame {
                url,
                seq: h.seq,
                width: h.width,
                height: h.height,
                received_ms: h.received_ms,
                captured_ms: h.captured_ms,
            }));
            if let Some(old) = old {
                revoke(&old.url);
            }
            let _ = feed.received.try_update(|n| *n += 1);
        }

        fn on_text(&self, text: &str) {
            if let Ok(FramesServerMsg::Hello { settings, server_time, .. }) =
                serde_json::from_str(text)
            {
                let feed = self.0.feed;
                let _ = feed.settings.try_set(Some(settings));
                let local = js_sys::Date::now() as i64;
                let _ = feed.offset_ms.try_set(server_time.timestamp_millis() - local);
            }
        }

        fn connect(&self) {
            if !self.0.alive.get() {
                return;
            }
            let Ok(ws) = WebSocket::new(&self.0.url) else {
                self.reconnect_later();
                return;
            };
            ws.set_binary_type(BinaryType::Arraybuffer);
            let me = self.clone();
            let on_message: Handler = Closure::new(move |e: JsValue| {
                let Ok(e) = e.dyn_into::<MessageEvent>() else {
                    return;
                };
                let data = e.data();
                if let Some(text) = data.as_string() {
                    me.on_text(&text);
                } else if let Ok(buf) = data.dyn_into::<js_sys::ArrayBuffer>() {
                    me.on_binary(buf);
                }
            });
            let me = self.clone();
            let on_close: Handler = Closure::new(move |_| me.reconnect_later());
            ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            if let Some(old) = self.0.ws.borrow_mut().replace(ws) {
                old.set_onclose(None);
                old.set_onmessage(None);
                let _ = old.close();
            }
            *self.0.handlers.borrow_mut() = vec![on_message, on_close];
        }

        fn reconnect_later(&self) {
            if !self.0.alive.get() {
                return;
            }
            let me = self.clone();
            let again = Closure::once_into_js(move || me.connect());
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                    again.unchecked_ref(),
                    1000,
                );
            }
        }
    }
}
