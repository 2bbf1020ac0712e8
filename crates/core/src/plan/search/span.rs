//! Stage 2: the shortest span with as many pairs as stage 1 placed.

use super::{Goal, Horizon, Position, Search, HARD_STAGE};

/// Rounds of price tuning for each first option, and for every node once
/// the stage has proved hard (see [`HARD_STAGE`]).
const FIRST_ROUNDS: u32 = 6;
const NODE_ROUNDS: u32 = 3;

impl Search<'_> {
    pub(super) fn shortest_span(&mut self) {
        let goal = self.best.path.len() as u32;
        (self.best.span, self.best.first) = self.span_of(&self.best.path);
        let mut memo_first = None;
        for j in self.first_options(goal) {
            let j = j as usize;
            let item = self.items[j];
            let first = self.first_with(&item);
            if self.finish_with(item.end) - first >= self.best.span {
                continue;
            }
            // The memo compares states with the same first start only.
            if memo_first != Some(first) {
                self.memo.clear();
                memo_first = Some(first);
            }
            self.place(j);
            let at = self.after(j);
            self.span_node(at, first, 1, goal, None);
            self.unplace(j);
        }
        self.memo.clear();
    }

    fn span_node(
        &mut self,
        at: Position,
        first: i64,
        depth: usize,
        goal: u32,
        inherited: Option<u64>,
    ) {
        self.nodes += 1;
        let count = self.path.len() as u32;
        let finish = self.finish_with(at.end);
        if finish - first >= self.best.span {
            return;
        }
        if count == goal {
            self.best.path.clone_from(&self.path);
            self.best.span = finish - first;
            self.best.first = first;
            return;
        }
        if self.seen(&at) {
            return;
        }
        let need = goal - count;
        let mut inherited = inherited;
        if depth == 1 || self.nodes - self.stage_start > HARD_STAGE {
            inherited = None;
            let goal = Goal {
                horizon: Horizon::by(first + self.best.span - 1),
                target: need,
                rounds: if depth == 1 {
                    FIRST_ROUNDS
                } else {
                    NODE_ROUNDS
                },
                find: true,
                beat_found: false,
                changes: None,
            };
            let alive = self.tune(&at, &goal);
            self.adopt_shorter(first, need);
            if !alive || finish - first >= self.best.span {
                return;
            }
        }
        let horizon = Horizon::by(first + self.best.span - 1);
        let before = self.stamp;
        let (children, stamp) = self.children(&at, horizon, 0, need, depth, inherited);
        // Chains just computed for this deadline can lead to a plan (reused
        // ones may reach past it).
        if !children.is_empty() && self.stamp != before {
            self.chains
                .guided(self.items, &at, &self.left, &mut self.found);
            self.adopt_shorter(first, need);
        }
        for child in &children {
            let j = child.item as usize;
            if self.items[j].end - first >= self.best.span {
                continue;
            }
            self.place(j);
            let next = self.after(j);
            self.span_node(next, first, depth + 1, goal, stamp);
            self.unplace(j);
        }
        self.give_back(children, depth);
    }

    /// Adopts the plan the bound's chains led to (in `found`) if it places
    /// the `need` pairs still wanted: it ends by the deadline, so its span
    /// is shorter.
    fn adopt_shorter(&mut self, first: i64, need: u32) {
        if self.found.len() as u32 == need {
            let mut plan = self.path.clone();
            plan.extend_from_slice(&self.found);
            let (span, _) = self.span_of(&plan);
            if span < self.best.span {
                self.best.path = plan;
                self.best.span = span;
                self.best.first = first;
            }
        }
        self.found.clear();
    }
}
