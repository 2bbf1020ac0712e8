//! `GET /api/health`.

use axum::extract::State;
use axum::Json;
use confero_core::dto::Health;

use super::error::{ApiError, ApiResult};
use super::AppState;

/// Whether the API is up and its database answers.
#[utoipa::path(
    get, path = "/api/health", tag = "service",
    responses(
        (status = 200, description = "Up, and the database answers", body = Health),
        (status = 503, description = "The database does not answer", body = confero_core::ErrorBody),
    )
)]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    state.db.ping().await.map_err(|error| {
        tracing::warn!(error = %error, "health check: database did not answer");
        ApiError::Unavailable
    })?;
    Ok(Json(Health {
        status: "ok".into(),
        database: state.db.engine.name().into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}
