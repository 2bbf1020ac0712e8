//! The privacy filter: the one place that decides what of a person a viewer
//! may see, applied on the way out (DESIGN invariant 4). Handlers build
//! outgoing views of slots and bookings only through these functions.

use confero_core::dto::{BookingHolder, BookingStatus, SlotState, SlotView};
use confero_core::slots::Slot;
use confero_core::Role;

use crate::http::error::ApiResult;
use crate::http::extract::AuthSession;
use crate::storage::bookings::{self, BookingRow, Holder};
use crate::storage::Db;
use crate::zone::SchoolZone;

/// Who is looking, and whose children are theirs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub person_id: i64,
    pub admin: bool,
    pub teacher: bool,
    /// The students the viewer is a guardian of.
    pub children: Vec<i64>,
}

impl Viewer {
    /// The viewer behind a session.
    pub async fn of(session: &AuthSession, db: &Db) -> ApiResult<Viewer> {
        let children = if session.has(Role::Guardian) {
            bookings::children_of(db, session.person_id).await?
        } else {
            Vec::new()
        };
        Ok(Viewer {
            person_id: session.person_id,
            admin: session.has(Role::Admin),
            teacher: session.has(Role::Teacher),
            children,
        })
    }

    /// Staff act for families and see past the booking window.
    pub fn is_staff(&self) -> bool {
        self.admin || self.teacher
    }

    /// Whether the viewer may see who holds a booking with `teacher_id` for `student_id`:
    /// admins, that teacher, and the child's own guardians.
    pub fn may_see_holder(&self, teacher_id: i64, student_id: i64) -> bool {
        self.admin
            || (self.teacher && teacher_id == self.person_id)
            || self.children.contains(&student_id)
    }

    /// Whether the viewer may see a booking at all (same rule).
    pub fn may_see_booking(&self, booking: &BookingRow) -> bool {
        self.may_see_holder(booking.teacher_id, booking.student_id)
    }
}

/// A slot as the viewer may see it. Families see free, taken, or theirs, never who took one.
pub fn slot_view(
    viewer: &Viewer,
    zone: &SchoolZone,
    teacher_id: i64,
    slot: &Slot,
    holder: Option<&Holder>,
) -> SlotView {
    let state = match holder {
        Some(holder) if viewer.children.contains(&holder.student_id) => SlotState::Mine,
        Some(_) => SlotState::Taken,
        None if slot.blocked => SlotState::Blocked,
        None => SlotState::Free,
    };
    let booking = holder
        .filter(|h| viewer.may_see_holder(teacher_id, h.student_id))
        .map(|h| BookingHolder {
            booking_id: h.booking_id,
            student_id: h.student_id,
            student_name: h.student_name.clone(),
            status: BookingStatus::parse(&h.status).unwrap_or(BookingStatus::Booked),
        });
    SlotView {
        start: zone.rfc3339(slot.start),
        end: zone.rfc3339(slot.end),
        state,
        booking,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(admin: bool, teacher: bool, children: Vec<i64>) -> Viewer {
        Viewer {
            person_id: 7,
            admin,
            teacher,
            children,
        }
    }

    fn holder(student_id: i64) -> Holder {
        Holder {
            teacher_id: 3,
            start: 0,
            booking_id: 1,
            student_id,
            student_name: "Secret Child".into(),
            status: "booked".into(),
        }
    }

    #[test]
    fn families_never_see_who_holds_a_slot() {
        let zone = SchoolZone::named("Europe/London").unwrap();
        let slot = Slot {
            start: 0,
            end: 600,
            blocked: false,
        };
        let parent = viewer(false, false, vec![42]);
        let other = slot_view(&parent, &zone, 3, &slot, Some(&holder(99)));
        assert_eq!(other.state, SlotState::Taken);
        assert!(other.booking.is_none());
        assert!(!serde_json::to_string(&other).unwrap().contains("Secret"));
        let own = slot_view(&parent, &zone, 3, &slot, Some(&holder(42)));
        assert_eq!(own.state, SlotState::Mine);
        assert!(own.booking.is_some());
    }

    #[test]
    fn the_slots_teacher_and_admins_see_the_holder() {
        let zone = SchoolZone::named("Europe/London").unwrap();
        let slot = Slot {
            start: 0,
            end: 600,
            blocked: false,
        };
        let admin = viewer(true, false, vec![]);
        assert!(slot_view(&admin, &zone, 3, &slot, Some(&holder(99)))
            .booking
            .is_some());
        let own_teacher = Viewer {
            person_id: 3,
            ..viewer(false, true, vec![])
        };
        assert!(slot_view(&own_teacher, &zone, 3, &slot, Some(&holder(99)))
            .booking
            .is_some());
        let other_teacher = viewer(false, true, vec![]);
        assert!(
            slot_view(&other_teacher, &zone, 3, &slot, Some(&holder(99)))
                .booking
                .is_none()
        );
    }
}
