//! Table cases for [`plan`], and a check against trying every assignment
//! on small evenings crowded into few rooms, run with the chain bound's
//! visit tracking cut short (see `chains.rs`), so its coarse modes are
//! checked too.

use super::*;

const MIN: i64 = 60;

fn at(minutes: i64) -> i64 {
    1_773_331_200 + minutes * MIN
}

fn slot(start_min: i64, len_min: i64) -> Interval {
    Interval {
        start: at(start_min),
        end: at(start_min + len_min),
    }
}

fn wanted(teacher: i64, room: &str, options: &[Interval]) -> Wanted {
    Wanted {
        student_id: 1,
        teacher_id: teacher,
        room: Some(room.to_owned()),
        options: options.to_vec(),
    }
}

fn booked(room: &str, span: Interval) -> FamilyAppointment {
    FamilyAppointment {
        booking_id: 1,
        teacher_id: 99,
        student_id: 1,
        span,
        room: Some(room.to_owned()),
    }
}

fn input<'a>(
    wanted: &'a [Wanted],
    existing: &'a [FamilyAppointment],
    window: Option<Interval>,
) -> PlanInput<'a> {
    PlanInput {
        wanted,
        window,
        existing,
        travel_buffer_secs: 5 * MIN,
    }
}

fn placed(plan: &Plan) -> Vec<(usize, Interval)> {
    plan.placed.iter().map(|p| (p.wanted, p.slot)).collect()
}

#[test]
fn nothing_wanted_gives_an_empty_plan() {
    let plan = plan(&input(&[], &[], None));
    assert_eq!(
        plan,
        Plan {
            placed: vec![],
            unplaced: vec![],
            span_secs: 0,
            room_changes: 0,
            finish: None,
        }
    );
}

#[test]
fn nothing_wanted_still_measures_the_existing_appointments() {
    let existing = [booked("A", slot(0, 10)), booked("B", slot(30, 10))];
    let plan = plan(&input(&[], &existing, None));
    assert_eq!(plan.span_secs, 40 * MIN);
    assert_eq!(plan.room_changes, 1);
    assert_eq!(plan.finish, Some(at(40)));
}

#[test]
fn one_pair_takes_its_earliest_slot() {
    let wanted = [wanted(1, "A", &[slot(40, 10), slot(0, 10), slot(20, 10)])];
    let plan = plan(&input(&wanted, &[], None));
    assert_eq!(placed(&plan), vec![(0, slot(0, 10))]);
    assert_eq!((plan.span_secs, plan.finish), (10 * MIN, Some(at(10))));
}

#[test]
fn a_window_that_excludes_every_option_places_nothing() {
    let wanted = [wanted(1, "A", &[slot(0, 10), slot(20, 10)])];
    let window = Some(slot(5, 20));
    let plan = plan(&input(&wanted, &[], window));
    assert!(plan.placed.is_empty());
    assert_eq!(plan.unplaced, vec![0]);
}

#[test]
fn an_option_straddling_the_window_edge_is_not_used() {
    let wanted = [wanted(1, "A", &[slot(0, 10), slot(10, 10)])];
    let plan = plan(&input(&wanted, &[], Some(slot(5, 15))));
    assert_eq!(placed(&plan), vec![(0, slot(10, 10))]);
}

#[test]
fn an_existing_appointment_in_another_room_forces_the_buffer() {
    // Straight after the existing one is too close to walk from B to A.
    let wanted = [wanted(1, "A", &[slot(10, 10), slot(20, 10)])];
    let existing = [booked("B", slot(0, 10))];
    let plan = plan(&input(&wanted, &existing, None));
    assert_eq!(placed(&plan), vec![(0, slot(20, 10))]);
    assert_eq!(plan.span_secs, 30 * MIN);
    assert_eq!(plan.room_changes, 1);
}

#[test]
fn in_the_same_room_no_buffer_is_needed() {
    let wanted = [wanted(1, "B", &[slot(10, 10), slot(20, 10)])];
    let existing = [booked("B", slot(0, 10))];
    let plan = plan(&input(&wanted, &existing, None));
    assert_eq!(placed(&plan), vec![(0, slot(10, 10))]);
    assert_eq!(plan.room_changes, 0);
}

#[test]
fn existing_appointments_count_even_outside_the_window() {
    let wanted = [wanted(1, "A", &[slot(60, 10)])];
    let existing = [booked("A", slot(0, 10))];
    let plan = plan(&input(&wanted, &existing, Some(slot(30, 60))));
    assert_eq!(plan.span_secs, 70 * MIN);
}

#[test]
fn siblings_seeing_the_same_teacher_take_different_slots() {
    let options = [slot(0, 10), slot(10, 10)];
    let mut sibling = wanted(1, "A", &options);
    sibling.student_id = 2;
    let wanted = [wanted(1, "A", &options), sibling];
    let plan = plan(&input(&wanted, &[], None));
    // The lower index takes the earlier slot.
    assert_eq!(placed(&plan), vec![(0, slot(0, 10)), (1, slot(10, 10))]);
    assert!(plan.unplaced.is_empty());
}

#[test]
fn a_pair_that_cannot_fit_is_unplaced() {
    // Both teachers only at the same time: one of them must go.
    let wanted = [
        wanted(1, "A", &[slot(0, 10)]),
        wanted(2, "B", &[slot(5, 10)]),
        wanted(3, "C", &[]),
    ];
    let plan = plan(&input(&wanted, &[], None));
    assert_eq!(plan.placed.len(), 1);
    assert_eq!(plan.unplaced.len(), 2);
    assert!(plan.unplaced.contains(&2));
}

#[test]
fn the_most_pairs_come_before_a_short_span() {
    // Two pairs fit only far apart; one alone would be shorter.
    let wanted = [
        wanted(1, "A", &[slot(0, 10)]),
        wanted(2, "A", &[slot(0, 10), slot(100, 10)]),
    ];
    let plan = plan(&input(&wanted, &[], None));
    assert_eq!(plan.placed.len(), 2);
    assert_eq!(plan.span_secs, 110 * MIN);
}

#[test]
fn fewer_room_changes_break_a_tie_on_span() {
    // A at 0, then B or A' at 20: the same span, staying in A changes nothing.
    let wanted = [
        wanted(1, "A", &[slot(0, 10)]),
        wanted(2, "B", &[slot(20, 10), slot(40, 10)]),
        wanted(3, "A", &[slot(20, 10), slot(40, 10)]),
    ];
    let plan = plan(&input(&wanted, &[], None));
    assert_eq!(
        placed(&plan),
        vec![(0, slot(0, 10)), (2, slot(20, 10)), (1, slot(40, 10))]
    );
    assert_eq!(plan.room_changes, 1);
}

#[test]
fn plans_serialise_and_read_back() {
    let wanted = [wanted(1, "A", &[slot(0, 10)])];
    let plan = plan(&input(&wanted, &[], None));
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
}

/// A fixed-seed generator for the crowded evenings.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: u64) -> i64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % n) as i64
    }
}

/// Up to 7 pairs in one or two rooms, often siblings with the same options:
/// visits of more pairs than the tests' tracking tells apart.
fn crowded(seed: u64) -> (Vec<Wanted>, Vec<FamilyAppointment>) {
    let mut rng = SplitMix(seed);
    let mut wanted_pairs: Vec<Wanted> = Vec::new();
    for i in 0..rng.below(8) {
        if i > 0 && rng.below(3) == 0 {
            let sibling = wanted_pairs[rng.below(i as u64) as usize].clone();
            wanted_pairs.push(sibling);
            continue;
        }
        let room = if rng.below(3) == 0 { "B" } else { "A" };
        let options: Vec<Interval> = (0..rng.below(4))
            .map(|_| slot(rng.below(16) * 5, 5 + rng.below(2) * 5))
            .collect();
        wanted_pairs.push(wanted(i, room, &options));
    }
    let existing = (0..rng.below(2))
        .map(|_| booked("B", slot(rng.below(16) * 5, 5)))
        .collect();
    (wanted_pairs, existing)
}

type Score = (usize, i64, u32, Option<i64>);

/// The best (pairs, span, changes, finish) over every assignment.
fn best_by_trying_all(input: &PlanInput<'_>) -> Score {
    fn go(input: &PlanInput<'_>, pair: usize, chosen: &mut Vec<Placed>, best: &mut Score) {
        if pair == input.wanted.len() {
            let i = Itinerary::of(input, chosen);
            let score = (chosen.len(), i.span_secs, i.room_changes, i.finish);
            let key = |s: &Score| (std::cmp::Reverse(s.0), s.1, s.2, s.3);
            if key(&score) < key(best) {
                *best = score;
            }
            return;
        }
        go(input, pair + 1, chosen, best);
        let room = input.wanted[pair].room.as_deref();
        for &option in &input.wanted[pair].options {
            let others: Vec<FamilyAppointment> = chosen
                .iter()
                .map(|p| FamilyAppointment {
                    span: p.slot,
                    room: input.wanted[p.wanted].room.clone(),
                    ..input
                        .existing
                        .first()
                        .cloned()
                        .unwrap_or(booked("A", option))
                })
                .chain(input.existing.iter().cloned())
                .collect();
            let clear = crate::rules::family_conflict(
                &option,
                room,
                &others,
                input.travel_buffer_secs,
                None,
            )
            .is_none();
            if clear && input.window.is_none_or(|w| w.contains(&option)) {
                chosen.push(Placed {
                    wanted: pair,
                    slot: option,
                });
                go(input, pair + 1, chosen, best);
                chosen.pop();
            }
        }
    }
    let mut best = (0, i64::MAX, u32::MAX, None);
    go(input, 0, &mut Vec::new(), &mut best);
    best
}

#[test]
fn crowded_rooms_plan_as_well_as_trying_every_assignment() {
    for seed in 0..400 {
        let (wanted, existing) = crowded(seed);
        let input = input(&wanted, &existing, None);
        let plan = plan(&input);
        let got = (
            plan.placed.len(),
            plan.span_secs,
            plan.room_changes,
            plan.finish,
        );
        assert_eq!(got, best_by_trying_all(&input), "seed {seed}: {plan:?}");
    }
}
