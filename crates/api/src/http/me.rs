//! `GET /api/me` and `PUT /api/me/password`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use confero_core::dto::{ChangePassword, Me, SessionInfo};
use confero_core::{ErrorBody, NewPassword, Role};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiPath, AuthSession};
use super::AppState;
use crate::auth::throttle;
use crate::live::LiveEvent;
use crate::storage::{people, schools, sessions, throttle as attempts};

/// Everything the signed-in person's home page shows.
pub async fn load_me(state: &AppState, school_id: i64, person_id: i64) -> ApiResult<Me> {
    let profile = people::profile(&state.db, school_id, person_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let school = schools::info(&state.db, school_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let roles = people::roles(&state.db, person_id).await?;
    let children = if roles.contains(&Role::Guardian) {
        people::children(&state.db, school_id, person_id).await?
    } else {
        Vec::new()
    };
    let classes = if roles.contains(&Role::Teacher) {
        people::classes_taught(&state.db, school_id, person_id).await?
    } else {
        Vec::new()
    };
    Ok(Me {
        id: profile.id,
        email: profile.email,
        title: profile.title,
        given_name: profile.given_name,
        family_name: profile.family_name,
        roles,
        school,
        children,
        classes,
    })
}

/// The signed-in person, their school, their children (guardians) and classes (teachers).
#[utoipa::path(
    get, path = "/api/me", tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in person", body = Me),
        (status = 401, description = "No valid session", body = ErrorBody),
    )
)]
pub async fn me(State(state): State<AppState>, session: AuthSession) -> ApiResult<Json<Me>> {
    load_me(&state, session.school_id, session.person_id)
        .await
        .map(Json)
}

/// Changes one's own password. Every other session of the account is revoked;
/// the one making the change stays signed in.
#[utoipa::path(
    put, path = "/api/me/password", tag = "me",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; other sessions revoked"),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 422, description = "Wrong current password, or the new one is unacceptable", body = ErrorBody),
        (status = 429, description = "Too many wrong current passwords", body = ErrorBody),
        (status = 503, description = "Busy checking other passwords: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    session: AuthSession,
    ApiJson(body): ApiJson<ChangePassword>,
) -> ApiResult<StatusCode> {
    let new_password = NewPassword::parse(&body.new_password)
        .map_err(|error| ApiError::invalid("new_password", error.to_string()))?;
    let profile = people::profile(&state.db, session.school_id, session.person_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let now = state.clock.now().timestamp();
    // Guessing the current password from a stolen session is throttled like sign-in.
    let wait = throttle::admit(&state.db, &profile.email, now).await?;
    if wait > 0 {
        return Err(ApiError::TooManyAttempts(wait));
    }
    let stored = people::password_hash(&state.db, session.school_id, session.person_id)
        .await?
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let checked = state
        .hashing
        .verify_then_hash(
            body.current_password,
            stored,
            new_password.expose().to_owned(),
        )
        .await;
    let new_hash = match checked {
        Ok(Some(new_hash)) => new_hash,
        Ok(None) => {
            return Err(ApiError::invalid(
                "current_password",
                "is not your current password",
            ))
        }
        Err(error) => {
            attempts::uncount(&state.db, &profile.email).await?;
            return Err(error.into());
        }
    };
    attempts::clear(&state.db, &profile.email).await?;
    let mut tx = state.db.writer.begin().await?;
    people::set_password_hash(&mut tx, session.school_id, session.person_id, &new_hash).await?;
    let revoked =
        sessions::revoke_all_except(&mut tx, session.person_id, &session.token_hash, now).await?;
    tx.commit().await?;
    state
        .live
        .announce(
            &state.db,
            vec![LiveEvent::Sessions {
                school_id: session.school_id,
                person_id: session.person_id,
            }],
        )
        .await;
    tracing::info!(
        person_id = session.person_id,
        revoked_sessions = revoked,
        "password changed"
    );
    Ok(StatusCode::NO_CONTENT)
}

pub fn instant(at: i64) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone as _;
    chrono::Utc
        .timestamp_opt(at, 0)
        .single()
        .unwrap_or_default()
}

/// The signed-in person's sessions: this one and every other device still
/// signed in, most recently used first.
#[utoipa::path(
    get, path = "/api/me/sessions", tag = "me",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<SessionInfo>), (status = 401, body = ErrorBody))
)]
pub async fn sessions_list(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<Vec<SessionInfo>>> {
    session_infos(&state, &session).await.map(Json)
}

/// The person's sessions as they are shown to them (never the tokens).
pub async fn session_infos(state: &AppState, session: &AuthSession) -> ApiResult<Vec<SessionInfo>> {
    let now = state.clock.now().timestamp();
    let listed = sessions::list_for(&state.db, session.person_id, now).await?;
    Ok(listed
        .into_iter()
        .map(|s| SessionInfo {
            current: s.token_hash == session.token_hash,
            id: s.public_id,
            device: s.device,
            remember: s.persistent,
            signed_in_at: instant(s.created_at),
            last_used_at: instant(s.last_seen_at),
            expires_at: instant(s.expires_at),
        })
        .collect())
}

/// The `{id}` of one of my sessions.
#[derive(Debug, serde::Deserialize)]
pub struct SessionPath {
    pub id: String,
}

/// Signs out one of my sessions (another device, or this one).
#[utoipa::path(
    delete, path = "/api/me/sessions/{id}", tag = "me",
    security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 204, description = "That session no longer works"), (status = 404, body = ErrorBody))
)]
pub async fn sessions_revoke(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(SessionPath { id }): ApiPath<SessionPath>,
) -> ApiResult<StatusCode> {
    let now = state.clock.now().timestamp();
    if !sessions::revoke_listed(&state.db, session.person_id, &id, now).await? {
        return Err(ApiError::NotFound);
    }
    state
        .live
        .announce(
            &state.db,
            vec![LiveEvent::Sessions {
                school_id: session.school_id,
                person_id: session.person_id,
            }],
        )
        .await;
    Ok(StatusCode::NO_CONTENT)
}
