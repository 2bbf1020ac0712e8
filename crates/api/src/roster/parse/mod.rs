//! Reading an import's files: their syntax, each file's own rules, and the
//! references between files that are both part of the import.

mod classes;
mod guardians;
mod people;
mod staff;
mod students;

use confero_core::dto::RosterError;
use confero_core::Line;

pub(crate) use classes::ClassRow;
pub(crate) use people::PersonRow;
#[cfg(test)]
pub(crate) use people::{GuardianPart, StaffPart};
pub(crate) use students::StudentRow;

use super::columns::Column;
use super::headers::Headers;
use super::report::{FileKind, Problems};
use super::table::{self, Table};
use super::RosterFiles;

/// An import whose files are well formed, each consistent in itself and with
/// the others. `None` marks a file that is not part of the import.
#[derive(Debug)]
pub struct ParsedRoster {
    pub(crate) students: Option<Vec<StudentRow>>,
    /// The people of `staff.csv` and `guardians.csv`, one per email.
    pub(crate) people: Vec<PersonRow>,
    /// The header of `staff.csv`, when it is part of the import.
    pub(crate) staff: Option<Headers>,
    /// The header of `guardians.csv` and its links, when it is part of the import.
    pub(crate) guardians: Option<(Headers, Vec<Guardianship>)>,
    /// The header of `classes.csv` and its classes, when it is part of the import.
    pub(crate) classes: Option<(Headers, Vec<ClassRow>)>,
}

/// A guardian's link to a child, from `guardians.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Guardianship {
    /// Index into [`ParsedRoster::people`].
    pub(crate) person: usize,
    pub(crate) student: Line,
    pub(crate) relationship: String,
    pub(crate) line: u64,
}

/// Reads every file given, collecting every problem in all of them.
pub(crate) fn parse(files: &RosterFiles) -> Result<ParsedRoster, Vec<RosterError>> {
    let mut problems = Problems::default();
    // Each file is `None` when it is not part of the import, and `Some(None)`
    // when it is but its header could not be read (so references to it
    // cannot be checked).
    let students_table = read_table(FileKind::Students, &files.students, &mut problems);
    let staff_table = read_table(FileKind::Staff, &files.staff, &mut problems);
    let guardians_table = read_table(FileKind::Guardians, &files.guardians, &mut problems);
    let classes_table = read_table(FileKind::Classes, &files.classes, &mut problems);

    let students = students_table
        .as_ref()
        .map(|t| t.as_ref().map(|t| students::read(t, &mut problems)));
    let staff = staff_table
        .as_ref()
        .map(|t| t.as_ref().map(|t| staff::read(t, &mut problems)));
    let known_students = readable(&students).map(|s| &s.ids);
    let guardians = guardians_table.as_ref().map(|t| {
        t.as_ref()
            .map(|t| guardians::read(t, known_students, &mut problems))
    });
    let known = classes::Known {
        students: known_students,
        teachers: readable(&staff).map(|s| &s.teaches),
    };
    let classes = classes_table.as_ref().map(|t| {
        t.as_ref()
            .map(|t| (t.headers.clone(), classes::read(t, known, &mut problems)))
    });

    let staff_rows = readable(&staff).map_or(&[][..], |s| &s.rows[..]);
    let no_guardians = guardians::GuardiansFile::default();
    let guardians_file = readable(&guardians).unwrap_or(&no_guardians);
    let guardian_headers = readable(&guardians_table).map(|t| &t.headers);
    let (people, index_of_guardian) =
        people::merge(staff_rows, guardians_file, guardian_headers, &mut problems);
    let links = guardians_file
        .links
        .iter()
        .filter_map(|link| {
            Some(Guardianship {
                person: *index_of_guardian.get(link.guardian)?,
                student: link.student.clone(),
                relationship: link.relationship.clone(),
                line: link.line,
            })
        })
        .collect();

    let parsed = ParsedRoster {
        students: students.flatten().map(|s| s.rows),
        people,
        staff: readable(&staff_table).map(|t| t.headers.clone()),
        guardians: guardian_headers.map(|headers| (headers.clone(), links)),
        classes: classes.flatten(),
    };
    // A file that is part of the import but could not be read always has a
    // problem recorded, so without problems no file was `Some(None)`.
    problems.or_ok(parsed)
}

impl ParsedRoster {
    /// Records a problem with a person, on the line of theirs that `column`
    /// belongs to: their staff line or first guardian line.
    pub(crate) fn report(
        &self,
        person: &PersonRow,
        column: Column,
        reason: String,
        problems: &mut Problems,
    ) {
        let staff = person.staff.as_ref().map(|s| (FileKind::Staff, s.line));
        let guardian = person
            .guardian
            .as_ref()
            .map(|g| (FileKind::Guardians, g.line));
        let place = match column {
            Column::GuardianId | Column::Phone => guardian.or(staff),
            _ => staff.or(guardian),
        };
        let Some((file, line)) = place else {
            problems.add(FileKind::Staff, None, None, reason);
            return;
        };
        let headers = match file {
            FileKind::Staff => self.staff.as_ref(),
            _ => self.guardians.as_ref().map(|(headers, _)| headers),
        };
        let column = headers.map_or(column.usual_name(), |h| h.name(column));
        problems.at(file, line, column, reason);
    }
}

fn read_table(
    file: FileKind,
    bytes: &Option<Vec<u8>>,
    problems: &mut Problems,
) -> Option<Option<Table>> {
    bytes
        .as_deref()
        .map(|bytes| table::read(file, bytes, problems))
}

/// A file that is part of the import and could be read.
fn readable<T>(file: &Option<Option<T>>) -> Option<&T> {
    file.as_ref().and_then(Option::as_ref)
}

/// The emails of everyone in the import, sorted.
pub(crate) fn emails_in(parsed: &ParsedRoster) -> Vec<String> {
    let mut emails: Vec<String> = parsed
        .people
        .iter()
        .map(|person| person.email.as_str().to_owned())
        .collect();
    emails.sort_unstable();
    emails.dedup();
    emails
}
