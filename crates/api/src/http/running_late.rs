//! "Running late": a teacher says how far behind they are tonight; families
//! with a later appointment with them see it live and are emailed.

use axum::extract::State;
use axum::Json;
use confero_core::dto::RunningLate;
use confero_core::ErrorBody;

use super::error::{ApiError, ApiResult};
use super::evenings::{may_edit_availability, visible_evening, TeacherPath};
use super::extract::{ApiJson, ApiPath, AuthSession};
use super::AppState;
use crate::live::LiveEvent;
use crate::mail::worker::BookingNoticeDetails;
use crate::storage::notices::kind;
use crate::storage::{bookings, evenings, notices};

/// Says the teacher is running `minutes` late (0: on time again), for the
/// teacher themselves or an admin. Every page watching the evening hears
/// it at once; each family with a later appointment with the teacher is
/// emailed (not when back on time).
#[utoipa::path(
    put, path = "/api/evenings/{id}/teachers/{teacher_id}/late", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path), ("teacher_id" = i64, Path)), request_body = RunningLate,
    responses((status = 200, body = RunningLate), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn set(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(path): ApiPath<TeacherPath>,
    ApiJson(input): ApiJson<RunningLate>,
) -> ApiResult<Json<RunningLate>> {
    may_edit_availability(&session, path.teacher_id)?;
    if input.minutes > RunningLate::MAX_MINUTES {
        return Err(ApiError::invalid(
            "minutes",
            format!("must be 0 to {}", RunningLate::MAX_MINUTES),
        ));
    }
    let record = visible_evening(&state, &session, path.id).await?;
    record.teacher(path.teacher_id).ok_or(ApiError::NotFound)?;
    let now = state.clock.now().timestamp();
    let minutes = i64::from(input.minutes);
    if !evenings::set_late(&state.db, record.id, path.teacher_id, minutes, now).await? {
        return Err(ApiError::NotFound);
    }
    state.caches.forget_evening(session.school_id, record.id);
    if input.minutes > 0 {
        let later = bookings::later_with(&state.db, record.id, path.teacher_id, now).await?;
        let details = serde_json::to_string(&BookingNoticeDetails {
            by: Some(session.person_id),
            late: Some(input.minutes),
            ..BookingNoticeDetails::default()
        })
        .unwrap_or_default();
        let mut tx = state.db.writer.begin().await?;
        for booking in later {
            notices::insert(
                &mut tx,
                session.school_id,
                kind::RUNNING_LATE,
                Some(booking),
                &details,
                None,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        state.mail_wake.notify_one();
    }
    state
        .live
        .announce(
            &state.db,
            vec![LiveEvent::Late {
                school_id: session.school_id,
                evening_id: record.id,
                teacher_id: path.teacher_id,
                minutes: input.minutes,
            }],
        )
        .await;
    Ok(Json(input))
}
