//! Reading the fields of one record: each is checked once, here, and every
//! problem is recorded against its line and column, so one bad field does
//! not hide the next.

use confero_core::{Email, Line, Role};

use super::columns::Column;
use super::headers::Headers;
use super::report::{FileKind, Problems};
use super::table::Record;
use super::MAX_FIELD_CHARS;

/// A field was refused; the problem is already recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Invalid;

/// The fields of one record, with somewhere to record their problems.
pub(crate) struct Fields<'a> {
    file: FileKind,
    headers: &'a Headers,
    record: &'a Record,
    problems: &'a mut Problems,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(
        file: FileKind,
        headers: &'a Headers,
        record: &'a Record,
        problems: &'a mut Problems,
    ) -> Self {
        Fields {
            file,
            headers,
            record,
            problems,
        }
    }

    /// The line the record starts on.
    pub(crate) fn line(&self) -> u64 {
        self.record.line
    }

    /// Whether `column` is blank (or absent from the file).
    pub(crate) fn is_blank(&self, column: Column) -> bool {
        self.raw(column).trim().is_empty()
    }

    /// A field that must be filled in.
    pub(crate) fn required(&mut self, column: Column) -> Result<Line, Invalid> {
        let checked = Line::parse(self.raw(column), MAX_FIELD_CHARS);
        checked.map_err(|error| self.problem(column, error.to_string()))
    }

    /// A field that may be blank.
    pub(crate) fn optional(&mut self, column: Column) -> Result<Option<Line>, Invalid> {
        let checked = Line::parse_optional(Some(self.raw(column)), MAX_FIELD_CHARS);
        checked.map_err(|error| self.problem(column, error.to_string()))
    }

    /// An email address, normalised to lower case.
    pub(crate) fn email(&mut self, column: Column) -> Result<Email, Invalid> {
        let line = self.required(column)?;
        Email::parse(line.as_str()).map_err(|error| self.problem(column, error.to_string()))
    }

    /// A staff member's roles: `teacher`, `admin`, or both, separated by `;`
    /// or `,`, in any case. Returned sorted, without repeats.
    pub(crate) fn staff_roles(&mut self, column: Column) -> Result<Vec<Role>, Invalid> {
        let line = self.required(column)?;
        let mut roles = Vec::new();
        for word in line.as_str().split([';', ',']).map(str::trim) {
            match word.to_lowercase().as_str() {
                "" => {}
                "teacher" => roles.push(Role::Teacher),
                "admin" => roles.push(Role::Admin),
                "guardian" | "parent" => {
                    return Err(self.problem(
                        column,
                        format!("\"{word}\" is not a staff role: guardians are listed in guardians.csv"),
                    ))
                }
                _ => {
                    return Err(self.problem(
                        column,
                        format!("unknown role \"{word}\": use teacher, admin, or both as \"teacher; admin\""),
                    ))
                }
            }
        }
        if roles.is_empty() {
            return Err(self.problem(column, "is required"));
        }
        roles.sort();
        roles.dedup();
        Ok(roles)
    }

    /// Records a problem with `column` on this record's line.
    pub(crate) fn problem(&mut self, column: Column, reason: impl Into<String>) -> Invalid {
        self.problems.at(
            self.file,
            self.record.line,
            self.headers.name(column),
            reason,
        );
        Invalid
    }

    fn raw(&self, column: Column) -> &'a str {
        let record: &'a Record = self.record;
        self.headers
            .position(column)
            .and_then(|index| record.fields.get(index))
            .map_or("", String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_fields<T>(
        header: &[&str],
        row: &[&str],
        read: impl FnOnce(&mut Fields) -> T,
    ) -> (T, Vec<String>) {
        let header: Vec<String> = header.iter().map(|s| s.to_string()).collect();
        let mut problems = Problems::default();
        let headers = Headers::match_line(FileKind::Staff, 1, &header, &mut problems)
            .expect("a valid header");
        let record = Record {
            line: 7,
            fields: row.iter().map(|s| s.to_string()).collect(),
        };
        let value = read(&mut Fields::new(
            FileKind::Staff,
            &headers,
            &record,
            &mut problems,
        ));
        let errors = problems.or_ok(()).err().unwrap_or_default();
        (value, errors.into_iter().map(|e| e.to_string()).collect())
    }

    const HEADER: [&str; 6] = ["Staff ID", "Title", "Forename", "Surname", "E-mail", "Role"];

    #[test]
    fn fields_are_trimmed_and_blank_optional_fields_are_none() {
        let row = [
            "T1",
            " ",
            "  Mary ",
            "Jones",
            "MJ@School.Example",
            "Teacher",
        ];
        let ((given, title, email), errors) = with_fields(&HEADER, &row, |f| {
            (
                f.required(Column::GivenName),
                f.optional(Column::Title),
                f.email(Column::Email),
            )
        });
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(given.unwrap().as_str(), "Mary");
        assert_eq!(title, Ok(None));
        assert_eq!(email.unwrap().as_str(), "mj@school.example");
    }

    #[test]
    fn every_bad_field_of_a_row_is_reported_under_its_own_header() {
        let long = "x".repeat(MAX_FIELD_CHARS + 1);
        let row = ["T1", "Dr\u{7}", "", &long, "not-an-email", "Teacher"];
        let (_, errors) = with_fields(&HEADER, &row, |f| {
            (
                f.optional(Column::Title),
                f.required(Column::GivenName),
                f.required(Column::FamilyName),
                f.email(Column::Email),
            )
        });
        assert_eq!(
            errors,
            [
                "staff.csv line 7, Title: must not contain control characters or line breaks",
                "staff.csv line 7, Forename: is required",
                "staff.csv line 7, Surname: must be at most 200 characters",
                "staff.csv line 7, E-mail: must look like name@example.org",
            ]
        );
    }

    #[test]
    fn a_field_of_exactly_the_limit_is_accepted() {
        let name = "é".repeat(MAX_FIELD_CHARS);
        let row = ["T1", "", &name, "Jones", "a@b.org", "teacher"];
        let (given, errors) = with_fields(&HEADER, &row, |f| f.required(Column::GivenName));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(given.unwrap().as_str().chars().count(), MAX_FIELD_CHARS);
    }

    #[test]
    fn staff_roles_are_teacher_admin_or_both() {
        let cases: [(&str, Option<&[Role]>); 7] = [
            ("teacher", Some(&[Role::Teacher])),
            ("ADMIN", Some(&[Role::Admin])),
            ("Teacher; Admin", Some(&[Role::Admin, Role::Teacher])),
            ("admin,teacher,admin", Some(&[Role::Admin, Role::Teacher])),
            ("teacher;", Some(&[Role::Teacher])),
            ("headteacher", None),
            (" ; ", None),
        ];
        for (raw, want) in cases {
            let row = ["T1", "", "Mary", "Jones", "a@b.org", raw];
            let (roles, errors) = with_fields(&HEADER, &row, |f| f.staff_roles(Column::Role));
            assert_eq!(roles.ok().as_deref(), want, "{raw:?}");
            assert_eq!(errors.len(), usize::from(want.is_none()), "{raw:?}");
        }
    }

    #[test]
    fn guardian_is_not_a_staff_role_and_says_where_guardians_go() {
        let row = ["T1", "", "Mary", "Jones", "a@b.org", "teacher;guardian"];
        let (_, errors) = with_fields(&HEADER, &row, |f| f.staff_roles(Column::Role));
        assert_eq!(
            errors,
            ["staff.csv line 7, Role: \"guardian\" is not a staff role: guardians are listed in guardians.csv"]
        );
    }
}
