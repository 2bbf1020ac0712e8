//! Profiles and the directory: my profile and who sees each field, how
//! others see me, and the people of my school as they show themselves to me.

use confero_core::dto::{
    AccessEntry, DirectoryPage, MyProfile, PersonView, ProfilePreview, ProfileUpdate,
};
use gloo_net::http::Request;

use super::accounts::expect_ok;
use super::{authorized, decode, with_auth, ApiError};
use crate::session::Session;

/// `GET /api/profile`.
pub async fn my_profile(session: Session) -> Result<MyProfile, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/profile"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `PUT /api/profile`: the whole editable profile.
pub async fn save_profile(session: Session, update: ProfileUpdate) -> Result<MyProfile, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::put("/api/profile"), &auth).json(&update)
        })
        .await?,
    )
    .await
}

/// `GET /api/profile/preview`.
pub async fn profile_preview(session: Session) -> Result<ProfilePreview, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/profile/preview"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `GET /api/directory?q=…&page=…`.
pub async fn directory(
    session: Session,
    search: String,
    page: u32,
    per_page: u32,
) -> Result<DirectoryPage, ApiError> {
    let mut url = format!("/api/directory?page={page}&per_page={per_page}");
    if !search.trim().is_empty() {
        url.push_str(&format!(
            "&q={}",
            js_sys::encode_uri_component(search.trim())
        ));
    }
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `GET /api/directory/{id}`.
pub async fn person(session: Session, id: i64) -> Result<PersonView, ApiError> {
    let url = format!("/api/directory/{id}");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `GET /api/me/access`: who looked at my data.
pub async fn my_access_log(session: Session) -> Result<Vec<AccessEntry>, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/me/access"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `POST /api/me/erasure`: ask the school to erase my data.
pub async fn request_erasure(session: Session) -> Result<(), ApiError> {
    expect_ok(
        authorized(session, |auth| {
            with_auth(Request::post("/api/me/erasure"), &auth).build()
        })
        .await?,
    )
    .await
}
