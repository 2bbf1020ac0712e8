//! A teacher's private note on an appointment: staff only.

use axum::extract::State;
use axum::Json;
use confero_core::dto::{Booking, NoteInput};
use confero_core::text::Note;
use confero_core::ErrorBody;

use super::bookings::actor;
use super::error::{ApiError, ApiResult};
use super::evenings::zone_of;
use super::extract::{ApiJson, ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::storage::bookings;

/// Sets the private note on an appointment (empty removes it): the
/// appointment's teacher or an admin. Families never see it; staff see it
/// in their schedule's list (`staff_note`).
#[utoipa::path(
    put, path = "/api/bookings/{id}/note", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = NoteInput,
    responses((status = 200, body = Booking), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn set(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<NoteInput>,
) -> ApiResult<Json<Booking>> {
    let note = Note::parse(&input.note, NoteInput::MAX)
        .map_err(|error| ApiError::invalid("note", error.to_string()))?;
    let actor = actor(&session);
    let (row, _) = state.booker().visible(&actor, id).await?;
    let viewer = &actor.viewer;
    if !(viewer.admin || (viewer.teacher && row.teacher_id == viewer.person_id)) {
        return Err(ApiError::Forbidden);
    }
    let text = note.as_str();
    let now = state.clock.now().timestamp();
    bookings::set_note(&state.db, id, (!text.is_empty()).then_some(text), now).await?;
    let detail = bookings::detail_of(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let zone = zone_of(&state, session.school_id).await?;
    let mut view = super::bookings::booking_view(&zone, &detail);
    view.staff_note = detail.staff_note.clone();
    Ok(Json(view))
}
