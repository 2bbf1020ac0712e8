//! `GET /api/evenings/{id}/live`: a WebSocket of slot changes.
//!
//! Browsers cannot put headers on a WebSocket and the token never goes in a
//! URL, so the socket authenticates with its first message,
//! `{"token": "…"}`, within ten seconds. Then the server sends
//! `{"type":"ready"}` and one `{"type":"slot", …}` message per change. Events
//! say only which slot was taken or freed, never by whom.

use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use confero_core::dto::{LiveHello as Hello, LiveMessage};
use tokio::sync::broadcast::error::RecvError;

use super::evenings::{visible_evening, zone_of};
use super::extract::{authenticate, recheck, ApiPath, AuthSession, IdParam};
use super::AppState;

/// How often the session behind a socket is re-checked (revoked, expired).
const RECHECK: Duration = Duration::from_secs(60);

/// Opens the live-update socket for an evening.
#[utoipa::path(
    get, path = "/api/evenings/{id}/live", tag = "evenings",
    params(("id" = i64, Path)),
    responses((status = 101, description = "WebSocket: send {\"token\"} first, then receive LiveMessage JSON", body = LiveMessage))
)]
pub async fn live(
    State(state): State<AppState>,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .max_message_size(4096)
        .on_upgrade(move |socket| serve(socket, state, id))
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
    let first = tokio::time::timeout(Duration::from_secs(10), socket.recv())
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

async fn serve(mut socket: WebSocket, state: AppState, evening_id: i64) {
    let Some((session, token)) = hello(&mut socket, &state).await else {
        return close_with(socket, "unauthenticated").await;
    };
    let (Ok(zone), Ok(record)) = (
        zone_of(&state, session.school_id).await,
        visible_evening(&state, &session, evening_id).await,
    ) else {
        return close_with(socket, "not_found").await;
    };
    let mut events = state.live.subscribe();
    if !send(&mut socket, &LiveMessage::Ready).await {
        return;
    }
    let mut every = tokio::time::interval(RECHECK);
    every.tick().await;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) if event.evening_id == record.id && event.school_id == session.school_id => {
                    let message = LiveMessage::Slot { teacher_id: event.teacher_id, start: zone.rfc3339(event.start), taken: event.taken };
                    if !send(&mut socket, &message).await {
                        return;
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
            }
        }
    }
}
