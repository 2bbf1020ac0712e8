//! The office's view of an evening: how full it is, per teacher and per year
//! group, and which pupils have no appointment yet.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `GET /api/evenings/{id}/overview` (admins).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EveningOverview {
    pub evening_id: i64,
    /// Booked appointments (attended and no-shows included).
    pub appointments: u32,
    /// Times still free across every teacher.
    pub free_times: u32,
    /// Pupils the evening is for.
    pub pupils: u32,
    /// Of those, pupils with at least one appointment.
    pub pupils_booked: u32,
    pub teachers: Vec<TeacherLoad>,
    pub year_groups: Vec<YearLoad>,
    /// Pupils the evening is for with no appointment yet, by name.
    pub unbooked: Vec<UnbookedPupil>,
}

/// One teacher's evening in numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TeacherLoad {
    pub teacher_id: i64,
    pub name: String,
    pub booked: u32,
    pub free: u32,
    /// Blocked by the teacher, or held for a family on the waiting list.
    pub unavailable: u32,
}

/// One year group's evening in numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct YearLoad {
    pub year_group: String,
    pub pupils: u32,
    pub pupils_booked: u32,
    pub appointments: u32,
}

/// A pupil with no appointment yet, and who could book for them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnbookedPupil {
    pub student_id: i64,
    pub name: String,
    pub year_group: String,
    /// The guardians' names.
    pub guardians: Vec<String>,
    /// When the office last reminded this pupil's family, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminded_at: Option<DateTime<FixedOffset>>,
}

/// `POST /api/evenings/{id}/reminders`: the families of every pupil with no
/// appointment yet are emailed (once a day at most each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RemindersSent {
    /// Guardians a reminder was queued for now.
    pub guardians: u32,
    /// Guardians already reminded today, not emailed again.
    pub already_today: u32,
}

/// A pupil found by the office to book for (`GET /api/evenings/{id}/pupils?q=`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PupilToBook {
    pub student_id: i64,
    pub name: String,
    pub year_group: String,
    pub guardians: Vec<String>,
    /// The pupil's teachers taking part in the evening.
    pub teachers: Vec<PupilTeacher>,
}

/// One of a pupil's teachers at the evening, and whether they are booked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PupilTeacher {
    pub teacher_id: i64,
    pub name: String,
    pub subject: String,
    /// The appointment's start, when the pupil has one with this teacher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked_at: Option<DateTime<FixedOffset>>,
}
