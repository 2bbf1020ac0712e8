//! A large school: 5,000 students, 9,000 guardians, 300 staff, 1,000 classes
//! and 25,000 enrolments. Every lookup is hashed, so this runs in well under
//! a second in release; the test asserts what is planned, not how fast.

use std::fmt::Write as _;

use super::*;

const STUDENTS: usize = 5000;
const GUARDIANS: usize = 9000;
const SHARED: usize = 2000;
const STAFF: usize = 300;
const CLASSES: usize = 1000;
const CLASS_SIZE: usize = 25;

/// The large school's files; `year_offset` moves every student up a year.
fn large_school(year_offset: usize, dropped_guardians: usize) -> RosterFiles {
    let mut students = String::from("UPN,Legal Forename,Surname,Year Group\n");
    for s in 0..STUDENTS {
        let _ = writeln!(
            students,
            "S{s:05},Given{s},Family{},{}",
            s / 2,
            7 + (s + year_offset) % 5
        );
    }
    // Guardian g is a parent of student g % 5,000; the first 2,000 are also
    // parents of the next student, a sibling.
    let mut guardians =
        String::from("Contact ID,Title,First Name,Last Name,E-mail,Mobile,Pupil ID,Relationship\n");
    for g in dropped_guardians..GUARDIANS {
        let mut children = vec![g % STUDENTS];
        if g < SHARED {
            children.push((g + 1) % STUDENTS);
        }
        for child in children {
            let relationship = if g < STUDENTS { "mother" } else { "father" };
            let _ = writeln!(
                guardians,
                "G{g:05},,Parent{g},Family{},parent{g}@home.example,07700 {g:06},S{child:05},{relationship}",
                g % STUDENTS / 2
            );
        }
    }
    let mut staff = String::from("Staff Code,Title,Forename,Surname,Work Email,Roles\n");
    for t in 0..STAFF {
        let role = if t < 10 { "admin; teacher" } else { "teacher" };
        let _ = writeln!(
            staff,
            "T{t:03},Dr,Teacher{t},Staff{t},t{t}@school.example,{role}"
        );
    }
    let mut classes = String::from("Class Code,Subject,Teacher Code,Student Number\n");
    for c in 0..CLASSES {
        for k in 0..CLASS_SIZE {
            let student = (c * CLASS_SIZE + k) % STUDENTS;
            let _ = writeln!(
                classes,
                "C{c:04},Subject{},T{:03},S{student:05}",
                c % 12,
                c % STAFF
            );
        }
    }
    files(
        Some(&students),
        Some(&guardians),
        Some(&staff),
        Some(&classes),
    )
}

#[test]
fn a_large_school_is_planned_correctly_and_a_second_import_changes_what_changed() {
    let empty = CurrentRoster::default();
    let first = planned(&large_school(0, 0), &empty);
    assert_eq!(first.new_students.len(), STUDENTS);
    assert_eq!(first.new_people.len(), GUARDIANS + STAFF);
    assert_eq!(first.new_classes.len(), CLASSES);
    assert_eq!(first.guardianships_added.len(), GUARDIANS + SHARED);
    assert_eq!(first.enrolments_added.len(), CLASSES * CLASS_SIZE);
    let preview = preview(&first);
    assert_eq!(preview.guardians.added.len(), GUARDIANS);
    assert_eq!(preview.staff.added.len(), STAFF);

    let school = apply(&empty, &first);
    assert!(planned(&large_school(0, 0), &school).is_empty());

    // A new school year, and the first hundred guardians gone.
    let next = planned(&large_school(1, 100), &school);
    assert_eq!(next.student_updates.len(), STUDENTS);
    assert_eq!(next.person_removals.len(), 100);
    assert_eq!(
        next.guardianships_removed.len(),
        200,
        "a hundred guardians of two children each"
    );
    assert!(next.new_people.is_empty() && next.enrolments_added.is_empty());
    let preview = crate::roster::preview(&next);
    assert_eq!(preview.students.updated.len(), STUDENTS);
    assert_eq!(preview.guardians.removed.len(), 100);
    assert_eq!(preview.guardians.unchanged as usize, GUARDIANS - 100);
}
