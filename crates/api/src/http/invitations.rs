//! Invitations: admins invite people from the roster by email (one person,
//! or everyone who cannot sign in yet); the invitee chooses a password with
//! the link's code and lands signed in.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use chrono::{TimeZone as _, Utc};
use confero_core::dto::{AcceptInvitation, BulkInvited, InvitationSent, SessionCreated};
use confero_core::{ErrorBody, NewPassword, Role};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiPath, AuthSession, IdParam};
use super::session::{open_session, user_agent};
use super::AppState;
use crate::accounts;
use crate::storage::codes::{self, purpose};
use crate::storage::{audit, people, schools};

fn instant(at: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(at, 0).single().unwrap_or_default()
}

/// A school's card, or 404.
pub async fn school_card(state: &AppState, school_id: i64) -> ApiResult<schools::Card> {
    schools::card(&state.db, school_id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Invites one person of the school (again): any earlier invitation stops working.
#[utoipa::path(
    post, path = "/api/people/{id}/invitation", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 201, body = InvitationSent),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "They can sign in already, or are disabled", body = ErrorBody),
    )
)]
pub async fn invite(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<(StatusCode, Json<InvitationSent>)> {
    session.require_any(&[Role::Admin])?;
    let person = people::account_of(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if person.has_password {
        return Err(ApiError::Conflict("they can sign in already".into()));
    }
    if person.disabled {
        return Err(ApiError::Conflict("their account is disabled".into()));
    }
    let school = school_card(&state, session.school_id).await?;
    let now = state.clock.now().timestamp();
    let mut tx = state.db.writer.begin().await?;
    let expires_at = accounts::invite(
        &mut tx,
        &state.mail,
        &school,
        &person,
        Some(session.person_id),
        now,
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok((
        StatusCode::CREATED,
        Json(InvitationSent {
            person_id: id,
            expires_at: instant(expires_at),
        }),
    ))
}

/// Withdraws a person's open invitation.
#[utoipa::path(
    delete, path = "/api/people/{id}/invitation", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "The link no longer works"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn revoke(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<StatusCode> {
    session.require_any(&[Role::Admin])?;
    people::account_of(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut conn = state.db.writer.acquire().await?;
    let revoked = codes::revoke_open(
        &mut conn,
        id,
        purpose::INVITATION,
        state.clock.now().timestamp(),
    )
    .await?;
    if revoked == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Invites everyone of the school who cannot sign in yet and has no open invitation.
#[utoipa::path(
    post, path = "/api/invitations", tag = "people", security(("bearer" = [])),
    responses((status = 200, body = BulkInvited), (status = 403, body = ErrorBody))
)]
pub async fn invite_everyone(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<BulkInvited>> {
    session.require_any(&[Role::Admin])?;
    let school = school_card(&state, session.school_id).await?;
    let now = state.clock.now().timestamp();
    let ids = people::uninvited(&state.db, session.school_id, now).await?;
    let mut invited = 0;
    // In batches, so a school of thousands does not hold the writer for long.
    for batch in ids.chunks(200) {
        let mut tx = state.db.writer.begin().await?;
        for id in batch {
            let Some(person) = people::account_of(&state.db, session.school_id, *id).await? else {
                continue;
            };
            accounts::invite(
                &mut tx,
                &state.mail,
                &school,
                &person,
                Some(session.person_id),
                now,
            )
            .await?;
            invited += 1;
        }
        tx.commit().await?;
        state.mail_wake.notify_one();
    }
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "invite_everyone",
        &format!("{invited} people"),
        now,
    )
    .await?;
    Ok(Json(BulkInvited { invited }))
}

/// Chooses a password with an invitation's code and signs in.
#[utoipa::path(
    post, path = "/api/invitations/accept", tag = "session",
    request_body = AcceptInvitation,
    responses(
        (status = 201, description = "Password set; signed in", body = SessionCreated),
        (status = 422, description = "The code is not valid (used, withdrawn or expired), or the password is unacceptable", body = ErrorBody),
        (status = 503, description = "Busy: retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AcceptInvitation>,
) -> ApiResult<(StatusCode, Json<SessionCreated>)> {
    let password = NewPassword::parse(&body.password)
        .map_err(|error| ApiError::invalid("password", error.to_string()))?;
    let now = state.clock.now().timestamp();
    let invalid = || ApiError::invalid("code", "this link has been used, withdrawn or has expired");
    let code = codes::find_open(
        &state.db,
        &accounts::hash(&body.code),
        purpose::INVITATION,
        now,
    )
    .await?
    .ok_or_else(invalid)?;
    let person_id = code.person_id.ok_or_else(invalid)?;
    let person = people::account_of(&state.db, code.school_id, person_id)
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
    tx.commit().await?;
    tracing::info!(person_id = person.id, "invitation accepted");
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
