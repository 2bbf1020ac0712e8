//! Stage 3: with that many pairs and that span, the fewest room changes,
//! then the earliest finish.

use super::{Goal, Horizon, Item, Position, Room, Search, HARD_STAGE};

/// Rounds of price tuning for each first option, and for every node once
/// the stage has proved hard (see [`HARD_STAGE`]).
const FIRST_ROUNDS: u32 = 3;
const NODE_ROUNDS: u32 = 3;

/// Where the itinerary stands once the fixed appointments before the next
/// option are counted in: the last room and the room changes so far.
#[derive(Clone, Copy, Debug)]
struct Walk {
    /// How many fixed appointments are behind.
    passed: usize,
    room: Option<Room>,
    changes: u32,
}

impl Walk {
    const START: Walk = Walk {
        passed: 0,
        room: None,
        changes: 0,
    };

    /// The walk on into an appointment in `room`.
    fn enter(self, room: Room) -> Walk {
        let changed = self.room.is_some_and(|r| r != room);
        Walk {
            room: Some(room),
            changes: self.changes + u32::from(changed),
            ..self
        }
    }
}

impl Search<'_> {
    pub(super) fn fewest_changes(&mut self) {
        let goal = self.best.path.len() as u32;
        self.best.changes = self.changes_of(&self.best.path);
        let span = self.best.span;
        let mut memo_first = None;
        for j in self.first_options(goal) {
            let j = j as usize;
            let item = self.items[j];
            let first = self.first_with(&item);
            if self.finish_with(item.end) - first > span {
                continue;
            }
            let walk = self.walk_to(Walk::START, Some(&item)).enter(item.room);
            if memo_first != Some(first) {
                self.walk_memo.clear();
                memo_first = Some(first);
            }
            self.place(j);
            let at = self.after(j);
            self.change_node(at, walk, first, 1, goal, None);
            self.unplace(j);
        }
    }

    /// The most room changes a plan starting at `first` may make and still
    /// be better than the best: fewer changes, or as many and an earlier
    /// finish (with the span fixed, an earlier first start).
    fn changes_allowed(&self, first: i64) -> Option<u32> {
        if first < self.best.first {
            Some(self.best.changes)
        } else {
            self.best.changes.checked_sub(1)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn change_node(
        &mut self,
        at: Position,
        walk: Walk,
        first: i64,
        depth: usize,
        goal: u32,
        inherited: Option<u64>,
    ) {
        self.nodes += 1;
        let count = self.path.len() as u32;
        let Some(allowed) = self.changes_allowed(first) else {
            return;
        };
        if count == goal {
            let changes = self.walk_to(walk, None).changes;
            if changes <= allowed {
                self.best.path.clone_from(&self.path);
                self.best.changes = changes;
                self.best.first = first;
            }
            return;
        }
        let need = goal - count;
        if walk.changes + self.changes_still_needed(&walk, need) > allowed {
            return;
        }
        if self.seen_walk(&at, &walk) {
            return;
        }
        let budget = allowed - walk.changes;
        // The span is the shortest: the plan ends exactly at its end, and
        // the last option placed ends there unless a fixed one ends later.
        let deadline = first + self.best.span;
        let horizon = Horizon {
            deadline,
            last_end: if self.finish_with(i64::MIN) < deadline {
                deadline
            } else {
                i64::MIN
            },
        };
        let mut inherited = inherited;
        if depth == 1 || self.nodes - self.stage_start > HARD_STAGE {
            inherited = None;
            let goal = Goal {
                horizon,
                target: need,
                rounds: if depth == 1 {
                    FIRST_ROUNDS
                } else {
                    NODE_ROUNDS
                },
                find: false,
                beat_found: false,
                changes: Some(budget),
            };
            let alive = self.tune(&at, &goal);
            self.found.clear();
            if !alive {
                return;
            }
        }
        let (children, stamp) = self.children(&at, horizon, budget, need, depth, inherited);
        for child in &children {
            let j = child.item as usize;
            let item = self.items[j];
            let next_walk = self.walk_to(walk, Some(&item)).enter(item.room);
            if self
                .changes_allowed(first)
                .is_none_or(|a| next_walk.changes > a)
            {
                continue;
            }
            self.place(j);
            let next = self.after(j);
            self.change_node(next, next_walk, first, depth + 1, goal, stamp);
            self.unplace(j);
        }
        self.give_back(children, depth);
    }

    /// Whether a state with the same pairs left, last room and fixed
    /// appointments passed, ending no later and with no more room changes,
    /// was searched already (for the same first start). Records this one
    /// otherwise.
    fn seen_walk(&mut self, at: &Position, walk: &Walk) -> bool {
        let (Some(packed), Some(room)) = (self.packed, at.room) else {
            return false;
        };
        let key = |changes: u32| (packed, room, walk.passed as u32, changes);
        if (0..=walk.changes).any(|c| {
            self.walk_memo
                .get(&key(c))
                .is_some_and(|&end| end <= at.end)
        }) {
            return true;
        }
        let end = self.walk_memo.entry(key(walk.changes)).or_insert(i64::MAX);
        *end = (*end).min(at.end);
        false
    }

    /// The itinerary walked on to just before `item` (or to its end, for
    /// `None`), counting the fixed appointments passed on the way.
    fn walk_to(&self, mut walk: Walk, item: Option<&Item>) -> Walk {
        let fixed = &self.model.fixed;
        while let Some(f) = fixed.get(walk.passed) {
            if item.is_some_and(|i| (f.start, f.end) > (i.start, i.end)) {
                break;
            }
            walk = walk.enter(f.room);
            walk.passed += 1;
        }
        walk
    }

    /// The room changes of the itinerary with the options `path`.
    fn changes_of(&self, path: &[u32]) -> u32 {
        let mut walk = Walk::START;
        for &j in path {
            let item = &self.items[j as usize];
            walk = self.walk_to(walk, Some(item)).enter(item.room);
        }
        self.walk_to(walk, None).changes
    }

    /// A lower bound on the room changes still to come: each fixed
    /// appointment's room not yet in use must be entered, and so must enough
    /// rooms to hold `need` more pairs.
    fn changes_still_needed(&self, walk: &Walk, need: u32) -> u32 {
        let rooms = self.model.room_count;
        let mut entered = vec![false; rooms];
        let mut changes = 0;
        if let Some(room) = walk.room {
            entered[room as usize] = true;
        }
        for f in &self.model.fixed[walk.passed..] {
            if !entered[f.room as usize] {
                entered[f.room as usize] = true;
                changes += 1;
            }
        }
        let mut room_left = vec![0u32; rooms];
        for (class, &left) in self.model.classes.iter().zip(&self.left) {
            room_left[class.room as usize] += left;
        }
        let mut held: u32 = (0..rooms)
            .filter(|&r| entered[r])
            .map(|r| room_left[r])
            .sum();
        if held >= need {
            return changes;
        }
        let mut others: Vec<u32> = (0..rooms)
            .filter(|&r| !entered[r])
            .map(|r| room_left[r])
            .collect();
        others.sort_unstable_by(|a, b| b.cmp(a));
        for more in others {
            held += more;
            changes += 1;
            if held >= need {
                break;
            }
        }
        changes
    }
}
