//! "Plan my evening" on the page: the family's choices and the fetched grid
//! turned into the solver's question (`confero_core::plan`), and its answer
//! into appointments the page can show, adjust and book.

use chrono::{DateTime, FixedOffset};
use confero_core::dto::{Booking, Child, SlotState, TeacherSlots};
use confero_core::plan::{self, PlanInput, Wanted};
use confero_core::rules::{family_conflict, FamilyAppointment};
use confero_core::Interval;

/// A (child, teacher) pair the family may want to see: not booked yet, and
/// the teacher takes part in the evening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    pub student_id: i64,
    pub teacher_id: i64,
    pub child_name: String,
    pub teacher_name: String,
    pub subject: String,
    pub room: Option<String>,
}

/// What the family asked the planner: which pairs, and when they can come.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// (student, teacher) pairs.
    pub chosen: Vec<(i64, i64)>,
    pub window: Interval,
    /// Said above the plan: why it was made again.
    pub note: Option<String>,
}

/// One appointment of a proposed plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposed {
    pub pair: Pair,
    pub slot: Interval,
}

/// The pairs a family could still book this evening, in the page's order.
pub fn open_pairs(children: &[Child], grid: &[TeacherSlots], bookings: &[Booking]) -> Vec<Pair> {
    children
        .iter()
        .flat_map(|child| {
            child.teachers.iter().filter_map(move |teacher| {
                let column = grid.iter().find(|c| c.teacher_id == teacher.teacher_id)?;
                let booked = bookings.iter().any(|b| {
                    b.student_id == child.id
                        && b.teacher_id == teacher.teacher_id
                        && b.status != confero_core::dto::BookingStatus::Cancelled
                });
                (!booked).then(|| Pair {
                    student_id: child.id,
                    teacher_id: teacher.teacher_id,
                    child_name: child.given_name.clone(),
                    teacher_name: teacher.teacher_name.clone(),
                    subject: teacher.subject.clone(),
                    room: column.room.clone(),
                })
            })
        })
        .collect()
}

/// A teacher's free times, as the solver takes them.
fn free_times(grid: &[TeacherSlots], teacher_id: i64) -> Vec<Interval> {
    grid.iter()
        .find(|c| c.teacher_id == teacher_id)
        .map(|column| {
            column
                .slots
                .iter()
                .filter(|s| s.state == SlotState::Free)
                .map(|s| Interval {
                    start: s.start.timestamp(),
                    end: s.end.timestamp(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The best plan for the ask: the appointments it proposes, in time order,
/// and the chosen pairs that do not fit.
pub fn propose(
    ask: &Ask,
    pairs: &[Pair],
    grid: &[TeacherSlots],
    family: &[FamilyAppointment],
    travel_buffer_secs: i64,
) -> (Vec<Proposed>, Vec<Pair>) {
    let chosen: Vec<&Pair> = pairs
        .iter()
        .filter(|p| ask.chosen.contains(&(p.student_id, p.teacher_id)))
        .collect();
    let wanted: Vec<Wanted> = chosen
        .iter()
        .map(|p| Wanted {
            student_id: p.student_id,
            teacher_id: p.teacher_id,
            room: p.room.clone(),
            options: free_times(grid, p.teacher_id),
        })
        .collect();
    let answer = plan::plan(&PlanInput {
        wanted: &wanted,
        window: Some(ask.window),
        existing: family,
        travel_buffer_secs,
    });
    let proposed = answer
        .placed
        .iter()
        .map(|placed| Proposed {
            pair: chosen[placed.wanted].clone(),
            slot: placed.slot,
        })
        .collect();
    let unplaced = answer
        .unplaced
        .iter()
        .map(|&index| chosen[index].clone())
        .collect();
    (proposed, unplaced)
}

/// The times one appointment of a plan could move to: the pair's free times
/// in the window that clash with nothing else in the plan or the family's
/// evening (its current time included).
pub fn alternatives(
    plan: &[Proposed],
    index: usize,
    grid: &[TeacherSlots],
    family: &[FamilyAppointment],
    window: Interval,
    travel_buffer_secs: i64,
) -> Vec<Interval> {
    let Some(this) = plan.get(index) else {
        return Vec::new();
    };
    let mut others: Vec<FamilyAppointment> = family.to_vec();
    others.extend(
        plan.iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, p)| FamilyAppointment {
                booking_id: 0,
                teacher_id: p.pair.teacher_id,
                student_id: p.pair.student_id,
                span: p.slot,
                room: p.pair.room.clone(),
            }),
    );
    free_times(grid, this.pair.teacher_id)
        .into_iter()
        .filter(|slot| window.contains(slot))
        .filter(|slot| {
            family_conflict(
                slot,
                this.pair.room.as_deref(),
                &others,
                travel_buffer_secs,
                None,
            )
            .is_none()
        })
        .collect()
}

/// The evening's appointment times, for the "from" and "until" choices:
/// every distinct start and every distinct end, in order.
pub fn boundaries(grid: &[TeacherSlots]) -> (Vec<i64>, Vec<i64>) {
    let mut starts: Vec<i64> = grid
        .iter()
        .flat_map(|c| c.slots.iter().map(|s| s.start.timestamp()))
        .collect();
    let mut ends: Vec<i64> = grid
        .iter()
        .flat_map(|c| c.slots.iter().map(|s| s.end.timestamp()))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    ends.sort_unstable();
    ends.dedup();
    (starts, ends)
}

/// An instant in the evening's own offset (taken from any of its times).
pub fn at(secs: i64, offset: FixedOffset) -> DateTime<FixedOffset> {
    DateTime::from_timestamp(secs, 0)
        .unwrap_or_default()
        .with_timezone(&offset)
}

/// How many times the family changes room between consecutive
/// appointments, the plan's and those already booked.
pub fn room_changes(plan: &[Proposed], family: &[FamilyAppointment]) -> usize {
    let mut all: Vec<(i64, Option<&str>)> = plan
        .iter()
        .map(|p| (p.slot.start, p.pair.room.as_deref()))
        .chain(family.iter().map(|a| (a.span.start, a.room.as_deref())))
        .collect();
    all.sort_by_key(|(start, _)| *start);
    all.windows(2).filter(|w| w[0].1 != w[1].1).count()
}

/// "16:00–16:48 (48 minutes)": a plan's span, existing appointments included.
pub fn span_words(plan: &[Proposed], family: &[FamilyAppointment], offset: FixedOffset) -> String {
    let spans = plan
        .iter()
        .map(|p| p.slot)
        .chain(family.iter().map(|a| a.span));
    let (Some(first), Some(last)) = (
        spans.clone().map(|s| s.start).min(),
        spans.map(|s| s.end).max(),
    ) else {
        return String::new();
    };
    let minutes = (last - first) / 60;
    format!(
        "{}–{} ({minutes} minutes)",
        crate::time_text::clock(&at(first, offset)),
        crate::time_text::clock(&at(last, offset))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::dto::{ChildTeacher, SlotView};

    const OFFSET: i32 = 0;

    fn time(minute: i64) -> DateTime<FixedOffset> {
        at(
            1_800_000_000 + minute * 60,
            FixedOffset::east_opt(OFFSET).unwrap(),
        )
    }

    fn column(teacher_id: i64, room: &str, taken: &[i64]) -> TeacherSlots {
        TeacherSlots {
            teacher_id,
            teacher_name: format!("Teacher {teacher_id}"),
            room: Some(room.to_owned()),
            slots: (0..6)
                .map(|n| SlotView {
                    start: time(n * 10),
                    end: time(n * 10 + 8),
                    state: if taken.contains(&n) {
                        SlotState::Taken
                    } else {
                        SlotState::Free
                    },
                    booking: None,
                })
                .collect(),
        }
    }

    fn child(id: i64, teachers: &[i64]) -> Child {
        Child {
            id,
            given_name: format!("Child {id}"),
            family_name: "Patel".into(),
            year_group: "Year 7".into(),
            relationship: "mother".into(),
            teachers: teachers
                .iter()
                .map(|t| ChildTeacher {
                    teacher_id: *t,
                    class_name: "7A".into(),
                    subject: "Maths".into(),
                    teacher_name: format!("Teacher {t}"),
                })
                .collect(),
        }
    }

    #[test]
    fn a_plan_packs_the_chosen_pairs_around_taken_times() {
        let grid = vec![column(1, "A1", &[0, 1]), column(2, "A2", &[3])];
        let children = vec![child(10, &[1, 2]), child(11, &[2])];
        let pairs = open_pairs(&children, &grid, &[]);
        assert_eq!(pairs.len(), 3);
        let ask = Ask {
            chosen: pairs.iter().map(|p| (p.student_id, p.teacher_id)).collect(),
            window: Interval {
                start: time(0).timestamp(),
                end: time(60).timestamp(),
            },
            note: None,
        };
        let (plan, unplaced) = propose(&ask, &pairs, &grid, &[], 120);
        assert!(unplaced.is_empty());
        assert_eq!(plan.len(), 3);
        // Teacher 1 is free from the third time, teacher 2 not at the fourth:
        // both children with teacher 2 first, then teacher 1, in 28 minutes.
        let starts: Vec<i64> = plan.iter().map(|p| p.slot.start).collect();
        assert_eq!(
            starts,
            vec![
                time(0).timestamp(),
                time(10).timestamp(),
                time(20).timestamp()
            ]
        );
        assert_eq!(plan[2].pair.teacher_id, 1);
        assert_eq!(
            span_words(&plan, &[], FixedOffset::east_opt(OFFSET).unwrap()),
            format!(
                "{}–{} (28 minutes)",
                crate::time_text::clock(&time(0)),
                crate::time_text::clock(&time(28))
            )
        );
        // Each alternative keeps the plan whole.
        for index in 0..plan.len() {
            let window = ask.window;
            for slot in alternatives(&plan, index, &grid, &[], window, 120) {
                assert!(plan
                    .iter()
                    .enumerate()
                    .all(|(i, p)| i == index || !p.slot.overlaps(&slot)));
            }
        }
    }

    #[test]
    fn a_booked_pair_is_not_offered_and_a_window_leaves_pairs_out() {
        let grid = vec![column(1, "A1", &[]), column(2, "A2", &[0, 1, 2, 3])];
        let children = vec![child(10, &[1, 2])];
        let pairs = open_pairs(&children, &grid, &[]);
        let ask = Ask {
            chosen: vec![(10, 1), (10, 2)],
            window: Interval {
                start: time(0).timestamp(),
                end: time(30).timestamp(),
            },
            note: None,
        };
        let (plan, unplaced) = propose(&ask, &pairs, &grid, &[], 120);
        assert_eq!(plan.len(), 1);
        assert_eq!(unplaced.len(), 1);
        assert_eq!(
            unplaced[0].teacher_id, 2,
            "teacher 2 is free only after 18:30"
        );
        let (starts, ends) = boundaries(&grid);
        assert_eq!(starts.len(), 6);
        assert_eq!(ends.len(), 6);
    }
}
