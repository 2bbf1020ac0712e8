//! `GET /api/evenings/{id}/live`: a WebSocket of slot changes.
//!
//! Browsers cannot put headers on a WebSocket and the token never goes in a
//! URL, so the socket authenticates with its first message,
//! `{"token": "…"}`, within ten seconds. Then the server sends
//! `{"type":"ready"}` and one `{"type":"slot", …}` message per change. Events
//! say only which slot was taken or freed, never by whom.
//!
//! A client may send at most 4 KiB in one frame, so an unauthenticated socket
//! costs the server almost nothing; sockets are capped in all and per
//! session. A socket closes at once when its session is revoked or its
//! evening is no longer visible to its viewer (back to draft).

use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::{IntoResponse as _, Response};
use confero_core::dto::{LiveHello as Hello, LiveMessage};
use confero_core::ErrorBody;
use tokio::sync::broadcast::error::RecvError;

use super::error::ApiError;
use super::evenings::{visible_evening, zone_of};
use super::extract::{authenticate, recheck, ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::live::{LiveEvent, SocketPlace};

/// How often the session behind a socket is re-checked (expired, or revoked
/// by another process that could not tell this one).
const RECHECK: Duration = Duration::from_secs(60);

/// The largest message (and frame) a client may send: the hello is a token.
const MAX_INCOMING: usize = 4096;

/// Time to send the hello.
const HELLO_WITHIN: Duration = Duration::from_secs(10);

/// Opens the live-update socket for an evening.
#[utoipa::path(
    get, path = "/api/evenings/{id}/live", tag = "evenings",
    params(("id" = i64, Path)),
    responses(
        (status = 101, description = "WebSocket: send {\"token\"} first, then receive LiveMessage JSON", body = LiveMessage),
        (status = 426, description = "Not a WebSocket request", body = ErrorBody),
        (status = 503, description = "The server has all the live sockets it takes", body = ErrorBody),
    )
)]
pub async fn live(
    State(state): State<AppState>,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let Ok(upgrade) = upgrade else {
        return ApiError::UpgradeRequired.into_response();
    };
    // Counted from the upgrade, before any sign-in: unauthenticated sockets take places too.
    let Some(place) = state.live.sockets.admit() else {
        return ApiError::Unavailable.into_response();
    };
    upgrade
        .max_message_size(MAX_INCOMING)
        .max_frame_size(MAX_INCOMING)
        .read_buffer_size(MAX_INCOMING)
        .write_buffer_size(MAX_INCOMING)
        .on_upgrade(move |socket| serve(socket, state, id, place))
}

async fn send(socket: &mut WebSocket, message: &LiveMessage) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn close_with(mut socket: WebSocket, code: &str) {
    let _ = send(
        &mut socket,
        &LiveMessage::Error {
            code: code.to_owned(),
        },
    )
    .await;
    let _ = socket.send(Message::Close(None)).await;
}

async fn hello(socket: &mut WebSocket, state: &AppState) -> Option<(AuthSession, String)> {
    let first = tokio::time::timeout(HELLO_WITHIN, socket.recv())
        .await
        .ok()??
        .ok()?;
    let Message::Text(text) = first else {
        return None;
    };
    let hello: Hello = serde_json::from_str(&text).ok()?;
    let session = authenticate(state, &hello.token).await.ok()?;
    Some((session, hello.token))
}

/// Whether the socket's viewer may still watch the evening, as of now.
async fn still_visible(state: &AppState, session: &AuthSession, evening_id: i64) -> bool {
    visible_evening(state, session, evening_id).await.is_ok()
}

async fn serve(mut socket: WebSocket, state: AppState, evening_id: i64, mut place: SocketPlace) {
    let Some((session, token)) = hello(&mut socket, &state).await else {
        return close_with(socket, "unauthenticated").await;
    };
    if !state.live.sockets.claim(&mut place, &session.token_hash) {
        return close_with(socket, "too_many_sockets").await;
    }
    let (Ok(zone), Ok(record)) = (
        zone_of(&state, session.school_id).await,
        visible_evening(&state, &session, evening_id).await,
    ) else {
        return close_with(socket, "not_found").await;
    };
    let mut events = state.live.subscribe(session.school_id);
    if !send(&mut socket, &LiveMessage::Ready).await {
        return;
    }
    let mut every = tokio::time::interval(RECHECK);
    every.tick().await;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(LiveEvent::Slot(event)) if event.evening_id == record.id => {
                    let message = LiveMessage::Slot { teacher_id: event.teacher_id, start: zone.rfc3339(event.start), taken: event.taken };
                    if !send(&mut socket, &message).await {
                        return;
                    }
                }
                Ok(LiveEvent::Late { evening_id, teacher_id, minutes, .. }) if evening_id == record.id => {
                    if !send(&mut socket, &LiveMessage::Late { teacher_id, minutes }).await {
                        return;
                    }
                }
                Ok(LiveEvent::Sessions { person_id, .. }) if person_id == session.person_id => {
                    if recheck(&state, &token).await.is_err() {
                        return close_with(socket, "unauthenticated").await;
                    }
                }
                Ok(LiveEvent::Evening { evening_id, .. }) if evening_id == record.id => {
                    if !still_visible(&state, &session, evening_id).await {
                        return close_with(socket, "not_found").await;
                    }
                }
                Ok(_) => {}
                // Too slow to keep up: the client reloads the grid when told so.
                Err(RecvError::Lagged(_)) => return close_with(socket, "lagged").await,
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            _ = every.tick() => {
                if recheck(&state, &token).await.is_err() {
                    return close_with(socket, "unauthenticated").await;
                }
                if !still_visible(&state, &session, record.id).await {
                    return close_with(socket, "not_found").await;
                }
            }
        }
    }
}
