//! The live-update socket: slots taken and freed by others, and teachers
//! running late, within a second.
//!
//! The token never goes in the URL: the socket sends it as its first message.
//! A dropped connection is reopened after a pause while the page is open.

use std::rc::Rc;

use confero_core::dto::{LiveHello, LiveMessage};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast as _;

use crate::session::Session;

/// What changed on the evening.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// A slot was taken or freed (its start in RFC 3339).
    Slot {
        teacher_id: i64,
        start: String,
        taken: bool,
    },
    /// A teacher is running this many minutes late (0: on time again).
    Late { teacher_id: i64, minutes: u32 },
}

type Handler = Rc<dyn Fn(Change)>;

/// The socket of one watching page.
#[derive(Clone)]
struct Watch {
    session: Session,
    evening_id: i64,
    on_slot: Handler,
    socket: StoredValue<Option<web_sys::WebSocket>, LocalStorage>,
}

/// Watches an evening until the calling component is unmounted, calling
/// `on_change` for every change.
pub fn watch(session: Session, evening_id: i64, on_change: impl Fn(Change) + 'static) {
    let watch = Watch {
        session,
        evening_id,
        on_slot: Rc::new(on_change),
        socket: StoredValue::new_local(None),
    };
    let socket = watch.socket;
    connect(watch);
    on_cleanup(move || {
        if let Some(open) = socket.try_update_value(Option::take).flatten() {
            open.set_onclose(None);
            let _ = open.close();
        }
    });
}

fn connect(watch: Watch) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(token) = watch.session.token() else {
        return;
    };
    let location = window.location();
    let scheme = if location.protocol().as_deref() == Ok("https:") {
        "wss"
    } else {
        "ws"
    };
    let host = location.host().unwrap_or_default();
    let Ok(socket) = web_sys::WebSocket::new(&format!(
        "{scheme}://{host}/api/evenings/{}/live",
        watch.evening_id
    )) else {
        return;
    };

    let hello = serde_json::to_string(&LiveHello { token }).unwrap_or_default();
    let opened = socket.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let _ = opened.send_with_str(&hello);
    });
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let on_slot = watch.on_slot.clone();
    let session = watch.session;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            match serde_json::from_str(&text) {
                Ok(LiveMessage::Slot {
                    teacher_id,
                    start,
                    taken,
                }) => on_slot(Change::Slot {
                    teacher_id,
                    start: start.to_rfc3339(),
                    taken,
                }),
                Ok(LiveMessage::Late {
                    teacher_id,
                    minutes,
                }) => on_slot(Change::Late {
                    teacher_id,
                    minutes,
                }),
                // The session ended on the server: end it here too (no reconnect loop).
                Ok(LiveMessage::Error { code }) if code == "unauthenticated" => session.end(true),
                _ => {}
            }
        });
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let again = watch.clone();
    let on_close = Closure::<dyn FnMut()>::new(move || {
        let again = again.clone();
        if again.session.token().is_some() {
            set_timeout(move || connect(again), std::time::Duration::from_secs(2));
        }
    });
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_close.forget();
    watch.socket.set_value(Some(socket));
}
