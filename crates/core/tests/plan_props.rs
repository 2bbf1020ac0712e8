//! Property tests for `plan::plan`: on small random evenings its plan is
//! feasible, its reported measures are the plan's own, and it is as good as
//! the best plan an exhaustive search finds.
//!
//! The evenings come from a fixed-seed generator, so a failure names its
//! case number and reproduces exactly.

use confero_core::plan::{plan, Plan, PlanInput, Wanted};
use confero_core::rules::FamilyAppointment;
use confero_core::Interval;

const CASES: u64 = 1500;
/// The sibling evenings take a dynamic programme over sets of 12 pairs each.
const SIBLING_CASES: u64 = 12;
const MIN: i64 = 60;
/// 16:00 UTC on some evening.
const EVENING: i64 = 1_773_331_200;

/// SplitMix64: small, seeded, good enough to spread cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// An evening of up to 5 wanted pairs within about two hours.
struct Evening {
    wanted: Vec<Wanted>,
    window: Option<Interval>,
    existing: Vec<FamilyAppointment>,
    buffer: i64,
}

impl Evening {
    fn input(&self) -> PlanInput<'_> {
        PlanInput {
            wanted: &self.wanted,
            window: self.window,
            existing: &self.existing,
            travel_buffer_secs: self.buffer,
        }
    }
}

fn room(rng: &mut Rng, rooms: i64) -> Option<String> {
    match rng.range(0, rooms) {
        0 => None,
        r => Some(format!("R{r}")),
    }
}

fn slot(rng: &mut Rng) -> Interval {
    // Mostly on a 5-minute grid, sometimes off it.
    let start = if rng.chance(75) {
        rng.range(0, 24) * 5 * MIN
    } else {
        rng.range(0, 120 * MIN)
    };
    let len = if rng.chance(75) {
        rng.range(1, 3) * 5 * MIN
    } else {
        rng.range(5 * MIN, 15 * MIN)
    };
    Interval {
        start: EVENING + start,
        end: EVENING + start + len,
    }
}

fn evening(seed: u64) -> Evening {
    evening_of(seed, 5, 6)
}

/// An evening of up to `max_pairs` pairs with up to `max_options` options each.
fn evening_of(seed: u64, max_pairs: i64, max_options: i64) -> Evening {
    let mut rng = Rng(seed);
    let rooms = rng.range(1, 3);
    let pairs = rng.range(0, max_pairs);
    let mut wanted: Vec<Wanted> = Vec::new();
    for i in 0..pairs {
        // A sibling seeing a teacher already wanted: the same slots.
        if i > 0 && rng.chance(25) {
            let sibling = wanted[rng.range(0, i - 1) as usize].clone();
            wanted.push(Wanted {
                student_id: sibling.student_id + 1,
                ..sibling
            });
            continue;
        }
        let options = (0..rng.range(0, max_options))
            .map(|_| slot(&mut rng))
            .collect();
        wanted.push(Wanted {
            student_id: rng.range(1, 2),
            teacher_id: i,
            room: room(&mut rng, rooms),
            options,
        });
    }
    let existing = (0..rng.range(0, 2))
        .map(|k| FamilyAppointment {
            booking_id: k,
            teacher_id: 100 + k,
            student_id: 1,
            span: slot(&mut rng),
            room: room(&mut rng, rooms),
        })
        .collect();
    let window = rng.chance(50).then(|| {
        let start = EVENING + rng.range(0, 60) * MIN;
        Interval {
            start,
            end: start + rng.range(20, 120) * MIN,
        }
    });
    Evening {
        wanted,
        window,
        existing,
        buffer: rng.range(0, 10) * MIN,
    }
}

/// An appointment in the itinerary: its span, room, and whether the plan placed it.
type Stop<'a> = (Interval, Option<&'a str>, bool);

/// The family rule between two appointments.
fn compatible(a: &Stop<'_>, b: &Stop<'_>, buffer: i64) -> bool {
    !a.0.overlaps(&b.0) && (a.1 == b.1 || a.0.gap_to(&b.0) >= buffer)
}

/// (pairs placed, span, room changes, finish), recomputed from scratch.
type Score = (usize, i64, u32, Option<i64>);

fn score(placed: usize, mut stops: Vec<Stop<'_>>) -> Score {
    stops.sort_by_key(|s| (s.0.start, s.0.end, s.2));
    let first = stops.iter().map(|s| s.0.start).min();
    let finish = stops.iter().map(|s| s.0.end).max();
    let span = first.zip(finish).map_or(0, |(f, l)| l - f);
    let changes = stops.windows(2).filter(|w| w[0].1 != w[1].1).count() as u32;
    (placed, span, changes, finish)
}

/// Whether `a` is better than `b`: more pairs, then shorter span, fewer
/// changes, earlier finish.
fn better(a: &Score, b: &Score) -> bool {
    (std::cmp::Reverse(a.0), a.1, a.2, a.3) < (std::cmp::Reverse(b.0), b.1, b.2, b.3)
}

/// The best score over every assignment (each pair unplaced or one of its
/// options), found by trying them all.
fn brute_force(e: &Evening) -> Score {
    let fixed: Vec<Stop<'_>> = e
        .existing
        .iter()
        .map(|a| (a.span, a.room.as_deref(), false))
        .collect();
    let mut chosen: Vec<Stop<'_>> = Vec::new();
    let mut best = score(0, fixed.clone());
    try_all(e, 0, &fixed, &mut chosen, &mut best);
    best
}

fn try_all<'a>(
    e: &'a Evening,
    pair: usize,
    fixed: &[Stop<'a>],
    chosen: &mut Vec<Stop<'a>>,
    best: &mut Score,
) {
    if pair == e.wanted.len() {
        let stops = fixed.iter().chain(chosen.iter()).copied().collect();
        let candidate = score(chosen.len(), stops);
        if better(&candidate, best) {
            *best = candidate;
        }
        return;
    }
    try_all(e, pair + 1, fixed, chosen, best);
    let wanted = &e.wanted[pair];
    for &option in &wanted.options {
        if e.window.is_some_and(|w| !w.contains(&option)) {
            continue;
        }
        let stop = (option, wanted.room.as_deref(), true);
        let fits = fixed
            .iter()
            .chain(chosen.iter())
            .all(|other| compatible(&stop, other, e.buffer));
        if fits {
            chosen.push(stop);
            try_all(e, pair + 1, fixed, chosen, best);
            chosen.pop();
        }
    }
}

/// Checks the plan is feasible and its measures are its own; returns its score.
fn check(case: u64, e: &Evening, plan: &Plan) -> Score {
    let mut seen = vec![false; e.wanted.len()];
    for placed in &plan.placed {
        assert!(!seen[placed.wanted], "case {case}: pair placed twice");
        seen[placed.wanted] = true;
        let wanted = &e.wanted[placed.wanted];
        assert!(
            wanted.options.contains(&placed.slot),
            "case {case}: not one of the pair's options"
        );
        assert!(
            e.window.is_none_or(|w| w.contains(&placed.slot)),
            "case {case}: outside the window"
        );
    }
    let unplaced: Vec<usize> = (0..e.wanted.len()).filter(|&i| !seen[i]).collect();
    assert_eq!(plan.unplaced, unplaced, "case {case}: unplaced");
    assert!(
        plan.placed.windows(2).all(|w| w[0].slot <= w[1].slot),
        "case {case}: placed not in time order"
    );

    let placed: Vec<Stop<'_>> = plan
        .placed
        .iter()
        .map(|p| (p.slot, e.wanted[p.wanted].room.as_deref(), true))
        .collect();
    let fixed: Vec<Stop<'_>> = e
        .existing
        .iter()
        .map(|a| (a.span, a.room.as_deref(), false))
        .collect();
    for (i, a) in placed.iter().enumerate() {
        for b in placed[i + 1..].iter().chain(&fixed) {
            assert!(
                compatible(a, b, e.buffer),
                "case {case}: {a:?} and {b:?} clash"
            );
        }
    }
    let own = score(plan.placed.len(), placed.into_iter().chain(fixed).collect());
    assert_eq!(
        (plan.span_secs, plan.room_changes, plan.finish),
        (own.1, own.2, own.3),
        "case {case}: reported measures"
    );
    own
}

#[test]
fn plans_are_feasible_and_as_good_as_trying_every_assignment() {
    for case in 0..CASES {
        let e = evening(case);
        let plan = plan(&e.input());
        let got = check(case, &e, &plan);
        let best = brute_force(&e);
        assert_eq!(got, best, "case {case}: not optimal\n{plan:?}");
    }
}

#[test]
fn the_same_evening_gives_the_same_plan() {
    for case in 0..50 {
        let e = evening(case);
        assert_eq!(plan(&e.input()), plan(&e.input()), "case {case}");
    }
}

/// The most pairs and, with that many, the shortest span, by a dynamic
/// programme over sets of pairs (for each first slot, the earliest end of a
/// chain covering each set and ending with each pair): exact, and
/// independent of the solver, but exponential in the number of pairs.
fn count_and_span(e: &Evening) -> (usize, i64) {
    let n = e.wanted.len();
    let existing: Vec<Stop<'_>> = e
        .existing
        .iter()
        .map(|a| (a.span, a.room.as_deref(), false))
        .collect();
    // Each pair's usable options, sorted by start.
    let usable: Vec<Vec<Interval>> = e
        .wanted
        .iter()
        .map(|w| {
            let mut o: Vec<Interval> = w
                .options
                .iter()
                .copied()
                .filter(|s| e.window.is_none_or(|win| win.contains(s)))
                .filter(|s| {
                    existing
                        .iter()
                        .all(|x| compatible(&(*s, w.room.as_deref(), true), x, e.buffer))
                })
                .collect();
            o.sort();
            o
        })
        .collect();
    let first_fixed = e.existing.iter().map(|a| a.span.start).min();
    let last_fixed = e.existing.iter().map(|a| a.span.end).max();
    let mut best = (
        0usize,
        last_fixed.zip(first_fixed).map_or(0, |(l, f)| l - f),
    );
    const NO: i64 = i64::MAX;
    for p0 in 0..n {
        for &o0 in &usable[p0] {
            let mut end = vec![NO; (1 << n) * n];
            end[(1 << p0) * n + p0] = o0.end;
            for mask in 1usize..(1 << n) {
                for p in 0..n {
                    let t = end[mask * n + p];
                    if t == NO {
                        continue;
                    }
                    let count = mask.count_ones() as usize;
                    let first = first_fixed.map_or(o0.start, |f| f.min(o0.start));
                    let span = last_fixed.map_or(t, |l| l.max(t)) - first;
                    if count > best.0 || count == best.0 && span < best.1 {
                        best = (count, span);
                    }
                    for q in 0..n {
                        if mask & (1 << q) != 0 {
                            continue;
                        }
                        let gap = if e.wanted[p].room == e.wanted[q].room {
                            0
                        } else {
                            e.buffer
                        };
                        if let Some(o) = usable[q]
                            .iter()
                            .filter(|o| o.start >= t + gap)
                            .min_by_key(|o| o.end)
                        {
                            let at = &mut end[(mask | 1 << q) * n + q];
                            *at = (*at).min(o.end);
                        }
                    }
                }
            }
        }
    }
    best
}

/// Three children, four teachers each out of six (each teacher sees two of
/// them), sixteen 8-minute slots per teacher every ten minutes, about half
/// taken, two teachers sharing a room, one off the grid, a 5-minute walk.
fn siblings_evening(seed: u64) -> Evening {
    let mut rng = Rng(seed);
    let slots: Vec<Vec<Interval>> = (0..6)
        .map(|t| {
            let (first, len, step) = if t == 5 { (3, 7, 9) } else { (0, 8, 10) };
            (0..16)
                .map(|k| EVENING + (first + k * step) * MIN)
                .filter(|_| rng.chance(50))
                .map(|start| Interval {
                    start,
                    end: start + len * MIN,
                })
                .collect()
        })
        .collect();
    let children: [(i64, [i64; 4]); 3] = [(1, [0, 1, 2, 3]), (2, [2, 3, 4, 5]), (3, [0, 1, 4, 5])];
    let wanted = children
        .iter()
        .flat_map(|(student, teachers)| {
            teachers.iter().map(|&t| Wanted {
                student_id: *student,
                teacher_id: t,
                room: Some(if t < 2 {
                    "S".to_owned()
                } else {
                    format!("R{t}")
                }),
                options: slots[t as usize].clone(),
            })
        })
        .collect();
    let window = rng.chance(30).then_some(Interval {
        start: EVENING + 30 * MIN,
        end: EVENING + 110 * MIN,
    });
    Evening {
        wanted,
        window,
        existing: Vec::new(),
        buffer: 5 * MIN,
    }
}

#[test]
fn siblings_evenings_place_as_many_pairs_as_possible_in_the_shortest_span() {
    for case in 0..SIBLING_CASES {
        let e = siblings_evening(case);
        let plan = plan(&e.input());
        let got = check(case, &e, &plan);
        assert_eq!((got.0, got.1), count_and_span(&e), "case {case}\n{plan:?}");
    }
}
