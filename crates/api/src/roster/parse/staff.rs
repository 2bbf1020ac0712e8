//! `staff.csv`: one line per member of staff, with their roles.

use std::collections::HashMap;

use confero_core::{Email, Line, Role};

use crate::roster::columns::Column;
use crate::roster::fields::Fields;
use crate::roster::report::{FileKind, Problems};
use crate::roster::table::Table;

/// A member of staff as the school's export has them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StaffRow {
    pub(crate) staff_ref: Line,
    pub(crate) title: Option<Line>,
    pub(crate) given_name: Line,
    pub(crate) family_name: Line,
    pub(crate) email: Email,
    /// `Admin`, `Teacher` or both, sorted.
    pub(crate) roles: Vec<Role>,
    pub(crate) line: u64,
}

/// The staff of `staff.csv`.
#[derive(Debug, Default)]
pub(crate) struct StaffFile {
    pub(crate) rows: Vec<StaffRow>,
    /// Every staff id on a line of the file, even a line with problems, and
    /// whether they teach (`None` when their roles could not be read), for
    /// checking the teachers `classes.csv` names.
    pub(crate) teaches: HashMap<String, Option<bool>>,
}

/// Reads the staff, reporting bad fields, staff ids given twice, two staff
/// with one email, and a file in which no one would be an admin.
pub(crate) fn read(table: &Table, problems: &mut Problems) -> StaffFile {
    let mut staff = StaffFile::default();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut email_owner: HashMap<String, (String, u64)> = HashMap::new();
    let mut every_role_read = true;
    for record in &table.records {
        let mut fields = Fields::new(table.file, &table.headers, record, problems);
        let staff_ref = fields.required(Column::StaffId);
        let title = fields.optional(Column::Title);
        let given_name = fields.required(Column::GivenName);
        let family_name = fields.required(Column::FamilyName);
        let email = fields.email(Column::Email);
        let roles = fields.staff_roles(Column::Role);
        every_role_read &= roles.is_ok();
        let Ok(staff_ref) = staff_ref else { continue };
        if let Some(first) = first_line.get(staff_ref.as_str()) {
            fields.problem(
                Column::StaffId,
                format!("staff member {staff_ref} is also on line {first}; list each person once"),
            );
            continue;
        }
        first_line.insert(staff_ref.as_str().to_owned(), record.line);
        let teaches = roles
            .as_ref()
            .ok()
            .map(|roles| roles.contains(&Role::Teacher));
        staff.teaches.insert(staff_ref.as_str().to_owned(), teaches);
        if let Ok(email) = &email {
            if let Some((other, line)) = email_owner.get(email.as_str()) {
                fields.problem(
                    Column::Email,
                    format!("{email} is also the email of staff member {other} on line {line}; an email belongs to one person"),
                );
                continue;
            }
            email_owner.insert(email.to_string(), (staff_ref.to_string(), record.line));
        }
        let (Ok(title), Ok(given_name), Ok(family_name), Ok(email), Ok(roles)) =
            (title, given_name, family_name, email, roles)
        else {
            continue;
        };
        staff.rows.push(StaffRow {
            staff_ref,
            title,
            given_name,
            family_name,
            email,
            roles,
            line: record.line,
        });
    }
    let has_admin = staff
        .rows
        .iter()
        .any(|row| row.roles.contains(&Role::Admin));
    if every_role_read && !has_admin {
        problems.add(
            FileKind::Staff,
            None,
            Some(table.headers.name(Column::Role)),
            "no one has the admin role: the school would have no one to run Confero",
        );
    }
    staff
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::table;

    const HEADER: &str = "Staff ID,Title,Forename,Surname,Email,Role\n";

    fn staff(rows: &str) -> (StaffFile, Vec<String>) {
        let mut problems = Problems::default();
        let csv = format!("{HEADER}{rows}");
        let table = table::read(FileKind::Staff, csv.as_bytes(), &mut problems).expect("a header");
        let staff = read(&table, &mut problems);
        let errors = problems.or_ok(()).err().unwrap_or_default();
        (staff, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn staff_are_read_with_their_roles() {
        let (staff, errors) = staff("T1,Mrs,Mary,Jones,MJones@School.Example,Teacher\nA1,,Raj,Iyer,ri@school.example,\"admin; teacher\"\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(staff.rows[0].email.as_str(), "mjones@school.example");
        assert_eq!(staff.rows[1].roles, [Role::Admin, Role::Teacher]);
        assert_eq!(staff.rows[1].title, None);
        assert_eq!(staff.teaches.get("T1"), Some(&Some(true)));
    }

    #[test]
    fn a_staff_id_given_twice_names_both_lines() {
        let (_, errors) =
            staff("A1,,Raj,Iyer,ri@school.example,admin\nA1,,Raj,Iyer,raj@school.example,admin\n");
        assert_eq!(
            errors,
            ["staff.csv line 3, Staff ID: staff member A1 is also on line 2; list each person once"]
        );
    }

    #[test]
    fn two_staff_with_one_email_are_refused() {
        let (_, errors) = staff(
            "A1,,Raj,Iyer,office@school.example,admin\nA2,,Sam,Ode,Office@school.example,admin\n",
        );
        assert_eq!(
            errors,
            ["staff.csv line 3, Email: office@school.example is also the email of staff member A1 on line 2; an email belongs to one person"]
        );
    }

    #[test]
    fn a_staff_list_without_an_admin_is_refused() {
        let (_, errors) = staff("T1,,Mary,Jones,mj@school.example,teacher\n");
        assert_eq!(
            errors,
            ["staff.csv, Role: no one has the admin role: the school would have no one to run Confero"]
        );
    }

    #[test]
    fn an_unreadable_role_does_not_also_claim_there_is_no_admin() {
        let (staff, errors) = staff("A1,,Raj,Iyer,ri@school.example,administrator\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("unknown role \"administrator\""),
            "{errors:?}"
        );
        assert_eq!(staff.teaches.get("A1"), Some(&None));
    }
}
