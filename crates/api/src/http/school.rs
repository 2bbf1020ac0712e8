//! `GET /api/school/summary`: the admin's overview.

use axum::extract::State;
use axum::Json;
use confero_core::dto::SchoolSummary;
use confero_core::{ErrorBody, Role};

use super::error::{ApiError, ApiResult};
use super::extract::AuthSession;
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
