//! Bookings.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::MeetingMode;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Where a booking is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Booked,
    Cancelled,
    Attended,
    NoShow,
    /// Held for a family from a teacher's waitlist until they accept or the
    /// offer ends: taken to everyone else, not yet an appointment.
    Held,
}

impl BookingStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Booked => "booked",
            BookingStatus::Cancelled => "cancelled",
            BookingStatus::Attended => "attended",
            BookingStatus::NoShow => "no_show",
            BookingStatus::Held => "held",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<BookingStatus> {
        [
            BookingStatus::Booked,
            BookingStatus::Cancelled,
            BookingStatus::Attended,
            BookingStatus::NoShow,
            BookingStatus::Held,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// `POST /api/evenings/{id}/bookings`: book a slot for a child.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    pub teacher_id: i64,
    pub student_id: i64,
    /// The slot's start, as listed by the slots endpoint.
    pub start: DateTime<FixedOffset>,
}

/// `POST /api/evenings/{id}/bookings/batch`: several bookings, all or none
/// ("Plan my evening"). At most [`BatchBookingInput::MAX`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchBookingInput {
    pub bookings: Vec<BookingInput>,
}

impl BatchBookingInput {
    /// The most bookings one batch may hold.
    pub const MAX: usize = 64;
}

/// The answer to a batch booking: every booking made, in the order asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BatchBooked {
    pub bookings: Vec<Booking>,
}

/// `PUT /api/bookings/{id}/slot`: move a booking to another slot of the same teacher, atomically.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveInput {
    pub start: DateTime<FixedOffset>,
}

/// `PUT /api/bookings/{id}/status`: the teacher marks what happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    pub status: BookingStatus,
}

/// Who holds a slot, as its teacher and admins see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BookingHolder {
    pub booking_id: i64,
    pub student_id: i64,
    pub student_name: String,
    pub status: BookingStatus,
}

/// A booking, as its family, its teacher and admins see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Booking {
    pub id: i64,
    pub evening_id: i64,
    pub evening_name: String,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub student_id: i64,
    pub student_name: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub room: Option<String>,
    pub mode: MeetingMode,
    pub video_link: Option<String>,
    pub status: BookingStatus,
    /// Who of the family booked (and is coming), as the viewer may see them:
    /// in the lists of a teacher's or admin's schedule, through the privacy
    /// filter (a phone only if the family shows it to staff). Absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<super::PersonView>,
    /// Who booked it, in the family's own list (`GET /api/bookings?as=guardian`),
    /// so two guardians never wonder which of them did. Absent elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_by: Option<BookedBy>,
    /// The teacher's private note, in the lists of a teacher's or admin's
    /// schedule only. Families never see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_note: Option<String>,
    /// The teacher's class the child is in ("10B Maths"), in the lists of a
    /// teacher's or admin's schedule only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
}

/// `PUT /api/bookings/{id}/note`: the teacher's private note on an
/// appointment (empty removes it). Staff only; at most [`NoteInput::MAX`] characters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub note: String,
}

impl NoteInput {
    /// The longest note.
    pub const MAX: usize = 1000;
}

/// Who booked an appointment, as the child's family sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BookedBy {
    /// The person asking.
    You,
    /// Another of the child's guardians: named when their profile shows
    /// their name to the person asking.
    Guardian {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A teacher or the office, on the family's behalf.
    School,
}
