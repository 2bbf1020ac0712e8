//! `POST /api/session` (sign in) and `DELETE /api/session` (sign out).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use chrono::{TimeZone as _, Utc};
use confero_core::dto::{SessionCreated, SignIn};
use confero_core::{Email, ErrorBody, NewPassword};

use super::device;
use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, AuthSession};
use super::me::load_me;
use super::AppState;
use crate::auth::{throttle, token};
use crate::live::LiveEvent;
use crate::storage::{people, sessions, throttle as attempts};

/// Signs in with email and password and returns a bearer token.
///
/// An unknown email and a wrong password get the same answer after the same
/// work (a full argon2 verification either way). After repeated failures for
/// an email, attempts are refused with 429 and `Retry-After` for a while.
/// When every password check the server allows at once is busy, the answer
/// is 503 with `Retry-After`.
#[utoipa::path(
    post, path = "/api/session", tag = "session",
    request_body = SignIn,
    responses(
        (status = 201, description = "Signed in", body = SessionCreated),
        (status = 401, description = "Email and password do not match", body = ErrorBody),
        (status = 422, description = "A field is missing or invalid", body = ErrorBody),
        (status = 429, description = "Too many failures: wait `Retry-After` seconds", body = ErrorBody),
        (status = 503, description = "Busy checking other passwords: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> ApiResult<(StatusCode, Json<SessionCreated>)> {
    let email =
        Email::parse(&body.email).map_err(|error| ApiError::invalid("email", error.to_string()))?;
    if body.password.is_empty() {
        return Err(ApiError::invalid("password", "is required"));
    }
    if body.password.chars().count() > NewPassword::MAX_CHARS {
        return Err(ApiError::invalid("password", "is too long"));
    }
    let now = state.clock.now().timestamp();
    let wait = throttle::admit(&state.db, email.as_str(), now).await?;
    if wait > 0 {
        return Err(ApiError::TooManyAttempts(wait));
    }

    let account = people::find_login(&state.db, email.as_str()).await?;
    let stored_hash = account
        .as_ref()
        .and_then(|account| account.password_hash.clone())
        .unwrap_or_else(|| state.dummy_hash.to_string());
    let matches = match state.hashing.verify(body.password, stored_hash).await {
        Ok(matches) => matches,
        Err(error) => {
            // Never checked, so it was no guess: take the attempt back.
            attempts::uncount(&state.db, email.as_str()).await?;
            return Err(error.into());
        }
    };
    let account = match account {
        Some(account) if matches && account.password_hash.is_some() && !account.disabled => account,
        _ => return Err(ApiError::InvalidCredentials),
    };
    attempts::clear(&state.db, email.as_str()).await?;
    let created = open_session(
        &state,
        account.school_id,
        account.id,
        body.remember,
        user_agent(&headers),
    )
    .await?;
    tracing::info!(
        person_id = account.id,
        school_id = account.school_id,
        remember = body.remember,
        "signed in"
    );
    Ok((StatusCode::CREATED, Json(created)))
}

/// The `User-Agent` a request came with, if it is readable.
pub fn user_agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
}

/// Starts a session for a person who has just proven who they are (a
/// password, an invitation, a reset link) and returns what the client keeps.
pub async fn open_session(
    state: &AppState,
    school_id: i64,
    person_id: i64,
    remember: bool,
    user_agent: Option<&str>,
) -> ApiResult<SessionCreated> {
    let now = state.clock.now().timestamp();
    let token = token::generate();
    let public_id = token::generate()[..16].to_owned();
    let expires_at = now
        + if remember {
            state.config.remember_secs()
        } else {
            state.config.lifetime_secs()
        };
    let session = sessions::NewSession {
        token_hash: &token::hash(&token),
        public_id: &public_id,
        person_id,
        school_id,
        expires_at,
        persistent: remember,
        device: &device::name(user_agent),
    };
    sessions::insert(&state.db, &session, now).await?;
    let user = load_me(state, school_id, person_id).await?;
    Ok(SessionCreated {
        token,
        expires_at: Utc
            .timestamp_opt(expires_at, 0)
            .single()
            .unwrap_or_default(),
        idle_timeout_secs: if remember {
            0
        } else {
            state.config.idle_timeout_secs()
        },
        remember,
        user,
    })
}

/// Signs out: the token is revoked on the server at once.
#[utoipa::path(
    delete, path = "/api/session", tag = "session",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out; the token no longer works"),
        (status = 401, description = "No valid session", body = ErrorBody),
    )
)]
pub async fn sign_out(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<StatusCode> {
    sessions::revoke(
        &state.db,
        &session.token_hash,
        state.clock.now().timestamp(),
    )
    .await?;
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
    tracing::info!(person_id = session.person_id, "signed out");
    Ok(StatusCode::NO_CONTENT)
}
