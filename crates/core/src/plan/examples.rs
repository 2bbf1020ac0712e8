//! Benchmark evenings for [`super::plan`], generated from fixed seeds so the
//! native benchmark (`examples/plan_bench.rs`) and a browser page run the
//! very same instances.

use crate::rules::FamilyAppointment;
use crate::time::Interval;

use super::{PlanInput, Wanted};

/// 16:00 UTC on a Thursday, the evenings' start.
const EVENING: i64 = 1_773_331_200;
const MIN: i64 = 60;

/// An evening to plan, owning what a [`PlanInput`] borrows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Short name, as printed by the benchmark.
    pub name: &'static str,
    pub wanted: Vec<Wanted>,
    pub window: Option<Interval>,
    pub existing: Vec<FamilyAppointment>,
    pub travel_buffer_secs: i64,
}

impl Instance {
    /// The input to [`super::plan`].
    pub fn input(&self) -> PlanInput<'_> {
        PlanInput {
            wanted: &self.wanted,
            window: self.window,
            existing: &self.existing,
            travel_buffer_secs: self.travel_buffer_secs,
        }
    }
}

/// Every benchmark instance, in the order the benchmark prints them.
pub fn all() -> Vec<Instance> {
    vec![
        ten_teachers(SEED),
        three_children("3x12", SEED, None),
        three_children("3x12-narrow", SEED, Some(60..180)),
    ]
}

/// The seed of the benchmark instances; others give more evenings of the
/// same shapes.
pub const SEED: u64 = 1;

/// The same shapes as [`all`] generated from another seed.
pub fn all_seeded(seed: u64) -> Vec<Instance> {
    vec![
        ten_teachers(seed),
        three_children("3x12", seed, None),
        three_children("3x12-narrow", seed, Some(60..180)),
    ]
}

/// "10 × 40": one child, ten teachers in ten rooms, each with forty 8-minute
/// slots every 10 minutes from 16:00 (about half already taken by other
/// families), a 5-minute walk between rooms (so changing rooms skips a
/// slot), and one appointment already booked.
pub fn ten_teachers(seed: u64) -> Instance {
    let mut rng = SplitMix(0x5eed_0010 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let wanted = (1..=10)
        .map(|teacher| Wanted {
            student_id: 1,
            teacher_id: teacher,
            room: Some(format!("R{teacher}")),
            options: free_slots(&mut rng, at(0), 8 * MIN, 10 * MIN, 40),
        })
        .collect();
    Instance {
        name: "10x40",
        wanted,
        window: None,
        existing: vec![booked(1, 11, 1, at(90), 8 * MIN, "Hall")],
        travel_buffer_secs: 5 * MIN,
    }
}

/// "3 × 12": three children, twelve teachers each out of eighteen (each
/// teacher sees two of the siblings, who compete for the same slots), forty
/// slots per teacher, about half taken, two teachers with their own
/// appointment length off the common 10-minute grid, three pairs of
/// teachers sharing a room, a 5-minute walk between rooms, one appointment
/// already booked. `window`, in minutes after 16:00, limits when the family
/// can come.
pub fn three_children(
    name: &'static str,
    seed: u64,
    window: Option<std::ops::Range<i64>>,
) -> Instance {
    let mut rng = SplitMix(0x5eed_0312 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let slots: Vec<Vec<Interval>> = (1..=18)
        .map(|teacher| match teacher {
            9 => free_slots(&mut rng, at(0) + 4 * MIN, 7 * MIN, 9 * MIN, 40),
            15 => free_slots(&mut rng, at(0) + 3 * MIN, 9 * MIN, 11 * MIN, 40),
            _ => free_slots(&mut rng, at(0), 8 * MIN, 10 * MIN, 40),
        })
        .collect();
    let room = |teacher: i64| match teacher {
        1..=6 => format!("S{}", (teacher + 1) / 2),
        _ => format!("R{teacher}"),
    };
    let children: [(i64, Vec<i64>); 3] = [
        (1, (1..=12).collect()),
        (2, (7..=18).collect()),
        (3, (1..=6).chain(13..=18).collect()),
    ];
    let wanted = children
        .iter()
        .flat_map(|(student, teachers)| {
            teachers.iter().map(|&teacher| Wanted {
                student_id: *student,
                teacher_id: teacher,
                room: Some(room(teacher)),
                options: slots[(teacher - 1) as usize].clone(),
            })
        })
        .collect();
    Instance {
        name,
        wanted,
        window: window.map(|w| Interval {
            start: at(0) + w.start * MIN,
            end: at(0) + w.end * MIN,
        }),
        existing: vec![booked(2, 19, 2, at(140), 8 * MIN, "Library")],
        travel_buffer_secs: 5 * MIN,
    }
}

/// The instant `minutes` after 16:00.
fn at(minutes: i64) -> i64 {
    EVENING + minutes * MIN
}

fn booked(
    booking: i64,
    teacher: i64,
    student: i64,
    start: i64,
    len: i64,
    room: &str,
) -> FamilyAppointment {
    FamilyAppointment {
        booking_id: booking,
        teacher_id: teacher,
        student_id: student,
        span: Interval {
            start,
            end: start + len,
        },
        room: Some(room.to_owned()),
    }
}

/// `count` slots of `len` seconds every `step` from `first`, each taken by
/// another family with probability one half; the free ones.
fn free_slots(rng: &mut SplitMix, first: i64, len: i64, step: i64, count: i64) -> Vec<Interval> {
    (0..count)
        .map(|k| first + k * step)
        .filter(|_| rng.next() & 1 == 0)
        .map(|start| Interval {
            start,
            end: start + len,
        })
        .collect()
}

/// SplitMix64: a tiny seeded generator, so the instances never change.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}
