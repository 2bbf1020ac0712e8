//! Which pupils an evening with an audience is for, before and after a plan:
//! a pupil who stays on the roster but moves year or class (or whose class
//! leaves) can stop being invited to an evening they have an appointment at.
//!
//! The rule is the one `storage::audiences::invited` writes in SQL: a pupil is
//! invited when their year group is one of the evening's, or they are enrolled
//! in one of its classes. The API suite checks the two agree after an import
//! (`roster.rs › a pupil who moves out of an evening's year…`).

use std::collections::{HashMap, HashSet};

use super::plan::{ClassRef, Plan, StudentRef};
use super::CurrentRoster;

/// Who an evening with an audience is for. Empty: no one (its classes left).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Audience {
    pub year_groups: HashSet<String>,
    pub class_ids: HashSet<i64>,
}

/// Each existing pupil's year group and classes.
#[derive(Clone, Debug, Default)]
pub struct Membership {
    years: HashMap<i64, String>,
    classes: HashMap<i64, HashSet<i64>>,
}

impl Membership {
    /// As the roster stands.
    pub fn of(current: &CurrentRoster) -> Self {
        let years = current
            .students
            .iter()
            .map(|s| (s.id, s.year_group.clone()))
            .collect();
        let mut classes: HashMap<i64, HashSet<i64>> = HashMap::new();
        for class in &current.classes {
            for student in &class.student_ids {
                classes.entry(*student).or_default().insert(class.id);
            }
        }
        Self { years, classes }
    }

    /// As it will stand once `plan` is applied, for the pupils who stay
    /// (new pupils and new classes have no appointments or audiences yet).
    pub fn after(&self, plan: &Plan) -> Self {
        let mut next = self.clone();
        for update in &plan.student_updates {
            next.years.insert(update.id, update.year_group.clone());
        }
        let gone: HashSet<i64> = plan.class_removals.iter().copied().collect();
        for classes in next.classes.values_mut() {
            classes.retain(|class| !gone.contains(class));
        }
        for removed in &plan.enrolments_removed {
            if let Some(classes) = next.classes.get_mut(&removed.student_id) {
                classes.remove(&removed.class_id);
            }
        }
        for added in &plan.enrolments_added {
            if let (ClassRef::Existing(class), StudentRef::Existing(student)) =
                (added.class, added.student)
            {
                next.classes.entry(student).or_default().insert(class);
            }
        }
        for student in &plan.student_removals {
            next.years.remove(student);
            next.classes.remove(student);
        }
        next
    }

    /// Whether `student` is in one of the audience's year groups or classes.
    pub fn invited(&self, audience: &Audience, student: i64) -> bool {
        self.years
            .get(&student)
            .is_some_and(|year| audience.year_groups.contains(year))
            || self
                .classes
                .get(&student)
                .is_some_and(|classes| !classes.is_disjoint(&audience.class_ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::plan::{EnrolmentKey, NewEnrolment, StudentUpdate};
    use crate::roster::{CurrentClass, CurrentStudent};

    fn roster() -> CurrentRoster {
        let student = |id: i64, year: &str| CurrentStudent {
            id,
            sis_id: format!("S{id}"),
            given_name: "A".into(),
            family_name: "B".into(),
            year_group: year.into(),
        };
        let class = |id: i64, student_ids: Vec<i64>| CurrentClass {
            id,
            name: format!("C{id}"),
            subject: "Maths".into(),
            teacher_id: 100,
            student_ids,
        };
        CurrentRoster {
            students: vec![student(1, "7"), student(2, "7"), student(3, "9")],
            people: vec![],
            guardianships: vec![],
            classes: vec![class(10, vec![1, 3]), class(11, vec![2])],
            emails_elsewhere: HashSet::new(),
        }
    }

    fn audience(years: &[&str], classes: &[i64]) -> Audience {
        Audience {
            year_groups: years.iter().map(|y| (*y).to_owned()).collect(),
            class_ids: classes.iter().copied().collect(),
        }
    }

    #[test]
    fn a_pupil_is_invited_by_year_group_or_by_class() {
        let now = Membership::of(&roster());
        assert!(now.invited(&audience(&["7"], &[]), 1));
        assert!(!now.invited(&audience(&["7"], &[]), 3));
        assert!(now.invited(&audience(&["8"], &[10]), 3), "by class");
        assert!(!now.invited(&audience(&[], &[]), 1), "for no one");
        assert!(!now.invited(&audience(&["7"], &[10]), 99), "unknown pupil");
    }

    #[test]
    fn moving_year_or_class_or_losing_the_class_changes_who_is_invited() {
        let now = Membership::of(&roster());
        let plan = Plan {
            student_updates: vec![StudentUpdate {
                id: 1,
                given_name: "A".into(),
                family_name: "B".into(),
                year_group: "8".into(),
            }],
            enrolments_removed: vec![EnrolmentKey {
                class_id: 11,
                student_id: 2,
            }],
            enrolments_added: vec![
                NewEnrolment {
                    class: ClassRef::Existing(11),
                    student: StudentRef::Existing(3),
                },
                NewEnrolment {
                    class: ClassRef::New(0),
                    student: StudentRef::Existing(2),
                },
            ],
            class_removals: vec![10],
            ..Plan::default()
        };
        let next = now.after(&plan);
        let year_7 = audience(&["7"], &[]);
        assert!(
            now.invited(&year_7, 1) && !next.invited(&year_7, 1),
            "moved up a year"
        );
        assert!(next.invited(&year_7, 2), "still in year 7");
        let class_11 = audience(&[], &[11]);
        assert!(
            now.invited(&class_11, 2) && !next.invited(&class_11, 2),
            "left the class"
        );
        assert!(
            !now.invited(&class_11, 3) && next.invited(&class_11, 3),
            "joined it"
        );
        let class_10 = audience(&[], &[10]);
        assert!(
            now.invited(&class_10, 3) && !next.invited(&class_10, 3),
            "the class left"
        );
    }

    #[test]
    fn a_pupil_leaving_the_roster_is_invited_to_nothing_after() {
        let plan = Plan {
            student_removals: vec![1],
            ..Plan::default()
        };
        let next = Membership::of(&roster()).after(&plan);
        assert!(!next.invited(&audience(&["7"], &[10]), 1));
    }
}
