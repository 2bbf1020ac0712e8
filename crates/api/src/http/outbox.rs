//! The outbox, for admins: every email of the school, what became of it,
//! and the text of those not sent yet (with their links, so a school running
//! without a mail server can still hand them on).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, TimeZone as _, Utc};
use confero_core::dto::{Outbox, OutboxMessage, OutboxStatus};
use confero_core::{ErrorBody, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, ApiQuery, AuthSession, IdParam};
use super::AppState;
use crate::storage::outbox;

fn instant(at: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(at, 0).single().unwrap_or_default()
}

/// `?status=` narrows the list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OutboxQuery {
    pub status: Option<OutboxStatus>,
}

/// The school's emails, newest first (the last 500).
#[utoipa::path(
    get, path = "/api/outbox", tag = "mail", security(("bearer" = [])),
    params(OutboxQuery),
    responses((status = 200, body = Outbox), (status = 403, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    session: AuthSession,
    ApiQuery(query): ApiQuery<OutboxQuery>,
) -> ApiResult<Json<Outbox>> {
    session.require_any(&[Role::Admin])?;
    let entries = outbox::list(
        &state.db,
        session.school_id,
        query.status.map(OutboxStatus::as_str),
        500,
    )
    .await?;
    let messages = entries
        .into_iter()
        .map(|entry| OutboxMessage {
            id: entry.id,
            kind: entry.kind,
            to_name: entry.to_name,
            to_email: entry.to_email,
            subject: entry.subject,
            status: OutboxStatus::parse(&entry.status).unwrap_or(OutboxStatus::Pending),
            attempts: entry.attempts,
            last_error: entry.last_error,
            created_at: instant(entry.created_at),
            sent_at: entry.sent_at.map(instant),
            text: (!entry.text_body.is_empty()).then_some(entry.text_body),
        })
        .collect();
    Ok(Json(Outbox {
        sending: state.mail.smtp_url.is_some(),
        messages,
    }))
}

/// Tries a failed message again, as if new.
#[utoipa::path(
    post, path = "/api/outbox/{id}/retry", tag = "mail", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "Queued again"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn retry(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<StatusCode> {
    session.require_any(&[Role::Admin])?;
    let now = state.clock.now().timestamp();
    if !outbox::retry_failed(&state.db, session.school_id, id, now).await? {
        return Err(ApiError::NotFound);
    }
    state.mail_wake.notify_one();
    Ok(StatusCode::NO_CONTENT)
}
