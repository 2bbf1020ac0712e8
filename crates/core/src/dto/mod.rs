//! The shapes that travel between the SPA and the API.
//!
//! Request types deny unknown fields, so a typo in a client is a clear 422
//! naming the field rather than a silently ignored value.

mod account;
mod booking;
mod evening;
mod household;
mod live;
mod outbox;
mod overview;
mod profile;
mod roster;
mod waitlist;

pub use account::*;
pub use booking::*;
pub use evening::*;
pub use household::*;
pub use live::*;
pub use outbox::*;
pub use overview::*;
pub use profile::*;
pub use roster::*;
pub use waitlist::*;

use crate::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `GET /api/health`: the API is up and its database answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    /// Always `"ok"` when the response is a 200.
    pub status: String,
    /// The database engine in use: `"sqlite"` or `"postgres"`.
    pub database: String,
    /// The API's version.
    pub version: String,
}

/// `POST /api/session`: sign in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    pub email: String,
    pub password: String,
    /// Keep me signed in on this device: the session survives closing the
    /// browser (the app keeps it in `localStorage`), has no idle time-out and
    /// a shorter absolute lifetime, and is listed among the account's devices.
    #[serde(default)]
    pub remember: bool,
}

/// A new session: the bearer token is shown once, here, and never again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionCreated {
    /// Send as `Authorization: Bearer <token>`. Keep it out of URLs and cookies.
    pub token: String,
    /// When the session ends at the latest, however active it is.
    pub expires_at: DateTime<Utc>,
    /// Seconds of inactivity after which the session ends (none when kept on the device).
    pub idle_timeout_secs: i64,
    /// Whether the person chose to stay signed in on this device.
    #[serde(default)]
    pub remember: bool,
    pub user: Me,
}

/// The signed-in person, their school, and what they need on their home page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
    /// Never empty.
    pub roles: Vec<Role>,
    pub school: SchoolInfo,
    /// For a guardian: the children they are linked to.
    pub children: Vec<Child>,
    /// For a teacher: the classes they teach.
    pub classes: Vec<ClassSummary>,
}

impl Me {
    /// Whether the person holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// "Mrs Patel", or the given name when no title is set.
    pub fn display_name(&self) -> String {
        match &self.title {
            Some(title) if !title.is_empty() => format!("{title} {}", self.family_name),
            _ => format!("{} {}", self.given_name, self.family_name),
        }
    }
}

/// A school as its members see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SchoolInfo {
    pub id: i64,
    pub name: String,
    /// IANA time zone, e.g. `Europe/London`.
    pub time_zone: String,
}

/// A student as their guardian sees them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Child {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
    /// The guardian's relationship to the child: mother, father, carer, …
    pub relationship: String,
    /// The child's teachers, one per class.
    pub teachers: Vec<ChildTeacher>,
}

/// One of a child's classes and who teaches it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChildTeacher {
    pub teacher_id: i64,
    pub class_name: String,
    pub subject: String,
    pub teacher_name: String,
}

/// A class in a teacher's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClassSummary {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub student_count: i64,
}

/// `GET /api/classes/{id}`: a class and its students, for its teacher and admins.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ClassRoster {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub teacher_name: String,
    pub students: Vec<RosterStudent>,
}

/// A student in a class list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterStudent {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
}

/// `GET /api/school/summary`: the admin's overview of their school.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SchoolSummary {
    pub school: SchoolInfo,
    pub admins: i64,
    pub teachers: i64,
    pub guardians: i64,
    pub students: i64,
    pub classes: i64,
}

/// `PUT /api/me/password`: change one's own password. Every other session of
/// the account is revoked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    pub new_password: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn me(title: Option<&str>) -> Me {
        Me {
            id: 1,
            email: "a@example.org".into(),
            title: title.map(str::to_owned),
            given_name: "Asha".into(),
            family_name: "Patel".into(),
            roles: vec![Role::Guardian],
            school: SchoolInfo {
                id: 1,
                name: "S".into(),
                time_zone: "Europe/London".into(),
            },
            children: vec![],
            classes: vec![],
        }
    }

    #[test]
    fn display_name_prefers_title() {
        assert_eq!(me(Some("Mrs")).display_name(), "Mrs Patel");
        assert_eq!(me(None).display_name(), "Asha Patel");
        assert_eq!(me(Some("")).display_name(), "Asha Patel");
    }

    #[test]
    fn sign_in_rejects_unknown_fields() {
        let err = serde_json::from_str::<SignIn>(r#"{"email":"a","password":"b","admin":true}"#)
            .unwrap_err();
        assert!(err.to_string().contains("unknown field `admin`"), "{err}");
    }
}
