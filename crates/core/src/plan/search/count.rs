//! Stage 1: the most pairs that fit.

use super::{Goal, Horizon, Position, Search};

/// Rounds of price tuning at the start of the search, and at each node.
const ROOT_ROUNDS: u32 = 100;
const NODE_ROUNDS: u32 = 10;

impl Search<'_> {
    pub(super) fn most_pairs(&mut self) {
        let total: u32 = self.left.iter().sum();
        if total == 0 {
            return;
        }
        self.best.path = self.filled(&self.greedy());
        if self.best.path.len() as u32 == total {
            return;
        }
        let start = Position::start(self.model.buffer);
        let goal = Goal {
            horizon: Horizon::by(i64::MAX),
            target: self.best.path.len() as u32 + 1,
            rounds: ROOT_ROUNDS,
            find: true,
            beat_found: true,
            changes: None,
        };
        let alive = self.tune(&start, &goal);
        self.take_found();
        if alive {
            self.count_node(start, 0, total, None);
        }
        self.memo.clear();
    }

    /// Takes the plan found while tuning prices (filled where it has room)
    /// as the best plan if it places more pairs.
    fn take_found(&mut self) {
        if !self.found.is_empty() {
            let mut chain = self.path.clone();
            chain.extend_from_slice(&self.found);
            let chain = self.filled(&chain);
            if chain.len() > self.best.path.len() {
                self.best.path = chain;
            }
        }
        self.found.clear();
    }

    fn count_node(&mut self, at: Position, depth: usize, total: u32, inherited: Option<u64>) {
        self.nodes += 1;
        let count = self.path.len() as u32;
        if count > self.best.path.len() as u32 {
            self.best.path.clone_from(&self.path);
        }
        if count == total || self.seen(&at) {
            return;
        }
        let record = self.best.path.len() as u32;
        // The root's prices did not rule out one more pair: the gap is
        // closed by branching, and prices tuned to each branch close it
        // far sooner than the root's.
        let mut inherited = inherited;
        if depth >= 1 {
            let goal = Goal {
                horizon: Horizon::by(i64::MAX),
                target: record + 1 - count,
                rounds: NODE_ROUNDS,
                find: true,
                beat_found: true,
                changes: None,
            };
            let alive = self.tune(&at, &goal);
            self.take_found();
            inherited = None;
            if !alive || self.best.path.len() as u32 == total {
                return;
            }
        }
        let record = self.best.path.len() as u32;
        let (children, stamp) = self.children(
            &at,
            Horizon::by(i64::MAX),
            0,
            record + 1 - count,
            depth,
            inherited,
        );
        for child in &children {
            if count + child.bound <= self.best.path.len() as u32 {
                continue;
            }
            let j = child.item as usize;
            self.place(j);
            let next = self.after(j);
            self.count_node(next, depth + 1, total, stamp);
            self.unplace(j);
            if self.best.path.len() as u32 == total {
                break;
            }
        }
        self.give_back(children, depth);
    }
}
