//! Slot generation: an evening and a teacher's availability in, slots out.
//!
//! One pure function, run by the API to decide and by the SPA to draw the
//! picker, so both always agree on which slots exist.

use serde::{Deserialize, Serialize};

use crate::time::Interval;

/// What the evening fixes for everyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EveningPlan {
    /// The evening's sessions (usually one), in any order.
    pub sessions: Vec<Interval>,
    /// Breaks: no slot may overlap one.
    pub breaks: Vec<Interval>,
    /// Default appointment length, seconds.
    pub slot_secs: i64,
    /// Gap between one appointment's end and the next one's start, seconds.
    pub changeover_secs: i64,
}

/// What one teacher sets for the evening.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    /// The teacher's own windows; empty means "all the evening's sessions".
    /// Windows are clipped to the sessions.
    pub windows: Vec<Interval>,
    /// The teacher's own appointment length, overriding the evening's.
    pub slot_secs: Option<i64>,
    /// Starts of slots the teacher has blocked.
    pub blocked: Vec<i64>,
}

/// One bookable (or blocked) appointment time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Slot {
    pub start: i64,
    pub end: i64,
    /// Blocked by the teacher: shown, never bookable.
    pub blocked: bool,
}

impl Slot {
    /// The slot's span.
    pub fn interval(&self) -> Interval {
        Interval {
            start: self.start,
            end: self.end,
        }
    }
}

/// The shortest appointment Confero will generate, seconds.
pub const MIN_SLOT_SECS: i64 = 60;

/// The teacher's slots for the evening, in time order.
///
/// Slots run back to back from the start of each window, `slot + changeover`
/// apart. A slot that would overlap a break starts again when the break ends;
/// none runs past the end of its window or session. Lengths below one minute
/// produce nothing (the API refuses them before they get here).
pub fn generate(plan: &EveningPlan, availability: &Availability) -> Vec<Slot> {
    let length = availability.slot_secs.unwrap_or(plan.slot_secs);
    if length < MIN_SLOT_SECS || plan.changeover_secs < 0 {
        return Vec::new();
    }
    let step = length + plan.changeover_secs;
    let windows = merged(if availability.windows.is_empty() {
        plan.sessions.clone()
    } else {
        availability
            .windows
            .iter()
            .flat_map(|window| {
                plan.sessions
                    .iter()
                    .filter_map(|session| window.intersect(session))
            })
            .collect()
    });
    let mut breaks = plan.breaks.clone();
    breaks.sort();

    let mut slots = Vec::new();
    for window in windows {
        let mut start = window.start;
        while start + length <= window.end {
            let candidate = Interval {
                start,
                end: start + length,
            };
            if let Some(clash) = breaks.iter().find(|b| b.overlaps(&candidate)) {
                start = clash.end;
                continue;
            }
            slots.push(Slot {
                start,
                end: start + length,
                blocked: availability.blocked.contains(&start),
            });
            start += step;
        }
    }
    slots
}

/// Sorts intervals and merges those that overlap or touch.
fn merged(mut intervals: Vec<Interval>) -> Vec<Interval> {
    intervals.sort();
    let mut out: Vec<Interval> = Vec::with_capacity(intervals.len());
    for interval in intervals {
        match out.last_mut() {
            Some(last) if interval.start <= last.end => last.end = last.end.max(interval.end),
            _ => out.push(interval),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60;

    fn iv(start_min: i64, end_min: i64) -> Interval {
        Interval::new(start_min * MIN, end_min * MIN).unwrap()
    }

    fn plan(
        sessions: Vec<Interval>,
        breaks: Vec<Interval>,
        slot_min: i64,
        gap_min: i64,
    ) -> EveningPlan {
        EveningPlan {
            sessions,
            breaks,
            slot_secs: slot_min * MIN,
            changeover_secs: gap_min * MIN,
        }
    }

    fn starts(slots: &[Slot]) -> Vec<i64> {
        slots.iter().map(|s| s.start / MIN).collect()
    }

    #[test]
    fn table() {
        struct Case {
            name: &'static str,
            plan: EveningPlan,
            availability: Availability,
            want: Vec<i64>,
        }
        let cases = [
            Case {
                name: "back to back",
                plan: plan(vec![iv(0, 60)], vec![], 10, 0),
                availability: Availability::default(),
                want: vec![0, 10, 20, 30, 40, 50],
            },
            Case {
                name: "changeover gap, last slot must fit",
                plan: plan(vec![iv(0, 60)], vec![], 10, 2),
                availability: Availability::default(),
                want: vec![0, 12, 24, 36, 48],
            },
            Case {
                name: "a break pushes the next slot to its end",
                plan: plan(vec![iv(0, 60)], vec![iv(25, 35)], 10, 0),
                availability: Availability::default(),
                want: vec![0, 10, 35, 45],
            },
            Case {
                name: "teacher window clipped to the session",
                plan: plan(vec![iv(0, 60)], vec![], 10, 0),
                availability: Availability {
                    windows: vec![iv(30, 90)],
                    ..Default::default()
                },
                want: vec![30, 40, 50],
            },
            Case {
                name: "teacher's own slot length",
                plan: plan(vec![iv(0, 60)], vec![], 10, 0),
                availability: Availability {
                    slot_secs: Some(15 * MIN),
                    ..Default::default()
                },
                want: vec![0, 15, 30, 45],
            },
            Case {
                name: "two sessions, windows over both",
                plan: plan(vec![iv(100, 130), iv(0, 30)], vec![], 10, 0),
                availability: Availability {
                    windows: vec![iv(20, 110)],
                    ..Default::default()
                },
                want: vec![20, 100],
            },
            Case {
                name: "overlapping windows are merged, not doubled",
                plan: plan(vec![iv(0, 60)], vec![], 10, 0),
                availability: Availability {
                    windows: vec![iv(0, 30), iv(20, 40)],
                    ..Default::default()
                },
                want: vec![0, 10, 20, 30],
            },
            Case {
                name: "window outside every session gives nothing",
                plan: plan(vec![iv(0, 60)], vec![], 10, 0),
                availability: Availability {
                    windows: vec![iv(60, 120)],
                    ..Default::default()
                },
                want: vec![],
            },
            Case {
                name: "too short a slot gives nothing",
                plan: EveningPlan {
                    slot_secs: 30,
                    ..plan(vec![iv(0, 60)], vec![], 0, 0)
                },
                availability: Availability::default(),
                want: vec![],
            },
        ];
        for case in cases {
            assert_eq!(
                starts(&generate(&case.plan, &case.availability)),
                case.want,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn blocked_slots_are_kept_and_marked() {
        let slots = generate(
            &plan(vec![iv(0, 30)], vec![], 10, 0),
            &Availability {
                blocked: vec![10 * MIN],
                ..Default::default()
            },
        );
        assert_eq!(
            slots.iter().map(|s| s.blocked).collect::<Vec<_>>(),
            vec![false, true, false]
        );
    }

    /// A small deterministic generator, so the property test needs no extra crate.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self, below: i64) -> i64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) % below as u64) as i64
        }
    }

    #[test]
    fn property_no_overlap_no_break_crossing_inside_windows() {
        let mut rng = Lcg(7);
        for _ in 0..2_000 {
            let mut sessions = Vec::new();
            for _ in 0..1 + rng.next(3) {
                let start = rng.next(600);
                sessions.push(iv(start, start + 10 + rng.next(240)));
            }
            let mut breaks = Vec::new();
            for _ in 0..rng.next(3) {
                let start = rng.next(700);
                breaks.push(iv(start, start + 1 + rng.next(30)));
            }
            let mut windows = Vec::new();
            for _ in 0..rng.next(3) {
                let start = rng.next(700);
                windows.push(iv(start, start + 1 + rng.next(200)));
            }
            let plan = plan(
                sessions.clone(),
                breaks.clone(),
                1 + rng.next(20),
                rng.next(6),
            );
            let availability = Availability {
                windows: windows.clone(),
                slot_secs: None,
                blocked: vec![],
            };
            let slots = generate(&plan, &availability);
            for pair in slots.windows(2) {
                assert!(
                    pair[0].end <= pair[1].start,
                    "ordered and disjoint: {pair:?}"
                );
                assert!(pair[1].start - pair[0].end >= 0);
            }
            for slot in &slots {
                let span = slot.interval();
                assert_eq!(span.len(), plan.slot_secs);
                // Sessions that overlap or touch form one stretch of time.
                assert!(
                    merged(sessions.clone()).iter().any(|s| s.contains(&span)),
                    "inside the sessions"
                );
                assert!(
                    windows.is_empty() || windows.iter().any(|w| w.contains(&span)) || {
                        // A slot may straddle two windows that were merged.
                        let merged = merged(windows.clone());
                        merged.iter().any(|w| w.contains(&span))
                    },
                    "inside the teacher's windows"
                );
                assert!(
                    !breaks.iter().any(|b| b.overlaps(&span)),
                    "crosses no break"
                );
            }
        }
    }
}
