//! Evenings, their sessions, teachers' availability, and the slot grid.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::local::{LocalDateTime, LocalSpan};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How families meet the teacher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingMode {
    /// In school, in the teacher's room.
    InPerson,
    /// A video call; the evening carries the link.
    Video,
    /// A phone call from the teacher.
    Phone,
}

impl MeetingMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingMode::InPerson => "in_person",
            MeetingMode::Video => "video",
            MeetingMode::Phone => "phone",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<MeetingMode> {
        [
            MeetingMode::InPerson,
            MeetingMode::Video,
            MeetingMode::Phone,
        ]
        .into_iter()
        .find(|m| m.as_str() == name)
    }
}

/// Where an evening is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EveningStatus {
    /// Being set up: only staff see it.
    Draft,
    /// Families can see it and, inside the booking window, book.
    Published,
    /// Over: read-only.
    Archived,
}

impl EveningStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EveningStatus::Draft => "draft",
            EveningStatus::Published => "published",
            EveningStatus::Archived => "archived",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<EveningStatus> {
        [
            EveningStatus::Draft,
            EveningStatus::Published,
            EveningStatus::Archived,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// `PUT /api/evenings/{id}/status`: publish, archive, or return to draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EveningStatusChange {
    pub status: EveningStatus,
}

/// A span of time, as RFC 3339 with the school's UTC offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Span {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// `POST /api/evenings` and `PUT /api/evenings/{id}`: an evening as the admin sets it up.
/// Dates and times are wall-clock times in the school's time zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EveningInput {
    pub name: String,
    /// One or more sessions.
    pub sessions: Vec<LocalSpan>,
    #[serde(default)]
    pub breaks: Vec<LocalSpan>,
    /// Default appointment length.
    pub slot_minutes: u32,
    /// Gap between appointments.
    #[serde(default)]
    pub changeover_minutes: u32,
    /// Least time between a family's appointments in different rooms.
    #[serde(default)]
    pub travel_buffer_minutes: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-16T18:00"))]
    pub booking_opens_at: LocalDateTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-25T12:00"))]
    pub booking_closes_at: LocalDateTime,
    /// Parents may cancel online until this time.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-26T09:00"))]
    pub cancel_until: LocalDateTime,
    pub mode: MeetingMode,
    /// Required for video evenings.
    #[serde(default)]
    pub video_link: Option<String>,
    /// Participating teachers; default: everyone who teaches a class.
    #[serde(default)]
    pub teacher_ids: Option<Vec<i64>>,
    /// Who the evening is for: children in these year groups…
    #[serde(default)]
    pub year_groups: Option<Vec<String>>,
    /// …or enrolled in these classes. Both empty: the whole school. A list
    /// left out is empty for a new evening, and kept as it is by a change.
    #[serde(default)]
    pub class_ids: Option<Vec<i64>>,
    /// On a change to an existing evening: the bookings it leaves without a
    /// time (or whose child it is no longer for), cancelled with it (each
    /// family is told); see [`AvailabilityInput`].
    #[serde(default)]
    pub cancel_bookings: Vec<i64>,
}

/// Who an evening is for. Empty: the whole school. Otherwise the children in
/// one of the year groups or enrolled in one of the classes; only their
/// guardians see the evening, and only they can be booked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EveningAudience {
    #[serde(default)]
    pub year_groups: Vec<String>,
    #[serde(default)]
    pub classes: Vec<AudienceClass>,
    /// Set up for some year groups or classes only. With both lists empty
    /// (its classes have left the roster) the evening is for no one, never
    /// the whole school.
    #[serde(default)]
    pub restricted: bool,
}

/// A class an evening is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AudienceClass {
    pub id: i64,
    pub name: String,
}

impl EveningAudience {
    /// For the whole school.
    pub fn is_everyone(&self) -> bool {
        !self.restricted && self.year_groups.is_empty() && self.classes.is_empty()
    }

    /// Set up for some year groups or classes, none of which is left.
    pub fn is_no_one(&self) -> bool {
        !self.is_everyone() && self.year_groups.is_empty() && self.classes.is_empty()
    }

    /// Whether a child of `year_group`, enrolled in the classes named
    /// `class_names`, is invited (the same rule the API applies in SQL).
    pub fn includes<'a>(
        &self,
        year_group: &str,
        mut class_names: impl Iterator<Item = &'a str>,
    ) -> bool {
        self.is_everyone()
            || self.year_groups.iter().any(|y| y == year_group)
            || class_names.any(|name| self.classes.iter().any(|c| c.name == name))
    }

    /// "Year 11, 10B" or "the whole school", for people.
    pub fn describe(&self) -> String {
        if self.is_everyone() {
            return "the whole school".to_owned();
        }
        if self.is_no_one() {
            return "no one: its classes have left the roster".to_owned();
        }
        self.year_groups
            .iter()
            .map(String::as_str)
            .chain(self.classes.iter().map(|c| c.name.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `GET /api/school/evening-choices`: what an evening can be set up with:
/// the teachers who can take part, and the year groups and classes it can be for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EveningChoices {
    /// Every year group with at least one pupil, in order.
    pub year_groups: Vec<String>,
    pub classes: Vec<AudienceClass>,
    /// The school's teachers (active accounts), by family name.
    #[serde(default)]
    pub teachers: Vec<TeacherChoice>,
}

/// A teacher who can take part in an evening.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TeacherChoice {
    pub id: i64,
    pub name: String,
    /// Whether they teach a class (a new evening takes those by default).
    pub teaches_classes: bool,
}

/// An evening, as everyone in the school may see it once published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Evening {
    pub id: i64,
    pub name: String,
    pub status: EveningStatus,
    pub sessions: Vec<Span>,
    pub breaks: Vec<Span>,
    pub slot_minutes: u32,
    pub changeover_minutes: u32,
    pub travel_buffer_minutes: u32,
    pub booking_opens_at: DateTime<FixedOffset>,
    pub booking_closes_at: DateTime<FixedOffset>,
    pub cancel_until: DateTime<FixedOffset>,
    pub mode: MeetingMode,
    pub video_link: Option<String>,
    pub teachers: Vec<EveningTeacher>,
    /// Who the evening is for.
    #[serde(default)]
    pub audience: EveningAudience,
}

/// A participating teacher.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EveningTeacher {
    pub id: i64,
    pub name: String,
    pub room: Option<String>,
    /// The teacher's own appointment length, if set.
    pub slot_minutes: Option<u32>,
    /// How many minutes behind the teacher says they are tonight (absent: on time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_minutes: Option<u32>,
}

/// `PUT /api/evenings/{id}/teachers/{teacher_id}/late`: the teacher is
/// running this many minutes late (0: back on time). Families with a later
/// appointment with them see it live, and are emailed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RunningLate {
    pub minutes: u32,
}

impl RunningLate {
    /// The most minutes late a teacher can say.
    pub const MAX_MINUTES: u32 = 90;
}

/// `PUT /api/evenings/{id}/teachers/{teacher_id}/availability`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AvailabilityInput {
    #[serde(default)]
    pub room: Option<String>,
    #[serde(default)]
    pub slot_minutes: Option<u32>,
    /// The teacher's own windows; empty means the whole of every session.
    #[serde(default)]
    pub windows: Vec<LocalSpan>,
    /// Starts of slots to block (as listed by the slots endpoint).
    #[serde(default)]
    pub blocked: Vec<DateTime<FixedOffset>>,
    /// The bookings this change leaves without a time, cancelled with it
    /// (each family is told): exactly the ones a 409 `would_strand_bookings`
    /// listed. A change that would strand others is refused.
    #[serde(default)]
    pub cancel_bookings: Vec<i64>,
}

/// A booked appointment that a change to an evening would leave without a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StrandedBooking {
    pub booking_id: i64,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub student_name: String,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// The body of a 409 `would_strand_bookings`: the error, and the
/// appointments the change would leave without a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StrandedBookings {
    pub error: crate::ErrorDetail,
    pub stranded: Vec<StrandedBooking>,
}

/// A teacher's availability for an evening.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AvailabilityView {
    pub teacher_id: i64,
    pub room: Option<String>,
    pub slot_minutes: Option<u32>,
    pub windows: Vec<Span>,
    pub blocked: Vec<DateTime<FixedOffset>>,
}

/// What a slot looks like to the viewer. Parents never learn who holds a taken slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SlotState {
    Free,
    Taken,
    /// Booked by the viewer's family.
    Mine,
    Blocked,
}

/// One slot in the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SlotView {
    #[serde(serialize_with = "crate::time::serialize_rfc3339")]
    pub start: DateTime<FixedOffset>,
    #[serde(serialize_with = "crate::time::serialize_rfc3339")]
    pub end: DateTime<FixedOffset>,
    pub state: SlotState,
    /// Who holds it: only for the slot's teacher and admins (and the family's own bookings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<super::BookingHolder>,
}

/// One teacher's column of the grid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TeacherSlots {
    pub teacher_id: i64,
    pub teacher_name: String,
    pub room: Option<String>,
    pub slots: Vec<SlotView>,
}

#[cfg(test)]
mod tests {
    use super::{AudienceClass, EveningAudience};

    fn class(name: &str) -> AudienceClass {
        AudienceClass {
            id: 1,
            name: name.to_owned(),
        }
    }

    #[test]
    fn an_audience_is_the_whole_school_some_children_or_no_one() {
        let everyone = EveningAudience::default();
        assert!(everyone.is_everyone() && !everyone.is_no_one());
        assert!(everyone.includes("Year 7", std::iter::empty()));
        assert_eq!(everyone.describe(), "the whole school");

        let some = EveningAudience {
            year_groups: vec!["Year 11".into()],
            classes: vec![class("7A/En")],
            restricted: true,
        };
        assert!(!some.is_everyone() && !some.is_no_one());
        assert!(some.includes("Year 11", std::iter::empty()));
        assert!(some.includes("Year 7", ["7A/Ma", "7A/En"].into_iter()));
        assert!(!some.includes("Year 7", ["7A/Ma"].into_iter()));
        assert_eq!(some.describe(), "Year 11, 7A/En");

        // Its only class left the roster: closed, not opened to everyone.
        let emptied = EveningAudience {
            restricted: true,
            ..EveningAudience::default()
        };
        assert!(!emptied.is_everyone() && emptied.is_no_one());
        assert!(!emptied.includes("Year 7", ["7A/En"].into_iter()));
        assert!(emptied.describe().starts_with("no one"));
    }
}
