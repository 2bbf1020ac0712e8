//! Classes, matched by name, and their enrolments: replaced by those of
//! `classes.csv` when it is part of the import.

use std::collections::{BTreeSet, HashSet};

use confero_core::dto::KindDiff;
use confero_core::Role;

use super::diff::{self, View};
use super::people::People;
use super::students::Students;
use super::{
    ClassRef, ClassUpdate, EnrolmentKey, NewClass, NewEnrolment, PersonRef, Plan, StudentRef,
};
use crate::roster::columns::Column;
use crate::roster::current::{CurrentClass, CurrentIndex};
use crate::roster::headers::Headers;
use crate::roster::parse::{ClassRow, ParsedRoster};
use crate::roster::report::{FileKind, Problems};

/// Plans the classes and enrolments, or, when `classes.csv` is not part of
/// the import, checks that every current class keeps a teacher.
pub(super) fn plan(
    parsed: &ParsedRoster,
    index: &CurrentIndex,
    students: &Students,
    people: &People,
    plan: &mut Plan,
    problems: &mut Problems,
) {
    let mut diff = KindDiff::default();
    let Some((headers, rows)) = &parsed.classes else {
        for class in &index.roster.classes {
            if parsed.staff.is_some() {
                check_teacher_stays(class, people, problems);
            }
            let staying = class
                .student_ids
                .iter()
                .copied()
                .filter(|&id| students.survives(id));
            let after = class_view(
                class.name.clone(),
                &class.subject,
                PersonRef::Existing(class.teacher_id),
                staying.map(|id| students.label_of_id(id)),
                people,
            );
            let before = current_view(class, students, people);
            diff::record(&mut diff, Some(before), Some(after));
        }
        plan.diffs.classes = diff::finish(diff);
        return;
    };
    let mut kept_classes: HashSet<i64> = HashSet::with_capacity(rows.len());
    let mut kept_enrolments: HashSet<EnrolmentKey> = HashSet::new();
    for row in rows {
        let teacher = match people.teacher(row.teacher.as_str()) {
            Ok(teacher) => Some(teacher),
            Err(reason) => {
                problems.at(
                    FileKind::Classes,
                    row.line,
                    headers.name(Column::Teacher),
                    reason,
                );
                None
            }
        };
        let current = index.class_by_name.get(row.name.as_str()).copied();
        let class = plan_class(row, current, teacher, plan);
        if let Some(current) = current {
            kept_classes.insert(current.id);
        }
        let known = Known {
            headers,
            index,
            students,
        };
        plan_enrolments(row, class, known, plan, &mut kept_enrolments, problems);
        if let Some(teacher) = teacher {
            let members = row
                .students
                .iter()
                .map(|e| students.label(e.student.as_str()));
            let after = class_view(
                row.name.to_string(),
                row.subject.as_str(),
                teacher,
                members,
                people,
            );
            let before = current.map(|class| current_view(class, students, people));
            diff::record(&mut diff, before, Some(after));
        }
    }
    for class in &index.roster.classes {
        if !kept_classes.contains(&class.id) {
            plan.class_removals.push(class.id);
            diff::record(&mut diff, Some(current_view(class, students, people)), None);
        }
        let removed = class.student_ids.iter().map(|&student_id| EnrolmentKey {
            class_id: class.id,
            student_id,
        });
        plan.enrolments_removed
            .extend(removed.filter(|key| !kept_enrolments.contains(key)));
    }
    plan.class_removals.sort_unstable();
    plan.enrolments_removed.sort_unstable();
    plan.enrolments_removed.dedup();
    plan.diffs.classes = diff::finish(diff);
}

/// Plans one class of the file and returns the class its enrolments go to.
fn plan_class(
    row: &ClassRow,
    current: Option<&CurrentClass>,
    teacher: Option<PersonRef>,
    plan: &mut Plan,
) -> Option<ClassRef> {
    match (current, teacher) {
        (Some(current), Some(teacher)) => {
            if current.subject != row.subject.as_str()
                || PersonRef::Existing(current.teacher_id) != teacher
            {
                plan.class_updates.push(ClassUpdate {
                    id: current.id,
                    subject: row.subject.to_string(),
                    teacher,
                });
            }
            Some(ClassRef::Existing(current.id))
        }
        (Some(current), None) => Some(ClassRef::Existing(current.id)),
        (None, Some(teacher)) => {
            plan.new_classes.push(NewClass {
                name: row.name.to_string(),
                subject: row.subject.to_string(),
                teacher,
            });
            Some(ClassRef::New(plan.new_classes.len() - 1))
        }
        (None, None) => None,
    }
}

/// What enrolments are checked against.
#[derive(Clone, Copy)]
struct Known<'a> {
    headers: &'a Headers,
    index: &'a CurrentIndex<'a>,
    students: &'a Students<'a>,
}

/// Plans the enrolments of one class of the file, noting in `kept` the
/// current enrolments that stay.
fn plan_enrolments(
    row: &ClassRow,
    class: Option<ClassRef>,
    known: Known,
    plan: &mut Plan,
    kept: &mut HashSet<EnrolmentKey>,
    problems: &mut Problems,
) {
    for enrolment in &row.students {
        let Some(student) = known.students.resolve(enrolment.student.as_str()) else {
            problems.at(
                FileKind::Classes,
                enrolment.line,
                known.headers.name(Column::StudentId),
                format!(
                    "no current student {} (students.csv is not part of this import)",
                    enrolment.student
                ),
            );
            continue;
        };
        let Some(class) = class else { continue };
        if let (ClassRef::Existing(class_id), StudentRef::Existing(student_id)) = (class, student) {
            let key = EnrolmentKey {
                class_id,
                student_id,
            };
            kept.insert(key);
            if known.index.enrolments.contains(&(class_id, student_id)) {
                continue;
            }
        }
        plan.enrolments_added.push(NewEnrolment { class, student });
    }
}

/// Reports a current class whose teacher `staff.csv` no longer lists as a
/// teacher, when `classes.csv` is not there to give it another.
fn check_teacher_stays(class: &CurrentClass, people: &People, problems: &mut Problems) {
    let teacher = PersonRef::Existing(class.teacher_id);
    let Some(record) = people.record(teacher) else {
        return;
    };
    let taught = record.before.as_ref().is_some_and(|s| s.has(Role::Teacher));
    let teaches = record.after.as_ref().is_some_and(|s| s.has(Role::Teacher));
    if !taught || teaches {
        return;
    }
    let reason = format!(
        "class {} is taught by {}, who would no longer be a teacher; keep their teacher role, or include classes.csv to give the class another teacher",
        class.name,
        people.teacher_label(teacher)
    );
    match people.staff_line(teacher) {
        Some((line, column)) => problems.at(FileKind::Staff, line, column, reason),
        None => problems.add(FileKind::Staff, None, None, reason),
    }
}

fn class_view(
    name: String,
    subject: &str,
    teacher: PersonRef,
    students: impl Iterator<Item = String>,
    people: &People,
) -> View {
    View {
        key: name,
        label: format!("{subject}, {}", people.name(teacher)),
        fields: vec![
            ("subject", Some(subject.to_owned())),
            ("teacher", Some(people.teacher_label(teacher))),
        ],
        members: Some(("students", students.collect::<BTreeSet<String>>())),
    }
}

fn current_view(class: &CurrentClass, students: &Students, people: &People) -> View {
    let members = class.student_ids.iter().map(|&id| students.label_of_id(id));
    class_view(
        class.name.clone(),
        &class.subject,
        PersonRef::Existing(class.teacher_id),
        members,
        people,
    )
}
