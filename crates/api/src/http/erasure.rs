//! The right to erasure: a member asks (`POST /api/me/erasure`), an admin
//! — for the school, the data controller — erases (`POST /api/people/{id}/erase`),
//! or erases directly.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use confero_core::dto::Erased;
use confero_core::{ErrorBody, Role};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::live::{LiveEvent, SlotEvent};
use crate::storage::audit;
use crate::storage::erasure::{self, Refusal};

/// Asks the school to erase my data. The school's admins see the request
/// in their list of people and erase; until then nothing changes.
#[utoipa::path(
    post, path = "/api/me/erasure", tag = "me", security(("bearer" = [])),
    responses((status = 202, description = "Asked; an admin of the school will erase"), (status = 401, body = ErrorBody))
)]
pub async fn request(State(state): State<AppState>, session: AuthSession) -> ApiResult<StatusCode> {
    let now = state.clock.now().timestamp();
    erasure::request(&state.db, session.school_id, session.person_id, now).await?;
    audit::record_about(
        &state.db,
        session.school_id,
        session.person_id,
        "erasure_requested",
        "by the person",
        session.person_id,
        now,
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}

/// Erases a person: their details removed or anonymised, their sessions
/// ended, their future appointments cancelled and freed; past appointments
/// stay only as anonymous rows. Cannot be undone.
#[utoipa::path(
    post, path = "/api/people/{id}/erase", tag = "people", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Erased),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Yourself, or someone who still teaches classes", body = ErrorBody),
    )
)]
pub async fn erase(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<Erased>> {
    session.require_any(&[Role::Admin])?;
    if id == session.person_id {
        return Err(ApiError::Conflict(
            "another admin erases your own account".into(),
        ));
    }
    let now = state.clock.now().timestamp();
    let mut tx = state.db.writer.begin().await?;
    let freed =
        match erasure::erase(&mut tx, session.school_id, id, now).await? {
            Ok(freed) => freed,
            Err(Refusal::NotFound) => return Err(ApiError::NotFound),
            Err(Refusal::TeachesClasses) => return Err(ApiError::Conflict(
                "they still teach classes: give the classes to another teacher in the roster first"
                    .into(),
            )),
        };
    let events: Vec<LiveEvent> = freed
        .iter()
        .map(|f| {
            LiveEvent::Slot(SlotEvent {
                school_id: session.school_id,
                evening_id: f.evening_id,
                teacher_id: f.teacher_id,
                start: f.starts_at,
                taken: false,
            })
        })
        .collect();
    state
        .live
        .notify_in(&mut tx, state.db.engine, &events)
        .await?;
    tx.commit().await?;
    state.live.publish(events);
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
    audit::record_about(
        &state.db,
        session.school_id,
        session.person_id,
        "erase_person",
        &format!("person {id}, {} future booking(s) cancelled", freed.len()),
        id,
        now,
    )
    .await?;
    Ok(Json(Erased {
        cancelled_bookings: freed.len() as u64,
    }))
}
