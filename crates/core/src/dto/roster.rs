//! Roster import: the preview an admin confirms, and the report of what is
//! wrong with the files when there is something to fix.
//!
//! An import is a dry run first: the API answers with a [`RosterPreview`]
//! listing every record that would be added, updated or removed, and a token.
//! Applying sends the same files with that token; the API plans again and
//! refuses if the plan is not exactly the one previewed.

use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// What an import would change, kind by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterPreview {
    /// Hex SHA-256 of the plan. Send it back to apply the import; it is
    /// refused if the files or the school changed meanwhile.
    pub token: String,
    pub students: KindDiff,
    pub guardians: KindDiff,
    pub staff: KindDiff,
    pub classes: KindDiff,
    /// The future appointments applying would cancel, by why, as the
    /// bookings stand at the preview (applying cancels those of that moment).
    #[serde(default)]
    pub cancels: AppointmentsCancelled,
}

/// Future appointments an import cancels, by why. Each appointment is
/// counted once, under the first reason that applies, in this order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AppointmentsCancelled {
    /// The pupil leaves the roster.
    pub pupils_leaving: u32,
    /// The parent or carer who booked leaves the roster, or is no longer
    /// linked to the pupil.
    pub carers_leaving: u32,
    /// The teacher leaves, or no longer has the teacher role.
    pub teachers_leaving: u32,
    /// The pupil stays, but is no longer in a year group or class the
    /// evening is for (they moved year or class, or the class left).
    pub no_longer_invited: u32,
}

impl AppointmentsCancelled {
    /// How many appointments, for every reason.
    pub fn total(&self) -> u32 {
        self.pupils_leaving
            .saturating_add(self.carers_leaving)
            .saturating_add(self.teachers_leaving)
            .saturating_add(self.no_longer_invited)
    }
}

impl RosterPreview {
    /// Whether applying would change anything at all.
    pub fn has_changes(&self) -> bool {
        [&self.students, &self.guardians, &self.staff, &self.classes]
            .iter()
            .any(|kind| kind.has_changes())
    }
}

/// The changes to one kind of record: students, guardians, staff or classes.
/// Each list is sorted by [`RecordChange::key`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct KindDiff {
    /// New records, with every field they will have.
    pub added: Vec<RecordChange>,
    /// Records that change, with the fields that change.
    pub updated: Vec<RecordChange>,
    /// Records that go, with every field they had.
    pub removed: Vec<RecordChange>,
    /// How many records of this kind stay exactly as they are.
    pub unchanged: u32,
}

impl KindDiff {
    /// Whether any record of this kind is added, updated or removed.
    pub fn has_changes(&self) -> bool {
        !(self.added.is_empty() && self.updated.is_empty() && self.removed.is_empty())
    }
}

/// One record that is added, updated or removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecordChange {
    /// The school's identifier for the record: the student, guardian or
    /// staff id from the school information system, or the class name.
    pub key: String,
    /// What a person reads: the student's or person's name, or the class's
    /// subject and teacher.
    pub label: String,
    /// The fields that change, in a fixed order per kind.
    pub changes: Vec<FieldChange>,
}

/// One field of a record, before and after.
///
/// For a set-valued field (a guardian's `children`, a class's `students`),
/// `from` lists the members leaving and `to` the members joining, each
/// joined with `"; "`; members that stay are not listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldChange {
    /// The field's name as an admin reads it, e.g. `"family name"`.
    pub field: String,
    /// The value before; `None` when the field was blank or the record new.
    pub from: Option<String>,
    /// The value after; `None` when the field becomes blank or the record goes.
    pub to: Option<String>,
    /// A set-valued field (`children`, `students`): on an updated record,
    /// `from` and `to` are the members leaving and joining, not the whole set.
    #[serde(default)]
    pub members: bool,
}

/// One problem in the uploaded files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterError {
    /// The file at fault, e.g. `"guardians.csv"`.
    pub file: String,
    /// The 1-based line where the record starts (the header is line 1);
    /// `None` when the problem is with the file as a whole.
    pub line: Option<u64>,
    /// The column at fault, named as in the file's header (or, for a missing
    /// column, by its usual name).
    pub column: Option<String>,
    /// What is wrong, in plain words.
    pub reason: String,
}

impl fmt::Display for RosterError {
    /// `guardians.csv line 4, Email: must look like name@example.org`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", {column}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// The body of a 422 for a roster with errors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterReport {
    /// The first [`RosterReport::MAX_ERRORS`] problems, by file and line.
    pub errors: Vec<RosterError>,
    /// How many further problems were found but left out of `errors`.
    pub omitted: u64,
}

impl RosterReport {
    /// The most problems one report lists: a file with the wrong layout can
    /// have one on every line, and a list that long helps no one.
    pub const MAX_ERRORS: usize = 1000;

    /// A report of `errors`, keeping the first [`RosterReport::MAX_ERRORS`].
    pub fn new(mut errors: Vec<RosterError>) -> RosterReport {
        let omitted = errors.len().saturating_sub(Self::MAX_ERRORS);
        errors.truncate(Self::MAX_ERRORS);
        RosterReport {
            errors,
            omitted: u64::try_from(omitted).unwrap_or(u64::MAX),
        }
    }
}

/// What applying an import did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterApplied {
    pub preview: RosterPreview,
    /// Future bookings cancelled because who they were for or with left.
    pub cancelled_bookings: u64,
}

/// The body of a 422 from a roster upload: the usual error and, when the
/// files have problems (code `invalid_roster`), the report of every problem
/// by file, line and column. A 422 for the upload itself (no file, an
/// unknown field) has the error alone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RosterProblems {
    pub error: crate::ErrorDetail,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<RosterReport>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(line: Option<u64>, column: Option<&str>) -> RosterError {
        RosterError {
            file: "guardians.csv".into(),
            line,
            column: column.map(str::to_owned),
            reason: "must look like name@example.org".into(),
        }
    }

    #[test]
    fn an_error_reads_as_file_line_column_and_reason() {
        assert_eq!(
            error(Some(4), Some("E-mail")).to_string(),
            "guardians.csv line 4, E-mail: must look like name@example.org"
        );
        assert_eq!(
            error(None, None).to_string(),
            "guardians.csv: must look like name@example.org"
        );
    }

    #[test]
    fn a_report_keeps_the_first_thousand_errors_and_counts_the_rest() {
        let errors = vec![error(Some(2), None); RosterReport::MAX_ERRORS + 5];
        let report = RosterReport::new(errors);
        assert_eq!(report.errors.len(), RosterReport::MAX_ERRORS);
        assert_eq!(report.omitted, 5);
        assert_eq!(RosterReport::new(vec![error(None, None)]).omitted, 0);
    }

    #[test]
    fn a_preview_has_changes_when_any_kind_has() {
        let mut preview = RosterPreview::default();
        assert!(!preview.has_changes());
        preview.students.unchanged = 3;
        assert!(!preview.has_changes(), "unchanged records are no change");
        preview.classes.removed.push(RecordChange {
            key: "10A/Ma1".into(),
            label: "Mathematics, Mrs Jones".into(),
            changes: vec![],
        });
        assert!(preview.has_changes());
    }

    #[test]
    fn the_preview_round_trips_through_json() {
        let preview = RosterPreview {
            token: "ab".into(),
            students: KindDiff {
                updated: vec![RecordChange {
                    key: "S101".into(),
                    label: "Ada Lovelace".into(),
                    changes: vec![FieldChange {
                        field: "year".into(),
                        from: Some("7".into()),
                        to: Some("8".into()),
                        members: false,
                    }],
                }],
                unchanged: 11,
                ..KindDiff::default()
            },
            ..RosterPreview::default()
        };
        let json = serde_json::to_string(&preview).unwrap();
        assert_eq!(
            serde_json::from_str::<RosterPreview>(&json).unwrap(),
            preview
        );
    }
}
