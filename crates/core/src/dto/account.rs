//! Accounts: sessions on devices, invitations, password resets, join
//! requests, and the people an admin manages.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::Role;

/// One of the signed-in person's sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionInfo {
    /// Names the session for `DELETE /api/me/sessions/{id}`; never the token.
    pub id: String,
    /// The session making this request.
    pub current: bool,
    /// "Chrome on Android", from the browser's description of itself.
    pub device: String,
    /// Kept on the device ("keep me signed in").
    pub remember: bool,
    pub signed_in_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/invitations/accept`: set a password with an invitation's code.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    /// The code from the invitation's link.
    pub code: String,
    pub password: String,
    #[serde(default)]
    pub remember: bool,
}

/// `POST /api/password-resets`: email me a link to choose a new password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /api/password-resets/complete`: choose the new password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetComplete {
    /// The code from the emailed link.
    pub code: String,
    pub password: String,
    #[serde(default)]
    pub remember: bool,
}

/// What the public join page shows of a school.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicSchool {
    pub id: i64,
    pub name: String,
}

/// A child named in a join request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinChild {
    /// The child's full name.
    pub name: String,
    /// Their class or year, as the parent knows it.
    pub class_name: String,
}

/// `POST /api/schools/{id}/join-requests`: someone not on the roster asks to join.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinRequestInput {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    /// One or more children.
    pub children: Vec<JoinChild>,
}

/// `POST /api/join-requests/confirm`: the code from the confirmation email.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfirmJoin {
    pub code: String,
}

/// Where a join request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JoinStatus {
    /// The email address is not confirmed yet.
    Unconfirmed,
    /// Waiting for the school's gatekeepers.
    Waiting,
    Approved,
    Rejected,
}

impl JoinStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JoinStatus::Unconfirmed => "unconfirmed",
            JoinStatus::Waiting => "waiting",
            JoinStatus::Approved => "approved",
            JoinStatus::Rejected => "rejected",
        }
    }

    /// The status a stored name names.
    pub fn parse(name: &str) -> Option<JoinStatus> {
        [
            JoinStatus::Unconfirmed,
            JoinStatus::Waiting,
            JoinStatus::Approved,
            JoinStatus::Rejected,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// A record on the roster that may be the person or child of a join request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterMatch {
    pub id: i64,
    /// "Amelia Patel (Year 8)" or "Priya Patel <p.patel@…> — no account yet".
    pub label: String,
}

/// A join request as the school's gatekeepers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct JoinRequestView {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub children: Vec<JoinChild>,
    pub status: JoinStatus,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Guardians on the roster without an account whose name or email matches.
    pub guardian_matches: Vec<RosterMatch>,
    /// Students whose names match the children named.
    pub student_matches: Vec<RosterMatch>,
}

/// `POST /api/join-requests/{id}/approve`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApproveJoin {
    /// The roster guardian this person is (their record gets this email);
    /// absent: a new guardian is added.
    #[serde(default)]
    pub guardian_id: Option<i64>,
    /// The children to link them to (for a new guardian, at least one).
    #[serde(default)]
    pub student_ids: Vec<i64>,
    /// Their relationship to the children; default "guardian".
    #[serde(default)]
    pub relationship: Option<String>,
}

/// `POST /api/join-requests/{id}/reject`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectJoin {
    /// Told to the person, in the school's words.
    pub reason: String,
}

/// Whether a person can sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Has a password and may sign in.
    Active,
    /// Has an open invitation.
    Invited,
    /// On the roster, never invited (or the invitation ran out).
    NotInvited,
    /// May not sign in.
    Disabled,
}

impl AccountState {
    /// The name used in filters.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::Invited => "invited",
            AccountState::NotInvited => "not_invited",
            AccountState::Disabled => "disabled",
        }
    }
}

/// A person as an admin manages them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonSummary {
    pub id: i64,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub state: AccountState,
    /// When the open invitation runs out.
    pub invited_until: Option<DateTime<Utc>>,
    /// When they asked the school to erase their data (an admin erases them).
    #[serde(default)]
    pub erasure_requested_at: Option<DateTime<Utc>>,
}

/// `GET /api/people`: one page of the school's people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PeoplePage {
    pub people: Vec<PersonSummary>,
    /// How many match the search in all.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// An invitation was sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationSent {
    pub person_id: i64,
    pub expires_at: DateTime<Utc>,
}

/// `POST /api/invitations`: how many were invited.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkInvited {
    pub invited: i64,
}

/// `GET`/`PUT /api/school/settings`: what emails say about the school and
/// when families are reminded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchoolSettings {
    /// The school's postal address, in emails and calendar files (one line).
    #[serde(default)]
    pub address: Option<String>,
    /// Hours before an appointment that families are reminded (1 to 168).
    pub reminder_hours: u32,
}
