//! Syncing a school over several imports: students and classes, what a
//! file that is not part of an import leaves alone, and the token. The
//! helpers here serve `sync_people.rs` too.

use super::*;

pub(super) const STUDENTS: &str = include_str!("../../../../../docs/roster/students.csv");
pub(super) const GUARDIANS: &str = include_str!("../../../../../docs/roster/guardians.csv");
pub(super) const STAFF: &str = include_str!("../../../../../docs/roster/staff.csv");
pub(super) const CLASSES: &str = include_str!("../../../../../docs/roster/classes.csv");

/// The sample school, imported and applied.
pub(super) fn school() -> CurrentRoster {
    let current = CurrentRoster::default();
    apply(&current, &planned(&sample_files(), &current))
}

pub(super) fn without(text: &str, needle: &str) -> String {
    text.lines()
        .filter(|line| !line.contains(needle))
        .map(|line| format!("{line}\n"))
        .collect()
}

pub(super) fn person<'a>(school: &'a CurrentRoster, email: &str) -> &'a CurrentPerson {
    school
        .people
        .iter()
        .find(|p| p.email == email)
        .expect("a person")
}

fn student_id(school: &CurrentRoster, sis_id: &str) -> i64 {
    school
        .students
        .iter()
        .find(|s| s.sis_id == sis_id)
        .expect("a student")
        .id
}

fn class<'a>(school: &'a CurrentRoster, name: &str) -> &'a CurrentClass {
    school
        .classes
        .iter()
        .find(|c| c.name == name)
        .expect("a class")
}

/// Imports, checks the plan with `check`, applies it, and checks that
/// importing the same files again changes nothing.
pub(super) fn sync(
    school: &CurrentRoster,
    files: &RosterFiles,
    check: impl FnOnce(&Plan),
) -> CurrentRoster {
    let plan = planned(files, school);
    check(&plan);
    let after = apply(school, &plan);
    let again = planned(files, &after);
    assert!(
        again.is_empty(),
        "a second import changes nothing: {again:#?}"
    );
    after
}

#[test]
fn a_student_whose_details_change_is_updated_with_the_changed_fields_listed() {
    let school = school();
    let students = STUDENTS.replace("S1001,Noah,Patel,7", "S1001,Noah,Patel-Shah,8");
    let files = files(Some(&students), None, None, None);
    sync(&school, &files, |plan| {
        assert_eq!(plan.student_updates.len(), 1);
        assert_eq!(plan.student_updates[0].year_group, "8");
        let preview = preview(plan);
        let noah = &preview.students.updated[0];
        assert_eq!(
            (noah.key.as_str(), noah.label.as_str()),
            ("S1001", "Noah Patel-Shah")
        );
        let fields: Vec<_> = noah.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["family name", "year"]);
        assert_eq!(preview.students.unchanged, 11);
    });
}

#[test]
fn a_student_left_out_of_students_csv_is_removed_and_drops_out_of_their_classes() {
    let school = school();
    let ethan = student_id(&school, "S1012");
    let files = files(Some(&without(STUDENTS, "S1012")), None, None, None);
    let after = sync(&school, &files, |plan| {
        assert_eq!(plan.student_removals, [ethan]);
        assert!(
            plan.guardianships_removed.is_empty(),
            "the database cascades"
        );
        let preview = preview(plan);
        assert_eq!(preview.students.removed[0].key, "S1012");
        let science = &preview.classes.updated[0];
        assert_eq!(science.key, "9A/Sc");
        assert_eq!(
            science.changes[0].from.as_deref(),
            Some("S1012 Ethan Walker")
        );
        let carer = &preview.guardians.updated[0];
        assert_eq!(carer.key, "G2013");
        assert_eq!(
            carer.changes[0].from.as_deref(),
            Some("S1012 Ethan Walker (carer)")
        );
    });
    assert!(after.guardianships.iter().all(|g| g.student_id != ethan));
}

#[test]
fn a_student_still_named_in_guardians_csv_is_not_silently_removed() {
    let files = files(
        Some(&without(STUDENTS, "S1012")),
        Some(GUARDIANS),
        None,
        None,
    );
    let errors = import(&files, &school()).unwrap_err();
    assert_eq!(
        errors,
        ["guardians.csv line 16, Student ID: no student S1012 in students.csv"]
    );
}

#[test]
fn a_relationship_change_changes_the_guardianship() {
    let school = school();
    let guardians = GUARDIANS.replace("S1012,Carer", "S1012,Foster carer");
    sync(
        &school,
        &files(None, Some(&guardians), None, None),
        |plan| {
            assert_eq!(plan.guardianships_changed.len(), 1);
            assert_eq!(plan.guardianships_changed[0].relationship, "foster carer");
            let change = &preview(plan).guardians.updated[0].changes[0];
            assert_eq!(change.field, "children");
            assert_eq!(change.from.as_deref(), Some("S1012 Ethan Walker (carer)"));
            assert_eq!(
                change.to.as_deref(),
                Some("S1012 Ethan Walker (foster carer)")
            );
        },
    );
}

#[test]
fn a_teacher_left_out_of_staff_csv_must_hand_over_their_classes() {
    let staff = without(STAFF, "T02");
    let errors = import(&files(None, None, Some(&staff), None), &school()).unwrap_err();
    assert_eq!(
        errors,
        [
            "staff.csv: class 7A/Ma is taught by T02 Tomasz Nowak, who would no longer be a teacher; keep their teacher role, or include classes.csv to give the class another teacher",
            "staff.csv: class 8A/Ma is taught by T02 Tomasz Nowak, who would no longer be a teacher; keep their teacher role, or include classes.csv to give the class another teacher",
        ]
    );
    let errors = import(&files(None, None, Some(&staff), Some(CLASSES)), &school()).unwrap_err();
    assert_eq!(
        errors[0],
        "classes.csv line 10, Teacher ID: no staff member T02 in staff.csv"
    );
}

#[test]
fn a_teacher_who_leaves_is_removed_once_their_classes_move() {
    let school = school();
    let tomasz = person(&school, "t.nowak@riverside.example").id;
    let mary = person(&school, "m.jones@riverside.example").id;
    let classes = CLASSES.replace("Mathematics,T02", "Mathematics,T01");
    sync(
        &school,
        &files(None, None, Some(&without(STAFF, "T02")), Some(&classes)),
        |plan| {
            assert_eq!(plan.person_removals, [tomasz]);
            assert_eq!(plan.class_updates.len(), 2);
            assert!(plan
                .class_updates
                .iter()
                .all(|u| u.teacher == PersonRef::Existing(mary)));
            let preview = preview(plan);
            assert_eq!(preview.staff.removed[0].key, "T02");
            let teacher = &preview.classes.updated[0].changes[0];
            assert_eq!(teacher.field, "teacher");
            assert_eq!(teacher.from.as_deref(), Some("T02 Tomasz Nowak"));
            assert_eq!(teacher.to.as_deref(), Some("T01 Mary Jones"));
        },
    );
}

#[test]
fn enrolments_and_classes_follow_classes_csv() {
    let school = school();
    let science = class(&school, "9A/Sc").id;
    let classes = without(CLASSES, "9A/Sc")
        .replace("7A/Ma,Mathematics,T02,S1004", "8A/Ma,Mathematics,T02,S1004");
    sync(&school, &files(None, None, None, Some(&classes)), |plan| {
        assert_eq!(plan.class_removals, [science]);
        assert_eq!(
            plan.enrolments_removed.len(),
            5,
            "four in science, one in 7A/Ma"
        );
        assert_eq!(plan.enrolments_added.len(), 1);
        let preview = preview(plan);
        assert_eq!(preview.classes.removed[0].key, "9A/Sc");
        let moved: Vec<_> = preview
            .classes
            .updated
            .iter()
            .map(|c| (c.key.as_str(), c.changes[0].clone()))
            .collect();
        assert_eq!(moved[0].0, "7A/Ma");
        assert_eq!(moved[0].1.from.as_deref(), Some("S1004 Harper Lewis"));
        assert_eq!(moved[1].0, "8A/Ma");
        assert_eq!(moved[1].1.to.as_deref(), Some("S1004 Harper Lewis"));
    });
}

#[test]
fn a_file_that_is_not_part_of_the_import_is_checked_against_the_school() {
    let school = school();
    assert!(planned(&files(None, None, None, Some(CLASSES)), &school).is_empty());
    let classes = format!("{CLASSES}10A/Ma,Mathematics,T99,S1001\n9A/Sc,Science,T03,S9999\n10A/Hi,History,A01,S1001\n");
    let errors = import(&files(None, None, None, Some(&classes)), &school).unwrap_err();
    assert_eq!(
        errors,
        [
            "classes.csv line 22, Teacher ID: no current staff member T99 (staff.csv is not part of this import)",
            "classes.csv line 23, Student ID: no current student S9999 (students.csv is not part of this import)",
            "classes.csv line 24, Teacher ID: staff member A01 is not a teacher",
        ]
    );
}

#[test]
fn the_token_changes_when_the_school_changes_between_preview_and_apply() {
    let school = school();
    let students = STUDENTS.replace("S1001,Noah,Patel,7", "S1001,Noah,Patel,8");
    let files = files(Some(&students), None, None, None);
    let previewed = preview(&planned(&files, &school)).token;
    assert_eq!(preview(&planned(&files, &school)).token, previewed);
    let mut changed = school.clone();
    changed.students[0].given_name = "Noa".into();
    assert_ne!(preview(&planned(&files, &changed)).token, previewed);
}
