//! A member's data rights: everything held about them as one file
//! (`GET /api/me/data`) and who looked at their data (`GET /api/me/access`).

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use confero_core::dto::{AccessEntry, EmailRecord, MyData};
use confero_core::{ErrorBody, ProfileField, Role};

use super::bookings::booking_view;
use super::error::{ApiError, ApiResult};
use super::evenings::zone_of;
use super::extract::AuthSession;
use super::me::{instant, session_infos};
use super::profile::my_profile;
use super::AppState;
use crate::storage::bookings::{self, Scope};
use crate::storage::{audit, outbox, people, profiles, schools};

/// "opened your address and phone" — what an audit entry did, said to the person.
fn description(action: &str, subject: &str) -> String {
    match action {
        "viewed_hidden_fields" => {
            let fields: Vec<&str> = subject
                .split(", ")
                .filter_map(|name| {
                    ProfileField::ALL
                        .into_iter()
                        .find(|f| f.as_str() == name)
                        .map(|f| f.noun())
                })
                .collect();
            format!(
                "opened your profile, including details you keep to yourself: {}",
                fields.join(", ")
            )
        }
        "export_guardians" => {
            "exported the list of parents and carers, which includes you".to_owned()
        }
        "export_bookings" => {
            format!("exported the bookings of an evening you booked in ({subject})")
        }
        other => format!("{other}: {subject}"),
    }
}

async fn access_entries(state: &AppState, session: &AuthSession) -> ApiResult<Vec<AccessEntry>> {
    let guardian = session.has(Role::Guardian);
    let mut evenings: Vec<i64> = if guardian {
        bookings::list_details(
            &state.db,
            session.school_id,
            None,
            Scope::Guardian(session.person_id),
        )
        .await?
        .iter()
        .map(|d| d.row.evening_id)
        .collect()
    } else {
        Vec::new()
    };
    evenings.sort_unstable();
    evenings.dedup();
    let entries = audit::about(
        &state.db,
        session.school_id,
        session.person_id,
        guardian,
        &evenings,
    )
    .await?;
    Ok(entries
        .into_iter()
        .map(|e| {
            let by = match (&e.actor_given_name, &e.actor_family_name) {
                (Some(given), Some(family)) => {
                    people::staff_name(e.actor_title.as_deref(), given, family)
                }
                _ => "A former member of staff".to_owned(),
            };
            AccessEntry {
                at: instant(e.created_at),
                by,
                description: description(&e.action, &e.subject),
                action: e.action,
            }
        })
        .collect())
}

/// Who looked at my data: each time an admin opened details I keep to
/// myself, and each export that included me. Newest first.
#[utoipa::path(
    get, path = "/api/me/access", tag = "me", security(("bearer" = [])),
    responses((status = 200, body = Vec<AccessEntry>), (status = 401, body = ErrorBody))
)]
pub async fn access(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<Vec<AccessEntry>>> {
    access_entries(&state, &session).await.map(Json)
}

/// Everything Confero holds about me and my children, as one JSON file:
/// profile and toggles, appointments, sessions (when, not tokens), emails
/// sent to me, and what staff did with my data.
#[utoipa::path(
    get, path = "/api/me/data", tag = "me", security(("bearer" = [])),
    responses((status = 200, description = "A JSON file to keep", body = MyData), (status = 401, body = ErrorBody))
)]
pub async fn download(State(state): State<AppState>, session: AuthSession) -> ApiResult<Response> {
    let record = profiles::load(&state.db, session.school_id, session.person_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let school = schools::info(&state.db, session.school_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let roles = people::roles(&state.db, session.person_id).await?;
    let zone = zone_of(&state, session.school_id).await?;
    let mut booked = Vec::new();
    if roles.contains(&Role::Guardian) {
        booked.extend(
            bookings::list_details(
                &state.db,
                session.school_id,
                None,
                Scope::Guardian(session.person_id),
            )
            .await?,
        );
    }
    if roles.contains(&Role::Teacher) {
        booked.extend(
            bookings::list_details(
                &state.db,
                session.school_id,
                None,
                Scope::Teacher(session.person_id),
            )
            .await?,
        );
    }
    let emails = outbox::sent_to(&state.db, session.school_id, session.person_id)
        .await?
        .into_iter()
        .map(|m| EmailRecord {
            kind: m.kind,
            to: m.to_email,
            subject: m.subject,
            status: m.status,
            queued_at: instant(m.created_at),
            sent_at: m.sent_at.map(instant),
        })
        .collect();
    let data = MyData {
        exported_at: state.clock.now(),
        school: school.name,
        roles,
        profile: my_profile(record),
        bookings: booked.iter().map(|d| booking_view(&zone, d)).collect(),
        sessions: session_infos(&state, &session).await?,
        emails,
        access: access_entries(&state, &session).await?,
    };
    let mut response = Json(data).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"my-confero-data.json\""),
    );
    Ok(response)
}
