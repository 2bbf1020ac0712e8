//! Booking several appointments at once, all or none: what "Plan my evening" sends.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use confero_core::dto::{BatchBooked, BatchBookingInput};
use confero_core::ErrorBody;
use sha2::{Digest as _, Sha256};

use super::bookings::{actor, idempotency_key, replay, view, Replayed};
use super::error::{ApiError, ApiResult};
use super::evenings::visible_evening;
use super::extract::{ApiJson, ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::booking::{Idempotency, Wanted};

/// What identifies a batch: every booking in it, in order.
fn fingerprint(evening_id: i64, wanted: &[Wanted]) -> String {
    let mut request = format!("POST /api/evenings/{evening_id}/bookings/batch");
    for one in wanted {
        request.push_str(&format!(
            " teacher={} student={} start={};",
            one.teacher_id, one.student_id, one.start
        ));
    }
    hex::encode(Sha256::digest(request.as_bytes()))
}

/// The bookings of a batch, in the order asked.
async fn answer(state: &AppState, school_id: i64, ids: &[i64]) -> ApiResult<Response> {
    let mut bookings = Vec::with_capacity(ids.len());
    for id in ids {
        bookings.push(view(state, school_id, *id).await?.0);
    }
    Ok((StatusCode::CREATED, Json(BatchBooked { bookings })).into_response())
}

async fn replayed(state: &AppState, school_id: i64, replayed: Replayed) -> ApiResult<Response> {
    match replayed {
        Replayed::Booked(ids) => answer(state, school_id, &ids).await,
        Replayed::Refused(response) => Ok(response),
    }
}

/// Books several appointments in one transaction: all of them, or none.
/// Each is decided by the same rules as a single booking, against the
/// family's evening including the bookings before it in the batch. A refusal
/// names the booking in `field` (`bookings[2]`) with the rule's code, and
/// nothing is booked. One `Idempotency-Key` covers the whole batch.
#[utoipa::path(
    post, path = "/api/evenings/{id}/bookings/batch", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = BatchBookingInput,
    responses(
        (status = 201, description = "Every booking made", body = BatchBooked),
        (status = 403, description = "`not_their_teacher` (with `field`), or a teacher booking another teacher's slot", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "A rule said no to the booking named in `field`; nothing was booked", body = ErrorBody),
        (status = 422, description = "A field is invalid, or `idempotency_key_reused`", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    session: AuthSession,
    headers: HeaderMap,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<BatchBookingInput>,
) -> ApiResult<Response> {
    if input.bookings.is_empty() {
        return Err(ApiError::invalid(
            "bookings",
            "must list at least one booking",
        ));
    }
    if input.bookings.len() > BatchBookingInput::MAX {
        return Err(ApiError::invalid(
            "bookings",
            format!("may list at most {} bookings", BatchBookingInput::MAX),
        ));
    }
    let wanted: Vec<Wanted> = input
        .bookings
        .iter()
        .map(|one| Wanted {
            teacher_id: one.teacher_id,
            student_id: one.student_id,
            start: one.start.timestamp(),
        })
        .collect();
    let key = idempotency_key(&headers)?;
    let fingerprint = fingerprint(id, &wanted);
    if let Some(key) = &key {
        if let Some(answer) = replay(&state, &session, key, &fingerprint).await? {
            return replayed(&state, session.school_id, answer).await;
        }
    }
    let record = visible_evening(&state, &session, id).await?;
    let actor = actor(&session);
    let idempotency = key.as_deref().map(|key| Idempotency {
        key,
        fingerprint: &fingerprint,
    });
    match state
        .booker()
        .book_all(&actor, &record, &wanted, idempotency)
        .await
    {
        Ok(ids) => answer(&state, session.school_id, &ids).await,
        Err(error) => {
            if let Some(key) = &key {
                // A concurrent retry with the same key may have won: give its answer.
                if let Some(answer) = replay(&state, &session, key, &fingerprint).await? {
                    return replayed(&state, session.school_id, answer).await;
                }
            }
            Err(error.into())
        }
    }
}
