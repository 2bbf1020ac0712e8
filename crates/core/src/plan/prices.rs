//! The bound on what a plan can still place, from the chains of
//! [`super::chains`] and prices that stand in for the rules the chains
//! relax (a Lagrangian relaxation), and the tuning of those prices.
//!
//! A chain may take a class more often than the class has pairs. Charging
//! each class a price `λ` per use and paying it back for each pair it has
//! left keeps the bound valid for any prices in `[0, 1]`:
//!
//! `placed ≤ Σ_c λ_c · left_c + max over chains Σ_option (1 − λ_class)`
//!
//! (each `1 = (1 − λ) + λ`, and a real plan uses class `c` at most `left_c`
//! times). Prices near 1 count a class by its pairs, prices near 0 by the
//! time it takes. To bound room changes too, a chain pays `μ` per change and
//! is paid back `μ` per change the plan may still make:
//!
//! `placed ≤ Σ_c λ_c · left_c + μ · allowed + max over chains (Σ (1 − λ) − μ · changes)`.
//!
//! [`tighten`] looks for prices that make the bound small (subgradient
//! steps). Prices are fixed-point integers, so the bound is computed
//! exactly, whatever floating point chose them.

use super::chains::{Chains, Horizon, Position, NONE};
use super::model::Item;

/// A price of one pair, in fixed point.
pub(super) const SCALE: i32 = 1 << 10;

/// The most a room change may be priced at, in pairs.
const MAX_CHANGE_PRICE: i32 = 4 * SCALE;

/// Tuning stops once its steps have shrunk below this.
const MIN_STEP: f64 = 1.0 / 64.0;

/// Steps aim this far (half a pair) below the target, so they do not
/// vanish as the bound nears it.
const AIM: f64 = 0.5 * SCALE as f64;

/// The prices of the relaxed rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Prices {
    /// Per class, `λ`.
    pub class: Vec<i32>,
    /// Per room change, `μ`.
    pub change: i32,
}

impl Prices {
    pub fn new(classes: usize) -> Prices {
        Prices {
            class: vec![0; classes],
            change: 0,
        }
    }

    /// Fills each class's weight `1 − λ` (or [`NONE`] when it has no pair
    /// left) and returns `Σ λ · left`, both in fixed point.
    pub fn weights(&self, left: &[u32], weight: &mut Vec<i32>) -> i64 {
        weight.clear();
        let mut paid_back = 0i64;
        for (&l, &price) in left.iter().zip(&self.class) {
            if l == 0 {
                weight.push(NONE);
            } else {
                weight.push(SCALE - price);
                paid_back += i64::from(price) * i64::from(l);
            }
        }
        paid_back
    }
}

/// What [`tighten`] aims at.
#[derive(Clone, Copy, Debug)]
pub(super) struct Goal {
    /// When chains must end.
    pub horizon: Horizon,
    /// The number of more pairs to rule out.
    pub target: u32,
    pub rounds: u32,
    /// Whether to look for real plans on the way (see [`Chains::guided`]).
    pub find: bool,
    /// Whether a plan found on the way raises the target to one more pair
    /// than it places (when the caller adopts it and only wants better).
    pub beat_found: bool,
    /// The room changes a plan may still make, when they are bounded too.
    pub changes: Option<u32>,
}

/// Tunes `prices` for the chain continuing after `at` by at most
/// `goal.rounds` subgradient steps aimed at bringing the bound below
/// `goal.target` more pairs. Returns whether the best bound found still
/// reaches the target; `prices` are left at the best found, and `found`
/// holds the longest real plan met on the way (see [`Chains::guided`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn tighten(
    chains: &mut Chains,
    items: &[Item],
    prices: &mut Prices,
    left: &[u32],
    at: &Position,
    goal: &Goal,
    weight: &mut Vec<i32>,
    found: &mut Vec<u32>,
) -> bool {
    let mut target = i64::from(goal.target) * i64::from(SCALE);
    let mut best = prices.clone();
    let mut best_bound = i64::MAX;
    let mut step = 1.0f64;
    let mut stalled = 0;
    let mut used = vec![0u32; left.len()];
    let mut plan = Vec::new();
    found.clear();
    if goal.changes.is_none() {
        prices.change = 0;
    }
    for _ in 0..goal.rounds {
        let paid_back = prices.weights(left, weight);
        chains.compute(
            items,
            weight,
            left,
            goal.horizon,
            prices.change,
            at.from,
            true,
        );
        let allowed = i64::from(goal.changes.unwrap_or(0)) * i64::from(prices.change);
        let Some(start) = chains.best_start(items, at, prices.change) else {
            // Nothing can follow: no more pairs.
            best_bound = i64::MIN;
            best.clone_from(prices);
            break;
        };
        let entry = if at.changes_room(&items[start]) {
            prices.change
        } else {
            0
        };
        let bound = paid_back + allowed + i64::from((chains.value(start) - entry).max(0));
        if bound < best_bound {
            best_bound = bound;
            best.clone_from(prices);
            stalled = 0;
        } else {
            stalled += 1;
            if stalled >= 3 {
                step *= 0.5;
                stalled = 0;
                if step < MIN_STEP {
                    break;
                }
            }
        }
        if best_bound < target {
            break;
        }

        if goal.find {
            chains.guided(items, at, left, &mut plan);
        }
        if plan.len() > found.len() {
            std::mem::swap(&mut plan, found);
            if goal.beat_found {
                target = target.max((found.len() as i64 + 1) * i64::from(SCALE));
                if best_bound < target {
                    break;
                }
            }
        }

        // The subgradient: how far the best chain oversteps each rule.
        used.fill(0);
        let mut changes = i64::from(at.changes_room(&items[start]));
        let mut room = items[start].room;
        chains.walk(start, |j| {
            used[items[j].class as usize] += 1;
            if items[j].room != room {
                changes += 1;
                room = items[j].room;
            }
        });
        let mut norm = 0i64;
        for (&u, &l) in used.iter().zip(left) {
            if l > 0 {
                let g = i64::from(u) - i64::from(l);
                norm += g * g;
            }
        }
        let change_excess = goal.changes.map(|allowed| changes - i64::from(allowed));
        if let Some(g) = change_excess {
            norm += g * g;
        }
        if norm == 0 {
            // The chain keeps every rule: its count is a real plan's, and
            // the bound cannot be lowered.
            break;
        }
        let scale = step * ((bound - target) as f64 + AIM) / norm as f64;
        for ((price, &u), &l) in prices.class.iter_mut().zip(&used).zip(left) {
            if l > 0 {
                let g = f64::from(u) - f64::from(l);
                *price = ((f64::from(*price) + scale * g).round() as i32).clamp(0, SCALE);
            }
        }
        if let Some(g) = change_excess {
            let moved = f64::from(prices.change) + scale * g as f64;
            prices.change = (moved.round() as i32).clamp(0, MAX_CHANGE_PRICE);
        }
    }
    prices.clone_from(&best);
    best_bound >= target
}
