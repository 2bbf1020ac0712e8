//! Predicting the booking rules in the browser, with the very code the API
//! enforces them with (`confero_core::rules`): a slot that would clash is
//! shown as such before anyone taps it. The API still decides.

use confero_core::dto::{Booking, BookingStatus, Evening, EveningStatus, SlotState, TeacherSlots};
use confero_core::rules::{self, BookingContext, BookingRequest, BookingWindow, FamilyAppointment};
use confero_core::slots::Slot;
use confero_core::Interval;

use crate::components::slot_picker::PickerSlot;

/// The family's active appointments, as the rules see them.
pub fn family(bookings: &[Booking]) -> Vec<FamilyAppointment> {
    bookings
        .iter()
        .filter(|b| b.status != BookingStatus::Cancelled)
        .map(|b| FamilyAppointment {
            booking_id: b.id,
            teacher_id: b.teacher_id,
            student_id: b.student_id,
            span: Interval {
                start: b.start.timestamp(),
                end: b.end.timestamp(),
            },
            room: b.room.clone(),
        })
        .collect()
}

/// The picker's view of a teacher's column for one child.
pub fn picker_slots(
    evening: &Evening,
    column: &TeacherSlots,
    student_id: i64,
    family: &[FamilyAppointment],
    now: i64,
) -> Vec<PickerSlot> {
    let slots: Vec<Slot> = column
        .slots
        .iter()
        .map(|s| Slot {
            start: s.start.timestamp(),
            end: s.end.timestamp(),
            blocked: s.state == SlotState::Blocked,
        })
        .collect();
    let taken: Vec<i64> = column
        .slots
        .iter()
        .filter(|s| matches!(s.state, SlotState::Taken | SlotState::Mine))
        .map(|s| s.start.timestamp())
        .collect();
    let ctx = BookingContext {
        now,
        staff: false,
        published: evening.status == EveningStatus::Published,
        window: BookingWindow {
            opens_at: evening.booking_opens_at.timestamp(),
            closes_at: evening.booking_closes_at.timestamp(),
            cancel_until: evening.cancel_until.timestamp(),
        },
        teaches_child: true,
        teacher_slots: &slots,
        taken: &taken,
        family,
        travel_buffer_secs: i64::from(evening.travel_buffer_minutes) * 60,
        moving: None,
    };
    column
        .slots
        .iter()
        .map(|view| {
            let blocked_because = (view.state == SlotState::Free)
                .then(|| {
                    let request = BookingRequest {
                        teacher_id: column.teacher_id,
                        student_id,
                        slot_start: view.start.timestamp(),
                        room: column.room.as_deref(),
                    };
                    rules::check_booking(&request, &ctx)
                        .err()
                        .map(|refusal| match refusal {
                            rules::Refusal::FamilyOverlap => {
                                "clashes with another of your appointments".to_owned()
                            }
                            other => other.to_string(),
                        })
                })
                .flatten();
            PickerSlot {
                slot: view.clone(),
                state: view.state,
                blocked_because,
            }
        })
        .collect()
}

/// An availability as it was saved, ready to send back with one slot's block toggled.
pub fn toggle_block(
    view: &confero_core::dto::AvailabilityView,
    start: chrono::DateTime<chrono::FixedOffset>,
) -> confero_core::dto::AvailabilityInput {
    use confero_core::local::{LocalDate, LocalSpan, LocalTime};
    let windows = view
        .windows
        .iter()
        .map(|w| LocalSpan {
            date: LocalDate(w.start.date_naive()),
            start: LocalTime(w.start.time()),
            end: LocalTime(w.end.time()),
        })
        .collect();
    let mut blocked = view.blocked.clone();
    match blocked
        .iter()
        .position(|b| b.timestamp() == start.timestamp())
    {
        Some(i) => {
            blocked.remove(i);
        }
        None => blocked.push(start),
    }
    confero_core::dto::AvailabilityInput {
        room: view.room.clone(),
        slot_minutes: view.slot_minutes,
        windows,
        blocked,
    }
}
