//! The roles a person can hold in their school.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a person may do in their school. A person can hold several roles
/// (a teacher who is also a parent at the same school).
///
/// Students are never users: there is deliberately no `Student` role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Runs the school's Confero: roster, evenings, exports. Sees every field.
    Admin,
    /// Teaches classes and holds appointments.
    Teacher,
    /// A parent or carer of one or more students.
    Guardian,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Teacher, Role::Guardian];

    /// The role's stable name, as stored and as sent over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Guardian => "guardian",
        }
    }

    /// Reads a role from its stable name.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether this role belongs to the school's staff.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Teacher)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
    }

    #[test]
    fn unknown_names_and_students_are_not_roles() {
        for name in ["student", "Admin", "", "parent"] {
            assert_eq!(Role::parse(name), None, "{name}");
        }
    }

    #[test]
    fn staff_are_admins_and_teachers() {
        assert!(Role::Admin.is_staff());
        assert!(Role::Teacher.is_staff());
        assert!(!Role::Guardian.is_staff());
    }
}
