//! Profiles with a visibility per field, how others see them, and the directory.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::visibility::{Audience, ProfileField, Visibility};

/// A person as one viewer may see them. A field the viewer may not see is
/// absent from the JSON: not null, not masked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PersonView {
    pub id: i64,
    /// Teaches or runs the school (staff are listed as such).
    pub staff: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<ChildView>>,
}

/// One of a guardian's children as shown on their profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChildView {
    pub name: String,
    pub year_group: String,
    /// The names of the child's classes.
    pub classes: Vec<String>,
}

/// A field's visibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldVisibility {
    pub field: ProfileField,
    pub visibility: Visibility,
}

/// `GET /api/profile`: my own profile, every field and its visibility.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyProfile {
    pub id: i64,
    pub staff: bool,
    /// As the school's records have them (changed by the school).
    pub given_name: String,
    pub family_name: String,
    /// Changed with the school; the address Confero writes to.
    pub email: String,
    pub title: Option<String>,
    /// The name others see; empty means the given and family names.
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    pub address: Option<String>,
    pub language: Option<String>,
    pub about: Option<String>,
    pub children: Vec<ChildView>,
    /// Every field, in the order the page shows them.
    pub visibility: Vec<FieldVisibility>,
    /// When I asked the school to erase my data, while that waits for an admin.
    #[serde(default)]
    pub erasure_requested_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `PUT /api/profile`: the whole editable profile. Empty text clears a field.
/// A field left out of `visibility` keeps its visibility.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub phone2: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub about: Option<String>,
    #[serde(default)]
    pub visibility: Vec<FieldVisibility>,
}

/// How one kind of viewer sees me.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PreviewAs {
    pub audience: Audience,
    /// "A classmate's parent", "Your child's teacher", …
    pub label: String,
    /// Absent when that viewer does not see me at all (my name is not shown to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<PersonView>,
}

/// `GET /api/profile/preview`: my profile as others see it, built by the
/// same filter that serves them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ProfilePreview {
    pub views: Vec<PreviewAs>,
}

/// `GET /api/directory`: one page of the school's directory, by family name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DirectoryPage {
    pub people: Vec<PersonView>,
    /// How many match, on every page.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// Something staff did with my data, from the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccessEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    /// Who did it: "Mrs Adams (admin)".
    pub by: String,
    /// `viewed_hidden_fields`, `export_guardians`, `export_bookings`, …
    pub action: String,
    /// What it was, in a sentence: "opened your address".
    pub description: String,
}

/// An email Confero sent, or is sending, to me.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EmailRecord {
    pub kind: String,
    pub to: String,
    pub subject: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub status: String,
    pub queued_at: chrono::DateTime<chrono::Utc>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `GET /api/me/data`: everything Confero holds about me and my children,
/// as one file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyData {
    pub exported_at: chrono::DateTime<chrono::Utc>,
    pub school: String,
    pub roles: Vec<crate::Role>,
    /// Every field, with who sees it.
    pub profile: MyProfile,
    /// My children's appointments (for a teacher: their own appointments).
    pub bookings: Vec<super::Booking>,
    /// When and where I am signed in (never the tokens).
    pub sessions: Vec<super::SessionInfo>,
    pub emails: Vec<EmailRecord>,
    /// What staff did with my data.
    pub access: Vec<AccessEntry>,
}

/// `POST /api/people/{id}/erase`: what the erasure did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Erased {
    /// Future appointments the person had booked, cancelled and freed.
    pub cancelled_bookings: u64,
}

/// `GET`/`PUT /api/school/retention`: how long the school keeps data nobody needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RetentionSettings {
    /// Days a parent or carer whose children have all left is kept after
    /// they last signed in (30 to 3,650; default 365).
    pub keep_leavers_days: u32,
    /// Days the school's data is kept after it closes (0 to 365; default 30).
    pub keep_closed_days: u32,
}

/// `GET /api/audit`: one entry of the school's audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntry {
    /// Who did it.
    pub person_id: i64,
    /// Their name ("Mrs Hale"); absent if their record is gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// `viewed_hidden_fields`, `export_guardians`, `roster_import`, `erase_person`, …
    pub action: String,
    pub subject: String,
    /// Whose data it was about, when it was about one person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// The request that did it (its `X-Request-Id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}
