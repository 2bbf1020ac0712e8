//! Calendar files (RFC 5545): one appointment, or all of mine.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use confero_core::{ErrorBody, Role};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::http::bookings::actor;
use crate::mail::ics::{self, SchoolCard};
use crate::mail::worker;
use crate::storage::bookings::{self, Scope};
use crate::storage::schools;
use crate::zone::SchoolZone;

/// The school as a calendar file describes it, and its zone.
async fn school_card(state: &AppState, school_id: i64) -> ApiResult<(Tz, SchoolCard)> {
    let card = schools::card(&state.db, school_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let zone = SchoolZone::named(&card.time_zone)?.0;
    Ok((
        zone,
        SchoolCard {
            name: card.name,
            address: card.address,
        },
    ))
}

fn ics_response(calendar: String, filename: &str) -> Response {
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
        calendar,
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
    let actor = actor(&session);
    state.booker().visible(&actor, id).await?;
    let (zone, school) = school_card(&state, session.school_id).await?;
    let detail = bookings::detail_of(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if detail.row.status == "cancelled" {
        return Err(ApiError::NotFound);
    }
    let calendar = ics::calendar(
        zone,
        &school,
        &detail.evening_name,
        &[worker::appointment(&detail)],
        state.clock.now().timestamp(),
    );
    Ok(ics_response(calendar, &format!("appointment-{id}.ics")))
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
    let (zone, school) = school_card(&state, session.school_id).await?;
    let appointments: Vec<_> = bookings::list_details(&state.db, session.school_id, None, scope)
        .await?
        .iter()
        .map(worker::appointment)
        .collect();
    let calendar = ics::calendar(
        zone,
        &school,
        "Confero appointments",
        &appointments,
        state.clock.now().timestamp(),
    );
    Ok(ics_response(calendar, "appointments.ics"))
}
