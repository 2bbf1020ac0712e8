//! Getting into an account: invitations, password resets, joining a school,
//! and the devices a person is signed in on.

use confero_core::dto::{
    AcceptInvitation, ConfirmJoin, JoinRequestInput, PasswordResetComplete, PasswordResetRequest,
    PublicSchool, SessionCreated, SessionInfo,
};
use gloo_net::http::{Request, Response};

use super::{authorized, decode, error_from, send, with_auth, ApiError};
use crate::session::Session;

/// A success without a body, or the API's error.
pub(crate) async fn expect_ok(response: Response) -> Result<(), ApiError> {
    if response.ok() {
        Ok(())
    } else {
        Err(error_from(response).await)
    }
}

/// `POST /api/invitations/accept`: choose a password and sign in.
pub async fn accept_invitation(input: AcceptInvitation) -> Result<SessionCreated, ApiError> {
    decode(send(Request::post("/api/invitations/accept").json(&input)).await?).await
}

/// `POST /api/password-resets`: email me a link.
pub async fn request_password_reset(email: String) -> Result<(), ApiError> {
    let body = PasswordResetRequest { email };
    expect_ok(send(Request::post("/api/password-resets").json(&body)).await?).await
}

/// `POST /api/password-resets/complete`: choose the new password and sign in.
pub async fn complete_password_reset(
    input: PasswordResetComplete,
) -> Result<SessionCreated, ApiError> {
    decode(send(Request::post("/api/password-resets/complete").json(&input)).await?).await
}

/// `GET /api/schools/{id}/public`.
pub async fn public_school(id: i64) -> Result<PublicSchool, ApiError> {
    let url = format!("/api/schools/{id}/public");
    decode(send(Request::get(&url).build()).await?).await
}

/// `POST /api/schools/{id}/join-requests`.
pub async fn ask_to_join(school: i64, input: JoinRequestInput) -> Result<(), ApiError> {
    let url = format!("/api/schools/{school}/join-requests");
    expect_ok(send(Request::post(&url).json(&input)).await?).await
}

/// `POST /api/join-requests/confirm`.
pub async fn confirm_join(code: String) -> Result<PublicSchool, ApiError> {
    let body = ConfirmJoin { code };
    decode(send(Request::post("/api/join-requests/confirm").json(&body)).await?).await
}

/// `GET /api/me/sessions`.
pub async fn my_sessions(session: Session) -> Result<Vec<SessionInfo>, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/me/sessions"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `DELETE /api/me/sessions/{id}`.
pub async fn end_session(session: Session, id: String) -> Result<(), ApiError> {
    let url = format!("/api/me/sessions/{id}");
    expect_ok(
        authorized(session, |auth| {
            with_auth(Request::delete(&url), &auth).build()
        })
        .await?,
    )
    .await
}
