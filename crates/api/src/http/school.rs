//! `GET /api/school/summary`: the admin's overview.

use axum::extract::State;
use axum::Json;
use confero_core::dto::{SchoolSettings, SchoolSummary};
use confero_core::{ErrorBody, Line, Role};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, AuthSession};
use super::AppState;
use crate::storage::schools;

/// Head counts of the session's school.
#[utoipa::path(
    get, path = "/api/school/summary", tag = "school",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Head counts", body = SchoolSummary),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn summary(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<SchoolSummary>> {
    session.require_any(&[Role::Admin])?;
    let school = schools::info(&state.db, session.school_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(schools::summary(&state.db, school).await?))
}

/// What emails say about the school, and when families are reminded.
#[utoipa::path(
    get, path = "/api/school/settings", tag = "school", security(("bearer" = [])),
    responses((status = 200, body = SchoolSettings), (status = 403, body = ErrorBody))
)]
pub async fn settings(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<SchoolSettings>> {
    session.require_any(&[Role::Admin])?;
    let (address, hours) = schools::settings(&state.db, session.school_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(SchoolSettings {
        address,
        reminder_hours: u32::try_from(hours).unwrap_or(24),
    }))
}

/// Sets the school's address (for emails and calendar files) and how many
/// hours before their appointments families are reminded.
#[utoipa::path(
    put, path = "/api/school/settings", tag = "school", security(("bearer" = [])),
    request_body = SchoolSettings,
    responses((status = 200, body = SchoolSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn set_settings(
    State(state): State<AppState>,
    session: AuthSession,
    ApiJson(input): ApiJson<SchoolSettings>,
) -> ApiResult<Json<SchoolSettings>> {
    session.require_any(&[Role::Admin])?;
    let address = Line::parse_optional(input.address.as_deref(), 200)
        .map_err(|error| ApiError::invalid("address", error.to_string()))?;
    if !(1..=168).contains(&input.reminder_hours) {
        return Err(ApiError::invalid(
            "reminder_hours",
            "must be 1 to 168 hours",
        ));
    }
    let mut conn = state.db.writer.acquire().await?;
    schools::set_settings(
        &mut conn,
        session.school_id,
        address.as_ref().map(Line::as_str),
        i64::from(input.reminder_hours),
    )
    .await?;
    Ok(Json(SchoolSettings {
        address: address.map(Line::into_string),
        reminder_hours: input.reminder_hours,
    }))
}
