//! Roster sync from the school information system: reading, checking and
//! planning an import, as pure functions (no database, no HTTP).
//!
//! A school exports up to four CSV files: `students.csv`, `guardians.csv`,
//! `staff.csv` and `classes.csv` (their columns are in
//! `docs/roster-import.md`). A file that is part of an import is the complete
//! list of its kind; a file that is not leaves its kind as it is. An import
//! goes:
//!
//! 1. [`parse`] reads the files and checks each line, each file, and the
//!    references between files of the import. Every problem in every file is
//!    reported at once, each with its file, line and column.
//! 2. [`emails_in`] lists the import's emails; the storage layer looks up
//!    which belong to accounts at other schools, into
//!    [`CurrentRoster::emails_elsewhere`], alongside the school's current roster.
//! 3. [`plan`] checks the import against the current roster and plans the
//!    typed operations that bring the school to exactly what the files say.
//! 4. [`preview`] shows the plan to an admin, with a token. Applying plans
//!    again from the same files and refuses unless the token is the same.

mod columns;
mod current;
mod fields;
mod headers;
mod invitations;
mod parse;
mod plan;
mod preview;
mod report;
mod table;

#[cfg(test)]
mod tests;

pub use confero_core::dto::{RosterError, RosterPreview};
pub use current::{
    CurrentClass, CurrentGuardianship, CurrentPerson, CurrentRoster, CurrentStudent,
};
pub use invitations::{Audience, Membership};
pub use parse::ParsedRoster;
pub use plan::{
    ClassRef, ClassUpdate, EnrolmentKey, GuardianshipChange, GuardianshipKey, NewClass,
    NewEnrolment, NewGuardianship, NewPerson, NewStudent, PersonRef, PersonUpdate, Plan,
    RoleChange, StudentRef, StudentUpdate,
};

/// The largest file an import accepts; the HTTP layer refuses larger ones
/// before they are read. A school of 5,000 students has files of about 1 MiB.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The most characters any field may have.
pub const MAX_FIELD_CHARS: usize = 200;

/// The uploaded files of one import; `None` = not part of this import.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterFiles {
    pub students: Option<Vec<u8>>,
    pub guardians: Option<Vec<u8>>,
    pub staff: Option<Vec<u8>>,
    pub classes: Option<Vec<u8>>,
}

/// Reads and checks the files of an import: the CSV itself (header, fields
/// per line, UTF-8), every field, each file's rules (ids listed once, lines
/// of one guardian or class agreeing, an admin among the staff), and the
/// references between files of the import. Returns every problem found.
pub fn parse(files: &RosterFiles) -> Result<ParsedRoster, Vec<RosterError>> {
    parse::parse(files)
}

/// Every email of the import, normalised and sorted, for the storage layer
/// to fill [`CurrentRoster::emails_elsewhere`].
pub fn emails_in(parsed: &ParsedRoster) -> Vec<String> {
    parse::emails_in(parsed)
}

/// Checks the import against the school's current roster (references to
/// kinds whose file is not part of the import, emails taken elsewhere,
/// people whose ids and emails point at different accounts, teachers left
/// without the teacher role) and plans the changes. Returns every problem
/// found.
pub fn plan(parsed: &ParsedRoster, current: &CurrentRoster) -> Result<Plan, Vec<RosterError>> {
    plan::plan(parsed, current)
}

/// What `plan` changes, for an admin to confirm, with `token` = hex SHA-256
/// of the plan (its operations and this preview of them), so applying can
/// check it applies exactly what was previewed.
pub fn preview(plan: &Plan) -> RosterPreview {
    preview::preview(plan)
}
