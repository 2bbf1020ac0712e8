//! The bad-file corpus of `crates/api/tests/roster_corpus/`: each file has
//! one problem, and must produce exactly the problems listed here (and in
//! the corpus's README).

use super::*;

/// What else is in the import besides the bad file.
#[derive(Clone, Copy, Debug)]
enum With {
    Nothing,
    /// The sample school's other three files.
    SampleFiles,
}

/// The school the import is planned against.
#[derive(Clone, Copy, Debug)]
enum School {
    Empty,
    /// The sample school, already imported.
    Sample,
    /// An empty school, with this email taken at another school.
    EmailElsewhere(&'static str),
}

/// The file, line, column and part of the reason of an expected problem.
type Expected = (
    &'static str,
    Option<u64>,
    Option<&'static str>,
    &'static str,
);

struct Case {
    name: &'static str,
    bytes: &'static [u8],
    with: With,
    school: School,
    expected: &'static [Expected],
}

macro_rules! case {
    ($name:literal, $with:expr, $school:expr, $($expected:expr),+ $(,)?) => {
        Case {
            name: $name,
            bytes: include_bytes!(concat!("../../../tests/roster_corpus/", $name)),
            with: $with,
            school: $school,
            expected: &[$($expected),+],
        }
    };
}

fn cases() -> Vec<Case> {
    use School::*;
    use With::*;
    vec![
        case!("students_missing_column.csv", Nothing, Empty,
            ("students.csv", Some(1), Some("Year"), "required column is missing (accepted headers: Year, Year Group, Grade")),
        case!("students_ragged_row.csv", Nothing, Empty,
            ("students.csv", Some(3), None, "has 3 fields but the header has 4")),
        case!("students_not_utf8.csv", Nothing, Empty,
            ("students.csv", Some(4), Some("Given Name"), "is not UTF-8 text; save the file as \"CSV UTF-8\"")),
        case!("students_utf16.csv", Nothing, Empty,
            ("students.csv", None, None, "is not UTF-8 text; save the file as \"CSV UTF-8\" (it is UTF-16)")),
        case!("students_empty_file.csv", Nothing, Empty,
            ("students.csv", None, None, "the file is empty: it needs a header line naming the columns, then one line per student")),
        case!("students_empty_required_field.csv", Nothing, Empty,
            ("students.csv", Some(3), Some("Family Name"), "is required")),
        case!("students_duplicate_id.csv", Nothing, Empty,
            ("students.csv", Some(5), Some("Student ID"), "student S1001 is also on line 2")),
        case!("students_control_character.csv", Nothing, Empty,
            ("students.csv", Some(3), Some("Given Name"), "must not contain control characters")),
        case!("students_overlong_field.csv", Nothing, Empty,
            ("students.csv", Some(2), Some("Family Name"), "must be at most 200 characters")),
        case!("students_semicolon_separated.csv", Nothing, Empty,
            ("students.csv", Some(1), None, "the columns are separated by semicolons")),
        case!("students_duplicate_column.csv", Nothing, Empty,
            ("students.csv", Some(1), Some("UPN"), "is the same column as \"Student ID\"")),
        case!("guardians_bad_email.csv", Nothing, Empty,
            ("guardians.csv", Some(2), Some("Email"), "must look like name@example.org")),
        case!("guardians_without_student.csv", Nothing, Empty,
            ("guardians.csv", Some(2), Some("Student ID"), "names no student")),
        case!("guardians_unknown_student.csv", SampleFiles, Empty,
            ("guardians.csv", Some(3), Some("Student ID"), "no student S9999 in students.csv")),
        case!("guardians_contradictory_rows.csv", Nothing, Empty,
            ("guardians.csv", Some(3), Some("Family Name"), "guardian G2001 is \"Patil\" here but \"Patel\" on line 2")),
        case!("guardians_duplicate_email.csv", Nothing, Empty,
            ("guardians.csv", Some(3), Some("Email"), "patel.family@example.net is also the email of guardian G2001 on line 2")),
        case!("guardians_contradictory_relationship.csv", Nothing, Empty,
            ("guardians.csv", Some(3), Some("Relationship"), "already linked on line 2 as \"mother\"")),
        case!("guardians_disagreeing_with_staff.csv", SampleFiles, Empty,
            ("guardians.csv", Some(2), Some("Title"), "is \"Mrs\" here but \"Ms\" in staff.csv line 5, where the same email is staff member T03")),
        case!("staff_unknown_role.csv", Nothing, Empty,
            ("staff.csv", Some(3), Some("Role"), "unknown role \"headteacher\"")),
        case!("staff_guardian_role.csv", Nothing, Empty,
            ("staff.csv", Some(3), Some("Role"), "\"guardian\" is not a staff role")),
        case!("staff_duplicate_id.csv", Nothing, Empty,
            ("staff.csv", Some(4), Some("Staff ID"), "staff member A01 is also on line 2")),
        case!("staff_duplicate_email.csv", Nothing, Empty,
            ("staff.csv", Some(3), Some("Email"), "office@riverside.example is also the email of staff member A01 on line 2")),
        case!("staff_without_admin.csv", Nothing, Empty,
            ("staff.csv", None, Some("Role"), "no one has the admin role")),
        case!("staff_email_elsewhere.csv", Nothing, EmailElsewhere("t.nowak@riverside.example"),
            ("staff.csv", Some(3), Some("Email"), "already belongs to an account at another school")),
        case!("classes_unknown_teacher.csv", SampleFiles, Empty,
            ("classes.csv", Some(2), Some("Teacher ID"), "no staff member T09 in staff.csv")),
        case!("classes_teacher_without_teacher_role.csv", SampleFiles, Empty,
            ("classes.csv", Some(2), Some("Teacher ID"), "staff member A01 does not have the teacher role")),
        case!("classes_contradictory_rows.csv", Nothing, Empty,
            ("classes.csv", Some(3), Some("Subject"), "class 7A/En has \"Drama\" here but \"English\" on line 2")),
        case!("classes_unknown_student.csv", Nothing, Sample,
            ("classes.csv", Some(3), Some("Student ID"), "no current student S9999 (students.csv is not part of this import)")),
        case!("classes_current_staff_not_teacher.csv", Nothing, Sample,
            ("classes.csv", Some(2), Some("Teacher ID"), "staff member A01 is not a teacher")),
        case!("classes_ragged_unclosed_quote.csv", Nothing, Empty,
            ("classes.csv", Some(2), None, "has 2 fields but the header has 4")),
    ]
}

fn run(case: &Case) -> Vec<RosterError> {
    let mut files = match case.with {
        With::Nothing => RosterFiles::default(),
        With::SampleFiles => sample_files(),
    };
    let bytes = Some(case.bytes.to_vec());
    match case.name.split('_').next() {
        Some("students") => files.students = bytes,
        Some("guardians") => files.guardians = bytes,
        Some("staff") => files.staff = bytes,
        Some("classes") => files.classes = bytes,
        _ => panic!(
            "{}: a corpus file is named after the file it stands for",
            case.name
        ),
    }
    let current = match case.school {
        School::Empty => CurrentRoster::default(),
        School::Sample => {
            let empty = CurrentRoster::default();
            apply(&empty, &planned(&sample_files(), &empty))
        }
        School::EmailElsewhere(email) => CurrentRoster {
            emails_elsewhere: [email.to_owned()].into(),
            ..CurrentRoster::default()
        },
    };
    match parse(&files).and_then(|parsed| plan(&parsed, &current)) {
        Ok(_) => panic!("{}: expected problems, got a plan", case.name),
        Err(errors) => errors,
    }
}

#[test]
fn every_corpus_file_produces_exactly_its_problem() {
    for case in cases() {
        let errors = run(&case);
        let found: Vec<_> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            errors.len(),
            case.expected.len(),
            "{}: {found:#?}",
            case.name
        );
        for (error, &(file, line, column, reason)) in errors.iter().zip(case.expected) {
            assert_eq!(error.file, file, "{}", case.name);
            assert_eq!(error.line, line, "{}: {error}", case.name);
            assert_eq!(error.column.as_deref(), column, "{}: {error}", case.name);
            assert!(error.reason.contains(reason), "{}: {error}", case.name);
        }
    }
}

#[test]
fn the_corpus_has_a_case_and_a_readme_entry_for_every_file() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/roster_corpus");
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("the corpus README");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("the corpus directory")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".csv"))
        .collect();
    on_disk.sort();
    let mut covered: Vec<String> = cases().iter().map(|c| c.name.to_owned()).collect();
    covered.sort();
    assert_eq!(on_disk, covered);
    for name in &covered {
        assert!(
            readme.contains(&format!("`{name}`")),
            "{name} is missing from the README"
        );
    }
    assert!(covered.len() >= 20);
}
