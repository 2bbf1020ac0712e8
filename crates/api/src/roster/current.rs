//! The school's roster as it stands, loaded by the storage layer, and the
//! indexes a plan looks things up in.

use std::collections::{HashMap, HashSet};

use confero_core::Role;

/// What the school currently has.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CurrentRoster {
    pub students: Vec<CurrentStudent>,
    /// Every person of the school, including those disabled by an earlier
    /// import (they have no role left); a returning person is matched to
    /// their old account, whose email is still taken.
    pub people: Vec<CurrentPerson>,
    pub guardianships: Vec<CurrentGuardianship>,
    pub classes: Vec<CurrentClass>,
    /// Emails in this import that belong to people of another school
    /// (filled by the storage layer from [`super::emails_in`]).
    pub emails_elsewhere: HashSet<String>,
}

/// A student record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentStudent {
    pub id: i64,
    /// The school information system's student id.
    pub sis_id: String,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
}

/// A person: member of staff, guardian, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentPerson {
    pub id: i64,
    /// Their staff id, from the last `staff.csv` that listed them.
    pub staff_ref: Option<String>,
    /// Their guardian id, from the last `guardians.csv` that listed them.
    pub guardian_ref: Option<String>,
    pub email: String,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub phone: Option<String>,
    pub roles: Vec<Role>,
}

/// A guardian's link to a child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentGuardianship {
    pub student_id: i64,
    pub guardian_id: i64,
    pub relationship: String,
}

/// A class, its teacher and its students.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrentClass {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub teacher_id: i64,
    pub student_ids: Vec<i64>,
}

/// The current roster, indexed for the lookups a plan makes.
pub(crate) struct CurrentIndex<'a> {
    pub(crate) roster: &'a CurrentRoster,
    pub(crate) student_by_sis: HashMap<&'a str, &'a CurrentStudent>,
    pub(crate) student_by_id: HashMap<i64, &'a CurrentStudent>,
    pub(crate) person_by_id: HashMap<i64, &'a CurrentPerson>,
    pub(crate) person_by_staff_ref: HashMap<&'a str, &'a CurrentPerson>,
    pub(crate) person_by_guardian_ref: HashMap<&'a str, &'a CurrentPerson>,
    /// By lower-cased email.
    pub(crate) person_by_email: HashMap<String, &'a CurrentPerson>,
    pub(crate) class_by_name: HashMap<&'a str, &'a CurrentClass>,
    /// The relationship of each (student id, guardian id).
    pub(crate) guardianships: HashMap<(i64, i64), &'a str>,
    /// Each (class id, student id).
    pub(crate) enrolments: HashSet<(i64, i64)>,
}

impl<'a> CurrentIndex<'a> {
    pub(crate) fn new(roster: &'a CurrentRoster) -> Self {
        let mut index = CurrentIndex {
            roster,
            student_by_sis: HashMap::with_capacity(roster.students.len()),
            student_by_id: HashMap::with_capacity(roster.students.len()),
            person_by_id: HashMap::with_capacity(roster.people.len()),
            person_by_staff_ref: HashMap::new(),
            person_by_guardian_ref: HashMap::new(),
            person_by_email: HashMap::with_capacity(roster.people.len()),
            class_by_name: roster
                .classes
                .iter()
                .map(|c| (c.name.as_str(), c))
                .collect(),
            guardianships: roster
                .guardianships
                .iter()
                .map(|g| ((g.student_id, g.guardian_id), g.relationship.as_str()))
                .collect(),
            enrolments: roster
                .classes
                .iter()
                .flat_map(|c| c.student_ids.iter().map(|&student| (c.id, student)))
                .collect(),
        };
        for student in &roster.students {
            index
                .student_by_sis
                .insert(student.sis_id.as_str(), student);
            index.student_by_id.insert(student.id, student);
        }
        for person in &roster.people {
            index.person_by_id.insert(person.id, person);
            index
                .person_by_email
                .insert(person.email.trim().to_lowercase(), person);
            if let Some(staff_ref) = &person.staff_ref {
                keep_preferred(&mut index.person_by_staff_ref, staff_ref, person);
            }
            if let Some(guardian_ref) = &person.guardian_ref {
                keep_preferred(&mut index.person_by_guardian_ref, guardian_ref, person);
            }
        }
        index
    }
}

/// Should two people carry one id (a school information system that reused
/// it), the one with a role, then the older, is the one the id names.
fn keep_preferred<'a>(
    by_ref: &mut HashMap<&'a str, &'a CurrentPerson>,
    reference: &'a str,
    person: &'a CurrentPerson,
) {
    let rank = |p: &CurrentPerson| (p.roles.is_empty(), p.id);
    by_ref
        .entry(reference)
        .and_modify(|kept| {
            if rank(person) < rank(kept) {
                *kept = person;
            }
        })
        .or_insert(person);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i64, roles: Vec<Role>) -> CurrentPerson {
        CurrentPerson {
            id,
            staff_ref: Some("T1".into()),
            guardian_ref: None,
            email: format!("P{id}@School.Example"),
            title: None,
            given_name: "A".into(),
            family_name: "B".into(),
            phone: None,
            roles,
        }
    }

    #[test]
    fn a_reused_staff_id_names_the_active_person() {
        let roster = CurrentRoster {
            people: vec![
                person(1, vec![]),
                person(2, vec![Role::Teacher]),
                person(3, vec![Role::Teacher]),
            ],
            ..CurrentRoster::default()
        };
        let index = CurrentIndex::new(&roster);
        assert_eq!(index.person_by_staff_ref.get("T1").map(|p| p.id), Some(2));
        assert_eq!(
            index.person_by_email.get("p3@school.example").map(|p| p.id),
            Some(3)
        );
    }
}
