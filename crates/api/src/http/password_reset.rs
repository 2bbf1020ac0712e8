//! Forgotten passwords: a link by email (one hour, single use); choosing the
//! new password signs out every session. The answer to a request is the same
//! whether or not the email has an account, and requests are throttled per
//! email like sign-ins.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use confero_core::dto::{PasswordResetComplete, PasswordResetRequest, SessionCreated};
use confero_core::{Email, ErrorBody, NewPassword};

use super::error::{ApiError, ApiResult};
use super::extract::ApiJson;
use super::invitations::school_card;
use super::session::{open_session, user_agent};
use super::AppState;
use crate::accounts::{self, Code};
use crate::auth::throttle;
use crate::live::LiveEvent;
use crate::mail::compose;
use crate::storage::codes::{self, purpose, NewCode};
use crate::storage::{people, sessions};

/// Emails a link to choose a new password, if the address has an account.
#[utoipa::path(
    post, path = "/api/password-resets", tag = "session",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the address has an account, a link is on its way"),
        (status = 422, body = ErrorBody),
        (status = 429, description = "Too many requests for this address: wait `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn request(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> ApiResult<StatusCode> {
    let email =
        Email::parse(&body.email).map_err(|error| ApiError::invalid("email", error.to_string()))?;
    let now = state.clock.now().timestamp();
    let wait = throttle::admit(&state.db, &format!("reset:{}", email.as_str()), now).await?;
    if wait > 0 {
        return Err(ApiError::TooManyAttempts(wait));
    }
    let Some(person) = people::account_by_email(&state.db, email.as_str()).await? else {
        return Ok(StatusCode::ACCEPTED);
    };
    if person.disabled {
        return Ok(StatusCode::ACCEPTED);
    }
    let school = school_card(&state, person.school_id).await?;
    let code = Code::generate();
    let mut tx = state.db.writer.begin().await?;
    codes::revoke_open(&mut tx, person.id, purpose::PASSWORD_RESET, now).await?;
    codes::insert(
        &mut tx,
        &NewCode {
            school_id: person.school_id,
            purpose: purpose::PASSWORD_RESET,
            person_id: Some(person.id),
            join_request_id: None,
            code_hash: &code.hash,
            created_by: None,
            expires_at: now + accounts::RESET_SECS,
        },
        now,
    )
    .await?;
    let link = state.mail.link(&format!("/reset#code={}", code.code));
    let rendered = compose::password_reset(&school.name, &person.name, &link);
    accounts::queue(
        &mut tx,
        person.school_id,
        Some(person.id),
        (&person.email, &person.name),
        "password_reset",
        rendered,
        now,
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(StatusCode::ACCEPTED)
}

/// Chooses the new password with the emailed code: every session ends, and
/// a new one starts here.
#[utoipa::path(
    post, path = "/api/password-resets/complete", tag = "session",
    request_body = PasswordResetComplete,
    responses(
        (status = 201, description = "Password changed; every other session ended; signed in", body = SessionCreated),
        (status = 422, description = "The code is not valid (used or expired), or the password is unacceptable", body = ErrorBody),
        (status = 503, description = "Busy: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn complete(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordResetComplete>,
) -> ApiResult<(StatusCode, Json<SessionCreated>)> {
    let password = NewPassword::parse(&body.password)
        .map_err(|error| ApiError::invalid("password", error.to_string()))?;
    let now = state.clock.now().timestamp();
    let invalid = || ApiError::invalid("code", "this link has been used or has expired");
    let code = codes::find_open(
        &state.db,
        &accounts::hash(&body.code),
        purpose::PASSWORD_RESET,
        now,
    )
    .await?
    .ok_or_else(invalid)?;
    let person = people::account_of(
        &state.db,
        code.school_id,
        code.person_id.ok_or_else(invalid)?,
    )
    .await?
    .ok_or_else(invalid)?;
    if person.disabled {
        return Err(invalid());
    }
    let hash = state.hashing.hash(password.expose().to_owned()).await?;
    let mut tx = state.db.writer.begin().await?;
    if !codes::use_once(&mut tx, code.id, now).await? {
        return Err(invalid());
    }
    people::set_password(&mut tx, person.id, &hash).await?;
    let ended = sessions::revoke_all_except(&mut tx, person.id, "", now).await?;
    tx.commit().await?;
    state
        .live
        .announce(
            &state.db,
            vec![LiveEvent::Sessions {
                school_id: person.school_id,
                person_id: person.id,
            }],
        )
        .await;
    tracing::info!(
        person_id = person.id,
        ended_sessions = ended,
        "password reset"
    );
    let created = open_session(
        &state,
        person.school_id,
        person.id,
        body.remember,
        user_agent(&headers),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}
