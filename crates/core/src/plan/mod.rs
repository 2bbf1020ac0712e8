//! "Plan my evening": the family picks the (child, teacher) pairs they want
//! to see and when they can come; [`plan`] proposes the itinerary.
//!
//! A plan is *feasible* when every two appointments in it (the ones it
//! places and the family's existing ones) keep the family rule of
//! [`crate::rules::family_conflict`]: no overlap, and at least the travel
//! buffer between appointments in different rooms. Among feasible plans it
//! returns an *optimal* one, comparing, in order:
//!
//! 1. the most pairs placed;
//! 2. the shortest span, first start to last end, existing appointments
//!    included;
//! 3. the fewest room changes between consecutive appointments;
//! 4. the earliest finish;
//! 5. a fixed choice: the same input always gives the same plan.
//!
//! # How
//!
//! Options that clash with an existing appointment (or leave the window)
//! are dropped first (`model.rs`); after that the placed appointments only
//! need checking against each other, and only consecutively: in time order,
//! if each appointment keeps the rule with the next one, every two do (gaps
//! only grow along the chain, and two appointments in different rooms have
//! a room change, so a buffer, somewhere between them). Pairs with the same
//! room and the same options (siblings seeing the same teacher) form one
//! class that is counted, not told apart, so no permutation of them is ever
//! tried; the lowest-indexed pair takes the earliest slot.
//!
//! The search (`search/`) builds the chain in time order, depth first, one
//! stage per objective: the most pairs, then the shortest span with that
//! many (each option tried as the first, every branch held to finish sooner
//! than the best so far), then the fewest room changes with that span. It
//! prunes with an upper bound on the pairs a chain can still place
//! (`chains.rs`, `prices.rs`): the longest chain of options that keeps the
//! travel buffer and never visits a room for more appointments than its
//! teachers have pairs left, with each class's overall limit relaxed into a
//! price tuned by subgradient steps (a Lagrangian relaxation, computed in
//! fixed point so the bound is exact); room changes can be priced too, to
//! bound them in the last stage. The same chains lead to good plans early.
//! States that repeat one already searched (the same pairs left, the same
//! room, ending no earlier) are skipped.
//!
//! # Cost
//!
//! Pure computation: no threads, clocks or randomness, and its allocations
//! are a few buffers per call. Natively, on the instances in [`examples`]
//! (run `cargo run --profile server -p confero-core --example plan_bench`):
//! 10 teachers × 40 slots in about 0.2–0.4 ms, 3 children × 12 teachers in
//! about 1.5–2.5 ms with the whole evening open and 0.1–0.2 ms with a
//! two-hour window. The problem is NP-hard in general (it contains interval
//! scheduling with travel times), so some evenings take longer: the hard
//! case is many pairs that cannot all fit, packed into an evening they fill
//! to the minute, where proving that no plan needs fewer room changes is
//! most of the work. Over 100 other seeds of the 3 × 12 whole-evening shape
//! (`plan_bench -- sweep`) the median was about 4 ms, the 90th percentile
//! about 17 ms and the worst about 45 ms; the other two shapes stayed under
//! 1 ms. Past 128 pairs (the UI caps them at 64) the memo of searched
//! states is off, which is still exact but slower.

mod chains;
#[doc(hidden)]
pub mod examples;
mod model;
mod prices;
mod search;

use serde::{Deserialize, Serialize};

use crate::rules::FamilyAppointment;
use crate::time::Interval;

use model::Model;

/// One (child, teacher) pair the family wants to see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wanted {
    pub student_id: i64,
    pub teacher_id: i64,
    /// The teacher's room this evening (`None`: no room given; two `None`s
    /// count as the same room).
    pub room: Option<String>,
    /// The teacher's slots that are free and bookable for this child. The
    /// caller leaves out slots already taken or blocked.
    pub options: Vec<Interval>,
}

/// What the family asks to plan.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    pub wanted: &'a [Wanted],
    /// When the family can attend: only options wholly inside it are used.
    /// `None`: any time.
    pub window: Option<Interval>,
    /// The family's appointments already booked this evening: always part of
    /// the itinerary, never moved, whatever the window.
    pub existing: &'a [FamilyAppointment],
    pub travel_buffer_secs: i64,
}

/// A wanted pair given a slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    /// The pair's index in [`PlanInput::wanted`].
    pub wanted: usize,
    pub slot: Interval,
}

/// The proposed itinerary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The pairs given a slot, in time order.
    pub placed: Vec<Placed>,
    /// Indexes of the wanted pairs that could not fit, ascending.
    pub unplaced: Vec<usize>,
    /// First start to last end over the existing and placed appointments,
    /// seconds (0 when there are none).
    pub span_secs: i64,
    /// In the time-ordered itinerary (existing and placed), how many
    /// consecutive appointments are in different rooms.
    pub room_changes: u32,
    /// The last end over the existing and placed appointments.
    pub finish: Option<i64>,
}

/// The optimal plan for `input` (see the module documentation for what
/// optimal means).
pub fn plan(input: &PlanInput<'_>) -> Plan {
    plan_counting_nodes(input).0
}

/// [`plan`], and how many search nodes it visited (for the benchmark).
#[doc(hidden)]
pub fn plan_counting_nodes(input: &PlanInput<'_>) -> (Plan, u64) {
    let model = Model::new(input);
    let (chosen, nodes) = search::solve(&model);

    // Pairs of a class take its chosen slots in order: lowest index first.
    let mut taken = vec![0usize; model.classes.len()];
    let mut placed: Vec<Placed> = chosen
        .iter()
        .map(|&j| {
            let item = model.items[j as usize];
            let class = &model.classes[item.class as usize];
            let wanted = class.pairs[taken[item.class as usize]];
            taken[item.class as usize] += 1;
            Placed {
                wanted,
                slot: Interval {
                    start: item.start,
                    end: item.end,
                },
            }
        })
        .collect();
    placed.sort_by_key(|p| (p.slot, p.wanted));

    let mut is_placed = vec![false; input.wanted.len()];
    for p in &placed {
        is_placed[p.wanted] = true;
    }
    let unplaced = (0..input.wanted.len()).filter(|&i| !is_placed[i]).collect();

    let itinerary = Itinerary::of(input, &placed);
    let plan = Plan {
        placed,
        unplaced,
        span_secs: itinerary.span_secs,
        room_changes: itinerary.room_changes,
        finish: itinerary.finish,
    };
    (plan, nodes)
}

/// The measures of an itinerary: existing and placed appointments together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Itinerary {
    span_secs: i64,
    room_changes: u32,
    finish: Option<i64>,
}

impl Itinerary {
    /// Orders the appointments by start, then end (existing first on a tie),
    /// and measures them.
    fn of(input: &PlanInput<'_>, placed: &[Placed]) -> Itinerary {
        let mut all: Vec<(i64, i64, bool, Option<&str>)> = input
            .existing
            .iter()
            .map(|a| (a.span.start, a.span.end, false, a.room.as_deref()))
            .chain(placed.iter().map(|p| {
                let room = input.wanted[p.wanted].room.as_deref();
                (p.slot.start, p.slot.end, true, room)
            }))
            .collect();
        // Stable: existing appointments with the same times keep input order.
        all.sort_by_key(|&(start, end, is_placed, _)| (start, end, is_placed));
        let first = all.iter().map(|a| a.0).min();
        let finish = all.iter().map(|a| a.1).max();
        Itinerary {
            span_secs: first.zip(finish).map_or(0, |(f, l)| l - f),
            room_changes: all.windows(2).filter(|w| w[0].3 != w[1].3).count() as u32,
            finish,
        }
    }
}

#[cfg(test)]
mod tests;
