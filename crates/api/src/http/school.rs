//! The admin's school: head counts, email settings, retention periods.

use axum::extract::State;
use axum::Json;
use confero_core::dto::{EveningChoices, RetentionSettings, SchoolSettings, SchoolSummary};
use confero_core::{ErrorBody, Line, Role};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, AuthSession};
use super::AppState;
use crate::storage::{self, audit, retention, schools};

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

/// How long the school keeps a parent whose children have all left (after
/// their last sign-in) and its data after closing.
#[utoipa::path(
    get, path = "/api/school/retention", tag = "school", security(("bearer" = [])),
    responses((status = 200, body = RetentionSettings), (status = 403, body = ErrorBody))
)]
pub async fn retention(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<RetentionSettings>> {
    session.require_any(&[Role::Admin])?;
    let (leavers, closed) = retention::periods(&state.db, session.school_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(RetentionSettings {
        keep_leavers_days: u32::try_from(leavers).unwrap_or(365),
        keep_closed_days: u32::try_from(closed).unwrap_or(30),
    }))
}

/// Sets the school's retention periods; the daily purge follows them.
#[utoipa::path(
    put, path = "/api/school/retention", tag = "school", security(("bearer" = [])),
    request_body = RetentionSettings,
    responses((status = 200, body = RetentionSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn set_retention(
    State(state): State<AppState>,
    session: AuthSession,
    ApiJson(input): ApiJson<RetentionSettings>,
) -> ApiResult<Json<RetentionSettings>> {
    session.require_any(&[Role::Admin])?;
    if !(30..=3650).contains(&input.keep_leavers_days) {
        return Err(ApiError::invalid(
            "keep_leavers_days",
            "must be 30 to 3,650 days",
        ));
    }
    if input.keep_closed_days > 365 {
        return Err(ApiError::invalid(
            "keep_closed_days",
            "must be 0 to 365 days",
        ));
    }
    retention::set_periods(
        &state.db,
        session.school_id,
        i64::from(input.keep_leavers_days),
        i64::from(input.keep_closed_days),
    )
    .await?;
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "retention_changed",
        &format!(
            "leavers kept {} days, data after closing {} days",
            input.keep_leavers_days, input.keep_closed_days
        ),
        state.clock.now().timestamp(),
    )
    .await?;
    Ok(Json(input))
}

/// The year groups and classes an evening can be for.
#[utoipa::path(
    get, path = "/api/school/evening-choices", tag = "school", security(("bearer" = [])),
    responses((status = 200, body = EveningChoices), (status = 403, body = ErrorBody))
)]
pub async fn evening_choices(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<EveningChoices>> {
    session.require_any(&[Role::Admin])?;
    Ok(Json(
        storage::audiences::choices(&state.db, session.school_id).await?,
    ))
}
