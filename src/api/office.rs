//! The office running an evening: its settings and audience, the overview of
//! who has booked, reminders to families who have not.

use confero_core::dto::{
    Evening, EveningChoices, EveningInput, EveningOverview, PupilToBook, RemindersSent,
};
use gloo_net::http::Request;

use super::{authorized, decode, with_auth, ApiError};
use crate::session::Session;

/// `PUT /api/evenings/{id}`: every setting of the evening; 409 `Strands` when
/// the change would leave booked appointments without a time.
pub async fn update_evening(
    session: Session,
    id: i64,
    input: EveningInput,
) -> Result<Evening, ApiError> {
    let url = format!("/api/evenings/{id}");
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&input)
        })
        .await?,
    )
    .await
}

/// `GET /api/school/evening-choices`: the year groups and classes an evening can be for.
pub async fn evening_choices(session: Session) -> Result<EveningChoices, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/school/evening-choices"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `GET /api/evenings/{id}/overview`: how full the evening is, and who has not booked.
pub async fn overview(session: Session, evening: i64) -> Result<EveningOverview, ApiError> {
    let url = format!("/api/evenings/{evening}/overview");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `POST /api/evenings/{id}/reminders`: email the families with no appointment yet.
pub async fn remind_unbooked(session: Session, evening: i64) -> Result<RemindersSent, ApiError> {
    let url = format!("/api/evenings/{evening}/reminders");
    decode(
        authorized(session, |auth| {
            with_auth(Request::post(&url), &auth).build()
        })
        .await?,
    )
    .await
}

/// `GET /api/evenings/{id}/pupils?q=…`: pupils to book for, by part of their name.
pub async fn pupils_to_book(
    session: Session,
    evening: i64,
    search: String,
) -> Result<Vec<PupilToBook>, ApiError> {
    let url = format!(
        "/api/evenings/{evening}/pupils?q={}",
        js_sys::encode_uri_component(search.trim())
    );
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}
