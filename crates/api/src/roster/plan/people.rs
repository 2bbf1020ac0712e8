//! People: matched to current people by staff id for staff, by guardian id
//! for guardians, and otherwise by email; then each person's state after
//! the import, and the operations that get them there.

use std::collections::{HashMap, HashSet};

use confero_core::{Email, Role};

use super::emails::{self, MovedEmail};
use super::matching;
use super::person::{state_after, Given, PersonState};
use super::{NewPerson, PersonRef, PersonUpdate, Plan, RoleChange};
use crate::roster::columns::Column;
use crate::roster::current::{CurrentIndex, CurrentPerson};
use crate::roster::parse::{ParsedRoster, PersonRow};
use crate::roster::report::Problems;

/// One person before and after the import: `before` is `None` for someone
/// new, `after` for someone left with no role. A state with no role is an
/// account disabled by an earlier import.
#[derive(Clone, Debug)]
pub(super) struct PersonRecord {
    pub(super) reference: PersonRef,
    pub(super) before: Option<PersonState>,
    pub(super) after: Option<PersonState>,
}

/// Everyone the import concerns: first the people of the files, in order,
/// then the current people the files do not name.
pub(super) struct People<'a> {
    pub(super) records: Vec<PersonRecord>,
    by_reference: HashMap<PersonRef, usize>,
    /// The person of each staff id of `staff.csv`, when it is part of the import.
    staff_in_file: Option<HashMap<&'a str, usize>>,
    parsed: &'a ParsedRoster,
    index: &'a CurrentIndex<'a>,
}

impl People<'_> {
    /// The reference of the `i`th person of [`ParsedRoster::people`].
    pub(super) fn of_parsed(&self, i: usize) -> Option<PersonRef> {
        self.records.get(i).map(|record| record.reference)
    }

    /// The person a reference names, before and after.
    pub(super) fn record(&self, reference: PersonRef) -> Option<&PersonRecord> {
        self.by_reference
            .get(&reference)
            .and_then(|&i| self.records.get(i))
    }

    /// The person a class's staff id names, who must be a teacher after the
    /// import; or why not.
    pub(super) fn teacher(&self, staff_ref: &str) -> Result<PersonRef, String> {
        let reference = match &self.staff_in_file {
            Some(staff) => staff
                .get(staff_ref)
                .and_then(|&i| self.of_parsed(i))
                .ok_or_else(|| format!("no staff member {staff_ref} in staff.csv"))?,
            None => self
                .index
                .person_by_staff_ref
                .get(staff_ref)
                .map(|person| PersonRef::Existing(person.id))
                .ok_or_else(|| {
                    format!("no current staff member {staff_ref} (staff.csv is not part of this import)")
                })?,
        };
        let teaches = self
            .record(reference)
            .and_then(|record| record.after.as_ref())
            .is_some_and(|after| after.has(Role::Teacher));
        if teaches {
            Ok(reference)
        } else {
            Err(format!("staff member {staff_ref} is not a teacher"))
        }
    }

    /// The person's details after the import, or before if they leave.
    pub(super) fn latest(&self, reference: PersonRef) -> Option<&PersonState> {
        let record = self.record(reference)?;
        record.after.as_ref().or(record.before.as_ref())
    }

    /// "Mary Jones".
    pub(super) fn name(&self, reference: PersonRef) -> String {
        self.latest(reference)
            .map_or_else(|| format!("{reference:?}"), PersonState::name)
    }

    /// The line of `staff.csv` that names the person, and the header of
    /// its role column.
    pub(super) fn staff_line(&self, reference: PersonRef) -> Option<(u64, &str)> {
        let i = *self.by_reference.get(&reference)?;
        let staff = self.parsed.people.get(i)?.staff.as_ref()?;
        let headers = self.parsed.staff.as_ref()?;
        Some((staff.line, headers.name(Column::Role)))
    }

    /// "T1 Mary Jones": the person by their staff id and name after the import
    /// (or before, if they leave).
    pub(super) fn teacher_label(&self, reference: PersonRef) -> String {
        match self.latest(reference) {
            Some(state) => match &state.staff_ref {
                Some(staff_ref) => format!("{staff_ref} {}", state.name()),
                None => state.name(),
            },
            None => format!("{reference:?}"),
        }
    }
}

/// Matches the people of the files to current people, checks that every
/// email can belong to its person, and plans the people's changes.
pub(super) fn plan<'a>(
    parsed: &'a ParsedRoster,
    index: &'a CurrentIndex<'a>,
    plan: &mut Plan,
    problems: &mut Problems,
) -> People<'a> {
    let matches = matching::match_people(parsed, index, problems);
    matching::check_emails(parsed, index, &matches, problems);
    let given = Given {
        staff: parsed.staff.is_some(),
        guardians: parsed.guardians.is_some(),
    };
    let mut records = Vec::with_capacity(index.roster.people.len() + parsed.people.len());
    let mut moved = Vec::new();
    for (person, current) in parsed.people.iter().zip(&matches) {
        let before = current.map(PersonState::of_current);
        let after = state_after(person, before.as_ref(), given);
        let reference = match (current, &before) {
            (Some(current), Some(before)) => {
                plan_roles(current.id, before, Some(&after), plan);
                if !after.same_details(before) {
                    if after.email != before.email {
                        moved.push(MovedEmail {
                            person_id: current.id,
                            from: before.email.clone(),
                            to: after.email.clone(),
                        });
                    }
                    plan.person_updates
                        .push(update(current.id, &person.email, &after));
                }
                PersonRef::Existing(current.id)
            }
            _ => {
                plan.new_people.push(new_person(&person.email, &after));
                PersonRef::New(plan.new_people.len() - 1)
            }
        };
        records.push(PersonRecord {
            reference,
            before,
            after: Some(after),
        });
    }
    let matched: HashSet<i64> = matches.iter().flatten().map(|p| p.id).collect();
    for current in &index.roster.people {
        if matched.contains(&current.id) {
            continue;
        }
        let before = PersonState::of_current(current);
        let mut after = before.clone();
        // Only what came from the school information system is removed by
        // its absence: someone added in Confero (the first admin, a parent
        // whose join request was approved) has no id from that system.
        after
            .roles
            .retain(|&role| !(given.replaces(role) && came_from_files(current, role)));
        let after = (!after.roles.is_empty()).then_some(after);
        plan_roles(current.id, &before, after.as_ref(), plan);
        records.push(PersonRecord {
            reference: PersonRef::Existing(current.id),
            before: Some(before),
            after,
        });
    }
    let swaps = emails::order(&mut plan.person_updates, &moved);
    report_swaps(parsed, &matches, &swaps, problems);
    plan.person_reinstatements.sort_unstable();
    plan.person_removals.sort_unstable();
    let by_reference = records
        .iter()
        .enumerate()
        .map(|(i, record)| (record.reference, i))
        .collect();
    let staff_in_file = parsed.staff.as_ref().map(|_| {
        parsed
            .people
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.staff.as_ref().map(|s| (s.staff_ref.as_str(), i)))
            .collect()
    });
    People {
        records,
        by_reference,
        staff_in_file,
        parsed,
        index,
    }
}

/// Whether a current person holds `role` because a roster file said so:
/// their staff id for staff roles, their guardian id for the guardian role.
fn came_from_files(person: &CurrentPerson, role: Role) -> bool {
    match role {
        Role::Guardian => person.guardian_ref.is_some(),
        Role::Teacher | Role::Admin => person.staff_ref.is_some(),
    }
}

/// Plans an existing person's roles; `after` is `None` when they are left
/// with none.
fn plan_roles(id: i64, before: &PersonState, after: Option<&PersonState>, plan: &mut Plan) {
    let roles_after = after.map_or(&[][..], |after| &after.roles[..]);
    let added: Vec<Role> = roles_after
        .iter()
        .copied()
        .filter(|&r| !before.has(r))
        .collect();
    let removed: Vec<Role> = before
        .roles
        .iter()
        .copied()
        .filter(|r| !roles_after.contains(r))
        .collect();
    if added.is_empty() && removed.is_empty() {
        return;
    }
    if before.roles.is_empty() {
        plan.person_reinstatements.push(id);
    }
    if roles_after.is_empty() {
        plan.person_removals.push(id);
    }
    plan.role_changes.push(RoleChange {
        person_id: id,
        added,
        removed,
    });
}

fn update(id: i64, email: &Email, after: &PersonState) -> PersonUpdate {
    PersonUpdate {
        id,
        staff_ref: after.staff_ref.clone(),
        guardian_ref: after.guardian_ref.clone(),
        email: email.clone(),
        title: after.title.clone(),
        given_name: after.given_name.clone(),
        family_name: after.family_name.clone(),
        phone: after.phone.clone(),
    }
}

fn new_person(email: &Email, after: &PersonState) -> NewPerson {
    NewPerson {
        staff_ref: after.staff_ref.clone(),
        guardian_ref: after.guardian_ref.clone(),
        email: email.clone(),
        title: after.title.clone(),
        given_name: after.given_name.clone(),
        family_name: after.family_name.clone(),
        phone: after.phone.clone(),
        roles: after.roles.clone(),
    }
}

fn report_swaps(
    parsed: &ParsedRoster,
    matches: &[Option<&CurrentPerson>],
    swaps: &[Vec<i64>],
    problems: &mut Problems,
) {
    let in_files: HashMap<i64, &PersonRow> = parsed
        .people
        .iter()
        .zip(matches)
        .filter_map(|(person, found)| found.map(|current| (current.id, person)))
        .collect();
    for swap in swaps {
        for id in swap {
            if let Some(person) = in_files.get(id) {
                let reason = format!(
                    "{} is the current email of another person whose email changes too, in a circle ({} people); swap emails in two imports, through a temporary address",
                    person.email,
                    swap.len()
                );
                parsed.report(person, Column::Email, reason, problems);
            }
        }
    }
}
