//! The waitlist: a family waiting for a time with a teacher who has none
//! they can use, and the time held for them when one frees.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// How long a freed time is held for the waiting family before it goes to the next.
pub const OFFER_HOLD_SECS: i64 = 10 * 60;

/// `POST /api/evenings/{id}/waitlist`: wait for a time with a teacher, for
/// one child, within the part of the evening the family can attend (the
/// whole evening when `from` and `until` are left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WaitlistInput {
    pub teacher_id: i64,
    pub student_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<FixedOffset>>,
}

/// Where a place in a teacher's line stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WaitlistStatus {
    /// In the line.
    Waiting,
    /// A time is held for the family: see `offer`.
    Offered,
    /// The family booked the offered time (or booked the teacher another way).
    Booked,
    /// The family said no to an offer.
    Declined,
    /// An offer ran out before the family answered.
    Expired,
    /// The family left the line.
    Left,
}

impl WaitlistStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            WaitlistStatus::Waiting => "waiting",
            WaitlistStatus::Offered => "offered",
            WaitlistStatus::Booked => "booked",
            WaitlistStatus::Declined => "declined",
            WaitlistStatus::Expired => "expired",
            WaitlistStatus::Left => "left",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<WaitlistStatus> {
        [
            WaitlistStatus::Waiting,
            WaitlistStatus::Offered,
            WaitlistStatus::Booked,
            WaitlistStatus::Declined,
            WaitlistStatus::Expired,
            WaitlistStatus::Left,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }

    /// Whether the family is still in the line (waiting, or holding an offer).
    pub fn is_open(self) -> bool {
        matches!(self, WaitlistStatus::Waiting | WaitlistStatus::Offered)
    }
}

/// A time held for a waiting family.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WaitlistOffer {
    /// The held booking: accepting makes it the family's appointment.
    pub booking_id: i64,
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub room: Option<String>,
    /// When the hold ends and the time goes to the next family.
    pub expires_at: DateTime<FixedOffset>,
}

/// A child's place in a teacher's line, as the family sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WaitlistEntry {
    pub id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub student_id: i64,
    pub student_name: String,
    pub from: DateTime<FixedOffset>,
    pub until: DateTime<FixedOffset>,
    pub status: WaitlistStatus,
    /// How many families are ahead in the line (while waiting).
    pub ahead: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<WaitlistOffer>,
}
