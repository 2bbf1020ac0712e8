//! The booking rules, decided the same way in the SPA (to predict) and in the
//! API (to enforce, inside the booking transaction).
//!
//! 1. A slot holds at most one active booking.
//! 2. One active booking per (evening, student, teacher).
//! 3. A family's appointments never overlap, and when rooms differ they are at
//!    least the evening's travel buffer apart (staff may book closer: they
//!    know the building and the family). Siblings share their guardians' timeline.
//! 4. A guardian may book only teachers who teach their child (staff may override).
//! 5. Parents book only inside the booking window and cancel only before the
//!    cut-off; staff can act outside them.

use serde::{Deserialize, Serialize};

use crate::slots::Slot;
use crate::time::Interval;

/// Why a booking, cancellation or move is refused. Sent as the error `code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    #[error("this evening is not open for booking")]
    EveningNotOpen,
    #[error("booking is not open at this time")]
    OutsideWindow,
    #[error("cancelling is no longer possible online; please contact the school")]
    CancellationClosed,
    #[error("this teacher does not teach this child")]
    NotTheirTeacher,
    #[error("this evening is not for this child's year group or classes")]
    NotInvited,
    #[error("there is no such appointment time")]
    NoSuchSlot,
    #[error("the teacher is not available at this time")]
    SlotBlocked,
    #[error("someone else has just booked this time")]
    SlotTaken,
    #[error("this child already has an appointment with this teacher")]
    AlreadyBookedWithTeacher,
    #[error("this overlaps another of your family's appointments, or leaves too little time to get between rooms")]
    FamilyOverlap,
}

/// When parents may act. Staff are not bound by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingWindow {
    pub opens_at: i64,
    pub closes_at: i64,
    /// Parents may cancel until this instant.
    pub cancel_until: i64,
}

/// An active appointment already in the family's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyAppointment {
    pub booking_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
    pub span: Interval,
    pub room: Option<String>,
}

/// A booking someone asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingRequest<'a> {
    pub teacher_id: i64,
    pub student_id: i64,
    pub slot_start: i64,
    pub room: Option<&'a str>,
}

/// Everything the rules need to know, gathered by the caller.
#[derive(Clone, Debug)]
pub struct BookingContext<'a> {
    pub now: i64,
    /// A teacher or admin acting: may override rules 4 and 5.
    pub staff: bool,
    pub published: bool,
    pub window: BookingWindow,
    /// Whether the teacher teaches the student (rule 4).
    pub teaches_child: bool,
    /// The teacher's slots for the evening.
    pub teacher_slots: &'a [Slot],
    /// Slot starts of the teacher that hold an active booking (rule 1).
    pub taken: &'a [i64],
    /// The family's active appointments this evening (rules 2 and 3).
    pub family: &'a [FamilyAppointment],
    pub travel_buffer_secs: i64,
    /// When moving a booking: its id, so it does not clash with itself.
    pub moving: Option<i64>,
}

/// Decides a booking. The first rule broken is the reason given.
pub fn check_booking(
    request: &BookingRequest<'_>,
    ctx: &BookingContext<'_>,
) -> Result<Slot, Refusal> {
    if !ctx.published {
        return Err(Refusal::EveningNotOpen);
    }
    let window_open = (ctx.window.opens_at..ctx.window.closes_at).contains(&ctx.now);
    if !ctx.staff && !window_open {
        return Err(Refusal::OutsideWindow);
    }
    if !ctx.staff && !ctx.teaches_child {
        return Err(Refusal::NotTheirTeacher);
    }
    let slot = *ctx
        .teacher_slots
        .iter()
        .find(|slot| slot.start == request.slot_start)
        .ok_or(Refusal::NoSuchSlot)?;
    if slot.blocked {
        return Err(Refusal::SlotBlocked);
    }
    let others = || {
        ctx.family
            .iter()
            .filter(|a| Some(a.booking_id) != ctx.moving)
    };
    let moving_here = ctx.family.iter().any(|a| {
        Some(a.booking_id) == ctx.moving
            && a.teacher_id == request.teacher_id
            && a.span.start == slot.start
    });
    if ctx.taken.contains(&slot.start) && !moving_here {
        return Err(Refusal::SlotTaken);
    }
    if others().any(|a| a.teacher_id == request.teacher_id && a.student_id == request.student_id) {
        return Err(Refusal::AlreadyBookedWithTeacher);
    }
    // Staff may book closer than the travel buffer, never overlapping.
    let buffer = if ctx.staff { 0 } else { ctx.travel_buffer_secs };
    if family_conflict(
        &slot.interval(),
        request.room,
        ctx.family,
        buffer,
        ctx.moving,
    )
    .is_some()
    {
        return Err(Refusal::FamilyOverlap);
    }
    Ok(slot)
}

/// Why a time does not fit the family's evening (rule 3), naming the
/// appointment in the way, so a parent can be told exactly what to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conflict<'a> {
    /// The family is with someone else at that time.
    Overlaps(&'a FamilyAppointment),
    /// Another appointment, in another room, ends or starts too close to
    /// this one to walk between them.
    TooClose {
        other: &'a FamilyAppointment,
        /// The evening's travel buffer.
        needed_secs: i64,
    },
}

/// The first of the family's appointments that a booking over `span` in
/// `room` would clash with: an overlap is named before a too-short walk.
/// The travel buffer applies only between different rooms; `moving` is the
/// booking being moved, which cannot clash with itself.
pub fn family_conflict<'a>(
    span: &Interval,
    room: Option<&str>,
    family: &'a [FamilyAppointment],
    travel_buffer_secs: i64,
    moving: Option<i64>,
) -> Option<Conflict<'a>> {
    let others = || family.iter().filter(move |a| Some(a.booking_id) != moving);
    if let Some(other) = others().find(|a| a.span.overlaps(span)) {
        return Some(Conflict::Overlaps(other));
    }
    others()
        .filter(|a| a.room.as_deref() != room)
        .filter(|a| a.span.gap_to(span) < travel_buffer_secs)
        .min_by_key(|a| a.span.gap_to(span))
        .map(|other| Conflict::TooClose {
            other,
            needed_secs: travel_buffer_secs,
        })
}

/// Decides a cancellation by its actor.
pub fn check_cancel(now: i64, staff: bool, window: &BookingWindow) -> Result<(), Refusal> {
    if staff || now < window.cancel_until {
        Ok(())
    } else {
        Err(Refusal::CancellationClosed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T1: i64 = 1;
    const T2: i64 = 2;
    const KID: i64 = 10;
    const SIBLING: i64 = 11;

    fn slots() -> Vec<Slot> {
        (0..6)
            .map(|i| Slot {
                start: i * 600,
                end: i * 600 + 600,
                blocked: i == 5,
            })
            .collect()
    }

    fn appt(id: i64, teacher: i64, student: i64, start: i64, room: &str) -> FamilyAppointment {
        FamilyAppointment {
            booking_id: id,
            teacher_id: teacher,
            student_id: student,
            span: Interval::new(start, start + 600).unwrap(),
            room: Some(room.to_owned()),
        }
    }

    fn ctx<'a>(
        slots: &'a [Slot],
        taken: &'a [i64],
        family: &'a [FamilyAppointment],
    ) -> BookingContext<'a> {
        BookingContext {
            now: 50,
            staff: false,
            published: true,
            window: BookingWindow {
                opens_at: 0,
                closes_at: 100,
                cancel_until: 80,
            },
            teaches_child: true,
            teacher_slots: slots,
            taken,
            family,
            travel_buffer_secs: 300,
            moving: None,
        }
    }

    fn request(start: i64, room: &str) -> BookingRequest<'_> {
        BookingRequest {
            teacher_id: T1,
            student_id: KID,
            slot_start: start,
            room: Some(room),
        }
    }

    #[test]
    fn table() {
        let s = slots();
        let family_other_room = [appt(7, T2, SIBLING, 600, "B2")];
        let family_same_teacher = [appt(8, T1, KID, 1200, "A1")];
        let cases: Vec<(&str, BookingContext, BookingRequest, Result<i64, Refusal>)> = vec![
            ("a free slot", ctx(&s, &[], &[]), request(0, "A1"), Ok(0)),
            (
                "a taken slot",
                ctx(&s, &[0], &[]),
                request(0, "A1"),
                Err(Refusal::SlotTaken),
            ),
            (
                "not a slot",
                ctx(&s, &[], &[]),
                request(30, "A1"),
                Err(Refusal::NoSuchSlot),
            ),
            (
                "blocked",
                ctx(&s, &[], &[]),
                request(3000, "A1"),
                Err(Refusal::SlotBlocked),
            ),
            (
                "same teacher twice",
                ctx(&s, &[1200], &family_same_teacher),
                request(0, "A1"),
                Err(Refusal::AlreadyBookedWithTeacher),
            ),
            (
                "sibling at the same time",
                ctx(&s, &[], &family_other_room),
                request(600, "A1"),
                Err(Refusal::FamilyOverlap),
            ),
            (
                "back to back, different rooms: needs the buffer",
                ctx(&s, &[], &family_other_room),
                request(1200, "A1"),
                Err(Refusal::FamilyOverlap),
            ),
            (
                "back to back, different rooms, booked by staff: allowed",
                BookingContext {
                    staff: true,
                    ..ctx(&s, &[], &family_other_room)
                },
                request(1200, "A1"),
                Ok(1200),
            ),
            (
                "at the same time, booked by staff: still refused",
                BookingContext {
                    staff: true,
                    ..ctx(&s, &[], &family_other_room)
                },
                request(600, "A1"),
                Err(Refusal::FamilyOverlap),
            ),
            (
                "back to back, same room: fine",
                ctx(&s, &[], &family_other_room),
                request(1200, "B2"),
                Ok(1200),
            ),
            (
                "far enough apart",
                ctx(&s, &[], &family_other_room),
                request(1800, "A1"),
                Ok(1800),
            ),
            (
                "before opening",
                BookingContext {
                    now: -1,
                    ..ctx(&s, &[], &[])
                },
                request(0, "A1"),
                Err(Refusal::OutsideWindow),
            ),
            (
                "after closing",
                BookingContext {
                    now: 100,
                    ..ctx(&s, &[], &[])
                },
                request(0, "A1"),
                Err(Refusal::OutsideWindow),
            ),
            (
                "staff outside the window",
                BookingContext {
                    now: 500,
                    staff: true,
                    ..ctx(&s, &[], &[])
                },
                request(0, "A1"),
                Ok(0),
            ),
            (
                "not their teacher",
                BookingContext {
                    teaches_child: false,
                    ..ctx(&s, &[], &[])
                },
                request(0, "A1"),
                Err(Refusal::NotTheirTeacher),
            ),
            (
                "staff override the class list",
                BookingContext {
                    teaches_child: false,
                    staff: true,
                    ..ctx(&s, &[], &[])
                },
                request(0, "A1"),
                Ok(0),
            ),
            (
                "a draft evening",
                BookingContext {
                    published: false,
                    ..ctx(&s, &[], &[])
                },
                request(0, "A1"),
                Err(Refusal::EveningNotOpen),
            ),
            (
                "moving a booking to a free slot",
                BookingContext {
                    moving: Some(8),
                    ..ctx(&s, &[1200], &family_same_teacher)
                },
                request(0, "A1"),
                Ok(0),
            ),
            (
                "moving onto its own slot",
                BookingContext {
                    moving: Some(8),
                    ..ctx(&s, &[1200], &family_same_teacher)
                },
                request(1200, "A1"),
                Ok(1200),
            ),
        ];
        for (name, ctx, request, want) in cases {
            assert_eq!(
                check_booking(&request, &ctx).map(|slot| slot.start),
                want,
                "{name}"
            );
        }
    }

    #[test]
    fn a_conflict_names_the_appointment_in_the_way() {
        let family = [appt(7, T2, SIBLING, 600, "B2"), appt(9, 3, KID, 1800, "A1")];
        let span = |start: i64| Interval::new(start, start + 600).unwrap();
        // The same time as the sibling's appointment: an overlap, named.
        assert_eq!(
            family_conflict(&span(600), Some("A1"), &family, 300, None),
            Some(Conflict::Overlaps(&family[0]))
        );
        // Straight after it, in another room: too close to walk.
        assert_eq!(
            family_conflict(&span(1200), Some("A1"), &family, 300, None),
            Some(Conflict::TooClose {
                other: &family[0],
                needed_secs: 300
            })
        );
        // Straight after it in the same room: no walk, no clash.
        assert_eq!(
            family_conflict(&span(1200), Some("B2"), &family[..1], 300, None),
            None
        );
        // An overlap is named even when a nearer walk also fails.
        assert_eq!(
            family_conflict(&span(1500), Some("C3"), &family, 300, None),
            Some(Conflict::Overlaps(&family[1]))
        );
        // The booking being moved is not in its own way.
        assert_eq!(
            family_conflict(&span(600), Some("A1"), &family, 300, Some(7)),
            None
        );
        // Far enough apart, whatever the rooms.
        assert_eq!(
            family_conflict(&span(0), Some("C3"), &family[1..], 300, None),
            None
        );
    }

    #[test]
    fn cancellation_cut_off_binds_parents_only() {
        let window = BookingWindow {
            opens_at: 0,
            closes_at: 100,
            cancel_until: 80,
        };
        assert_eq!(check_cancel(79, false, &window), Ok(()));
        assert_eq!(
            check_cancel(80, false, &window),
            Err(Refusal::CancellationClosed)
        );
        assert_eq!(check_cancel(500, true, &window), Ok(()));
    }

    #[test]
    fn refusals_serialise_as_snake_case_codes() {
        assert_eq!(
            serde_json::to_string(&Refusal::SlotTaken).unwrap(),
            "\"slot_taken\""
        );
        assert_eq!(
            serde_json::to_string(&Refusal::AlreadyBookedWithTeacher).unwrap(),
            "\"already_booked_with_teacher\""
        );
    }
}
