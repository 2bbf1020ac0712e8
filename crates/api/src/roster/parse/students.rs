//! `students.csv`: one line per student.

use std::collections::HashMap;

use confero_core::Line;

use crate::roster::columns::Column;
use crate::roster::fields::Fields;
use crate::roster::report::Problems;
use crate::roster::table::Table;

/// A student as the school's export has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StudentRow {
    pub(crate) sis_id: Line,
    pub(crate) given_name: Line,
    pub(crate) family_name: Line,
    pub(crate) year_group: Line,
}

/// The students of `students.csv`.
#[derive(Debug, Default)]
pub(crate) struct StudentsFile {
    pub(crate) rows: Vec<StudentRow>,
    /// Every student id on a line of the file, even a line with problems
    /// (so a reference to that student from another file is not reported
    /// too), and the first line it is on.
    pub(crate) ids: HashMap<String, u64>,
}

/// Reads the students, reporting bad fields and student ids given twice.
pub(crate) fn read(table: &Table, problems: &mut Problems) -> StudentsFile {
    let mut students = StudentsFile::default();
    for record in &table.records {
        let mut fields = Fields::new(table.file, &table.headers, record, problems);
        let sis_id = fields.required(Column::StudentId);
        let given_name = fields.required(Column::GivenName);
        let family_name = fields.required(Column::FamilyName);
        let year_group = fields.required(Column::Year);
        let Ok(sis_id) = sis_id else { continue };
        if let Some(first) = students.ids.get(sis_id.as_str()) {
            fields.problem(
                Column::StudentId,
                format!("student {sis_id} is also on line {first}; list each student once"),
            );
            continue;
        }
        students.ids.insert(sis_id.as_str().to_owned(), record.line);
        let (Ok(given_name), Ok(family_name), Ok(year_group)) =
            (given_name, family_name, year_group)
        else {
            continue;
        };
        students.rows.push(StudentRow {
            sis_id,
            given_name,
            family_name,
            year_group,
        });
    }
    students
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::report::FileKind;
    use crate::roster::table;

    fn students(csv: &str) -> (StudentsFile, Vec<String>) {
        let mut problems = Problems::default();
        let table =
            table::read(FileKind::Students, csv.as_bytes(), &mut problems).expect("a header");
        let students = read(&table, &mut problems);
        let errors = problems.or_ok(()).err().unwrap_or_default();
        (students, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn students_are_read_in_file_order() {
        let (students, errors) =
            students("UPN,Forename,Surname,Year Group\nS2,Bo,Li,8\nS1,Ada,Lovelace,7\n");
        assert!(errors.is_empty(), "{errors:?}");
        let ids: Vec<_> = students.rows.iter().map(|s| s.sis_id.as_str()).collect();
        assert_eq!(ids, ["S2", "S1"]);
        assert_eq!(students.rows[1].year_group.as_str(), "7");
    }

    #[test]
    fn a_student_id_given_twice_names_both_lines() {
        let (students, errors) =
            students("UPN,Forename,Surname,Year\nS1,Ada,Lovelace,7\nS2,Bo,Li,8\nS1,Ada,Byron,7\n");
        assert_eq!(
            errors,
            ["students.csv line 4, UPN: student S1 is also on line 2; list each student once"]
        );
        assert_eq!(students.rows.len(), 2, "the first line is kept");
    }

    #[test]
    fn a_student_with_a_bad_field_is_still_known_by_id() {
        let (students, errors) = students("UPN,Forename,Surname,Year\nS1,Ada,,7\n");
        assert_eq!(errors, ["students.csv line 2, Surname: is required"]);
        assert!(students.rows.is_empty());
        assert_eq!(students.ids.get("S1"), Some(&2));
    }
}
