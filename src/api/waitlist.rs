//! The waitlist: a family's places in teachers' lines, joining, accepting
//! the time held for them, leaving (or saying no to an offer).

use confero_core::dto::{Booking, WaitlistEntry, WaitlistInput};
use gloo_net::http::Request;

use super::accounts::expect_ok;
use super::{authorized, decode, with_auth, ApiError};
use crate::session::Session;

/// `GET /api/evenings/{id}/waitlist`: the family's open places this evening.
pub async fn waitlist(session: Session, evening: i64) -> Result<Vec<WaitlistEntry>, ApiError> {
    let url = format!("/api/evenings/{evening}/waitlist");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `POST /api/evenings/{id}/waitlist`: wait for a time with a teacher.
pub async fn join_waitlist(
    session: Session,
    evening: i64,
    input: WaitlistInput,
) -> Result<WaitlistEntry, ApiError> {
    let url = format!("/api/evenings/{evening}/waitlist");
    decode(
        authorized(session, |auth| {
            with_auth(Request::post(&url), &auth).json(&input)
        })
        .await?,
    )
    .await
}

/// `POST /api/waitlist/{id}/accept`: book the time held for the family.
pub async fn accept_offer(session: Session, place: i64) -> Result<Booking, ApiError> {
    let url = format!("/api/waitlist/{place}/accept");
    decode(
        authorized(session, |auth| {
            with_auth(Request::post(&url), &auth).build()
        })
        .await?,
    )
    .await
}

/// `DELETE /api/waitlist/{id}`: leave the line, or say no to the time held.
pub async fn leave_waitlist(session: Session, place: i64) -> Result<(), ApiError> {
    let url = format!("/api/waitlist/{place}");
    expect_ok(
        authorized(session, |auth| {
            with_auth(Request::delete(&url), &auth).build()
        })
        .await?,
    )
    .await
}
