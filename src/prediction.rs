//! Predicting the booking rules in the browser, with the very code the API
//! enforces them with (`confero_core::rules`): a slot that would clash is
//! shown as such before anyone taps it. The API still decides.

use confero_core::dto::{Booking, BookingStatus, Evening, EveningStatus, SlotState, TeacherSlots};
use confero_core::rules::{
    self, BookingContext, BookingRequest, BookingWindow, Conflict, FamilyAppointment,
};
use confero_core::slots::Slot;
use confero_core::Interval;

use crate::components::slot_picker::PickerSlot;
use crate::time_text::clock;

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

/// Why a time clashes with the family's evening, in words that name the
/// appointment in the way: "you are with Ms Fraser then (Aisha, 16:20–16:28)"
/// or "too close to 16:20 with Ms Fraser in Room A10: 5 minutes to walk
/// between rooms". `bookings` are the family's, where the names come from.
pub fn clash_reason(conflict: &Conflict<'_>, bookings: &[Booking]) -> String {
    let (other, needed) = match conflict {
        Conflict::Overlaps(other) => (*other, None),
        Conflict::TooClose { other, needed_secs } => (*other, Some(*needed_secs)),
    };
    let Some(booking) = bookings.iter().find(|b| b.id == other.booking_id) else {
        return "clashes with another of your appointments".to_owned();
    };
    match needed {
        None => format!(
            "you are with {} then ({}, {}–{})",
            booking.teacher_name,
            booking.student_name,
            clock(&booking.start),
            clock(&booking.end)
        ),
        Some(secs) => {
            let minutes = (secs + 59) / 60;
            let room = booking
                .room
                .as_deref()
                .map(|room| format!(" in {room}"))
                .unwrap_or_default();
            format!(
                "too close to {} with {}{room}: {minutes} {} to walk between rooms",
                clock(&booking.start),
                booking.teacher_name,
                if minutes == 1 { "minute" } else { "minutes" }
            )
        }
    }
}

/// The picker's view of a teacher's column for one child. `bookings` are the
/// family's bookings this evening, and `family` the same as the rules see them.
pub fn picker_slots(
    evening: &Evening,
    column: &TeacherSlots,
    student_id: i64,
    (bookings, family): (&[Booking], &[FamilyAppointment]),
    now: i64,
    moving: Option<i64>,
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
        moving,
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
                            rules::Refusal::FamilyOverlap => rules::family_conflict(
                                &Interval {
                                    start: view.start.timestamp(),
                                    end: view.end.timestamp(),
                                },
                                column.room.as_deref(),
                                family,
                                ctx.travel_buffer_secs,
                                moving,
                            )
                            .map(|conflict| clash_reason(&conflict, bookings))
                            .unwrap_or_else(|| refusal.to_string()),
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
        cancel_bookings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::dto::{MeetingMode, SlotView};

    fn at(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
        text.parse().unwrap()
    }

    fn evening() -> Evening {
        Evening {
            id: 1,
            name: "E".into(),
            status: EveningStatus::Published,
            sessions: vec![],
            breaks: vec![],
            slot_minutes: 10,
            changeover_minutes: 0,
            travel_buffer_minutes: 5,
            booking_opens_at: at("2026-01-01T00:00:00Z"),
            booking_closes_at: at("2027-01-01T00:00:00Z"),
            cancel_until: at("2027-01-01T00:00:00Z"),
            mode: MeetingMode::InPerson,
            video_link: None,
            teachers: vec![],
            audience: Default::default(),
        }
    }

    fn slot(start: &str, end: &str, state: SlotState) -> SlotView {
        SlotView {
            start: at(start),
            end: at(end),
            state,
            booking: None,
        }
    }

    #[test]
    fn slots_that_would_clash_with_a_siblings_appointment_are_flagged() {
        let column = TeacherSlots {
            teacher_id: 2,
            teacher_name: "Ms B".into(),
            room: Some("B1".into()),
            slots: vec![
                slot(
                    "2026-12-03T16:00:00Z",
                    "2026-12-03T16:10:00Z",
                    SlotState::Free,
                ),
                slot(
                    "2026-12-03T16:10:00Z",
                    "2026-12-03T16:20:00Z",
                    SlotState::Free,
                ),
                slot(
                    "2026-12-03T16:20:00Z",
                    "2026-12-03T16:30:00Z",
                    SlotState::Taken,
                ),
                slot(
                    "2026-12-03T16:30:00Z",
                    "2026-12-03T16:40:00Z",
                    SlotState::Free,
                ),
            ],
        };
        // The sibling sees another teacher in room A1 at 16:00–16:10.
        let bookings = vec![Booking {
            id: 9,
            evening_id: 1,
            evening_name: "E".into(),
            teacher_id: 1,
            teacher_name: "Ms Fraser".into(),
            student_id: 20,
            student_name: "Aisha Patel".into(),
            start: at("2026-12-03T16:00:00Z"),
            end: at("2026-12-03T16:10:00Z"),
            room: Some("Room A1".into()),
            mode: MeetingMode::InPerson,
            video_link: None,
            status: BookingStatus::Booked,
            family: None,
            booked_by: None,
            staff_note: None,
            class_name: None,
        }];
        let family = family(&bookings);
        let now = at("2026-06-01T00:00:00Z").timestamp();
        let picker = picker_slots(&evening(), &column, 21, (&bookings, &family), now, None);
        let reasons: Vec<Option<&str>> = picker
            .iter()
            .map(|p| p.blocked_because.as_deref())
            .collect();
        // Same time, and straight after in another room (5-minute buffer), clash,
        // each saying which appointment is in the way; later ones do not.
        assert_eq!(
            reasons,
            vec![
                Some("you are with Ms Fraser then (Aisha Patel, 16:00–16:10)"),
                Some(
                    "too close to 16:00 with Ms Fraser in Room A1: 5 minutes to walk between rooms"
                ),
                None,
                None
            ]
        );
        assert_eq!(picker[2].state, SlotState::Taken);
    }
}
