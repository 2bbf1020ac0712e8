//! The one JSON error shape every API error uses.

use serde::{Deserialize, Serialize};

/// Machine-readable reasons an API request failed. The SPA matches on these;
/// the message is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not valid JSON.
    MalformedJson,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// A field is missing, unknown, or has an invalid value (`field` names it).
    InvalidField,
    /// The body is larger than the API accepts.
    PayloadTooLarge,
    /// No session, or it expired, or it was revoked.
    Unauthenticated,
    /// Email and password do not match an active account.
    InvalidCredentials,
    /// Too many failed sign-ins for this account: wait and try again.
    TooManyAttempts,
    /// The session's role may not do this.
    Forbidden,
    /// Nothing with that id exists in the session's school.
    NotFound,
    /// The HTTP method is not supported on this path.
    MethodNotAllowed,
    /// The request conflicts with the current state.
    Conflict,
    /// Booking refusals (see [`crate::Refusal`]): the evening is not open,
    EveningNotOpen,
    /// booking is closed,
    OutsideWindow,
    /// cancelling online is closed,
    CancellationClosed,
    /// the teacher does not teach the child,
    NotTheirTeacher,
    /// the evening is not for the child's year group or classes,
    EveningNotForChild,
    /// there is no such slot,
    NoSuchSlot,
    /// the teacher blocked the slot,
    SlotBlocked,
    /// someone else holds the slot,
    SlotTaken,
    /// the child already sees this teacher,
    AlreadyBookedWithTeacher,
    /// or it clashes with the family's other appointments.
    FamilyOverlap,
    /// Something went wrong on the server; it has been logged.
    Internal,
    /// A dependency (the database) is not answering, or the server is at
    /// capacity: try again after `Retry-After` seconds.
    Unavailable,
    /// An `Idempotency-Key` already used for a different request.
    IdempotencyKeyReused,
    /// The request was not completed in time.
    Timeout,
    /// This address speaks WebSocket only.
    UpgradeRequired,
    /// The roster files have problems (the body's `report` lists them); nothing changed.
    InvalidRoster,
    /// The roster changed since the preview that was confirmed: preview again.
    RosterChanged,
    /// The change would leave booked appointments without a time (the body's
    /// `stranded` lists them); nothing changed. Send it again with their ids
    /// in `cancel_bookings` to cancel them with it, each family told.
    WouldStrandBookings,
}

impl From<crate::Refusal> for ErrorCode {
    fn from(refusal: crate::Refusal) -> ErrorCode {
        use crate::Refusal as R;
        match refusal {
            R::EveningNotOpen => ErrorCode::EveningNotOpen,
            R::OutsideWindow => ErrorCode::OutsideWindow,
            R::CancellationClosed => ErrorCode::CancellationClosed,
            R::NotTheirTeacher => ErrorCode::NotTheirTeacher,
            R::NotInvited => ErrorCode::EveningNotForChild,
            R::NoSuchSlot => ErrorCode::NoSuchSlot,
            R::SlotBlocked => ErrorCode::SlotBlocked,
            R::SlotTaken => ErrorCode::SlotTaken,
            R::AlreadyBookedWithTeacher => ErrorCode::AlreadyBookedWithTeacher,
            R::FamilyOverlap => ErrorCode::FamilyOverlap,
        }
    }
}

/// The body of every error response: `{ "error": { "code", "message", "field"? } }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, and where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// The request field at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_the_documented_shape() {
        let body = ErrorBody {
            error: ErrorDetail {
                code: ErrorCode::InvalidField,
                message: "must look like name@example.org".into(),
                field: Some("email".into()),
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "invalid_field", "message": "must look like name@example.org", "field": "email"}})
        );
        let no_field = ErrorDetail {
            code: ErrorCode::NotFound,
            message: "x".into(),
            field: None,
        };
        assert!(serde_json::to_value(no_field)
            .unwrap()
            .get("field")
            .is_none());
    }
}
