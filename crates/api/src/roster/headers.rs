//! Matching a file's header line against the columns Confero reads.

use super::columns::{columns_of, normalise, Column, Need};
use super::report::{FileKind, Problems};

/// Where each column Confero reads is in one file, and its header as the
/// file writes it (problems name columns the way the school sees them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Headers {
    found: Vec<(Column, usize, String)>,
    width: usize,
}

impl Headers {
    /// Matches a header line, or records why it cannot be read: a required
    /// column missing, a column given twice, or a file that is not separated
    /// by commas.
    pub(crate) fn match_line(
        file: FileKind,
        line: u64,
        header: &[String],
        problems: &mut Problems,
    ) -> Option<Headers> {
        if let [only] = header {
            if let Some(separator) = [(';', "semicolons"), ('\t', "tabs")]
                .into_iter()
                .find_map(|(c, name)| only.contains(c).then_some(name))
            {
                problems.add(
                    file,
                    Some(line),
                    None,
                    format!("the columns are separated by {separator}; save the file as comma-separated CSV (UTF-8)"),
                );
                return None;
            }
        }
        let mut found: Vec<(Column, usize, String)> = Vec::new();
        let mut complete = true;
        for (index, name) in header.iter().enumerate() {
            let normalised = normalise(name);
            let Some(&(column, _)) = columns_of(file)
                .iter()
                .find(|(column, _)| column.is_named(&normalised))
            else {
                continue;
            };
            let name = name.trim().to_owned();
            if let Some((_, _, first)) = found.iter().find(|(c, _, _)| *c == column) {
                problems.at(
                    file,
                    line,
                    &name,
                    format!("is the same column as \"{first}\"; keep only one of them"),
                );
                complete = false;
            } else {
                found.push((column, index, name));
            }
        }
        for &(column, need) in columns_of(file) {
            if need == Need::Required && !found.iter().any(|(c, _, _)| *c == column) {
                problems.at(
                    file,
                    line,
                    column.usual_name(),
                    format!(
                        "this required column is missing (accepted headers: {})",
                        column.names().join(", ")
                    ),
                );
                complete = false;
            }
        }
        complete.then_some(Headers {
            found,
            width: header.len(),
        })
    }

    /// How many fields every line of the file must have.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The index of `column` in each record, if the file has it.
    pub(crate) fn position(&self, column: Column) -> Option<usize> {
        self.found
            .iter()
            .find_map(|(c, index, _)| (*c == column).then_some(*index))
    }

    /// The column at `index`, if Confero reads it.
    pub(crate) fn column_at(&self, index: usize) -> Option<Column> {
        self.found
            .iter()
            .find_map(|(column, i, _)| (*i == index).then_some(*column))
    }

    /// The header of `column` as written in the file, or its usual name when
    /// the file does not have it.
    pub(crate) fn name(&self, column: Column) -> &str {
        self.found
            .iter()
            .find_map(|(c, _, name)| (*c == column).then_some(name.as_str()))
            .unwrap_or(column.usual_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(file: FileKind, line: &[&str]) -> Result<Headers, Vec<String>> {
        let line: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        let mut problems = Problems::default();
        let matched = Headers::match_line(file, 1, &line, &mut problems);
        match problems.or_ok(()) {
            Ok(()) => Ok(matched.expect("no problems means a match")),
            Err(errors) => Err(errors.into_iter().map(|e| e.to_string()).collect()),
        }
    }

    #[test]
    fn headers_match_without_case_spaces_underscores_or_hyphens() {
        let found = headers(
            FileKind::Students,
            &[
                " student_id ",
                "FORENAME",
                "Last-Name",
                "YearGroup",
                "Tutor",
            ],
        )
        .unwrap();
        assert_eq!(found.position(Column::StudentId), Some(0));
        assert_eq!(found.position(Column::Year), Some(3));
        assert_eq!(found.name(Column::FamilyName), "Last-Name");
        assert_eq!(found.column_at(4), None, "extra columns are ignored");
        assert_eq!(found.width(), 5);
    }

    #[test]
    fn schools_usual_aliases_are_accepted() {
        for line in [
            ["UPN", "Legal Forename", "Surname", "NC Year"],
            ["Pupil ID", "Given Name", "Family Name", "Grade"],
            ["Student ID", "First Name", "Last Name", "Year"],
        ] {
            assert!(headers(FileKind::Students, &line).is_ok(), "{line:?}");
        }
    }

    #[test]
    fn a_missing_required_column_is_named_with_its_accepted_headers() {
        let errors = headers(FileKind::Students, &["UPN", "Forename", "Surname"]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("students.csv line 1, Year: this required column is missing (accepted headers: Year, Year Group, Grade"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn optional_columns_may_be_missing() {
        let found = headers(
            FileKind::Guardians,
            &["Guardian ID", "Forename", "Surname", "Email", "UPN"],
        )
        .unwrap();
        assert_eq!(found.position(Column::Phone), None);
        assert_eq!(found.name(Column::Phone), "Phone");
    }

    #[test]
    fn a_column_given_twice_is_refused() {
        let errors = headers(
            FileKind::Students,
            &["Student ID", "Forename", "Surname", "Year", "UPN"],
        )
        .unwrap_err();
        assert_eq!(
            errors,
            ["students.csv line 1, UPN: is the same column as \"Student ID\"; keep only one of them"]
        );
    }

    #[test]
    fn a_file_separated_by_semicolons_gets_one_clear_problem() {
        let errors =
            headers(FileKind::Staff, &["Staff ID;Forename;Surname;Email;Role"]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].contains("separated by semicolons"),
            "{}",
            errors[0]
        );
    }
}
