//! Tests of whole imports: the sample school, the bad-file corpus, syncing
//! a school over several imports, a large school, and arbitrary bytes.
//!
//! [`apply`] executes a plan on an in-memory roster the way the storage
//! layer does on the database, so a test can import, apply, and import
//! again.

mod arbitrary;
mod corpus;
mod sample;
mod scale;
mod sync;
mod sync_people;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::*;

/// The sample school of `docs/roster/`.
pub(super) fn sample_files() -> RosterFiles {
    RosterFiles {
        students: Some(include_bytes!("../../../../../docs/roster/students.csv").to_vec()),
        guardians: Some(include_bytes!("../../../../../docs/roster/guardians.csv").to_vec()),
        staff: Some(include_bytes!("../../../../../docs/roster/staff.csv").to_vec()),
        classes: Some(include_bytes!("../../../../../docs/roster/classes.csv").to_vec()),
    }
}

/// Parses and plans, with every error as its one-line text.
pub(super) fn import(files: &RosterFiles, current: &CurrentRoster) -> Result<Plan, Vec<String>> {
    let text =
        |errors: Vec<RosterError>| errors.iter().map(ToString::to_string).collect::<Vec<_>>();
    let parsed = parse(files).map_err(text)?;
    plan(&parsed, current).map_err(text)
}

/// Imports and expects no problem.
pub(super) fn planned(files: &RosterFiles, current: &CurrentRoster) -> Plan {
    import(files, current).unwrap_or_else(|errors| panic!("unexpected problems: {errors:#?}"))
}

/// Executes `plan` on `current` in the documented order, as the storage
/// layer does, and checks on the way what the database would: every email
/// belongs to one person at every moment, and every reference resolves.
pub(super) fn apply(current: &CurrentRoster, plan: &Plan) -> CurrentRoster {
    let mut roster = current.clone();
    let mut next_id = [
        roster.people.iter().map(|p| p.id).max(),
        roster.students.iter().map(|s| s.id).max(),
        roster.classes.iter().map(|c| c.id).max(),
    ]
    .into_iter()
    .flatten()
    .max()
    .unwrap_or(0);
    let mut fresh = || {
        next_id += 1;
        next_id
    };

    // The unique email column.
    let mut email_owner: HashMap<String, i64> = roster
        .people
        .iter()
        .map(|p| (p.email.clone(), p.id))
        .collect();
    let person_at: HashMap<i64, usize> = roster
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id, i))
        .collect();
    for update in &plan.person_updates {
        let person = &mut roster.people[person_at[&update.id]];
        email_owner.remove(&person.email);
        let taken = email_owner.insert(update.email.to_string(), update.id);
        assert_eq!(
            taken, None,
            "{} taken while another person holds it",
            update.email
        );
        person.staff_ref = update.staff_ref.clone();
        person.guardian_ref = update.guardian_ref.clone();
        person.email = update.email.to_string();
        person.title = update.title.clone();
        person.given_name = update.given_name.clone();
        person.family_name = update.family_name.clone();
        person.phone = update.phone.clone();
    }
    let mut new_people = Vec::new();
    for new in &plan.new_people {
        let id = fresh();
        let taken = email_owner.insert(new.email.to_string(), id);
        assert_eq!(
            taken, None,
            "{} given to a new person while another holds it",
            new.email
        );
        new_people.push(id);
        roster.people.push(CurrentPerson {
            id,
            staff_ref: new.staff_ref.clone(),
            guardian_ref: new.guardian_ref.clone(),
            email: new.email.to_string(),
            title: new.title.clone(),
            given_name: new.given_name.clone(),
            family_name: new.family_name.clone(),
            phone: new.phone.clone(),
            roles: new.roles.clone(),
        });
    }
    for change in &plan.role_changes {
        let person = &mut roster.people[person_at[&change.person_id]];
        for role in &change.removed {
            assert!(
                person.roles.contains(role),
                "removes a role the person holds"
            );
        }
        person.roles.retain(|role| !change.removed.contains(role));
        person.roles.extend(&change.added);
        person.roles.sort();
    }
    for id in plan
        .person_removals
        .iter()
        .chain(&plan.person_reinstatements)
    {
        assert!(person_at.contains_key(id), "an existing person");
    }
    let person = |reference: PersonRef| match reference {
        PersonRef::Existing(id) => id,
        PersonRef::New(i) => new_people[i],
    };

    let student_at: HashMap<i64, usize> = roster
        .students
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    for update in &plan.student_updates {
        let student = &mut roster.students[student_at[&update.id]];
        student.given_name = update.given_name.clone();
        student.family_name = update.family_name.clone();
        student.year_group = update.year_group.clone();
    }
    let mut new_students = Vec::new();
    for new in &plan.new_students {
        let id = fresh();
        new_students.push(id);
        roster.students.push(CurrentStudent {
            id,
            sis_id: new.sis_id.clone(),
            given_name: new.given_name.clone(),
            family_name: new.family_name.clone(),
            year_group: new.year_group.clone(),
        });
    }
    let student = |reference: StudentRef| match reference {
        StudentRef::Existing(id) => id,
        StudentRef::New(i) => new_students[i],
    };

    for update in &plan.class_updates {
        let class = roster
            .classes
            .iter_mut()
            .find(|c| c.id == update.id)
            .expect("an existing class");
        class.subject = update.subject.clone();
        class.teacher_id = person(update.teacher);
    }
    let mut new_classes = Vec::new();
    for new in &plan.new_classes {
        let id = fresh();
        new_classes.push(id);
        roster.classes.push(CurrentClass {
            id,
            name: new.name.clone(),
            subject: new.subject.clone(),
            teacher_id: person(new.teacher),
            student_ids: Vec::new(),
        });
    }
    let class = |reference: ClassRef| match reference {
        ClassRef::Existing(id) => id,
        ClassRef::New(i) => new_classes[i],
    };

    let mut guardianships: BTreeMap<(i64, i64), String> = roster
        .guardianships
        .iter()
        .map(|g| ((g.student_id, g.guardian_id), g.relationship.clone()))
        .collect();
    for key in &plan.guardianships_removed {
        let removed = guardianships.remove(&(key.student_id, key.guardian_id));
        assert!(removed.is_some(), "removes an existing guardianship");
    }
    for change in &plan.guardianships_changed {
        let link = guardianships.get_mut(&(change.student_id, change.guardian_id));
        *link.expect("an existing guardianship") = change.relationship.clone();
    }
    for new in &plan.guardianships_added {
        let key = (student(new.student), person(new.guardian));
        let earlier = guardianships.insert(key, new.relationship.clone());
        assert_eq!(earlier, None, "adds a new guardianship");
    }
    let mut enrolments: BTreeSet<(i64, i64)> = roster
        .classes
        .iter()
        .flat_map(|c| c.student_ids.iter().map(|&s| (c.id, s)))
        .collect();
    for key in &plan.enrolments_removed {
        assert!(
            enrolments.remove(&(key.class_id, key.student_id)),
            "removes an existing enrolment"
        );
    }
    for new in &plan.enrolments_added {
        assert!(
            enrolments.insert((class(new.class), student(new.student))),
            "adds a new enrolment"
        );
    }

    let classes_gone: HashSet<i64> = plan.class_removals.iter().copied().collect();
    let students_gone: HashSet<i64> = plan.student_removals.iter().copied().collect();
    roster.classes.retain(|c| !classes_gone.contains(&c.id));
    roster.students.retain(|s| !students_gone.contains(&s.id));
    roster.guardianships = guardianships
        .into_iter()
        .filter(|((student_id, _), _)| !students_gone.contains(student_id))
        .map(
            |((student_id, guardian_id), relationship)| CurrentGuardianship {
                student_id,
                guardian_id,
                relationship,
            },
        )
        .collect();
    for class in &mut roster.classes {
        class.student_ids = enrolments
            .range((class.id, i64::MIN)..=(class.id, i64::MAX))
            .map(|&(_, student_id)| student_id)
            .filter(|s| !students_gone.contains(s))
            .collect();
    }
    roster
}

/// Files from CSV text.
pub(super) fn files(
    students: Option<&str>,
    guardians: Option<&str>,
    staff: Option<&str>,
    classes: Option<&str>,
) -> RosterFiles {
    let bytes = |text: Option<&str>| text.map(|t| t.as_bytes().to_vec());
    RosterFiles {
        students: bytes(students),
        guardians: bytes(guardians),
        staff: bytes(staff),
        classes: bytes(classes),
    }
}
