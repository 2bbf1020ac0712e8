//! The people of an import: the staff and guardians, with a teacher who is
//! also a parent at the school as one person. An email is an account, so
//! a line of `staff.csv` and a guardian in `guardians.csv` with the same
//! email are the same person, whose names must then agree.

use std::collections::HashMap;

use confero_core::{Email, Line, Role};

use super::guardians::{GuardianRow, GuardiansFile};
use super::staff::StaffRow;
use crate::roster::columns::Column;
use crate::roster::headers::Headers;
use crate::roster::report::{shown, FileKind, Problems};

/// One person of the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PersonRow {
    pub(crate) email: Email,
    pub(crate) title: Option<Line>,
    pub(crate) given_name: Line,
    pub(crate) family_name: Line,
    /// Their line in `staff.csv`, if any.
    pub(crate) staff: Option<StaffPart>,
    /// Their lines in `guardians.csv`, if any.
    pub(crate) guardian: Option<GuardianPart>,
}

/// What `staff.csv` says of a person beyond their name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StaffPart {
    pub(crate) staff_ref: Line,
    pub(crate) roles: Vec<Role>,
    pub(crate) line: u64,
}

/// What `guardians.csv` says of a person beyond their name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GuardianPart {
    pub(crate) guardian_ref: Line,
    pub(crate) phone: Option<Line>,
    /// Their first line.
    pub(crate) line: u64,
}

/// The people of both files: staff first, in file order, then guardians
/// who are not staff. Returns the index of each of `guardians` among them.
pub(crate) fn merge(
    staff: &[StaffRow],
    guardians: &GuardiansFile,
    guardian_headers: Option<&Headers>,
    problems: &mut Problems,
) -> (Vec<PersonRow>, Vec<usize>) {
    let mut people: Vec<PersonRow> = staff.iter().map(person_from_staff).collect();
    let by_email: HashMap<String, usize> = people
        .iter()
        .enumerate()
        .map(|(index, person)| (person.email.as_str().to_owned(), index))
        .collect();
    let mut index_of_guardian = Vec::with_capacity(guardians.guardians.len());
    for guardian in &guardians.guardians {
        let part = GuardianPart {
            guardian_ref: guardian.guardian_ref.clone(),
            phone: guardian.phone.clone(),
            line: guardian.line,
        };
        match by_email.get(guardian.email.as_str()) {
            Some(&index) => {
                let person = &mut people[index];
                if let (Some(staff), Some(headers)) = (&person.staff, guardian_headers) {
                    report_disagreement(staff, person, guardian, headers, problems);
                }
                person.guardian = Some(part);
                index_of_guardian.push(index);
            }
            None => {
                index_of_guardian.push(people.len());
                people.push(PersonRow {
                    email: guardian.email.clone(),
                    title: guardian.title.clone(),
                    given_name: guardian.given_name.clone(),
                    family_name: guardian.family_name.clone(),
                    staff: None,
                    guardian: Some(part),
                });
            }
        }
    }
    (people, index_of_guardian)
}

fn person_from_staff(row: &StaffRow) -> PersonRow {
    PersonRow {
        email: row.email.clone(),
        title: row.title.clone(),
        given_name: row.given_name.clone(),
        family_name: row.family_name.clone(),
        staff: Some(StaffPart {
            staff_ref: row.staff_ref.clone(),
            roles: row.roles.clone(),
            line: row.line,
        }),
        guardian: None,
    }
}

/// Reports each name field on which a guardian differs from the member of
/// staff with the same email.
fn report_disagreement(
    staff: &StaffPart,
    person: &PersonRow,
    guardian: &GuardianRow,
    headers: &Headers,
    problems: &mut Problems,
) {
    let pairs = [
        (
            Column::Title,
            person.title.as_ref(),
            guardian.title.as_ref(),
        ),
        (
            Column::GivenName,
            Some(&person.given_name),
            Some(&guardian.given_name),
        ),
        (
            Column::FamilyName,
            Some(&person.family_name),
            Some(&guardian.family_name),
        ),
    ];
    for (column, in_staff, here) in pairs {
        if in_staff != here {
            problems.at(
                FileKind::Guardians,
                guardian.line,
                headers.name(column),
                format!(
                    "guardian {} is {} here but {} in staff.csv line {}, where the same email is staff member {}; one person has one name",
                    guardian.guardian_ref,
                    shown(here.map(Line::as_str)),
                    shown(in_staff.map(Line::as_str)),
                    staff.line,
                    staff.staff_ref
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::parse::guardians;
    use crate::roster::parse::staff;
    use crate::roster::table;

    fn merged(staff_csv: &str, guardians_csv: &str) -> (Vec<PersonRow>, Vec<usize>, Vec<String>) {
        let mut problems = Problems::default();
        let staff_table =
            table::read(FileKind::Staff, staff_csv.as_bytes(), &mut problems).expect("a header");
        let staff = staff::read(&staff_table, &mut problems);
        let guardians_table =
            table::read(FileKind::Guardians, guardians_csv.as_bytes(), &mut problems)
                .expect("a header");
        let guardians = guardians::read(&guardians_table, None, &mut problems);
        let (people, index) = merge(
            &staff.rows,
            &guardians,
            Some(&guardians_table.headers),
            &mut problems,
        );
        let errors = problems.or_ok(()).err().unwrap_or_default();
        (
            people,
            index,
            errors.iter().map(ToString::to_string).collect(),
        )
    }

    const STAFF: &str = "Staff ID,Title,Forename,Surname,Email,Role\nA1,Mr,Raj,Iyer,ri@school.example,admin\nT1,Mrs,Mary,Jones,MJ@school.example,\"teacher;admin\"\n";

    #[test]
    fn a_teacher_who_is_a_parent_is_one_person_with_both_parts() {
        let (people, index, errors) = merged(
            STAFF,
            "Guardian ID,Title,Forename,Surname,Email,Phone,UPN\nG7,,Li,Wu,li@home.example,,S3\nG9,Mrs,Mary,Jones,mj@school.example,0700,S1\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(people.len(), 3);
        assert_eq!(index, [2, 1]);
        let mary = &people[1];
        assert_eq!(
            mary.staff.as_ref().map(|s| s.staff_ref.as_str()),
            Some("T1")
        );
        assert_eq!(
            mary.guardian.as_ref().map(|g| g.guardian_ref.as_str()),
            Some("G9")
        );
        assert_eq!(
            mary.guardian
                .as_ref()
                .and_then(|g| g.phone.as_ref())
                .map(Line::as_str),
            Some("0700")
        );
    }

    #[test]
    fn the_same_person_in_both_files_must_have_one_name() {
        let (_, _, errors) = merged(
            STAFF,
            "Guardian ID,Title,Forename,Surname,Email,UPN\nG9,Ms,Mary,Jones,mj@school.example,S1\n",
        );
        assert_eq!(
            errors,
            ["guardians.csv line 2, Title: guardian G9 is \"Ms\" here but \"Mrs\" in staff.csv line 3, where the same email is staff member T1; one person has one name"]
        );
    }
}
