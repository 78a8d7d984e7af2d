//! The proctor's camera frames (`/ws/frames`): one signal per candidate view holding an
//! object URL of its latest JPEG, its sequence number and when the server received it.
//! Opening it for one candidate switches that candidate to the focus profile. Reconnects by
//! itself every second.
use domain::camera::CameraSettings;
use domain::protocol::RevokeReason;
use domain::{CandidateId, RoomId, View};
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
    /// The server ended access to the room: the socket is closed for good.
    pub revoked: RwSignal<Option<RevokeReason>>,
    /// Server time minus local time, in ms.
    pub offset_ms: RwSignal<i64>,
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
        revoked: RwSignal::new(None),
        offset_ms: RwSignal::new(0),
        slots: StoredValue::new(HashMap::new()),
    };
    #[cfg(feature = "hydrate")]
    {
        let path = match only {
            Some(c) => format!("/ws/frames?room={room}&candidate={}", c.0),
            None => format!("/ws/frames?room={room}"),
        };
        let link = browser::open(&path, feed);
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
    use crate::live::ws_link::{Handlers, WsLink};
    use domain::camera::{DOWN_HEADER_LEN, RelayHeader};
    use domain::protocol::FramesServerMsg;
    use leptos::prelude::*;
    use web_sys::{Blob, BlobPropertyBag, Url};

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

    /// A relayed frame: its view's signal gets a new object URL; the old one is revoked.
    fn on_binary(feed: FramesFeed, buf: js_sys::ArrayBuffer) {
        let bytes = js_sys::Uint8Array::new(&buf).to_vec();
        let Some(h) = RelayHeader::parse(&bytes) else {
            return;
        };
        let Some(url) = object_url(&bytes[DOWN_HEADER_LEN..]) else {
            return;
        };
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
    }

    fn on_text(feed: FramesFeed, text: &str) {
        match serde_json::from_str(text) {
            Ok(FramesServerMsg::Hello { settings, server_time, .. }) => {
                let _ = feed.settings.try_set(Some(settings));
                let local = js_sys::Date::now() as i64;
                let _ = feed.offset_ms.try_set(server_time.timestamp_millis() - local);
            }
            Ok(FramesServerMsg::Revoked { reason }) => {
                let _ = feed.revoked.try_set(Some(reason));
            }
            Err(_) => {}
        }
    }

    pub fn open(path: &str, feed: FramesFeed) -> WsLink {
        WsLink::open(
            path,
            Handlers {
                on_open: Box::new(|_| {}),
                on_text: Box::new(move |t| on_text(feed, t)),
                on_binary: Box::new(move |b| on_binary(feed, b)),
                on_state: Box::new(|_| {}),
            },
        )
    }
}
