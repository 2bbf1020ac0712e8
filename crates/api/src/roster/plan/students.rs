//! Students: matched to current students by student id.

use std::collections::{HashMap, HashSet};

use confero_core::dto::KindDiff;

use super::diff::{self, View};
use super::{NewStudent, Plan, StudentRef, StudentUpdate};
use crate::roster::current::{CurrentIndex, CurrentStudent};
use crate::roster::parse::{ParsedRoster, StudentRow};

/// The students after the import, by student id, for the other files'
/// references and for naming students in the preview.
pub(super) struct Students<'a> {
    /// Every student who will exist: those of `students.csv`, or the
    /// current ones when it is not part of the import.
    by_sis: HashMap<&'a str, (StudentRef, Names<'a>)>,
    index: &'a CurrentIndex<'a>,
    removed: HashSet<i64>,
}

#[derive(Clone, Copy)]
struct Names<'a> {
    given: &'a str,
    family: &'a str,
}

impl<'a> Students<'a> {
    /// The student a student id names after the import.
    pub(super) fn resolve(&self, sis_id: &str) -> Option<StudentRef> {
        self.by_sis.get(sis_id).map(|(reference, _)| *reference)
    }

    /// Whether a current student is still there after the import.
    pub(super) fn survives(&self, id: i64) -> bool {
        !self.removed.contains(&id)
    }

    /// "S101 Ada Lovelace", by the name the student will have.
    pub(super) fn label(&self, sis_id: &str) -> String {
        match self.by_sis.get(sis_id) {
            Some((_, names)) => format!("{sis_id} {} {}", names.given, names.family),
            None => sis_id.to_owned(),
        }
    }

    /// [`Students::label`] for a current student by id.
    pub(super) fn label_of_id(&self, id: i64) -> String {
        match self.index.student_by_id.get(&id) {
            Some(student) if self.by_sis.contains_key(student.sis_id.as_str()) => {
                self.label(&student.sis_id)
            }
            Some(student) => {
                format!(
                    "{} {} {}",
                    student.sis_id, student.given_name, student.family_name
                )
            }
            None => format!("#{id}"),
        }
    }
}

/// Plans the students, when `students.csv` is part of the import, and
/// returns every student that will exist.
pub(super) fn plan<'a>(
    parsed: &'a ParsedRoster,
    index: &'a CurrentIndex<'a>,
    plan: &mut Plan,
) -> Students<'a> {
    let Some(rows) = &parsed.students else {
        plan.diffs.students.unchanged = count(index.roster.students.len());
        let by_sis = index
            .roster
            .students
            .iter()
            .map(|s| (s.sis_id.as_str(), (StudentRef::Existing(s.id), names_of(s))))
            .collect();
        return Students {
            by_sis,
            index,
            removed: HashSet::new(),
        };
    };
    let mut diff = KindDiff::default();
    let mut by_sis = HashMap::with_capacity(rows.len());
    for row in rows {
        let names = Names {
            given: row.given_name.as_str(),
            family: row.family_name.as_str(),
        };
        let current = index.student_by_sis.get(row.sis_id.as_str()).copied();
        let reference = match current {
            Some(student) => {
                if !same(student, row) {
                    plan.student_updates.push(StudentUpdate {
                        id: student.id,
                        given_name: row.given_name.to_string(),
                        family_name: row.family_name.to_string(),
                        year_group: row.year_group.to_string(),
                    });
                }
                StudentRef::Existing(student.id)
            }
            None => {
                plan.new_students.push(NewStudent {
                    sis_id: row.sis_id.to_string(),
                    given_name: row.given_name.to_string(),
                    family_name: row.family_name.to_string(),
                    year_group: row.year_group.to_string(),
                });
                StudentRef::New(plan.new_students.len() - 1)
            }
        };
        diff::record(&mut diff, current.map(current_view), Some(row_view(row)));
        by_sis.insert(row.sis_id.as_str(), (reference, names));
    }
    let mut removed = HashSet::new();
    for student in &index.roster.students {
        if !by_sis.contains_key(student.sis_id.as_str()) {
            removed.insert(student.id);
            plan.student_removals.push(student.id);
            diff::record(&mut diff, Some(current_view(student)), None);
        }
    }
    plan.student_removals.sort_unstable();
    plan.diffs.students = diff::finish(diff);
    Students {
        by_sis,
        index,
        removed,
    }
}

/// A count for the preview, which cannot be more than a `u32`'s worth.
pub(super) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn names_of(student: &CurrentStudent) -> Names<'_> {
    Names {
        given: &student.given_name,
        family: &student.family_name,
    }
}

fn same(current: &CurrentStudent, row: &StudentRow) -> bool {
    current.given_name == row.given_name.as_str()
        && current.family_name == row.family_name.as_str()
        && current.year_group == row.year_group.as_str()
}

fn view(sis_id: &str, given: &str, family: &str, year: &str) -> View {
    let value = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    View {
        key: sis_id.to_owned(),
        label: format!("{given} {family}"),
        fields: vec![
            ("given name", value(given)),
            ("family name", value(family)),
            ("year", value(year)),
        ],
        members: None,
    }
}

fn current_view(student: &CurrentStudent) -> View {
    view(
        &student.sis_id,
        &student.given_name,
        &student.family_name,
        &student.year_group,
    )
}

fn row_view(row: &StudentRow) -> View {
    view(
        row.sis_id.as_str(),
        row.given_name.as_str(),
        row.family_name.as_str(),
        row.year_group.as_str(),
    )
}
