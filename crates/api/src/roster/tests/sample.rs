//! The sample school of `docs/roster/`, which the import guide describes.

use confero_core::Role;

use super::*;

#[test]
fn the_sample_school_parses_and_plans_cleanly_into_an_empty_school() {
    let parsed = parse(&sample_files()).unwrap_or_else(|e| panic!("{e:#?}"));
    let plan = plan(&parsed, &CurrentRoster::default()).unwrap_or_else(|e| panic!("{e:#?}"));

    assert_eq!(plan.new_students.len(), 12);
    // Four staff and thirteen guardians, one of whom is the science teacher.
    assert_eq!(plan.new_people.len(), 16);
    assert_eq!(plan.new_classes.len(), 5);
    assert_eq!(plan.guardianships_added.len(), 15);
    assert_eq!(plan.enrolments_added.len(), 20);
    let nothing_else = plan.person_updates.len()
        + plan.role_changes.len()
        + plan.person_removals.len()
        + plan.student_updates.len()
        + plan.student_removals.len()
        + plan.class_updates.len()
        + plan.class_removals.len()
        + plan.guardianships_changed.len()
        + plan.guardianships_removed.len()
        + plan.enrolments_removed.len();
    assert_eq!(nothing_else, 0);

    let grace = plan
        .new_people
        .iter()
        .find(|p| p.email.as_str() == "g.okafor@riverside.example")
        .expect("the teacher who is a parent");
    assert_eq!(grace.roles, [Role::Teacher, Role::Guardian]);
    assert_eq!(grace.staff_ref.as_deref(), Some("T03"));
    assert_eq!(grace.guardian_ref.as_deref(), Some("G2011"));
    assert_eq!(grace.phone.as_deref(), Some("07700 900111"));
    let admins = plan
        .new_people
        .iter()
        .filter(|p| p.roles.contains(&Role::Admin))
        .count();
    assert_eq!(admins, 1);

    let preview = preview(&plan);
    assert_eq!(preview.students.added.len(), 12);
    assert_eq!(preview.staff.added.len(), 4);
    assert_eq!(preview.guardians.added.len(), 13);
    assert_eq!(preview.classes.added.len(), 5);
    let emails = emails_in(&parsed);
    assert_eq!(emails.len(), 16, "one per person");
    assert!(emails.windows(2).all(|pair| pair[0] < pair[1]), "sorted");
    assert!(emails.contains(&"g.okafor@riverside.example".to_owned()));
}

#[test]
fn the_sample_keeps_its_accents_and_siblings() {
    let plan = planned(&sample_files(), &CurrentRoster::default());
    let zoe = plan
        .new_students
        .iter()
        .find(|s| s.sis_id == "S1003")
        .expect("Zoë");
    assert_eq!(
        (zoe.given_name.as_str(), zoe.family_name.as_str()),
        ("Zoë", "Ødegård")
    );
    let preview = preview(&plan);
    let asha = preview
        .guardians
        .added
        .iter()
        .find(|g| g.key == "G2001")
        .expect("Asha Patel");
    let children = asha
        .changes
        .iter()
        .find(|c| c.field == "children")
        .expect("her children");
    assert_eq!(
        children.to.as_deref(),
        Some("S1001 Noah Patel (mother); S1009 Maya Patel (mother)")
    );
}

#[test]
fn importing_the_sample_twice_changes_nothing_the_second_time() {
    let first = planned(&sample_files(), &CurrentRoster::default());
    let school = apply(&CurrentRoster::default(), &first);
    let second = planned(&sample_files(), &school);
    assert!(second.is_empty(), "{second:#?}");
    let preview = preview(&second);
    assert!(!preview.has_changes(), "{preview:#?}");
    assert_eq!(preview.students.unchanged, 12);
    assert_eq!(preview.guardians.unchanged, 13);
    assert_eq!(preview.staff.unchanged, 4);
    assert_eq!(preview.classes.unchanged, 5);
    assert_eq!(preview.token, crate::roster::preview(&second).token);
    assert_ne!(preview.token, crate::roster::preview(&first).token);
}
