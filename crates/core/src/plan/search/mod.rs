//! The exact search: depth-first branch and bound over chains of options in
//! time order, one stage per objective.
//!
//! 1. [`count`]: the most pairs, `K`.
//! 2. [`span`]: the shortest span with `K` pairs. Each option is tried as
//!    the first; every branch must then finish sooner than the best span
//!    allows, a deadline the bound enforces.
//! 3. [`changes`]: with `K` pairs and that span, the fewest room changes,
//!    then the earliest finish (with the span fixed, the earliest first
//!    start).
//!
//! Each stage starts from the previous stage's plan and accepts only
//! strictly better ones, so ties go to the first plan found, in an order
//! that depends only on the input.

mod changes;
mod count;
mod span;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::chains::{Chains, Horizon, Position, NONE};
use super::model::{Item, Model, Room};
use super::prices::{tighten, Goal, Prices, SCALE};

/// How often (in depth) a node computes the chains afresh rather than
/// reuse its parent's.
const REFRESH: usize = 12;

/// After this many nodes, a stage tunes prices at every node: tuning costs a
/// few computations per node, which a small search does not earn back but a
/// large one does many times over.
const HARD_STAGE: u64 = 400;

/// The chosen options (indexes into [`Model::items`]) of an optimal plan, in
/// time order, and the number of search nodes visited.
pub(super) fn solve(model: &Model) -> (Vec<u32>, u64) {
    let mut search = Search::new(model);
    search.most_pairs();
    if !search.best.path.is_empty() {
        search.stage_start = search.nodes;
        search.shortest_span();
        search.stage_start = search.nodes;
        search.fewest_changes();
    }
    (search.best.path, search.nodes)
}

/// The best plan so far and what it scores.
#[derive(Clone, Debug, Default)]
struct Best {
    path: Vec<u32>,
    span: i64,
    changes: u32,
    /// Its first start (fixed appointments included).
    first: i64,
}

/// An option that may come next, with the bound on the pairs a plan
/// continuing with it can still place.
#[derive(Clone, Copy, Debug)]
struct Child {
    bound: u32,
    item: u32,
}

struct Search<'m> {
    model: &'m Model,
    items: &'m [Item],
    chains: Chains,
    prices: Prices,
    /// Pairs not yet placed, per class.
    left: Vec<u32>,
    /// Scratch for the class weights.
    weight: Vec<i32>,
    /// The plan the prices' tuning last led to.
    found: Vec<u32>,
    /// The options placed so far, in time order.
    path: Vec<u32>,
    best: Best,
    /// `left` packed into one number (when it fits), for the memo.
    packed: Option<u128>,
    shift: Vec<u32>,
    /// Reached states: (pairs left, last room) → the earliest end seen.
    memo: HashMap<(u128, Room), i64, BuildHasherDefault<Fx>>,
    /// Stage 3's reached states: (pairs left, last room, fixed appointments
    /// passed, room changes) → the earliest end seen.
    walk_memo: HashMap<(u128, Room, u32, u32), i64, BuildHasherDefault<Fx>>,
    /// Reused child lists, one per depth.
    children: Vec<Vec<Child>>,
    first_fixed: Option<i64>,
    last_fixed: Option<i64>,
    nodes: u64,
    /// Counts the chain computations, so a node knows whether the chains
    /// its parent computed are still there.
    stamp: u64,
    /// The node count when the current stage began.
    stage_start: u64,
}

impl<'m> Search<'m> {
    fn new(model: &'m Model) -> Search<'m> {
        let left = model.capacities();
        let mut shift = Vec::with_capacity(left.len());
        let mut bits = 0u32;
        for &cap in &left {
            shift.push(bits);
            bits += u32::BITS - cap.leading_zeros();
        }
        let packed = (bits <= 128).then(|| {
            left.iter()
                .zip(&shift)
                .fold(0u128, |acc, (&l, &s)| acc | (u128::from(l) << s))
        });
        let class_room: Vec<Room> = model.classes.iter().map(|c| c.room).collect();
        Search {
            model,
            items: &model.items,
            chains: Chains::new(
                &model.items,
                &left,
                &class_room,
                model.buffer,
                model.room_count,
            ),
            prices: Prices::new(left.len()),
            weight: Vec::with_capacity(left.len()),
            found: Vec::new(),
            left,
            path: Vec::new(),
            best: Best::default(),
            packed,
            shift,
            memo: HashMap::default(),
            walk_memo: HashMap::default(),
            children: Vec::new(),
            first_fixed: model.fixed.iter().map(|f| f.start).min(),
            last_fixed: model.fixed.iter().map(|f| f.end).max(),
            nodes: 0,
            stamp: 0,
            stage_start: 0,
        }
    }

    fn after(&self, j: usize) -> Position {
        Position::after(self.items, j, self.model.buffer)
    }

    fn place(&mut self, j: usize) {
        let class = self.items[j].class as usize;
        self.left[class] -= 1;
        if let Some(packed) = &mut self.packed {
            *packed -= 1 << self.shift[class];
        }
        self.path.push(j as u32);
    }

    fn unplace(&mut self, j: usize) {
        let class = self.items[j].class as usize;
        self.left[class] += 1;
        if let Some(packed) = &mut self.packed {
            *packed += 1 << self.shift[class];
        }
        self.path.pop();
    }

    /// Whether a state with the same pairs left and last room, ending no
    /// later, was searched already: whatever can follow this one could
    /// follow that one too. Records this one otherwise.
    fn seen(&mut self, at: &Position) -> bool {
        let (Some(packed), Some(room)) = (self.packed, at.room) else {
            return false;
        };
        match self.memo.get_mut(&(packed, room)) {
            Some(end) if *end <= at.end => true,
            Some(end) => {
                *end = at.end;
                false
            }
            None => {
                self.memo.insert((packed, room), at.end);
                false
            }
        }
    }

    /// Computes the chains after `at` (ending as `horizon` says, room
    /// changes priced as the prices say) and returns the options that may
    /// come next and could still lead to `need` more pairs, best first. A
    /// room change to reach an option costs its price, and `allowed` room
    /// changes are paid back.
    ///
    /// A node `inherited` the chains its parent computed if no computation
    /// happened since (`Some(stamp)` of them): with fewer pairs left, the
    /// chains can only be shorter, so the parent's still bound its children
    /// and are reused between refreshes (they prune less, but cost nothing).
    #[allow(clippy::too_many_arguments)]
    fn children(
        &mut self,
        at: &Position,
        horizon: Horizon,
        allowed: u32,
        need: u32,
        depth: usize,
        inherited: Option<u64>,
    ) -> (Vec<Child>, Option<u64>) {
        let paid_back = self.prices.weights(&self.left, &mut self.weight);
        let change = self.prices.change;
        let reuse = inherited == Some(self.stamp) && depth % REFRESH != 0;
        if !reuse {
            self.chains.compute(
                self.items,
                &self.weight,
                &self.left,
                horizon,
                change,
                at.from,
                false,
            );
            self.stamp += 1;
        }
        let base = paid_back + i64::from(allowed) * i64::from(change);
        if self.children.len() <= depth {
            self.children.resize_with(depth + 1, Vec::new);
        }
        let mut children = std::mem::take(&mut self.children[depth]);
        children.clear();
        for j in self.chains.reach().start.max(at.from)..self.chains.reach().end {
            let item = &self.items[j];
            let value = self.chains.value(j);
            if value == NONE || self.left[item.class as usize] == 0 || !at.reaches(item) {
                continue;
            }
            let entry = if at.changes_room(item) { change } else { 0 };
            let bound = base + i64::from(value - entry);
            if bound >= i64::from(need) * i64::from(SCALE) {
                children.push(Child {
                    bound: (bound / i64::from(SCALE)) as u32,
                    item: j as u32,
                });
            }
        }
        let items = self.items;
        children.sort_by_key(|c| {
            (
                std::cmp::Reverse(c.bound),
                items[c.item as usize].end,
                c.item,
            )
        });
        (children, Some(self.stamp))
    }

    fn give_back(&mut self, children: Vec<Child>, depth: usize) {
        self.children[depth] = children;
    }

    /// Tunes the prices for the chain after `at`; false when the bound shows
    /// it cannot place `goal.target` more pairs. The plan the tuning led to
    /// is left in `found`.
    fn tune(&mut self, at: &Position, goal: &Goal) -> bool {
        self.stamp += 1;
        tighten(
            &mut self.chains,
            self.items,
            &mut self.prices,
            &self.left,
            at,
            goal,
            &mut self.weight,
            &mut self.found,
        )
    }

    /// The options that could begin a plan of `goal` pairs, by the bound.
    fn first_options(&mut self, goal: u32) -> Vec<u32> {
        let start = Position::start(self.model.buffer);
        // Counting pairs, room changes cost nothing.
        self.prices.change = 0;
        let (children, _) = self.children(&start, Horizon::by(i64::MAX), 0, goal, 0, None);
        let mut firsts: Vec<u32> = children.iter().map(|c| c.item).collect();
        self.give_back(children, 0);
        firsts.sort_unstable();
        firsts
    }

    /// The span and first start of a plan made of `path`.
    fn span_of(&self, path: &[u32]) -> (i64, i64) {
        let first_placed = self.items[path[0] as usize].start;
        let last_placed = path
            .iter()
            .map(|&j| self.items[j as usize].end)
            .max()
            .unwrap_or(i64::MIN);
        let first = self
            .first_fixed
            .map_or(first_placed, |f| f.min(first_placed));
        let last = self.last_fixed.map_or(last_placed, |f| f.max(last_placed));
        (last - first, first)
    }

    /// The first start of a plan whose first option is `item`.
    fn first_with(&self, item: &Item) -> i64 {
        self.first_fixed.map_or(item.start, |f| f.min(item.start))
    }

    /// The finish of a plan whose placed options end by `end`.
    fn finish_with(&self, end: i64) -> i64 {
        self.last_fixed.map_or(end, |f| f.max(end))
    }

    /// A first plan, quickly: repeatedly the option that ends first among
    /// those that may come next.
    fn greedy(&self) -> Vec<u32> {
        let mut left = self.left.clone();
        let mut path = Vec::new();
        let mut at = Position::start(self.model.buffer);
        loop {
            let next = (at.from..self.items.len())
                .filter(|&j| left[self.items[j].class as usize] > 0 && at.reaches(&self.items[j]))
                .min_by_key(|&j| (self.items[j].end, j));
            let Some(j) = next else {
                return path;
            };
            left[self.items[j].class as usize] -= 1;
            path.push(j as u32);
            at = self.after(j);
        }
    }

    /// `chain` (a real plan) with more pairs fitted into its gaps where they
    /// go: before each of its options, the option ending soonest that still
    /// leaves time to reach it.
    fn filled(&self, chain: &[u32]) -> Vec<u32> {
        let items = self.items;
        let mut left = self.model.capacities();
        for &j in chain {
            left[items[j as usize].class as usize] -= 1;
        }
        let mut out = Vec::with_capacity(chain.len());
        let mut at = Position::start(self.model.buffer);
        let mut rest = chain.iter().map(|&j| j as usize).peekable();
        loop {
            let next = rest.peek().map(|&j| &items[j]);
            let mut best: Option<usize> = None;
            for (j, item) in items.iter().enumerate().skip(at.from) {
                if next.is_some_and(|n| item.start >= n.start) {
                    break;
                }
                let fits = left[item.class as usize] > 0
                    && at.reaches(item)
                    && next.is_none_or(|n| {
                        let gap = if n.room == item.room {
                            0
                        } else {
                            self.model.buffer
                        };
                        item.end.saturating_add(gap) <= n.start
                    });
                if fits && best.is_none_or(|b| item.end < items[b].end) {
                    best = Some(j);
                }
            }
            let j = match best {
                Some(j) => {
                    left[items[j].class as usize] -= 1;
                    j
                }
                None => match rest.next() {
                    Some(j) => j,
                    None => return out,
                },
            };
            out.push(j as u32);
            at = self.after(j);
        }
    }
}

/// A small, fixed (unseeded) hash for the memo: deterministic in the
/// browser and natively alike.
#[derive(Default)]
struct Fx(u64);

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }
    fn write_u16(&mut self, n: u16) {
        self.add(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
