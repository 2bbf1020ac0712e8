//! Syncing a school's people over several imports: guardians and staff
//! added, updated and removed, matched by id or email, and the emails that
//! cannot change hands.

use confero_core::Role;

use super::sync::{person, school, sync, without, GUARDIANS, STAFF};
use super::*;

#[test]
fn a_guardian_left_out_of_guardians_csv_loses_the_role_and_the_account() {
    let school = school();
    let margaret = person(&school, "margaret.hughes@example.org").id;
    let files = files(None, Some(&without(GUARDIANS, "G2013")), None, None);
    let after = sync(&school, &files, |plan| {
        assert_eq!(plan.person_removals, [margaret]);
        assert_eq!(plan.role_changes[0].removed, [Role::Guardian]);
        assert_eq!(plan.guardianships_removed.len(), 1);
        assert_eq!(preview(plan).guardians.removed[0].label, "Margaret Hughes");
    });
    assert!(person(&after, "margaret.hughes@example.org")
        .roles
        .is_empty());
}

#[test]
fn a_teacher_left_out_of_guardians_csv_keeps_teaching() {
    let school = school();
    let grace = person(&school, "g.okafor@riverside.example").id;
    let files = files(None, Some(&without(GUARDIANS, "G2011")), None, None);
    sync(&school, &files, |plan| {
        assert!(plan.person_removals.is_empty());
        assert_eq!(
            plan.role_changes,
            [RoleChange {
                person_id: grace,
                added: vec![],
                removed: vec![Role::Guardian],
            }]
        );
        let preview = preview(plan);
        assert_eq!(preview.guardians.removed.len(), 1);
        assert!(!preview.staff.has_changes());
    });
}

#[test]
fn a_person_who_returns_gets_their_old_account_back() {
    let school = school();
    let margaret = person(&school, "margaret.hughes@example.org").id;
    let gone = apply(
        &school,
        &planned(
            &files(None, Some(&without(GUARDIANS, "G2013")), None, None),
            &school,
        ),
    );
    sync(&gone, &files(None, Some(GUARDIANS), None, None), |plan| {
        assert!(plan.new_people.is_empty());
        assert_eq!(plan.person_reinstatements, [margaret]);
        assert_eq!(plan.role_changes[0].added, [Role::Guardian]);
        assert_eq!(preview(plan).guardians.added[0].key, "G2013");
    });
}

#[test]
fn a_guardian_whose_email_changes_is_found_by_guardian_id() {
    let school = school();
    let asha = person(&school, "asha.patel@example.net").id;
    let guardians = GUARDIANS.replace("asha.patel@example.net", "Asha@Patel.Example");
    sync(
        &school,
        &files(None, Some(&guardians), None, None),
        |plan| {
            assert!(plan.new_people.is_empty());
            assert_eq!(plan.person_updates.len(), 1);
            assert_eq!(plan.person_updates[0].id, asha);
            assert_eq!(plan.person_updates[0].email.as_str(), "asha@patel.example");
            let change = &preview(plan).guardians.updated[0].changes[0];
            assert_eq!(change.field, "email");
            assert_eq!(change.to.as_deref(), Some("asha@patel.example"));
        },
    );
}

#[test]
fn a_guardian_whose_id_changes_is_found_by_email() {
    let school = school();
    let guardians = GUARDIANS.replace("G2010", "G9010");
    sync(
        &school,
        &files(None, Some(&guardians), None, None),
        |plan| {
            assert!(plan.new_people.is_empty() && plan.role_changes.is_empty());
            assert_eq!(
                plan.person_updates[0].guardian_ref.as_deref(),
                Some("G9010")
            );
            assert!(plan.guardianships_added.is_empty());
        },
    );
}

#[test]
fn emails_passed_along_a_chain_are_applied_in_an_order_the_database_accepts() {
    let school = school();
    // Dev takes a new address; Asha takes Dev's old one.
    let guardians = GUARDIANS
        .replace("dev.patel@example.net", "dev@patel.example")
        .replace("asha.patel@example.net", "dev.patel@example.net");
    sync(
        &school,
        &files(None, Some(&guardians), None, None),
        |plan| {
            let order: Vec<_> = plan
                .person_updates
                .iter()
                .map(|u| u.email.as_str())
                .collect();
            assert_eq!(order, ["dev@patel.example", "dev.patel@example.net"]);
        },
    );
}

#[test]
fn swapped_emails_are_refused() {
    let guardians = GUARDIANS
        .replace("dev.patel@example.net", "swap")
        .replace("asha.patel@example.net", "dev.patel@example.net")
        .replace("swap", "asha.patel@example.net");
    let errors = import(&files(None, Some(&guardians), None, None), &school()).unwrap_err();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with("guardians.csv line 2, Email: dev.patel@example.net is the current email of another person"), "{errors:#?}");
}

#[test]
fn an_email_kept_by_another_account_of_the_school_is_refused() {
    // Dev is no longer a guardian, but his account keeps his email.
    let guardians =
        without(GUARDIANS, "G2002").replace("asha.patel@example.net", "dev.patel@example.net");
    let errors = import(&files(None, Some(&guardians), None, None), &school()).unwrap_err();
    assert_eq!(
        errors,
        ["guardians.csv line 2, Email: dev.patel@example.net is the email of another account in this school (Dev Patel), which keeps it; an email can have one account only"]
    );
}

#[test]
fn an_email_of_an_account_at_another_school_is_refused() {
    let mut school = school();
    school
        .emails_elsewhere
        .insert("sarah.brown@example.org".into());
    let errors = import(&sample_files(), &school).unwrap_err();
    assert_eq!(
        errors,
        ["guardians.csv line 10, Email: sarah.brown@example.org already belongs to an account at another school; an email can have one account only"]
    );
}

#[test]
fn a_teacher_who_becomes_a_parent_is_found_by_email_and_gains_the_guardian_role() {
    let school = school();
    let mary = person(&school, "m.jones@riverside.example").id;
    let guardians =
        format!("{GUARDIANS}G3000,Mrs,Mary,Jones,M.Jones@riverside.example,,S1005,Mother\n");
    sync(
        &school,
        &files(None, Some(&guardians), None, None),
        |plan| {
            assert!(plan.new_people.is_empty());
            assert_eq!(plan.role_changes[0].person_id, mary);
            assert_eq!(plan.role_changes[0].added, [Role::Guardian]);
            assert_eq!(
                plan.guardianships_added[0].guardian,
                PersonRef::Existing(mary)
            );
            let preview = preview(plan);
            assert_eq!(preview.guardians.added[0].key, "G3000");
            assert!(!preview.staff.has_changes());
        },
    );
}

#[test]
fn two_accounts_cannot_become_one_person() {
    let school = school();
    // Mary's staff email, given to a guardian id that is Asha's account.
    let guardians = GUARDIANS.replace(
        "Mrs,Asha,Patel,asha.patel@example.net",
        "Mrs,Mary,Jones,m.jones@riverside.example",
    );
    let errors = import(&files(None, Some(&guardians), Some(STAFF), None), &school).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].starts_with("guardians.csv line 2, Guardian ID: guardian G2001 has the email of staff member T01, but they are two accounts today (Asha Patel and Mary Jones)"),
        "{errors:#?}"
    );
}

#[test]
fn a_new_admin_replaces_the_old_one() {
    let school = school();
    let raj = person(&school, "office@riverside.example").id;
    let staff = STAFF.replace(
        "A01,Mr,Raj,Iyer,office@riverside.example",
        "A02,Ms,Ana,Silva,a.silva@riverside.example",
    );
    sync(&school, &files(None, None, Some(&staff), None), |plan| {
        assert_eq!(plan.person_removals, [raj]);
        assert_eq!(plan.new_people.len(), 1);
        assert_eq!(plan.new_people[0].roles, [Role::Admin]);
    });
}

#[test]
fn a_blank_phone_clears_it() {
    let school = school();
    let guardians = GUARDIANS.replace("07700 900113", "");
    sync(
        &school,
        &files(None, Some(&guardians), None, None),
        |plan| {
            assert_eq!(plan.person_updates[0].phone, None);
            let change = &preview(plan).guardians.updated[0].changes[0];
            assert_eq!(
                (change.field.as_str(), change.to.as_deref()),
                ("phone", None)
            );
        },
    );
}

#[test]
fn people_added_in_confero_are_not_removed_for_missing_from_the_files() {
    // The first admin (made by the operator) and a parent whose join request
    // was approved have no id from the school information system.
    let mut school = school();
    let next_id = school.people.iter().map(|p| p.id).max().unwrap_or(0) + 1;
    school.people.push(CurrentPerson {
        id: next_id,
        staff_ref: None,
        guardian_ref: None,
        email: "head.office@confero-only.example".into(),
        title: None,
        given_name: "School".into(),
        family_name: "Office".into(),
        phone: None,
        roles: vec![Role::Admin, Role::Guardian],
    });
    sync(
        &school,
        &files(None, Some(GUARDIANS), Some(STAFF), None),
        |plan| {
            assert!(!plan.person_removals.contains(&next_id));
            assert!(plan.role_changes.iter().all(|c| c.person_id != next_id));
        },
    );
}
