//! Joining a school from outside the roster: a parent asks (naming their
//! children), confirms their email by a link, and the school's gatekeepers
//! match the request to the roster and approve it — which sends an
//! invitation to choose a password — or reject it with a reason. No account
//! exists, and nothing of the school is visible, until a request is approved.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{TimeZone as _, Utc};
use confero_core::dto::{
    ApproveJoin, ConfirmJoin, JoinChild, JoinRequestInput, JoinRequestView, JoinStatus,
    PublicSchool, RejectJoin, RosterMatch,
};
use confero_core::{Email, ErrorBody, Line, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiPath, ApiQuery, AuthSession, IdParam};
use super::invitations::school_card;
use super::AppState;
use crate::accounts::{self, Code, Welcome};
use crate::auth::throttle;
use crate::mail::compose;
use crate::storage::codes::{self, purpose, NewCode};
use crate::storage::join_requests::{self, JoinRow, NewRequest, Transition};
use crate::storage::people::{self, NewPerson};
use crate::storage::{audit, roster, schools};

fn line(field: &str, raw: &str, max: usize) -> ApiResult<String> {
    Line::parse(raw, max)
        .map(Line::into_string)
        .map_err(|error| ApiError::invalid(field, error.to_string()))
}

/// What the join page shows of a school.
#[utoipa::path(
    get, path = "/api/schools/{id}/public", tag = "join",
    params(("id" = i64, Path)),
    responses((status = 200, body = PublicSchool), (status = 404, body = ErrorBody))
)]
pub async fn public_school(
    State(state): State<AppState>,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<PublicSchool>> {
    let school = schools::info(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(PublicSchool {
        id: school.id,
        name: school.name,
    }))
}

/// Asks to join a school. The answer is the same whatever the address; a
/// confirmation link goes to it, and nothing happens until it is followed.
#[utoipa::path(
    post, path = "/api/schools/{id}/join-requests", tag = "join",
    params(("id" = i64, Path)), request_body = JoinRequestInput,
    responses(
        (status = 202, description = "A confirmation link is on its way"),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, description = "Too many requests for this address", body = ErrorBody),
    )
)]
pub async fn ask(
    State(state): State<AppState>,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<JoinRequestInput>,
) -> ApiResult<StatusCode> {
    let given = line("given_name", &input.given_name, 100)?;
    let family = line("family_name", &input.family_name, 100)?;
    let email = Email::parse(&input.email)
        .map_err(|error| ApiError::invalid("email", error.to_string()))?;
    if input.children.is_empty() || input.children.len() > 10 {
        return Err(ApiError::invalid("children", "name 1 to 10 children"));
    }
    let mut children = Vec::new();
    for (i, child) in input.children.iter().enumerate() {
        children.push(JoinChild {
            name: line(&format!("children[{i}].name"), &child.name, 100)?,
            class_name: line(&format!("children[{i}].class_name"), &child.class_name, 60)?,
        });
    }
    let school = school_card(&state, id).await?;
    let now = state.clock.now().timestamp();
    // Nobody may fill a stranger's inbox with confirmation links.
    let wait = throttle::admit(&state.db, &format!("join:{}", email.as_str()), now).await?;
    if wait > 0 {
        return Err(ApiError::TooManyAttempts(wait));
    }
    let children_json = serde_json::to_string(&children).map_err(ApiError::internal)?;
    let code = Code::generate();
    let mut tx = state.db.writer.begin().await?;
    let request_id = join_requests::insert(
        &mut tx,
        &NewRequest {
            school_id: id,
            email: email.as_str(),
            given_name: &given,
            family_name: &family,
            children: &children_json,
        },
        now,
    )
    .await?;
    codes::insert(
        &mut tx,
        &NewCode {
            school_id: id,
            purpose: purpose::JOIN_CONFIRMATION,
            person_id: None,
            join_request_id: Some(request_id),
            code_hash: &code.hash,
            created_by: None,
            expires_at: now + accounts::JOIN_CONFIRMATION_SECS,
        },
        now,
    )
    .await?;
    let name = format!("{given} {family}");
    let link = state
        .mail
        .link(&format!("/join/confirm#code={}", code.code));
    let rendered = compose::join_confirmation(&school.name, &name, &link);
    accounts::queue(
        &mut tx,
        id,
        None,
        (email.as_str(), &name),
        "join_confirmation",
        rendered,
        now,
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    Ok(StatusCode::ACCEPTED)
}

/// Confirms a join request's email address; it then waits for the school.
#[utoipa::path(
    post, path = "/api/join-requests/confirm", tag = "join",
    request_body = ConfirmJoin,
    responses(
        (status = 200, description = "Confirmed: the school will look at the request", body = PublicSchool),
        (status = 422, description = "The link has been used or has expired", body = ErrorBody),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<ConfirmJoin>,
) -> ApiResult<Json<PublicSchool>> {
    let now = state.clock.now().timestamp();
    let invalid = || ApiError::invalid("code", "this link has been used or has expired");
    let code = codes::find_open(
        &state.db,
        &accounts::hash(&input.code),
        purpose::JOIN_CONFIRMATION,
        now,
    )
    .await?
    .ok_or_else(invalid)?;
    let request_id = code.join_request_id.ok_or_else(invalid)?;
    let mut tx = state.db.writer.begin().await?;
    if !codes::use_once(&mut tx, code.id, now).await? {
        return Err(invalid());
    }
    let waiting = Transition {
        from: JoinStatus::Unconfirmed.as_str(),
        to: JoinStatus::Waiting.as_str(),
        ..Transition::default()
    };
    if !join_requests::transition(&mut tx, request_id, &waiting, now).await? {
        return Err(invalid());
    }
    tx.commit().await?;
    let school = schools::info(&state.db, code.school_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(PublicSchool {
        id: school.id,
        name: school.name,
    }))
}

/// `?status=` picks the requests to list (default: waiting).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct JoinQuery {
    pub status: Option<JoinStatus>,
}

async fn view(state: &AppState, row: JoinRow) -> ApiResult<JoinRequestView> {
    let children: Vec<JoinChild> = serde_json::from_str(&row.children).unwrap_or_default();
    let guardians = people::unclaimed_guardians(
        &state.db,
        row.school_id,
        &row.email,
        &row.family_name.to_lowercase(),
    )
    .await?;
    let mut families: Vec<String> = children
        .iter()
        .filter_map(|c| c.name.split_whitespace().last())
        .map(str::to_lowercase)
        .collect();
    families.push(row.family_name.to_lowercase());
    families.sort();
    families.dedup();
    let students = roster::students_named(&state.db, row.school_id, &families).await?;
    Ok(JoinRequestView {
        id: row.id,
        given_name: row.given_name,
        family_name: row.family_name,
        email: row.email,
        children,
        status: JoinStatus::parse(&row.status).unwrap_or(JoinStatus::Waiting),
        reason: row.reason,
        created_at: Utc
            .timestamp_opt(row.created_at, 0)
            .single()
            .unwrap_or_default(),
        guardian_matches: guardians
            .into_iter()
            .map(|g| RosterMatch {
                id: g.id,
                label: format!("{} <{}> — no account yet", g.name, g.email),
            })
            .collect(),
        student_matches: students
            .into_iter()
            .map(|s| RosterMatch {
                id: s.id,
                label: format!("{} {} ({})", s.given_name, s.family_name, s.year_group),
            })
            .collect(),
    })
}

/// The school's join requests with roster records they may match.
#[utoipa::path(
    get, path = "/api/join-requests", tag = "join", security(("bearer" = [])),
    params(JoinQuery),
    responses((status = 200, body = Vec<JoinRequestView>), (status = 403, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    session: AuthSession,
    ApiQuery(query): ApiQuery<JoinQuery>,
) -> ApiResult<Json<Vec<JoinRequestView>>> {
    session.require_any(&[Role::Admin])?;
    let status = query.status.unwrap_or(JoinStatus::Waiting);
    let mut out = Vec::new();
    for row in join_requests::list(&state.db, session.school_id, status.as_str()).await? {
        out.push(view(&state, row).await?);
    }
    Ok(Json(out))
}

async fn waiting_request(state: &AppState, session: &AuthSession, id: i64) -> ApiResult<JoinRow> {
    let row = join_requests::find(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if row.status != JoinStatus::Waiting.as_str() {
        return Err(ApiError::Conflict(format!(
            "this request is {}",
            row.status
        )));
    }
    Ok(row)
}

/// Approves a request: the person becomes the roster guardian chosen (or a
/// new guardian of the children chosen) and is invited to choose a password.
#[utoipa::path(
    post, path = "/api/join-requests/{id}/approve", tag = "join", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ApproveJoin,
    responses(
        (status = 200, body = JoinRequestView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Decided already, or the email has an account", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
pub async fn approve(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<ApproveJoin>,
) -> ApiResult<Json<JoinRequestView>> {
    session.require_any(&[Role::Admin])?;
    let row = waiting_request(&state, &session, id).await?;
    let relationship = match input.relationship.as_deref() {
        Some(r) => line("relationship", r, 40)?.to_lowercase(),
        None => "guardian".to_owned(),
    };
    let mut student_ids = input.student_ids.clone();
    student_ids.sort_unstable();
    student_ids.dedup();
    let known = roster::students_in_school(&state.db, session.school_id, &student_ids).await?;
    if let Some(unknown) = student_ids.iter().find(|id| !known.contains(id)) {
        return Err(ApiError::invalid(
            "student_ids",
            format!("{unknown} is not a student of this school"),
        ));
    }
    if input.guardian_id.is_none() && student_ids.is_empty() {
        return Err(ApiError::invalid(
            "student_ids",
            "choose the children, or the roster guardian this person is",
        ));
    }
    let existing = people::account_by_email(&state.db, &row.email).await?;
    let claimed = match input.guardian_id {
        Some(guardian_id) => {
            let not_claimable = || {
                ApiError::invalid(
                    "guardian_id",
                    "is not a guardian of this school without an account",
                )
            };
            let guardian = people::account_of(&state.db, session.school_id, guardian_id)
                .await?
                .filter(|g| !g.has_password && !g.disabled)
                .ok_or_else(not_claimable)?;
            if !people::roles(&state.db, guardian.id)
                .await?
                .contains(&Role::Guardian)
            {
                return Err(not_claimable());
            }
            Some(guardian)
        }
        None => None,
    };
    if existing
        .as_ref()
        .is_some_and(|e| claimed.as_ref().is_none_or(|c| c.id != e.id))
    {
        return Err(ApiError::Conflict(
            "this email already belongs to an account".into(),
        ));
    }
    let school = school_card(&state, session.school_id).await?;
    let now = state.clock.now().timestamp();
    let mut tx = state.db.writer.begin().await?;
    let person_id = match &claimed {
        Some(guardian) => {
            people::set_email(&mut tx, guardian.id, &row.email).await?;
            guardian.id
        }
        None => {
            people::insert(
                &mut tx,
                &NewPerson {
                    school_id: session.school_id,
                    email: &row.email,
                    password_hash: None,
                    title: None,
                    given_name: &row.given_name,
                    family_name: &row.family_name,
                    phone: None,
                    address: None,
                },
                &[Role::Guardian],
                now,
            )
            .await?
        }
    };
    for student in &student_ids {
        roster::link_guardian(&mut tx, *student, person_id, &relationship).await?;
    }
    let approved = Transition {
        from: JoinStatus::Waiting.as_str(),
        to: JoinStatus::Approved.as_str(),
        person_id: Some(person_id),
        decided_by: Some(session.person_id),
        ..Transition::default()
    };
    if !join_requests::transition(&mut tx, id, &approved, now).await? {
        return Err(ApiError::Conflict(
            "this request was decided meanwhile".into(),
        ));
    }
    let account = people::Account {
        id: person_id,
        school_id: session.school_id,
        email: row.email.clone(),
        name: format!("{} {}", row.given_name, row.family_name),
        has_password: false,
        disabled: false,
    };
    accounts::welcome(
        &mut tx,
        &state.mail,
        &school,
        &account,
        Some(session.person_id),
        Welcome::JoinApproved,
        now,
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "approve_join_request",
        &format!("request {id}, person {person_id}"),
        now,
    )
    .await?;
    let row = join_requests::find(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&state, row).await?))
}

/// Rejects a request, telling the person the school's reason.
#[utoipa::path(
    post, path = "/api/join-requests/{id}/reject", tag = "join", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = RejectJoin,
    responses(
        (status = 200, body = JoinRequestView),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Decided already", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
pub async fn reject(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<RejectJoin>,
) -> ApiResult<Json<JoinRequestView>> {
    session.require_any(&[Role::Admin])?;
    let reason = line("reason", &input.reason, 500)?;
    let row = waiting_request(&state, &session, id).await?;
    let school = school_card(&state, session.school_id).await?;
    let now = state.clock.now().timestamp();
    let mut tx = state.db.writer.begin().await?;
    let rejected = Transition {
        from: JoinStatus::Waiting.as_str(),
        to: JoinStatus::Rejected.as_str(),
        reason: Some(&reason),
        decided_by: Some(session.person_id),
        ..Transition::default()
    };
    if !join_requests::transition(&mut tx, id, &rejected, now).await? {
        return Err(ApiError::Conflict(
            "this request was decided meanwhile".into(),
        ));
    }
    let name = format!("{} {}", row.given_name, row.family_name);
    let rendered = compose::join_rejected(&school.name, &name, &reason);
    accounts::queue(
        &mut tx,
        session.school_id,
        None,
        (&row.email, &name),
        "join_rejected",
        rendered,
        now,
    )
    .await?;
    tx.commit().await?;
    state.mail_wake.notify_one();
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "reject_join_request",
        &format!("request {id}"),
        now,
    )
    .await?;
    let row = join_requests::find(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(&state, row).await?))
}
