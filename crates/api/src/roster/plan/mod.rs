//! Planning an import against the school's current roster: the checks that
//! need the current roster, then the typed operations that bring the school
//! to exactly what the files say, and the preview of them.

mod classes;
mod diff;
mod emails;
mod guardianships;
mod matching;
mod people;
mod people_diff;
mod person;
mod students;

use confero_core::dto::{KindDiff, RosterError};
use confero_core::{Email, Role};
use serde::Serialize;

use super::current::{CurrentIndex, CurrentRoster};
use super::parse::ParsedRoster;
use super::report::Problems;

/// A person who exists, or one this plan adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PersonRef {
    /// `people.id`.
    Existing(i64),
    /// Index into [`Plan::new_people`].
    New(usize),
}

/// A student who exists, or one this plan adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum StudentRef {
    /// `students.id`.
    Existing(i64),
    /// Index into [`Plan::new_students`].
    New(usize),
}

/// A class that exists, or one this plan adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ClassRef {
    /// `classes.id`.
    Existing(i64),
    /// Index into [`Plan::new_classes`].
    New(usize),
}

/// A student to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewStudent {
    pub sis_id: String,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
}

/// A student whose details change; every field has its new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StudentUpdate {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
}

/// A person to create, with their roles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewPerson {
    pub staff_ref: Option<String>,
    pub guardian_ref: Option<String>,
    pub email: Email,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub phone: Option<String>,
    /// Sorted; never empty.
    pub roles: Vec<Role>,
}

/// A person whose details change; every field has its new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonUpdate {
    pub id: i64,
    pub staff_ref: Option<String>,
    pub guardian_ref: Option<String>,
    pub email: Email,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub phone: Option<String>,
}

/// Roles an existing person gains and loses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RoleChange {
    pub person_id: i64,
    pub added: Vec<Role>,
    pub removed: Vec<Role>,
}

/// A class to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewClass {
    pub name: String,
    pub subject: String,
    pub teacher: PersonRef,
}

/// A class whose subject or teacher changes; both have their new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassUpdate {
    pub id: i64,
    pub subject: String,
    pub teacher: PersonRef,
}

/// A guardian's link to a child, to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewGuardianship {
    pub student: StudentRef,
    pub guardian: PersonRef,
    pub relationship: String,
}

/// An existing guardianship whose relationship changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GuardianshipChange {
    pub student_id: i64,
    pub guardian_id: i64,
    pub relationship: String,
}

/// An existing guardianship.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct GuardianshipKey {
    pub student_id: i64,
    pub guardian_id: i64,
}

/// A student to put in a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct NewEnrolment {
    pub class: ClassRef,
    pub student: StudentRef,
}

/// An existing enrolment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EnrolmentKey {
    pub class_id: i64,
    pub student_id: i64,
}

/// What an import changes, as operations for the storage layer to execute
/// in one transaction, in the order of the fields below (see
/// `docs/roster-import.md`). A `New(i)` reference is to the `i`th record
/// of the matching `new_…` list, created earlier in that order.
///
/// Removals and the keys of existing links are sorted by id; everything else
/// follows the files (and then the current roster, for people the files
/// leave out).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// In this order: a person giving up an email comes before the person
    /// taking it.
    pub person_updates: Vec<PersonUpdate>,
    pub new_people: Vec<NewPerson>,
    pub role_changes: Vec<RoleChange>,
    /// People disabled by an earlier import who are back: enable them.
    pub person_reinstatements: Vec<i64>,
    /// People left with no role: disable them, keeping the row for the
    /// history of their bookings.
    pub person_removals: Vec<i64>,
    pub student_updates: Vec<StudentUpdate>,
    pub new_students: Vec<NewStudent>,
    pub class_updates: Vec<ClassUpdate>,
    pub new_classes: Vec<NewClass>,
    pub guardianships_removed: Vec<GuardianshipKey>,
    pub guardianships_changed: Vec<GuardianshipChange>,
    pub guardianships_added: Vec<NewGuardianship>,
    pub enrolments_removed: Vec<EnrolmentKey>,
    pub enrolments_added: Vec<NewEnrolment>,
    /// Deleting a class deletes its enrolments.
    pub class_removals: Vec<i64>,
    /// Deleting a student deletes their guardianships and enrolments.
    pub student_removals: Vec<i64>,
    /// What the preview shows. Part of the token too: applying checks that
    /// the admin saw exactly this.
    pub(crate) diffs: Diffs,
}

/// The preview's lists, built alongside the operations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Diffs {
    pub(crate) students: KindDiff,
    pub(crate) guardians: KindDiff,
    pub(crate) staff: KindDiff,
    pub(crate) classes: KindDiff,
}

impl Plan {
    /// Whether the plan changes nothing: importing what the school already has.
    pub fn is_empty(&self) -> bool {
        self.person_updates.is_empty()
            && self.new_people.is_empty()
            && self.role_changes.is_empty()
            && self.person_reinstatements.is_empty()
            && self.person_removals.is_empty()
            && self.student_updates.is_empty()
            && self.new_students.is_empty()
            && self.class_updates.is_empty()
            && self.new_classes.is_empty()
            && self.guardianships_removed.is_empty()
            && self.guardianships_changed.is_empty()
            && self.guardianships_added.is_empty()
            && self.enrolments_removed.is_empty()
            && self.enrolments_added.is_empty()
            && self.class_removals.is_empty()
            && self.student_removals.is_empty()
    }
}

/// Checks `parsed` against `current` and plans the changes.
pub(crate) fn plan(
    parsed: &ParsedRoster,
    current: &CurrentRoster,
) -> Result<Plan, Vec<RosterError>> {
    let index = CurrentIndex::new(current);
    let mut problems = Problems::default();
    let mut plan = Plan::default();
    let students = students::plan(parsed, &index, &mut plan);
    let people = people::plan(parsed, &index, &mut plan, &mut problems);
    let children =
        guardianships::plan(parsed, &index, &students, &people, &mut plan, &mut problems);
    classes::plan(parsed, &index, &students, &people, &mut plan, &mut problems);
    let (staff, guardians) = people_diff::diffs(&people, &children);
    plan.diffs.staff = staff;
    plan.diffs.guardians = guardians;
    problems.or_ok(plan)
}
