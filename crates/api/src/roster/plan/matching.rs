//! Which current person each person of the files is.
//!
//! A staff id or guardian id the school has used before names the same
//! person; failing that, the same email does. Ids come first because an
//! email can change while the school information system keeps its ids.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use crate::roster::columns::Column;
use crate::roster::current::{CurrentIndex, CurrentPerson};
use crate::roster::parse::{ParsedRoster, PersonRow};
use crate::roster::report::Problems;

/// The current person each of `parsed.people` is, if any.
pub(super) fn match_people<'a>(
    parsed: &ParsedRoster,
    index: &CurrentIndex<'a>,
    problems: &mut Problems,
) -> Vec<Option<&'a CurrentPerson>> {
    let mut matches: Vec<Option<&'a CurrentPerson>> = vec![None; parsed.people.len()];
    let mut claimed: HashMap<i64, usize> = HashMap::new();
    for (i, person) in parsed.people.iter().enumerate() {
        let staff_ref = person.staff.as_ref().map(|s| s.staff_ref.as_str());
        let guardian_ref = person.guardian.as_ref().map(|g| g.guardian_ref.as_str());
        let by_staff = staff_ref
            .and_then(|r| index.person_by_staff_ref.get(r))
            .copied();
        let by_guardian = guardian_ref
            .and_then(|r| index.person_by_guardian_ref.get(r))
            .copied();
        if let (Some(staff), Some(guardian), Some(staff_ref), Some(guardian_ref)) =
            (by_staff, by_guardian, staff_ref, guardian_ref)
        {
            if staff.id != guardian.id {
                let reason = format!(
                    "guardian {guardian_ref} has the email of staff member {staff_ref}, but they are two accounts today ({} and {}); give them different emails, or ask Confero support to merge the accounts",
                    name(guardian),
                    name(staff)
                );
                parsed.report(person, Column::GuardianId, reason, problems);
            }
        }
        let Some(current) = by_staff.or(by_guardian) else {
            continue;
        };
        match claimed.get(&current.id) {
            Some(&other) => {
                let other_ids = parsed
                    .people
                    .get(other)
                    .map(describe_ids)
                    .unwrap_or_default();
                let reason = format!(
                    "{} and {other_ids} are one account today ({}), so they need the same email",
                    describe_ids(person),
                    name(current)
                );
                parsed.report(person, Column::Email, reason, problems);
            }
            None => {
                claimed.insert(current.id, i);
                matches[i] = Some(current);
            }
        }
    }
    for (i, (person, found)) in parsed.people.iter().zip(matches.iter_mut()).enumerate() {
        if found.is_some() {
            continue;
        }
        let Some(&current) = index.person_by_email.get(person.email.as_str()) else {
            continue;
        };
        // An account already taken by an id is changing its email, and this
        // person is someone new with the address it gives up.
        if let Entry::Vacant(unclaimed) = claimed.entry(current.id) {
            unclaimed.insert(i);
            *found = Some(current);
        }
    }
    matches
}

/// Checks that each person's email can be theirs: not an account's at
/// another school, nor kept by another account of this one.
pub(super) fn check_emails(
    parsed: &ParsedRoster,
    index: &CurrentIndex,
    matches: &[Option<&CurrentPerson>],
    problems: &mut Problems,
) {
    let matched: HashSet<i64> = matches.iter().flatten().map(|p| p.id).collect();
    for (person, found) in parsed.people.iter().zip(matches) {
        let email = person.email.as_str();
        if index.roster.emails_elsewhere.contains(email) {
            let reason = format!(
                "{email} already belongs to an account at another school; an email can have one account only"
            );
            parsed.report(person, Column::Email, reason, problems);
        }
        let Some(owner) = index.person_by_email.get(email) else {
            continue;
        };
        let theirs = found.is_some_and(|p| p.id == owner.id);
        if !theirs && !matched.contains(&owner.id) {
            let reason = format!(
                "{email} is the email of another account in this school ({}), which keeps it; an email can have one account only",
                name(owner)
            );
            parsed.report(person, Column::Email, reason, problems);
        }
    }
}

fn name(person: &CurrentPerson) -> String {
    format!("{} {}", person.given_name, person.family_name)
}

/// "staff member T1", "guardian G5", or both.
fn describe_ids(person: &PersonRow) -> String {
    let staff = person
        .staff
        .as_ref()
        .map(|s| format!("staff member {}", s.staff_ref));
    let guardian = person
        .guardian
        .as_ref()
        .map(|g| format!("guardian {}", g.guardian_ref));
    match (staff, guardian) {
        (Some(staff), Some(guardian)) => format!("{staff} and {guardian}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => person.email.to_string(),
    }
}
