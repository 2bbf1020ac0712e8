//! Which file a problem is in, and the list problems are collected in.

use confero_core::dto::RosterError;

/// The four files of an import, in the order their problems are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum FileKind {
    Students,
    Guardians,
    Staff,
    Classes,
}

impl FileKind {
    /// The file's name, as the school uploads it and as problems name it.
    pub(crate) fn file_name(self) -> &'static str {
        match self {
            FileKind::Students => "students.csv",
            FileKind::Guardians => "guardians.csv",
            FileKind::Staff => "staff.csv",
            FileKind::Classes => "classes.csv",
        }
    }

    /// What one line of the file holds, for messages.
    pub(crate) fn row_noun(self) -> &'static str {
        match self {
            FileKind::Students => "student",
            FileKind::Guardians => "guardian and child",
            FileKind::Staff => "staff member",
            FileKind::Classes => "class and student",
        }
    }
}

/// Every problem found so far. They are reported together, by file and line,
/// so a school fixes its export once rather than once per problem.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<(FileKind, RosterError)>);

impl Problems {
    /// Records a problem with a file, or with one of its lines or fields.
    pub(crate) fn add(
        &mut self,
        file: FileKind,
        line: Option<u64>,
        column: Option<&str>,
        reason: impl Into<String>,
    ) {
        let error = RosterError {
            file: file.file_name().to_owned(),
            line,
            column: column.map(str::to_owned),
            reason: reason.into(),
        };
        self.0.push((file, error));
    }

    /// Records a problem with one field of one line.
    pub(crate) fn at(
        &mut self,
        file: FileKind,
        line: u64,
        column: &str,
        reason: impl Into<String>,
    ) {
        self.add(file, Some(line), Some(column), reason);
    }

    /// `value` if nothing was found, else every problem, by file and then
    /// line, in the order found within a line.
    pub(crate) fn or_ok<T>(self, value: T) -> Result<T, Vec<RosterError>> {
        if self.0.is_empty() {
            return Ok(value);
        }
        let mut found = self.0;
        found.sort_by_key(|(file, error)| (*file, error.line));
        Err(found.into_iter().map(|(_, error)| error).collect())
    }
}

/// A value shown in a message: quoted, or `blank`.
pub(crate) fn shown(value: Option<&str>) -> String {
    match value {
        Some(text) if !text.is_empty() => format!("\"{text}\""),
        _ => "blank".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_reported_by_file_then_line_in_the_order_found() {
        let mut problems = Problems::default();
        problems.at(FileKind::Classes, 2, "Class", "first");
        problems.at(FileKind::Students, 9, "Year", "second");
        problems.add(FileKind::Students, None, None, "third");
        problems.at(FileKind::Students, 9, "Surname", "fourth");
        let errors = problems.or_ok(()).unwrap_err();
        let reasons: Vec<_> = errors.iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(reasons, ["third", "second", "fourth", "first"]);
        assert_eq!(errors[3].file, "classes.csv");
    }

    #[test]
    fn no_problems_is_success() {
        assert_eq!(Problems::default().or_ok(7), Ok(7));
    }

    #[test]
    fn blank_values_are_named_as_blank() {
        assert_eq!(shown(Some("Patel")), "\"Patel\"");
        assert_eq!(shown(Some("")), "blank");
        assert_eq!(shown(None), "blank");
    }
}
