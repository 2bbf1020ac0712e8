//! Guardianships: the set of (student, guardian, relationship), replaced by
//! that of `guardians.csv` when it is part of the import.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::people::People;
use super::students::Students;
use super::{GuardianshipChange, GuardianshipKey, NewGuardianship, PersonRef, Plan, StudentRef};
use crate::roster::columns::Column;
use crate::roster::current::CurrentIndex;
use crate::roster::parse::ParsedRoster;
use crate::roster::report::{FileKind, Problems};

/// Each guardian's children before and after the import, as the preview
/// lists them: "S101 Ada Lovelace (mother)".
#[derive(Debug, Default)]
pub(super) struct Children {
    pub(super) before: HashMap<i64, BTreeSet<String>>,
    pub(super) after: HashMap<PersonRef, BTreeSet<String>>,
}

/// Plans the guardianships, and returns every guardian's children.
pub(super) fn plan(
    parsed: &ParsedRoster,
    index: &CurrentIndex,
    students: &Students,
    people: &People,
    plan: &mut Plan,
    problems: &mut Problems,
) -> Children {
    let mut children = Children::default();
    let child = |label: String, relationship: &str| format!("{label} ({relationship})");
    for link in &index.roster.guardianships {
        let label = child(students.label_of_id(link.student_id), &link.relationship);
        children
            .before
            .entry(link.guardian_id)
            .or_default()
            .insert(label);
    }
    let Some((headers, links)) = &parsed.guardians else {
        for link in &index.roster.guardianships {
            if students.survives(link.student_id) {
                let label = child(students.label_of_id(link.student_id), &link.relationship);
                let guardian = PersonRef::Existing(link.guardian_id);
                children.after.entry(guardian).or_default().insert(label);
            }
        }
        return children;
    };
    let mut kept: HashSet<GuardianshipKey> = HashSet::new();
    for link in links {
        let Some(guardian) = people.of_parsed(link.person) else {
            continue;
        };
        let Some(student) = students.resolve(link.student.as_str()) else {
            problems.at(
                FileKind::Guardians,
                link.line,
                headers.name(Column::StudentId),
                format!(
                    "no current student {} (students.csv is not part of this import)",
                    link.student
                ),
            );
            continue;
        };
        let label = child(students.label(link.student.as_str()), &link.relationship);
        children.after.entry(guardian).or_default().insert(label);
        if let (StudentRef::Existing(student_id), PersonRef::Existing(guardian_id)) =
            (student, guardian)
        {
            let key = GuardianshipKey {
                student_id,
                guardian_id,
            };
            kept.insert(key);
            match index.guardianships.get(&(student_id, guardian_id)) {
                Some(&relationship) if relationship == link.relationship => continue,
                Some(_) => {
                    plan.guardianships_changed.push(GuardianshipChange {
                        student_id,
                        guardian_id,
                        relationship: link.relationship.clone(),
                    });
                    continue;
                }
                None => {}
            }
        }
        plan.guardianships_added.push(NewGuardianship {
            student,
            guardian,
            relationship: link.relationship.clone(),
        });
    }
    plan.guardianships_removed = index
        .roster
        .guardianships
        .iter()
        .map(|link| GuardianshipKey {
            student_id: link.student_id,
            guardian_id: link.guardian_id,
        })
        .filter(|key| !kept.contains(key))
        .collect();
    plan.guardianships_removed.sort_unstable();
    plan.guardianships_removed.dedup();
    children
}
