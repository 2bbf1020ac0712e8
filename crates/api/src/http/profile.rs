//! One's own profile: `GET`/`PUT /api/profile`, and how others see it,
//! `GET /api/profile/preview`.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use confero_core::dto::{FieldVisibility, MyProfile, PreviewAs, ProfilePreview, ProfileUpdate};
use confero_core::text::{Line, Note};
use confero_core::{ErrorBody, ProfileField};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, AuthSession};
use super::AppState;
use crate::privacy;
use crate::storage::profiles::{self, ProfileChange, ProfileRecord};

pub fn my_profile(record: ProfileRecord) -> MyProfile {
    let visibility = ProfileField::ALL
        .into_iter()
        .map(|field| FieldVisibility {
            field,
            visibility: record.visibility_of(field),
        })
        .collect();
    MyProfile {
        id: record.id,
        staff: record.staff,
        given_name: record.given_name,
        family_name: record.family_name,
        email: record.email,
        title: record.title,
        display_name: record.display_name,
        phone: record.phone,
        phone2: record.phone2,
        address: record.address,
        language: record.language,
        about: record.about,
        children: record.children,
        visibility,
        erasure_requested_at: record.erasure_requested_at.map(super::me::instant),
    }
}

async fn own_record(state: &AppState, session: &AuthSession) -> ApiResult<ProfileRecord> {
    profiles::load(&state.db, session.school_id, session.person_id)
        .await?
        .ok_or(ApiError::Unauthenticated)
}

/// My profile: every field, and who sees each.
#[utoipa::path(
    get, path = "/api/profile", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = MyProfile), (status = 401, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<MyProfile>> {
    Ok(Json(my_profile(own_record(&state, &session).await?)))
}

/// A phone number as people write them: digits with spaces, `+`, `-`, `(`, `)`.
fn phone(field: &str, raw: Option<&str>) -> ApiResult<Option<String>> {
    let Some(line) = Line::parse_optional(raw, 30)
        .map_err(|error| ApiError::invalid(field, error.to_string()))?
    else {
        return Ok(None);
    };
    let text = line.into_string();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        || digits < 5
    {
        return Err(ApiError::invalid(
            field,
            "must be a phone number: digits, with spaces, +, -, ( ) if you like",
        ));
    }
    Ok(Some(text))
}

fn line(field: &str, raw: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    Line::parse_optional(raw, max)
        .map(|line| line.map(Line::into_string))
        .map_err(|error| ApiError::invalid(field, error.to_string()))
}

fn note(field: &str, raw: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    let Some(raw) = raw else { return Ok(None) };
    let note =
        Note::parse(raw, max).map_err(|error| ApiError::invalid(field, error.to_string()))?;
    Ok(Some(note.as_str().to_owned()).filter(|text| !text.is_empty()))
}

/// Checks an update against the owner's current visibilities.
fn change(update: &ProfileUpdate, current: &ProfileRecord) -> ApiResult<ProfileChange> {
    let mut visibility: BTreeMap<_, _> = ProfileField::ALL
        .into_iter()
        .map(|field| (field, current.visibility_of(field)))
        .collect();
    for (index, chosen) in update.visibility.iter().enumerate() {
        let narrowest = chosen.field.narrowest(current.staff);
        if chosen.visibility < narrowest {
            return Err(ApiError::invalid(
                &format!("visibility[{index}].visibility"),
                format!(
                    "staff show their {} to the school: families book with them by name",
                    chosen.field.noun()
                ),
            ));
        }
        visibility.insert(chosen.field, chosen.visibility);
    }
    Ok(ProfileChange {
        title: line("title", update.title.as_deref(), 20)?,
        display_name: line("display_name", update.display_name.as_deref(), 80)?,
        phone: phone("phone", update.phone.as_deref())?,
        phone2: phone("phone2", update.phone2.as_deref())?,
        address: note("address", update.address.as_deref(), 300)?,
        language: line("language", update.language.as_deref(), 60)?,
        about: note("about", update.about.as_deref(), 500)?,
        visibility,
    })
}

/// Saves my profile and who sees each field; effective on the next request
/// everywhere. Text left empty clears the field.
#[utoipa::path(
    put, path = "/api/profile", tag = "profile", security(("bearer" = [])),
    request_body = ProfileUpdate,
    responses(
        (status = 200, description = "Saved", body = MyProfile),
        (status = 401, body = ErrorBody),
        (status = 422, description = "A field is unacceptable; nothing was saved", body = ErrorBody),
    )
)]
pub async fn put(
    State(state): State<AppState>,
    session: AuthSession,
    ApiJson(update): ApiJson<ProfileUpdate>,
) -> ApiResult<Json<MyProfile>> {
    let current = own_record(&state, &session).await?;
    let change = change(&update, &current)?;
    if !profiles::update(&state.db, session.school_id, session.person_id, &change).await? {
        return Err(ApiError::Unauthenticated);
    }
    Ok(Json(my_profile(own_record(&state, &session).await?)))
}

/// My profile as a classmate's parent, my child's teacher and another parent
/// see it (for staff: a family they teach, a colleague, anyone else), built
/// by the filter that serves those viewers. A view left out means that
/// viewer does not see me at all.
#[utoipa::path(
    get, path = "/api/profile/preview", tag = "profile", security(("bearer" = [])),
    responses((status = 200, body = ProfilePreview), (status = 401, body = ErrorBody))
)]
pub async fn preview(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<ProfilePreview>> {
    let record = own_record(&state, &session).await?;
    let views = privacy::preview_audiences(&record)
        .into_iter()
        .map(|(audience, label)| PreviewAs {
            audience,
            label: label.to_owned(),
            view: privacy::person_view(&record, audience),
        })
        .collect();
    Ok(Json(ProfilePreview { views }))
}
