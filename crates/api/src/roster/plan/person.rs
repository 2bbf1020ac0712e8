//! One person's details and roles, before and after an import.

use confero_core::{Line, Role};

use crate::roster::current::CurrentPerson;
use crate::roster::parse::PersonRow;

/// A person's details and roles, as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PersonState {
    pub(super) staff_ref: Option<String>,
    pub(super) guardian_ref: Option<String>,
    pub(super) email: String,
    pub(super) title: Option<String>,
    pub(super) given_name: String,
    pub(super) family_name: String,
    pub(super) phone: Option<String>,
    /// Sorted, without repeats.
    pub(super) roles: Vec<Role>,
}

impl PersonState {
    /// A current person, normalised as the files are: the email lower
    /// case, blank optional fields absent, roles sorted.
    pub(super) fn of_current(person: &CurrentPerson) -> Self {
        let filled = |text: &Option<String>| text.clone().filter(|t| !t.trim().is_empty());
        let mut roles = person.roles.clone();
        roles.sort_unstable();
        roles.dedup();
        PersonState {
            staff_ref: filled(&person.staff_ref),
            guardian_ref: filled(&person.guardian_ref),
            email: person.email.trim().to_lowercase(),
            title: filled(&person.title),
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            phone: filled(&person.phone),
            roles,
        }
    }

    /// Whether everything but the roles is the same.
    pub(super) fn same_details(&self, other: &PersonState) -> bool {
        // Destructured, so that a new field cannot be forgotten here.
        let PersonState {
            staff_ref,
            guardian_ref,
            email,
            title,
            given_name,
            family_name,
            phone,
            roles: _,
        } = self;
        *staff_ref == other.staff_ref
            && *guardian_ref == other.guardian_ref
            && *email == other.email
            && *title == other.title
            && *given_name == other.given_name
            && *family_name == other.family_name
            && *phone == other.phone
    }

    pub(super) fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// "Mary Jones".
    pub(super) fn name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// Which kinds of people the import lists completely.
#[derive(Clone, Copy, Debug)]
pub(super) struct Given {
    pub(super) staff: bool,
    pub(super) guardians: bool,
}

impl Given {
    /// Whether the files decide who holds `role`.
    pub(super) fn replaces(self, role: Role) -> bool {
        if role.is_staff() {
            self.staff
        } else {
            self.guardians
        }
    }
}

/// A person of the files after the import. What their files do not say
/// (the phone of someone only in `staff.csv`, the guardian id of a guardian
/// when `guardians.csv` is not part of the import) stays as it is.
pub(super) fn state_after(
    person: &PersonRow,
    current: Option<&PersonState>,
    given: Given,
) -> PersonState {
    let mut roles: Vec<Role> = current
        .map(|c| {
            c.roles
                .iter()
                .copied()
                .filter(|&r| !given.replaces(r))
                .collect()
        })
        .unwrap_or_default();
    if let Some(staff) = &person.staff {
        roles.extend(&staff.roles);
    }
    if person.guardian.is_some() {
        roles.push(Role::Guardian);
    }
    roles.sort_unstable();
    roles.dedup();
    let text = |line: &Option<Line>| line.as_ref().map(Line::to_string);
    PersonState {
        staff_ref: person
            .staff
            .as_ref()
            .map(|s| s.staff_ref.to_string())
            .or_else(|| current.and_then(|c| c.staff_ref.clone())),
        guardian_ref: person
            .guardian
            .as_ref()
            .map(|g| g.guardian_ref.to_string())
            .or_else(|| current.and_then(|c| c.guardian_ref.clone())),
        email: person.email.to_string(),
        title: text(&person.title),
        given_name: person.given_name.to_string(),
        family_name: person.family_name.to_string(),
        phone: match &person.guardian {
            Some(guardian) => text(&guardian.phone),
            None => current.and_then(|c| c.phone.clone()),
        },
        roles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::parse::{GuardianPart, StaffPart};
    use confero_core::Email;

    fn line(text: &str) -> Line {
        Line::parse(text, 200).expect("a valid line")
    }

    fn current(roles: Vec<Role>) -> PersonState {
        PersonState::of_current(&CurrentPerson {
            id: 1,
            staff_ref: Some("T1".into()),
            guardian_ref: Some("".into()),
            email: " Mary@School.Example".into(),
            title: Some("Mrs".into()),
            given_name: "Mary".into(),
            family_name: "Jones".into(),
            phone: Some("0700".into()),
            roles,
        })
    }

    fn guardian_row() -> PersonRow {
        PersonRow {
            email: Email::parse("mary@school.example").expect("a valid email"),
            title: None,
            given_name: line("Mary"),
            family_name: line("Jones"),
            staff: None,
            guardian: Some(GuardianPart {
                guardian_ref: line("G9"),
                phone: None,
                line: 2,
            }),
        }
    }

    #[test]
    fn current_details_are_normalised_so_they_compare_with_the_files() {
        let state = current(vec![Role::Teacher, Role::Admin, Role::Teacher]);
        assert_eq!(state.email, "mary@school.example");
        assert_eq!(state.guardian_ref, None, "a blank id is no id");
        assert_eq!(state.roles, [Role::Admin, Role::Teacher]);
    }

    #[test]
    fn a_teacher_found_in_guardians_csv_alone_keeps_teaching_and_gains_a_child() {
        let given = Given {
            staff: false,
            guardians: true,
        };
        let after = state_after(&guardian_row(), Some(&current(vec![Role::Teacher])), given);
        assert_eq!(after.roles, [Role::Teacher, Role::Guardian]);
        assert_eq!(
            after.staff_ref.as_deref(),
            Some("T1"),
            "kept from the current record"
        );
        assert_eq!(after.guardian_ref.as_deref(), Some("G9"));
        assert_eq!(after.phone, None, "guardians.csv decides the phone");
        assert_eq!(after.title, None, "and the title");
    }

    #[test]
    fn staff_roles_come_from_staff_csv_when_it_is_imported() {
        let given = Given {
            staff: true,
            guardians: true,
        };
        let after = state_after(&guardian_row(), Some(&current(vec![Role::Admin])), given);
        assert_eq!(after.roles, [Role::Guardian]);
        let mut staff_row = guardian_row();
        staff_row.guardian = None;
        staff_row.staff = Some(StaffPart {
            staff_ref: line("T2"),
            roles: vec![Role::Teacher],
            line: 3,
        });
        let after = state_after(
            &staff_row,
            Some(&current(vec![Role::Admin, Role::Guardian])),
            given,
        );
        assert_eq!(after.roles, [Role::Teacher]);
        assert_eq!(
            after.phone.as_deref(),
            Some("0700"),
            "staff.csv has no phone to change"
        );
        assert!(
            !after.same_details(&current(vec![])),
            "the staff id changed"
        );
    }
}
