//! The school's people, for admins: search and filter, and turn an account
//! off and on. (Invitations are in `invitations.rs`.)

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{TimeZone as _, Utc};
use confero_core::dto::{AccountState, PeoplePage, PersonSummary};
use confero_core::{ErrorBody, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::extract::{search_term, ApiPath, ApiQuery, AuthSession, IdParam};
use super::AppState;
use crate::live::LiveEvent;
use crate::storage::audit;
use crate::storage::people::{self, PeopleFilter};

/// Filters and paging for the list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PeopleQuery {
    /// Part of a name or email.
    pub q: Option<String>,
    pub role: Option<Role>,
    pub state: Option<AccountState>,
    /// From 1.
    pub page: Option<u32>,
    /// 1 to 200; default 50.
    pub per_page: Option<u32>,
}

/// The school's people (everyone with a role), by family name.
#[utoipa::path(
    get, path = "/api/people", tag = "people", security(("bearer" = [])),
    params(PeopleQuery),
    responses((status = 200, body = PeoplePage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    session: AuthSession,
    ApiQuery(query): ApiQuery<PeopleQuery>,
) -> ApiResult<Json<PeoplePage>> {
    session.require_any(&[Role::Admin])?;
    let per_page = query.per_page.unwrap_or(50);
    if !(1..=200).contains(&per_page) {
        return Err(ApiError::invalid("per_page", "must be 1 to 200"));
    }
    let page = query.page.unwrap_or(1).max(1);
    let search = search_term(query.q.as_deref())?;
    let filter = PeopleFilter {
        search: search.map(str::to_owned),
        role: query.role,
        state: query.state.map(|s| s.as_str().to_owned()),
    };
    let now = state.clock.now().timestamp();
    let (listed, total) = people::list(
        &state.db,
        session.school_id,
        &filter,
        now,
        i64::from(per_page),
        i64::from(page - 1) * i64::from(per_page),
    )
    .await?;
    let people = listed
        .into_iter()
        .map(|p| PersonSummary {
            state: if p.disabled {
                AccountState::Disabled
            } else if p.has_password {
                AccountState::Active
            } else if p.invited_until.is_some() {
                AccountState::Invited
            } else {
                AccountState::NotInvited
            },
            id: p.id,
            title: p.title,
            given_name: p.given_name,
            family_name: p.family_name,
            email: p.email,
            roles: p.roles,
            invited_until: p
                .invited_until
                .and_then(|at| Utc.timestamp_opt(at, 0).single()),
            erasure_requested_at: p
                .erasure_requested_at
                .and_then(|at| Utc.timestamp_opt(at, 0).single()),
        })
        .collect();
    Ok(Json(PeoplePage {
        people,
        total,
        page,
        per_page,
    }))
}

/// Disables an account: it cannot sign in, and its sessions (live sockets
/// included) end at once.
#[utoipa::path(
    post, path = "/api/people/{id}/disable", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "Disabled"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Admins cannot disable themselves", body = ErrorBody))
)]
pub async fn disable(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<StatusCode> {
    session.require_any(&[Role::Admin])?;
    if id == session.person_id {
        return Err(ApiError::Conflict(
            "you cannot disable your own account".into(),
        ));
    }
    people::account_of(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let now = state.clock.now().timestamp();
    people::disable(&state.db, session.school_id, id, now).await?;
    state
        .live
        .announce(
            &state.db,
            vec![LiveEvent::Sessions {
                school_id: session.school_id,
                person_id: id,
            }],
        )
        .await;
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "disable_account",
        &format!("person {id}"),
        now,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lets a disabled account sign in again.
#[utoipa::path(
    post, path = "/api/people/{id}/enable", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 204, description = "Enabled"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn enable(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<StatusCode> {
    session.require_any(&[Role::Admin])?;
    people::account_of(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    people::enable(&state.db, session.school_id, id).await?;
    let now = state.clock.now().timestamp();
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "enable_account",
        &format!("person {id}"),
        now,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
