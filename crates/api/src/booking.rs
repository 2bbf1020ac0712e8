//! The booking transaction: every rule checked by `confero_core::rules`, then
//! enforced inside one transaction that starts by locking the family, with
//! the unique partial indexes as the last line of defence.

use confero_core::rules::{self, BookingContext, BookingRequest, BookingWindow};
use confero_core::slots;
use confero_core::{Interval, Refusal};
use sqlx::AnyConnection;

use crate::http::error::{ApiError, ApiResult};
use crate::http::AppState;
use crate::live::SlotEvent;
use crate::privacy::Viewer;
use crate::storage::bookings::{self, BookingRow, NewBooking};
use std::sync::Arc;

use crate::cache::EveningSnapshot;
use crate::storage::evenings::EveningRecord;

/// Who is acting, in which school.
#[derive(Clone, Debug)]
pub struct Actor {
    pub school_id: i64,
    pub viewer: Viewer,
}

fn window(record: &EveningRecord) -> BookingWindow {
    BookingWindow {
        opens_at: record.fields.booking_opens_at,
        closes_at: record.fields.booking_closes_at,
        cancel_until: record.fields.cancel_until,
    }
}

/// Who may act for a student with a teacher: the child's guardians, the
/// teacher for their own slots, and admins. Anything else looks like nothing.
async fn may_act(
    state: &AppState,
    actor: &Actor,
    teacher_id: i64,
    student_id: i64,
) -> ApiResult<()> {
    let viewer = &actor.viewer;
    if viewer.admin {
        return if bookings::student_in_school(&state.db, actor.school_id, student_id).await? {
            Ok(())
        } else {
            Err(ApiError::invalid(
                "student_id",
                "is not a student of this school",
            ))
        };
    }
    if viewer.children.contains(&student_id) {
        return Ok(());
    }
    if viewer.teacher
        && teacher_id == viewer.person_id
        && bookings::student_in_school(&state.db, actor.school_id, student_id).await?
    {
        return Ok(());
    }
    Err(ApiError::invalid(
        "student_id",
        "is not one of your children",
    ))
}

/// Staff acting for a family may override rules 4 and 5; a teacher who is
/// also a parent books for their own child as a parent.
fn acts_as_staff(actor: &Actor, student_id: i64) -> bool {
    actor.viewer.is_staff() && !actor.viewer.children.contains(&student_id)
}

/// Maps a unique-index violation to the rule it enforces.
fn refusal_from(error: sqlx::Error) -> ApiError {
    if let sqlx::Error::Database(db) = &error {
        if db.is_unique_violation() {
            let what = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
            return ApiError::Refused(
                if what.contains("one_per_pair") || what.contains("student_id") {
                    Refusal::AlreadyBookedWithTeacher
                } else {
                    Refusal::SlotTaken
                },
            );
        }
    }
    ApiError::from(error)
}

/// One attempt to put a child with a teacher at a time.
struct Attempt {
    teacher_id: i64,
    student_id: i64,
    start: i64,
    /// When moving a booking: its id.
    moving: Option<i64>,
    /// Whether the teacher teaches the child (class lists do not change in a rush,
    /// so this is read before the transaction).
    teaches: bool,
}

/// Checks every rule for an attempt, inside the transaction, after locking the family.
async fn decide(
    conn: &mut AnyConnection,
    state: &AppState,
    actor: &Actor,
    record: &EveningSnapshot,
    attempt: &Attempt,
) -> ApiResult<slots::Slot> {
    let Attempt {
        teacher_id,
        student_id,
        start,
        moving,
        teaches,
    } = *attempt;
    bookings::lock_family(conn, student_id).await?;
    let timelines = bookings::timelines(conn, record.id, teacher_id, student_id).await?;
    let room = record.teacher(teacher_id).and_then(|t| t.room.as_deref());
    let ctx = BookingContext {
        now: state.clock.now().timestamp(),
        staff: acts_as_staff(actor, student_id),
        published: record.status == "published",
        window: window(record),
        teaches_child: teaches,
        teacher_slots: record.teacher_slots(teacher_id),
        taken: &timelines.taken,
        family: &timelines.family,
        travel_buffer_secs: record.fields.travel_buffer_secs,
        moving,
    };
    let request = BookingRequest {
        teacher_id,
        student_id,
        slot_start: start,
        room,
    };
    rules::check_booking(&request, &ctx).map_err(ApiError::Refused)
}

fn event(
    actor: &Actor,
    record: &EveningRecord,
    teacher_id: i64,
    start: i64,
    taken: bool,
) -> SlotEvent {
    SlotEvent {
        school_id: actor.school_id,
        evening_id: record.id,
        teacher_id,
        start,
        taken,
    }
}

/// The answer stored for a successful idempotent booking: the booking's id.
pub const BOOKED: u16 = 201;

/// Books a slot and returns the booking's id. With an idempotency key, the
/// booking's id is stored under the key in the same transaction, so a retry
/// can never book twice.
pub async fn book(
    state: &AppState,
    actor: &Actor,
    record: &EveningSnapshot,
    teacher_id: i64,
    student_id: i64,
    start: i64,
    idempotency_key: Option<&str>,
) -> ApiResult<i64> {
    if record.teacher(teacher_id).is_none() {
        return Err(ApiError::invalid(
            "teacher_id",
            "is not taking part in this evening",
        ));
    }
    may_act(state, actor, teacher_id, student_id).await?;
    // A taken slot is the commonest answer in a rush: decide it without the write lock.
    if bookings::is_taken(&state.db, record.id, teacher_id, start).await? {
        return Err(ApiError::Refused(Refusal::SlotTaken));
    }
    let now = state.clock.now().timestamp();
    let teaches = bookings::teaches(&state.db, actor.school_id, teacher_id, student_id).await?;
    let attempt = Attempt {
        teacher_id,
        student_id,
        start,
        moving: None,
        teaches,
    };
    let mut tx = state.db.writer.begin().await?;
    let slot = decide(&mut tx, state, actor, record, &attempt).await?;
    let room = record.teacher(teacher_id).and_then(|t| t.room.as_deref());
    let new = NewBooking {
        school_id: actor.school_id,
        evening_id: record.id,
        teacher_id,
        student_id,
        booked_by: actor.viewer.person_id,
        span: slot.interval(),
        room,
    };
    let id = bookings::insert(&mut tx, &new, now)
        .await
        .map_err(refusal_from)?;
    if let Some(key) = idempotency_key {
        bookings::remember_answer(
            &mut tx,
            actor.viewer.person_id,
            key,
            BOOKED,
            &id.to_string(),
            now,
        )
        .await?;
    }
    let events = vec![event(actor, record, teacher_id, slot.start, true)];
    state
        .live
        .notify_in(&mut tx, state.db.engine, &events)
        .await?;
    tx.commit().await.map_err(refusal_from)?;
    state.live.publish(events);
    Ok(id)
}

/// Loads a booking the actor may see, with its evening.
pub async fn visible(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> ApiResult<(BookingRow, Arc<EveningSnapshot>)> {
    let row = bookings::find(&state.db, actor.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !actor.viewer.may_see_booking(&row) {
        return Err(ApiError::NotFound);
    }
    let record = state
        .caches
        .evening(&state.db, actor.school_id, row.evening_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((row, record))
}

/// Cancels a booking: parents until the cut-off, staff at any time.
pub async fn cancel(state: &AppState, actor: &Actor, id: i64) -> ApiResult<()> {
    let (row, record) = visible(state, actor, id).await?;
    let now = state.clock.now().timestamp();
    rules::check_cancel(now, acts_as_staff(actor, row.student_id), &window(&record))
        .map_err(ApiError::Refused)?;
    if row.status == "cancelled" {
        return Ok(());
    }
    let mut tx = state.db.writer.begin().await?;
    bookings::lock_family(&mut tx, row.student_id).await?;
    bookings::set_status(&mut tx, id, "cancelled", now).await?;
    let events = vec![event(actor, &record, row.teacher_id, row.span.start, false)];
    state
        .live
        .notify_in(&mut tx, state.db.engine, &events)
        .await?;
    tx.commit().await?;
    state.live.publish(events);
    Ok(())
}

/// Moves a booking to another slot of the same teacher, as one atomic change:
/// either it is at the new time or it stays where it was.
pub async fn move_to(state: &AppState, actor: &Actor, id: i64, start: i64) -> ApiResult<()> {
    let (row, record) = visible(state, actor, id).await?;
    if row.status != "booked" {
        return Err(ApiError::Conflict(
            "only a booked appointment can be moved".into(),
        ));
    }
    let now = state.clock.now().timestamp();
    // Moving gives up the old slot, so the cancellation cut-off applies too.
    rules::check_cancel(now, acts_as_staff(actor, row.student_id), &window(&record))
        .map_err(ApiError::Refused)?;
    let teaches =
        bookings::teaches(&state.db, actor.school_id, row.teacher_id, row.student_id).await?;
    let attempt = Attempt {
        teacher_id: row.teacher_id,
        student_id: row.student_id,
        start,
        moving: Some(id),
        teaches,
    };
    let mut tx = state.db.writer.begin().await?;
    let slot = decide(&mut tx, state, actor, &record, &attempt).await?;
    if slot.start == row.span.start {
        return Ok(());
    }
    bookings::move_to(
        &mut tx,
        id,
        Interval {
            start: slot.start,
            end: slot.end,
        },
        now,
    )
    .await
    .map_err(refusal_from)?;
    let events = vec![
        event(actor, &record, row.teacher_id, row.span.start, false),
        event(actor, &record, row.teacher_id, slot.start, true),
    ];
    state
        .live
        .notify_in(&mut tx, state.db.engine, &events)
        .await?;
    tx.commit().await.map_err(refusal_from)?;
    state.live.publish(events);
    Ok(())
}

/// The teacher (or an admin) records what happened.
pub async fn mark(state: &AppState, actor: &Actor, id: i64, status: &str) -> ApiResult<()> {
    let (row, _) = visible(state, actor, id).await?;
    let may =
        actor.viewer.admin || (actor.viewer.teacher && row.teacher_id == actor.viewer.person_id);
    if !may {
        return Err(ApiError::Forbidden);
    }
    if row.status == "cancelled" {
        return Err(ApiError::Conflict(
            "a cancelled appointment cannot be marked".into(),
        ));
    }
    let mut tx = state.db.writer.begin().await?;
    bookings::set_status(&mut tx, id, status, state.clock.now().timestamp()).await?;
    tx.commit().await?;
    Ok(())
}
