//! `classes.csv`: one line per class and student, so a class of thirty is
//! thirty lines that repeat its subject and teacher.

use std::collections::{HashMap, HashSet};

use confero_core::Line;

use crate::roster::columns::Column;
use crate::roster::fields::Fields;
use crate::roster::report::{shown, Problems};
use crate::roster::table::Table;

/// A class, from the first line that names it, and its students.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClassRow {
    pub(crate) name: Line,
    pub(crate) subject: Line,
    /// The teacher's staff id.
    pub(crate) teacher: Line,
    pub(crate) line: u64,
    pub(crate) students: Vec<EnrolmentRow>,
}

/// One student of a class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EnrolmentRow {
    pub(crate) student: Line,
    pub(crate) line: u64,
}

/// What the import's other files say, for checking references as lines are read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Known<'a> {
    /// The student ids of `students.csv`, when it is part of the import.
    pub(crate) students: Option<&'a HashMap<String, u64>>,
    /// The staff ids of `staff.csv` and whether each teaches, when it is part
    /// of the import.
    pub(crate) teachers: Option<&'a HashMap<String, Option<bool>>>,
}

/// Reads the classes. Besides bad fields, reports lines of one class that
/// disagree on subject or teacher, and (when those files are part of the
/// import) a student not in `students.csv` or a teacher not in `staff.csv`
/// as a teacher. A line that repeats an enrolment is harmless and skipped.
pub(crate) fn read(table: &Table, known: Known, problems: &mut Problems) -> Vec<ClassRow> {
    let mut classes: Vec<ClassRow> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut enrolled: HashSet<(usize, String)> = HashSet::new();
    for record in &table.records {
        let mut fields = Fields::new(table.file, &table.headers, record, problems);
        let name = fields.required(Column::Class);
        let subject = fields.required(Column::Subject);
        let teacher = fields.required(Column::Teacher);
        let student = fields.required(Column::StudentId);
        if let (Ok(student), Some(students)) = (&student, known.students) {
            if !students.contains_key(student.as_str()) {
                fields.problem(
                    Column::StudentId,
                    format!("no student {student} in students.csv"),
                );
            }
        }
        let (Ok(name), Ok(subject), Ok(teacher), Ok(student)) = (name, subject, teacher, student)
        else {
            continue;
        };
        let class = match by_name.get(name.as_str()) {
            Some(&index) => {
                let first = &classes[index];
                let mut agrees = true;
                for (column, was, is) in [
                    (Column::Subject, &first.subject, &subject),
                    (Column::Teacher, &first.teacher, &teacher),
                ] {
                    if was != is {
                        fields.problem(
                            column,
                            format!(
                                "class {name} has {} here but {} on line {}; every line of one class must agree",
                                shown(Some(is.as_str())),
                                shown(Some(was.as_str())),
                                first.line
                            ),
                        );
                        agrees = false;
                    }
                }
                if !agrees {
                    continue;
                }
                index
            }
            None => {
                let teaches = known.teachers.map(|staff| staff.get(teacher.as_str()));
                match teaches {
                    Some(None) => {
                        fields.problem(
                            Column::Teacher,
                            format!("no staff member {teacher} in staff.csv"),
                        );
                    }
                    Some(Some(Some(false))) => {
                        fields.problem(
                            Column::Teacher,
                            format!("staff member {teacher} does not have the teacher role in staff.csv"),
                        );
                    }
                    // A teacher, or one whose roles have their own problem, or
                    // staff.csv is not part of the import and the plan checks.
                    Some(Some(Some(true) | None)) | None => {}
                }
                by_name.insert(name.as_str().to_owned(), classes.len());
                classes.push(ClassRow {
                    name,
                    subject,
                    teacher,
                    line: record.line,
                    students: Vec::new(),
                });
                classes.len() - 1
            }
        };
        if enrolled.insert((class, student.as_str().to_owned())) {
            classes[class].students.push(EnrolmentRow {
                student,
                line: record.line,
            });
        }
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::report::FileKind;
    use crate::roster::table;

    const HEADER: &str = "Class,Subject,Teacher ID,UPN\n";

    fn classes(rows: &str, known: Known) -> (Vec<ClassRow>, Vec<String>) {
        let mut problems = Problems::default();
        let csv = format!("{HEADER}{rows}");
        let table =
            table::read(FileKind::Classes, csv.as_bytes(), &mut problems).expect("a header");
        let classes = read(&table, known, &mut problems);
        let errors = problems.or_ok(()).err().unwrap_or_default();
        (classes, errors.iter().map(ToString::to_string).collect())
    }

    fn teachers() -> HashMap<String, Option<bool>> {
        HashMap::from([("T1".into(), Some(true)), ("A1".into(), Some(false))])
    }

    #[test]
    fn lines_of_a_class_make_one_class_with_its_students() {
        let (classes, errors) = classes(
            "7A/Ma,Maths,T1,S1\n7A/Ma,Maths,T1,S2\n7A/Ma,Maths,T1,S1\n7A/En,English,T1,S1\n",
            Known::default(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(classes.len(), 2);
        let students: Vec<_> = classes[0]
            .students
            .iter()
            .map(|e| e.student.as_str())
            .collect();
        assert_eq!(students, ["S1", "S2"], "a repeated line is skipped");
    }

    #[test]
    fn lines_of_one_class_must_agree_on_subject_and_teacher() {
        let (_, errors) = classes(
            "7A/Ma,Maths,T1,S1\n7A/Ma,Mathematics,T2,S2\n",
            Known::default(),
        );
        assert_eq!(
            errors,
            [
                "classes.csv line 3, Subject: class 7A/Ma has \"Mathematics\" here but \"Maths\" on line 2; every line of one class must agree",
                "classes.csv line 3, Teacher ID: class 7A/Ma has \"T2\" here but \"T1\" on line 2; every line of one class must agree",
            ]
        );
    }

    #[test]
    fn the_teacher_must_teach_according_to_staff_csv() {
        let teachers = teachers();
        let known = Known {
            students: None,
            teachers: Some(&teachers),
        };
        let (_, errors) = classes(
            "7A/Ma,Maths,T9,S1\n7A/En,English,A1,S1\n7A/Sc,Science,T1,S1\n",
            known,
        );
        assert_eq!(
            errors,
            [
                "classes.csv line 2, Teacher ID: no staff member T9 in staff.csv",
                "classes.csv line 3, Teacher ID: staff member A1 does not have the teacher role in staff.csv",
            ]
        );
    }

    #[test]
    fn every_student_must_be_in_students_csv_when_it_is_imported() {
        let students = HashMap::from([("S1".to_owned(), 2)]);
        let known = Known {
            students: Some(&students),
            teachers: None,
        };
        let (_, errors) = classes("7A/Ma,Maths,T1,S1\n7A/Ma,Maths,T1,S2\n", known);
        assert_eq!(
            errors,
            ["classes.csv line 3, UPN: no student S2 in students.csv"]
        );
    }
}
