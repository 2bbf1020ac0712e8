//! Calendar files (RFC 5545): one appointment, or all of mine.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::{TimeZone as _, Utc};
use confero_core::{ErrorBody, Role};
use icalendar::{Calendar, Component as _, Event, EventLike as _};

use super::error::{ApiError, ApiResult};
use super::evenings::zone_of;
use super::extract::{ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::http::bookings::actor;
use crate::storage::bookings::{self, BookingDetail, Scope};
use crate::zone::SchoolZone;

/// Text for a content line. Inputs are checked for control characters where
/// they enter, but the icalendar crate does not escape a bare `\r`, so a
/// stray one (from an import, an older row) must not start a new line here.
fn flatten(text: &str) -> String {
    confero_core::text::flatten(text)
}

fn event(zone: &SchoolZone, detail: &BookingDetail, now: i64) -> Event {
    let row = &detail.row;
    let local = |at: i64| {
        Utc.timestamp_opt(at, 0)
            .single()
            .unwrap_or_default()
            .with_timezone(&zone.0)
            .naive_local()
    };
    let mut event = Event::new();
    event
        .uid(&format!("booking-{}@confero", row.id))
        .timestamp(Utc.timestamp_opt(now, 0).single().unwrap_or_default())
        .starts((local(row.span.start), zone.0))
        .ends((local(row.span.end), zone.0))
        .summary(&flatten(&format!(
            "{} with {} about {}",
            detail.evening_name, detail.teacher_name, detail.student_name
        )));
    match (detail.mode.as_str(), &detail.video_link, &row.room) {
        ("video", Some(link), _) => {
            event.location(&flatten(link)).url(&flatten(link));
        }
        ("phone", _, _) => {
            event.location("By phone: the teacher will call you");
        }
        (_, _, Some(room)) => {
            event.location(&flatten(room));
        }
        _ => {}
    }
    event.done()
}

fn ics_response(calendar: Calendar, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        calendar.to_string(),
    )
        .into_response()
}

/// One appointment as an `.ics` file.
#[utoipa::path(
    get, path = "/api/bookings/{id}/calendar.ics", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "An RFC 5545 calendar", content_type = "text/calendar"), (status = 404, body = ErrorBody))
)]
pub async fn one(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Response> {
    let actor = actor(&state, &session).await?;
    state.booker().visible(&actor, id).await?;
    let zone = zone_of(&state, session.school_id).await?;
    let detail = bookings::detail_of(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if detail.row.status == "cancelled" {
        return Err(ApiError::NotFound);
    }
    let mut calendar = Calendar::new();
    calendar
        .name("Confero")
        .push(event(&zone, &detail, state.clock.now().timestamp()));
    Ok(ics_response(
        calendar.done(),
        &format!("appointment-{id}.ics"),
    ))
}

/// All my active appointments as one `.ics` file: a family's, or a teacher's own.
#[utoipa::path(
    get, path = "/api/bookings/calendar.ics", tag = "bookings", security(("bearer" = [])),
    responses((status = 200, description = "An RFC 5545 calendar", content_type = "text/calendar"), (status = 401, body = ErrorBody))
)]
pub async fn mine(State(state): State<AppState>, session: AuthSession) -> ApiResult<Response> {
    let scope = if session.has(Role::Guardian) {
        Scope::Guardian(session.person_id)
    } else if session.has(Role::Teacher) {
        Scope::Teacher(session.person_id)
    } else {
        return Err(ApiError::Forbidden);
    };
    let zone = zone_of(&state, session.school_id).await?;
    let now = state.clock.now().timestamp();
    let mut calendar = Calendar::new();
    calendar.name("Confero appointments");
    for detail in bookings::list_details(&state.db, session.school_id, None, scope).await? {
        calendar.push(event(&zone, &detail, now));
    }
    Ok(ics_response(calendar.done(), "appointments.ics"))
}
