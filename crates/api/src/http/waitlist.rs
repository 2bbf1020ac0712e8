//! The waitlist: join a teacher's line, see your places and offers, accept
//! an offer, leave (or decline).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use confero_core::dto::{WaitlistEntry, WaitlistInput, WaitlistOffer, WaitlistStatus};
use confero_core::{ErrorBody, Interval};

use super::bookings::{actor, view};
use super::error::{ApiError, ApiResult};
use super::evenings::{visible_evening, zone_of};
use super::extract::{ApiJson, ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::booking::Join;
use crate::storage::waitlist::{self, EntryDetail};
use crate::zone::SchoolZone;

fn entry_view(zone: &SchoolZone, detail: &EntryDetail) -> WaitlistEntry {
    let row = &detail.row;
    let offer = match (&detail.held, row.booking_id, row.offer_expires_at) {
        (Some((span, room)), Some(booking_id), Some(until)) => Some(WaitlistOffer {
            booking_id,
            start: zone.rfc3339(span.start),
            end: zone.rfc3339(span.end),
            room: room.clone(),
            expires_at: zone.rfc3339(until),
        }),
        _ => None,
    };
    WaitlistEntry {
        id: row.id,
        evening_id: row.evening_id,
        teacher_id: row.teacher_id,
        teacher_name: detail.teacher_name.clone(),
        student_id: row.student_id,
        student_name: detail.student_name.clone(),
        from: zone.rfc3339(row.window.start),
        until: zone.rfc3339(row.window.end),
        status: WaitlistStatus::parse(&row.status).unwrap_or(WaitlistStatus::Waiting),
        ahead: u32::try_from(detail.ahead).unwrap_or(0),
        offer,
    }
}

async fn family_entries(
    state: &AppState,
    session: &AuthSession,
    evening_id: i64,
) -> ApiResult<Vec<WaitlistEntry>> {
    let zone = zone_of(state, session.school_id).await?;
    let entries =
        waitlist::of_family(&state.db, session.school_id, evening_id, session.person_id).await?;
    Ok(entries.iter().map(|e| entry_view(&zone, e)).collect())
}

/// Joins a teacher's waitlist for a child, within the part of the evening
/// the family can attend (`from`/`until`, the teacher's whole evening when
/// left out). When a time frees that fits, it is held for the family for
/// ten minutes (`offer`), they are told live and by email, and the next
/// family in line gets it if they decline or do not answer. Joining again
/// answers the same place.
#[utoipa::path(
    post, path = "/api/evenings/{id}/waitlist", tag = "waitlist", security(("bearer" = [])),
    params(("id" = i64, Path)),
    request_body = WaitlistInput,
    responses(
        (status = 201, description = "The child's place in the line (already with an offer when a time fitted)", body = WaitlistEntry),
        (status = 403, description = "`not_their_teacher`", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`evening_not_open`, `outside_window`, or `already_booked_with_teacher`", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
    )
)]
pub async fn join(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<WaitlistInput>,
) -> ApiResult<Response> {
    let record = visible_evening(&state, &session, id).await?;
    let window = match (input.from, input.until) {
        (None, None) => None,
        (from, until) => {
            let slots = record.teacher_slots(input.teacher_id);
            let start = from
                .map(|t| t.timestamp())
                .or(slots.first().map(|s| s.start))
                .unwrap_or_default();
            let end = until
                .map(|t| t.timestamp())
                .or(slots.last().map(|s| s.end))
                .unwrap_or_default();
            if start >= end {
                return Err(ApiError::invalid("until", "must be after from"));
            }
            Some(Interval { start, end })
        }
    };
    let actor = actor(&session);
    let join = Join {
        teacher_id: input.teacher_id,
        student_id: input.student_id,
        window,
    };
    let entry_id = state.booker().join_waitlist(&actor, &record, join).await?;
    let entry = family_entries(&state, &session, id)
        .await?
        .into_iter()
        .find(|e| e.id == entry_id)
        .ok_or(ApiError::NotFound)?;
    Ok((StatusCode::CREATED, Json(entry)).into_response())
}

/// The signed-in guardian's children's places in this evening's lines,
/// each with how many families are ahead and any time held for them.
#[utoipa::path(
    get, path = "/api/evenings/{id}/waitlist", tag = "waitlist", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<WaitlistEntry>), (status = 404, body = ErrorBody))
)]
pub async fn mine(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<Vec<WaitlistEntry>>> {
    visible_evening(&state, &session, id).await?;
    Ok(Json(family_entries(&state, &session, id).await?))
}

/// Books the time held for the family: it becomes their appointment (every
/// booking rule checked again). Accepting twice answers the same booking.
#[utoipa::path(
    post, path = "/api/waitlist/{id}/accept", tag = "waitlist", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 201, description = "The appointment", body = confero_core::dto::Booking),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The offer has ended, or a rule now says no", body = ErrorBody),
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Response> {
    let actor = actor(&session);
    let booking_id = state.booker().accept_offer(&actor, id).await?;
    let booking = view(&state, session.school_id, booking_id).await?;
    Ok((StatusCode::CREATED, booking).into_response())
}

/// Leaves the line; a time held for the family is declined and goes to the
/// next family at once. Leaving twice changes nothing.
#[utoipa::path(
    delete, path = "/api/waitlist/{id}", tag = "waitlist", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "Left"), (status = 404, body = ErrorBody))
)]
pub async fn leave(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<StatusCode> {
    let actor = actor(&session);
    state.booker().leave_waitlist(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
