//! `guardians.csv`: one line per guardian and child, so a guardian of two
//! children is on two lines that repeat their personal fields.

use std::collections::HashMap;

use confero_core::{Email, Line};

use crate::roster::columns::Column;
use crate::roster::fields::{Fields, Invalid};
use crate::roster::report::{shown, Problems};
use crate::roster::table::Table;

/// A guardian, from the first line that names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GuardianRow {
    pub(crate) guardian_ref: Line,
    pub(crate) title: Option<Line>,
    pub(crate) given_name: Line,
    pub(crate) family_name: Line,
    pub(crate) email: Email,
    pub(crate) phone: Option<Line>,
    pub(crate) line: u64,
}

/// A guardian's link to one child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LinkRow {
    /// Index into [`GuardiansFile::guardians`].
    pub(crate) guardian: usize,
    pub(crate) student: Line,
    /// Lower case; `guardian` when the file leaves it blank.
    pub(crate) relationship: String,
    pub(crate) line: u64,
}

/// The guardians of `guardians.csv` and their children.
#[derive(Debug, Default)]
pub(crate) struct GuardiansFile {
    pub(crate) guardians: Vec<GuardianRow>,
    pub(crate) links: Vec<LinkRow>,
}

/// The relationship of a guardian whose line does not say.
pub(crate) const DEFAULT_RELATIONSHIP: &str = "guardian";

/// Reads the guardians. Besides bad fields, reports a line without a child,
/// a child not in `known_students` (when `students.csv` is part of the
/// import), lines of one guardian that disagree, two guardians with one
/// email, and one link given twice with different relationships. A line
/// that repeats another exactly is harmless and skipped.
pub(crate) fn read(
    table: &Table,
    known_students: Option<&HashMap<String, u64>>,
    problems: &mut Problems,
) -> GuardiansFile {
    let mut reader = Reader::default();
    for record in &table.records {
        let mut fields = Fields::new(table.file, &table.headers, record, problems);
        let guardian = guardian_of(&mut fields, record.line);
        let student = if fields.is_blank(Column::StudentId) {
            Err(fields.problem(
                Column::StudentId,
                "names no student: each line links one guardian to one student",
            ))
        } else {
            fields.required(Column::StudentId)
        };
        let relationship = fields.optional(Column::Relationship).map(|relationship| {
            relationship.map_or(DEFAULT_RELATIONSHIP.to_owned(), |r| {
                r.as_str().to_lowercase()
            })
        });
        if let (Ok(student), Some(known)) = (&student, known_students) {
            if !known.contains_key(student.as_str()) {
                let reason = format!("no student {student} in students.csv");
                fields.problem(Column::StudentId, reason);
            }
        }
        let Ok(guardian) = guardian else { continue };
        let Some(guardian) = reader.guardian(guardian, &mut fields) else {
            continue;
        };
        if let (Ok(student), Ok(relationship)) = (student, relationship) {
            reader.link(guardian, student, relationship, &mut fields);
        }
    }
    reader.file
}

/// The guardian's own fields on one line.
fn guardian_of(fields: &mut Fields, line: u64) -> Result<GuardianRow, Invalid> {
    let guardian_ref = fields.required(Column::GuardianId);
    let title = fields.optional(Column::Title);
    let given_name = fields.required(Column::GivenName);
    let family_name = fields.required(Column::FamilyName);
    let email = fields.email(Column::Email);
    let phone = fields.optional(Column::Phone);
    Ok(GuardianRow {
        guardian_ref: guardian_ref?,
        title: title?,
        given_name: given_name?,
        family_name: family_name?,
        email: email?,
        phone: phone?,
        line,
    })
}

/// The guardians and links read so far, indexed.
#[derive(Default)]
struct Reader {
    file: GuardiansFile,
    by_ref: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    links: HashMap<(usize, String), usize>,
}

impl Reader {
    /// The index of the guardian on this line: a new one, or the one of an
    /// earlier line, whose fields this line must repeat.
    fn guardian(&mut self, row: GuardianRow, fields: &mut Fields) -> Option<usize> {
        if let Some(&index) = self.by_ref.get(row.guardian_ref.as_str()) {
            return agrees(&self.file.guardians[index], &row, fields).then_some(index);
        }
        if let Some(&other) = self.by_email.get(row.email.as_str()) {
            let other = &self.file.guardians[other];
            fields.problem(
                Column::Email,
                format!(
                    "{} is also the email of guardian {} on line {}; an email belongs to one person, so give each guardian their own",
                    row.email, other.guardian_ref, other.line
                ),
            );
            return None;
        }
        let index = self.file.guardians.len();
        self.by_ref.insert(row.guardian_ref.to_string(), index);
        self.by_email.insert(row.email.to_string(), index);
        self.file.guardians.push(row);
        Some(index)
    }

    /// Links a guardian to a child, once.
    fn link(&mut self, guardian: usize, student: Line, relationship: String, fields: &mut Fields) {
        let key = (guardian, student.to_string());
        if let Some(&earlier) = self.links.get(&key) {
            let earlier = &self.file.links[earlier];
            if earlier.relationship != relationship {
                fields.problem(
                    Column::Relationship,
                    format!(
                        "guardian {} and student {student} are already linked on line {} as {}; one link has one relationship",
                        self.file.guardians[guardian].guardian_ref,
                        earlier.line,
                        shown(Some(&earlier.relationship))
                    ),
                );
            }
            return;
        }
        self.links.insert(key, self.file.links.len());
        self.file.links.push(LinkRow {
            guardian,
            student,
            relationship,
            line: fields.line(),
        });
    }
}

fn text(line: &Option<Line>) -> Option<&str> {
    line.as_ref().map(Line::as_str)
}

/// Whether a later line of a guardian repeats their own fields; reports
/// each that differs.
fn agrees(first: &GuardianRow, later: &GuardianRow, fields: &mut Fields) -> bool {
    let pairs = [
        (Column::Title, text(&first.title), text(&later.title)),
        (
            Column::GivenName,
            Some(first.given_name.as_str()),
            Some(later.given_name.as_str()),
        ),
        (
            Column::FamilyName,
            Some(first.family_name.as_str()),
            Some(later.family_name.as_str()),
        ),
        (
            Column::Email,
            Some(first.email.as_str()),
            Some(later.email.as_str()),
        ),
        (Column::Phone, text(&first.phone), text(&later.phone)),
    ];
    let mut agree = true;
    for (column, was, is) in pairs {
        if was != is {
            fields.problem(
                column,
                format!(
                    "guardian {} is {} here but {} on line {}; every line of one guardian must agree",
                    first.guardian_ref,
                    shown(is),
                    shown(was),
                    first.line
                ),
            );
            agree = false;
        }
    }
    agree
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::report::FileKind;
    use crate::roster::table;

    const HEADER: &str = "Guardian ID,Title,Forename,Surname,Email,Phone,UPN,Relationship\n";

    fn guardians(rows: &str, students: Option<&[&str]>) -> (GuardiansFile, Vec<String>) {
        let known: Option<HashMap<String, u64>> =
            students.map(|ids| ids.iter().map(|s| (s.to_string(), 2)).collect());
        let mut problems = Problems::default();
        let csv = format!("{HEADER}{rows}");
        let table =
            table::read(FileKind::Guardians, csv.as_bytes(), &mut problems).expect("a header");
        let file = read(&table, known.as_ref(), &mut problems);
        let errors = problems.or_ok(()).err().unwrap_or_default();
        (file, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_guardian_of_several_children_is_one_guardian_with_a_link_each() {
        let (file, errors) = guardians(
            "G1,Mrs,Asha,Patel,asha@home.example,0700,S1,Mother\nG1,Mrs,Asha,Patel,ASHA@home.example,0700,S2,mother\nG1,Mrs,Asha,Patel,asha@home.example,0700,S2,mother\nG1,Mrs,Asha,Patel,asha@home.example,0700,S3,\n",
            Some(&["S1", "S2", "S3"]),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(file.guardians.len(), 1);
        let links: Vec<_> = file
            .links
            .iter()
            .map(|l| (l.student.as_str(), l.relationship.as_str()))
            .collect();
        assert_eq!(
            links,
            [("S1", "mother"), ("S2", "mother"), ("S3", "guardian")],
            "an exact repeat is skipped, and a blank relationship is guardian"
        );
    }

    #[test]
    fn a_line_without_a_student_is_refused() {
        let (_, errors) = guardians("G1,,Asha,Patel,asha@home.example,,,mother\n", None);
        assert_eq!(
            errors,
            ["guardians.csv line 2, UPN: names no student: each line links one guardian to one student"]
        );
    }

    #[test]
    fn a_child_must_be_in_students_csv_when_it_is_imported() {
        let (_, errors) = guardians("G1,,Asha,Patel,bad-email,,S9,mother\n", Some(&["S1"]));
        assert_eq!(
            errors,
            [
                "guardians.csv line 2, Email: must look like name@example.org",
                "guardians.csv line 2, UPN: no student S9 in students.csv",
            ]
        );
    }

    #[test]
    fn lines_of_one_guardian_that_disagree_name_both_lines() {
        let (_, errors) = guardians(
            "G1,Mrs,Asha,Patel,asha@home.example,0700,S1,mother\nG1,,Asha,Patil,asha@home.example,0700,S2,mother\n",
            None,
        );
        assert_eq!(
            errors,
            [
                "guardians.csv line 3, Title: guardian G1 is blank here but \"Mrs\" on line 2; every line of one guardian must agree",
                "guardians.csv line 3, Surname: guardian G1 is \"Patil\" here but \"Patel\" on line 2; every line of one guardian must agree",
            ]
        );
    }

    #[test]
    fn two_guardians_with_one_email_are_refused() {
        let (_, errors) = guardians(
            "G1,,Asha,Patel,family@home.example,,S1,mother\nG2,,Dev,Patel,family@home.example,,S1,father\n",
            None,
        );
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("guardians.csv line 3, Email: family@home.example is also the email of guardian G1 on line 2"),
            "{errors:?}"
        );
    }

    #[test]
    fn one_link_with_two_relationships_is_refused() {
        let (_, errors) = guardians(
            "G1,,Asha,Patel,asha@home.example,,S1,mother\nG1,,Asha,Patel,asha@home.example,,S1,carer\n",
            None,
        );
        assert_eq!(
            errors,
            ["guardians.csv line 3, Relationship: guardian G1 and student S1 are already linked on line 2 as \"mother\"; one link has one relationship"]
        );
    }
}
