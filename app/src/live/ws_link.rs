//! A reconnecting browser WebSocket for text and binary messages, shared by the candidate
//! socket and the proctor's frames feed. Hand-written over `web_sys::WebSocket` because
//! leptos-use's hook cannot mix binary and text on one socket or read `bufferedAmount`.
//! Reconnects one second after any close until [`WsLink::close`], or until the server closes
//! with `CLOSE_REVOKED` (the session behind the page ended: reconnecting cannot help). A
//! reconnection may follow a deploy, so it asks whether the page's build is still current.
use super::candidate_socket::FrameSend;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

const RECONNECT_MS: i32 = 1000;

type Handler = Closure<dyn FnMut(JsValue)>;

/// What the owner of a link does with its events.
pub struct Handlers {
    /// Each (re)connection, e.g. to say hello.
    pub on_open: Box<dyn Fn(&WsLink)>,
    pub on_text: Box<dyn Fn(&str)>,
    pub on_binary: Box<dyn Fn(js_sys::ArrayBuffer)>,
    /// Connected or not.
    pub on_state: Box<dyn Fn(bool)>,
}

struct Inner {
    url: String,
    handlers: Handlers,
    alive: Cell<bool>,
    /// Opened at least once (the next open is a reconnection).
    opened: Cell<bool>,
    ws: RefCell<Option<WebSocket>>,
    closures: RefCell<Vec<Handler>>,
}

#[derive(Clone)]
pub struct WsLink(Rc<Inner>);

/// `ws(s)://<this host><path>`.
fn absolute(path: &str) -> String {
    let loc = web_sys::window().map(|w| w.location());
    let proto = loc.as_ref().and_then(|l| l.protocol().ok()).unwrap_or_default();
    let host = loc.as_ref().and_then(|l| l.host().ok()).unwrap_or_default();
    let scheme = if proto == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}{path}")
}

fn detach(ws: &WebSocket) {
    ws.set_onopen(None);
    ws.set_onmessage(None);
    ws.set_onclose(None);
}

impl WsLink {
    /// Opens `path` on this host and keeps it open.
    pub fn open(path: &str, handlers: Handlers) -> WsLink {
        let link = WsLink(Rc::new(Inner {
            url: absolute(path),
            handlers,
            alive: Cell::new(true),
            opened: Cell::new(false),
            ws: RefCell::new(None),
            closures: RefCell::new(Vec::new()),
        }));
        link.connect();
        link
    }

    fn open_ws(&self) -> Option<WebSocket> {
        self.0.ws.borrow().as_ref().filter(|w| w.ready_state() == WebSocket::OPEN).cloned()
    }

    /// Sends a text message if connected (dropped otherwise: callers resend state on open).
    pub fn send_text(&self, text: &str) {
        if let Some(ws) = self.open_ws() {
            let _ = ws.send_with_str(text);
        }
    }

    /// Sends a binary message only if nothing is still waiting to leave the socket.
    pub fn send_binary(&self, bytes: &[u8]) -> FrameSend {
        let Some(ws) = self.open_ws() else {
            return FrameSend::Closed;
        };
        if ws.buffered_amount() > 0 {
            return FrameSend::Busy;
        }
        match ws.send_with_u8_array(bytes) {
            Ok(()) => FrameSend::Sent,
            Err(_) => FrameSend::Closed,
        }
    }

    /// Closes for good.
    pub fn close(&self) {
        self.0.alive.set(false);
        if let Some(ws) = self.0.ws.borrow_mut().take() {
            detach(&ws);
            let _ = ws.close();
        }
        // Breaks the cycle closures → link.
        self.0.closures.borrow_mut().clear();
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
        let on_open: Handler = Closure::new(move |_| {
            (me.0.handlers.on_state)(true);
            (me.0.handlers.on_open)(&me);
            if me.0.opened.replace(true) {
                super::build_watch::check_now();
            }
        });
        let me = self.clone();
        let on_message: Handler = Closure::new(move |e: JsValue| {
            let Ok(e) = e.dyn_into::<MessageEvent>() else {
                return;
            };
            let data = e.data();
            if let Some(text) = data.as_string() {
                (me.0.handlers.on_text)(&text);
            } else if let Ok(buf) = data.dyn_into::<js_sys::ArrayBuffer>() {
                (me.0.handlers.on_binary)(buf);
            }
        });
        let me = self.clone();
        let on_close: Handler = Closure::new(move |e: JsValue| {
            (me.0.handlers.on_state)(false);
            let code = e.dyn_into::<web_sys::CloseEvent>().map(|c| c.code()).unwrap_or_default();
            if code == domain::protocol::CLOSE_REVOKED {
                me.0.alive.set(false);
                return;
            }
            me.reconnect_later();
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        if let Some(old) = self.0.ws.borrow_mut().replace(ws) {
            detach(&old);
            let _ = old.close();
        }
        *self.0.closures.borrow_mut() = vec![on_open, on_message, on_close];
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
                RECONNECT_MS,
            );
        }
    }
}
