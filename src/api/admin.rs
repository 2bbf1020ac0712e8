//! What admins manage: people and their invitations, the roster import,
//! join requests, the outbox, and separated households.

use confero_core::dto::{
    ApproveJoin, AuditEntry, BulkInvited, ChildHouseholds, Erased, HouseholdsInput, InvitationSent,
    JoinRequestView, Outbox, PeoplePage, RejectJoin, RosterApplied, RosterPreview, RosterProblems,
    RosterReport,
};
use gloo_net::http::{Request, Response};
use serde::Deserialize;
use web_sys::FormData;

use super::accounts::expect_ok;
use super::{authorized, decode, error_from, with_auth, ApiError};
use crate::session::Session;

/// `GET /api/people?…`: `query` is the encoded query string.
pub async fn people(session: Session, query: String) -> Result<PeoplePage, ApiError> {
    let url = format!("/api/people?{query}");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `GET /api/households?q=…`: children with more than one guardian.
pub async fn households(
    session: Session,
    search: String,
) -> Result<Vec<ChildHouseholds>, ApiError> {
    let url = format!(
        "/api/households?q={}",
        js_sys::encode_uri_component(search.trim())
    );
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `PUT /api/students/{id}/households`: mark a child's guardians as living apart, or not.
pub async fn set_households(
    session: Session,
    student: i64,
    separate: bool,
) -> Result<ChildHouseholds, ApiError> {
    let url = format!("/api/students/{student}/households");
    let body = HouseholdsInput { separate };
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&body)
        })
        .await?,
    )
    .await
}

async fn post_empty(session: Session, url: String) -> Result<Response, ApiError> {
    authorized(session, move |auth| {
        with_auth(Request::post(&url), &auth).build()
    })
    .await
}

/// `POST /api/people/{id}/invitation`: invite, or invite again.
pub async fn invite(session: Session, id: i64) -> Result<InvitationSent, ApiError> {
    decode(post_empty(session, format!("/api/people/{id}/invitation")).await?).await
}

/// `DELETE /api/people/{id}/invitation`.
pub async fn withdraw_invitation(session: Session, id: i64) -> Result<(), ApiError> {
    let url = format!("/api/people/{id}/invitation");
    expect_ok(
        authorized(session, |auth| {
            with_auth(Request::delete(&url), &auth).build()
        })
        .await?,
    )
    .await
}

/// `POST /api/invitations`: invite everyone not yet invited.
pub async fn invite_everyone(session: Session) -> Result<BulkInvited, ApiError> {
    decode(post_empty(session, "/api/invitations".into()).await?).await
}

/// `POST /api/people/{id}/disable` or `/enable`.
pub async fn set_disabled(session: Session, id: i64, disabled: bool) -> Result<(), ApiError> {
    let verb = if disabled { "disable" } else { "enable" };
    expect_ok(post_empty(session, format!("/api/people/{id}/{verb}")).await?).await
}

/// Why a roster upload was refused: the usual error, or the files' problems.
#[derive(Clone, Debug, PartialEq)]
pub enum RosterRefusal {
    Problems(RosterReport),
    Other(ApiError),
}

impl From<ApiError> for RosterRefusal {
    fn from(error: ApiError) -> RosterRefusal {
        RosterRefusal::Other(error)
    }
}

async fn roster_answer<T: for<'de> Deserialize<'de>>(
    response: Response,
) -> Result<T, RosterRefusal> {
    if response.status() == 422 {
        return Err(match response.json::<RosterProblems>().await {
            Ok(RosterProblems {
                report: Some(report),
                ..
            }) => RosterRefusal::Problems(report),
            Ok(RosterProblems { error, .. }) => RosterRefusal::Other(ApiError::Api(error)),
            Err(_) => RosterRefusal::Other(ApiError::Unexpected(422)),
        });
    }
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|_| RosterRefusal::Other(ApiError::Unexpected(response.status())));
    }
    Err(RosterRefusal::Other(error_from(response).await))
}

/// `POST /api/roster/preview` with the chosen files.
pub async fn roster_preview(
    session: Session,
    files: FormData,
) -> Result<RosterPreview, RosterRefusal> {
    let response = authorized(session, move |auth| {
        with_auth(Request::post("/api/roster/preview"), &auth).body(files)
    })
    .await?;
    roster_answer(response).await
}

/// `POST /api/roster/apply`: the same files and the preview's token.
pub async fn roster_apply(
    session: Session,
    files: FormData,
) -> Result<RosterApplied, RosterRefusal> {
    let response = authorized(session, move |auth| {
        with_auth(Request::post("/api/roster/apply"), &auth).body(files)
    })
    .await?;
    roster_answer(response).await
}

/// `GET /api/join-requests`.
pub async fn join_requests(session: Session) -> Result<Vec<JoinRequestView>, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/join-requests"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `POST /api/join-requests/{id}/approve`.
pub async fn approve_join(
    session: Session,
    id: i64,
    input: ApproveJoin,
) -> Result<JoinRequestView, ApiError> {
    let url = format!("/api/join-requests/{id}/approve");
    decode(
        authorized(session, |auth| {
            with_auth(Request::post(&url), &auth).json(&input)
        })
        .await?,
    )
    .await
}

/// `POST /api/join-requests/{id}/reject`.
pub async fn reject_join(
    session: Session,
    id: i64,
    reason: String,
) -> Result<JoinRequestView, ApiError> {
    let url = format!("/api/join-requests/{id}/reject");
    let body = RejectJoin { reason };
    decode(
        authorized(session, |auth| {
            with_auth(Request::post(&url), &auth).json(&body)
        })
        .await?,
    )
    .await
}

/// `GET /api/outbox`.
pub async fn outbox(session: Session) -> Result<Outbox, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/outbox"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `POST /api/outbox/{id}/retry`.
pub async fn retry_message(session: Session, id: i64) -> Result<(), ApiError> {
    expect_ok(post_empty(session, format!("/api/outbox/{id}/retry")).await?).await
}

/// `POST /api/people/{id}/erase`.
pub async fn erase_person(session: Session, id: i64) -> Result<Erased, ApiError> {
    decode(post_empty(session, format!("/api/people/{id}/erase")).await?).await
}

/// `GET /api/audit?…`: `query` is the encoded filter.
pub async fn audit_log(session: Session, query: String) -> Result<Vec<AuditEntry>, ApiError> {
    let url = format!("/api/audit?{query}");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}
