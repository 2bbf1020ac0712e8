//! The longest chain of options, as an upper bound on what a plan can still
//! place: a dynamic programme over the options in time order.
//!
//! A chain here is a sequence of options each of which may follow the one
//! before (at or after its end, and the travel buffer later if the room
//! changes), weighted per option by its class ([`super::prices`] sets the
//! weights). It keeps some rules of real plans and relaxes the rest:
//!
//! - kept: time order, the travel buffer, and that a *visit* to a room (the
//!   appointments in a row there) uses each class at most as many times as
//!   it has pairs left: exactly for rooms with few classes, otherwise by
//!   counting the visit's appointments against the room's pairs left (at
//!   most [`TRACKED_VISIT`] told apart). Without this a chain could stay in
//!   one room all evening and never pay the buffer;
//! - relaxed: how often a class is used over the whole chain (the prices
//!   stand in for that).
//!
//! A room change can also be charged a cost, for bounding room changes.

use super::model::{Item, Room};

/// No chain: the option is unusable (its class is used up, or it ends too late).
pub(super) const NONE: i32 = i32::MIN / 4;

const STOP: u32 = u32::MAX;

/// Visits longer than this are not told apart (a weaker but still valid
/// bound, and a bounded table). Small in tests, so small evenings reach it.
const TRACKED_VISIT: u32 = if cfg!(test) { 2 } else { 8 };

/// A room with several classes has its visits tracked class by class when
/// that takes at most this many states (fewer in tests, as above).
const EXACT_STATES: u32 = if cfg!(test) { 4 } else { 16 };

/// The most visit states a room's tables hold.
const MAX_STATES: usize = 16;

/// No such visit state.
const NO_MOVE: u8 = u8::MAX;

/// The chain tables and the links they follow.
#[derive(Clone, Debug)]
pub(super) struct Chains {
    /// Per option, what the tables need of it.
    links: Vec<Link>,
    /// Per room, where its tables are and how many states they hold.
    rooms: Vec<RoomTables>,
    /// Each class's room.
    class_room: Vec<Room>,
    /// Per class, as of the last [`Chains::compute`]: the pairs it has left
    /// and its step in its room's visit states (0: counted by place).
    class_left: Vec<u32>,
    class_stride: Vec<u32>,
    /// Per class, as of the last computation, for each visit state: the
    /// state after one more appointment of the class ([`NO_MOVE`] if it has
    /// no pair left for it), whether the state counts one (a bit mask), and
    /// the state of a visit opening with it.
    class_moves: Vec<[u8; MAX_STATES]>,
    class_counted: Vec<u16>,
    class_opening: Vec<u8>,
    /// Per room, as of the last computation: how its visits are counted.
    visits: Vec<Visits>,
    room_tally: Vec<Tally>,
    /// Options `reach` are those the last computation covered.
    reach: std::ops::Range<usize>,
    /// Per option: the best chain's weight starting a visit with it.
    value: Vec<i32>,
    /// The best chains starting from each option index on.
    best_from: Vec<Top>,
    /// Per room, per option of the room (then a sentinel), per visit state
    /// `s`: the best chain that the room's options from there on can
    /// continue a visit in state `s` with.
    stay: Vec<Best>,
    /// Per room, per option, per visit state including the option: what
    /// follows it on its best chain.
    next: Vec<Step>,
}

/// An option as the tables see it.
#[derive(Clone, Copy, Debug)]
struct Link {
    end: i64,
    /// The first option (by index) starting at least the travel buffer
    /// after this one ends: any option from there on may follow it.
    next_any: u32,
    /// Its place among its room's options.
    slot: u32,
    /// The place of the first option of its room starting once it ends (the
    /// buffer does not apply within a room), and that option's index.
    stay_slot: u32,
    stay_item: u32,
    /// The next option of its room (by index), or the number of options.
    room_next: u32,
    class: u16,
    room: Room,
}

/// Where a room's tables sit and how many states each option has there.
#[derive(Clone, Copy, Debug)]
struct RoomTables {
    width: u32,
    stay_base: u32,
    next_base: u32,
}

/// How a room's visits are counted in one computation.
#[derive(Clone, Copy, Debug)]
enum Visits {
    /// Class by class: a state holds each class's uses so far in the visit
    /// (mixed radix, `class_stride`); `states` in all.
    Exact { states: u32 },
    /// By the number of appointments so far (state `n`, up to `cap`), out
    /// of `left` pairs; beyond `cap` (when `cap < left`) not told apart.
    Places { cap: u32, left: u32 },
}

impl Visits {
    fn states(self) -> u32 {
        match self {
            Visits::Exact { states } => states,
            Visits::Places { cap, .. } => cap + 1,
        }
    }
}

/// A chain: its weight, its first option and that option's room.
#[derive(Clone, Copy, Debug)]
struct Entry {
    value: i32,
    at: u32,
    room: Room,
}

const NOTHING: Entry = Entry {
    value: NONE,
    at: STOP,
    room: Room::MAX,
};

/// A chain continuing a visit: its weight and first option.
#[derive(Clone, Copy, Debug)]
struct Best {
    value: i32,
    at: u32,
}

impl Best {
    const NONE: Best = Best {
        value: NONE,
        at: STOP,
    };
}

/// The next option on a chain and the visit state it is in.
#[derive(Clone, Copy, Debug)]
struct Step {
    at: u32,
    state: u32,
}

const END: Step = Step { at: STOP, state: 0 };

/// The best chain among some options, and the best starting in another
/// room (to leave a room: the chain then starts a new visit elsewhere).
#[derive(Clone, Copy, Debug)]
struct Top {
    best: Entry,
    elsewhere: Entry,
}

impl Top {
    const EMPTY: Top = Top {
        best: NOTHING,
        elsewhere: NOTHING,
    };

    /// With one more (earlier) option; on a tie the earlier one wins.
    fn with(self, here: Entry) -> Top {
        if here.value >= self.best.value {
            let elsewhere = if here.room == self.best.room {
                self.elsewhere
            } else {
                self.best
            };
            Top {
                best: here,
                elsewhere,
            }
        } else if here.room != self.best.room && here.value >= self.elsewhere.value {
            Top {
                elsewhere: here,
                ..self
            }
        } else {
            self
        }
    }

    /// The best chain not starting in `room`.
    fn outside(&self, room: Room) -> Entry {
        if self.best.room == room {
            self.elsewhere
        } else {
            self.best
        }
    }
}

/// When chains must end: by `deadline`, and (to fill a span exactly) with
/// a last option ending at `last_end` or later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Horizon {
    pub deadline: i64,
    pub last_end: i64,
}

impl Horizon {
    /// Chains ending by `deadline`, anywhere before it.
    pub fn by(deadline: i64) -> Horizon {
        Horizon {
            deadline,
            last_end: i64::MIN,
        }
    }
}

/// Where a chain stands: after an option ending at `end` in `room`, or at
/// the very beginning (`room` is `None`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Position {
    /// The first option index that could follow (starts at or after `end`).
    pub from: usize,
    pub end: i64,
    pub room: Option<Room>,
    pub buffer: i64,
}

impl Position {
    /// Before anything.
    pub fn start(buffer: i64) -> Position {
        Position {
            from: 0,
            end: i64::MIN,
            room: None,
            buffer,
        }
    }

    /// Just after option `j`.
    pub fn after(items: &[Item], j: usize, buffer: i64) -> Position {
        let item = &items[j];
        Position {
            from: items.partition_point(|i| i.start < item.end),
            end: item.end,
            room: Some(item.room),
            buffer,
        }
    }

    /// Whether `item` may come next.
    pub fn reaches(&self, item: &Item) -> bool {
        match self.room {
            None => true,
            Some(room) if room == item.room => item.start >= self.end,
            Some(_) => item.start >= self.end.saturating_add(self.buffer),
        }
    }

    /// Whether `item` would come next in another room.
    pub fn changes_room(&self, item: &Item) -> bool {
        self.room.is_some_and(|room| room != item.room)
    }
}

impl Chains {
    /// Tables for `items` (ordered by start) of classes with `pairs` pairs
    /// each, in rooms `class_room`.
    pub fn new(
        items: &[Item],
        pairs: &[u32],
        class_room: &[Room],
        buffer: i64,
        room_count: usize,
    ) -> Chains {
        let n = items.len();
        let mut per_room: Vec<Vec<u32>> = vec![Vec::new(); room_count];
        for (j, item) in items.iter().enumerate() {
            per_room[item.room as usize].push(j as u32);
        }
        let mut links: Vec<Link> = items
            .iter()
            .map(|item| Link {
                end: item.end,
                next_any: items
                    .partition_point(|other| other.start < item.end.saturating_add(buffer))
                    as u32,
                slot: 0,
                stay_slot: 0,
                stay_item: n as u32,
                room_next: n as u32,
                class: item.class,
                room: item.room,
            })
            .collect();
        for members in &per_room {
            for (k, &j) in members.iter().enumerate() {
                let end = items[j as usize].end;
                let after = k + members[k..].partition_point(|&i| items[i as usize].start < end);
                let link = &mut links[j as usize];
                link.slot = k as u32;
                link.stay_slot = after as u32;
                link.stay_item = members.get(after).map_or(n as u32, |&i| i);
                link.room_next = members.get(k + 1).map_or(n as u32, |&i| i);
            }
        }

        // The most states a room can need: a room of one class needs no more
        // than with all its pairs left; one of several classes may come to
        // be counted class by class as pairs are placed.
        let mut room_pairs = vec![(0u32, 0u32); room_count];
        for (&p, &room) in pairs.iter().zip(class_room) {
            room_pairs[room as usize].0 += 1;
            room_pairs[room as usize].1 += p;
        }
        let mut rooms = Vec::with_capacity(room_count);
        let (mut stay_base, mut next_base) = (0u32, 0u32);
        for (members, &(classes, pairs)) in per_room.iter().zip(&room_pairs) {
            let width = if classes >= 2 {
                MAX_STATES as u32
            } else {
                pairs.min(TRACKED_VISIT) + 1
            };
            let options = members.len() as u32;
            rooms.push(RoomTables {
                width,
                stay_base,
                next_base,
            });
            stay_base += (options + 1) * width;
            next_base += options * width;
        }

        Chains {
            links,
            rooms,
            class_room: class_room.to_vec(),
            class_left: vec![0; pairs.len()],
            class_stride: vec![0; pairs.len()],
            class_moves: vec![[NO_MOVE; MAX_STATES]; pairs.len()],
            class_counted: vec![0; pairs.len()],
            class_opening: vec![0; pairs.len()],
            visits: vec![Visits::Places { cap: 0, left: 0 }; room_count],
            room_tally: vec![Tally::default(); room_count],
            reach: 0..0,
            value: vec![NONE; n],
            best_from: vec![Top::EMPTY; n + 1],
            stay: vec![Best::NONE; stay_base as usize],
            next: vec![END; next_base as usize],
        }
    }

    /// Fills the tables for the options from index `from` on: for each,
    /// the largest weight of a chain starting a visit with it, using only
    /// options of classes with a `weight` (not [`NONE`]) that end by
    /// `horizon.deadline` and whose last option ends at `horizon.last_end`
    /// or later, each room change costing `change_cost`; with `paths`, also
    /// what follows each option on its chain (for [`Chains::walk`]).
    #[allow(clippy::too_many_arguments)]
    pub fn compute(
        &mut self,
        items: &[Item],
        weight: &[i32],
        left: &[u32],
        horizon: Horizon,
        change_cost: i32,
        from: usize,
        paths: bool,
    ) {
        let deadline = horizon.deadline;
        // Options starting at the deadline or later cannot end by it.
        let upto = from + items[from..].partition_point(|item| item.start < deadline);
        self.reach = from..upto;
        self.count_visits(left);
        self.best_from[upto] = Top::EMPTY;
        let limit = upto as u32;
        for j in (from..upto).rev() {
            let link = self.links[j];
            let room = self.rooms[link.room as usize];
            let visits = self.visits[link.room as usize];
            let states = visits.states() as usize;
            let width = room.width as usize;
            let stay_at = |slot: u32| (room.stay_base + slot * room.width) as usize;
            let here = stay_at(link.slot);
            let later = stay_at(link.slot + 1);
            let later_usable = link.room_next < limit;
            let w = weight[link.class as usize];
            if w == NONE || link.end > deadline {
                self.value[j] = NONE;
                self.best_from[j] = self.best_from[j + 1];
                for s in 0..states {
                    self.stay[here + s] = if later_usable {
                        self.stay[later + s]
                    } else {
                        Best::NONE
                    };
                }
                continue;
            }

            // Leaving the room: a new visit elsewhere, one room change.
            let leave = self.best_from[link.next_any.min(limit) as usize].outside(link.room);
            let leave = Best {
                value: if leave.value == NONE {
                    NONE
                } else {
                    leave.value - change_cost
                },
                at: leave.at,
            };
            let stay_from = stay_at(link.stay_slot);
            let stay_usable = link.stay_item < limit;
            let class = link.class as usize;
            let counted = self.class_counted[class];
            let moves = self.class_moves[class];
            let mut values = [NONE; MAX_STATES];
            let may_stop = link.end >= horizon.last_end;
            let next_at = (room.next_base + link.slot * room.width) as usize;
            let (rows, after_rows) = self.stay.split_at_mut(later);
            let row = &mut rows[here..here + states];
            let after_row = &after_rows[..states];
            let stay_row = if stay_usable {
                &after_rows[stay_from - later..stay_from - later + states]
            } else {
                &[]
            };
            // State 0 (an empty visit) is never where a chain stands. Going
            // down, the state after one more appointment (always higher) has
            // its value already.
            for s in (1..states).rev() {
                if counted >> s & 1 != 0 {
                    let mut tail = leave.value;
                    let mut step = Step {
                        at: leave.at,
                        state: STOP,
                    };
                    if let Some(stay) = stay_row.get(s) {
                        if stay.value > tail {
                            tail = stay.value;
                            step = Step {
                                at: stay.at,
                                state: s as u32,
                            };
                        }
                    }
                    if tail != NONE && (tail > 0 || !may_stop) {
                        values[s] = w + tail;
                    } else {
                        step = END;
                        if may_stop {
                            values[s] = w;
                        }
                    }
                    if paths {
                        self.next[next_at + s] = step;
                    }
                }
                let after = if later_usable {
                    after_row[s]
                } else {
                    Best::NONE
                };
                let mine = match moves[s] {
                    NO_MOVE => NONE,
                    t => values[t as usize],
                };
                row[s] = if mine != NONE && mine >= after.value {
                    Best {
                        value: mine,
                        at: j as u32,
                    }
                } else {
                    after
                };
            }
            debug_assert!(states <= width);
            let first = values[self.class_opening[class] as usize];
            self.value[j] = first;
            self.best_from[j] = self.best_from[j + 1].with(Entry {
                value: first,
                at: j as u32,
                room: link.room,
            });
        }
    }

    /// Decides, per room, how this computation counts visits.
    fn count_visits(&mut self, left: &[u32]) {
        self.class_left.copy_from_slice(left);
        self.room_tally.fill(Tally::default());
        for (&l, &room) in left.iter().zip(&self.class_room) {
            self.room_tally[room as usize].add(l);
        }
        for (visits, tally) in self.visits.iter_mut().zip(&self.room_tally) {
            *visits = tally.visits();
        }
        for stride in &mut self.room_tally {
            stride.states = 1;
        }
        for (c, &room) in self.class_room.iter().enumerate() {
            let r = room as usize;
            if let Visits::Exact { .. } = self.visits[r] {
                self.class_stride[c] = self.room_tally[r].states;
                self.room_tally[r].states *= left[c] + 1;
            } else {
                self.class_stride[c] = 0;
            }
        }
        for c in 0..self.class_room.len() {
            let visits = self.visits[self.class_room[c] as usize];
            let class = c as u16;
            let mut counted = 0u16;
            for s in 0..visits.states() {
                self.class_moves[c][s as usize] =
                    self.add(visits, class, s).map_or(NO_MOVE, |t| t as u8);
                if self.includes(visits, class, s) {
                    counted |= 1 << s;
                }
            }
            self.class_counted[c] = counted;
            self.class_opening[c] = self.opening(visits, class) as u8;
        }
    }

    /// Whether visit state `s` of the option's room counts an appointment
    /// of `class` (so an option of the class can be the last one so far).
    fn includes(&self, visits: Visits, class: u16, s: u32) -> bool {
        match visits {
            Visits::Exact { .. } => {
                let c = class as usize;
                (s / self.class_stride[c]) % (self.class_left[c] + 1) >= 1
            }
            Visits::Places { .. } => s >= 1,
        }
    }

    /// The visit state after one more appointment of `class` in state `s`,
    /// if the class (or room) has a pair left for it.
    fn add(&self, visits: Visits, class: u16, s: u32) -> Option<u32> {
        match visits {
            Visits::Exact { .. } => {
                let c = class as usize;
                let used = (s / self.class_stride[c]) % (self.class_left[c] + 1);
                (used < self.class_left[c]).then_some(s + self.class_stride[c])
            }
            Visits::Places { cap, left } => (s < left).then_some((s + 1).min(cap)),
        }
    }

    /// The visit state of a visit that opens with an option of `class`.
    fn opening(&self, visits: Visits, class: u16) -> u32 {
        match visits {
            Visits::Exact { .. } => self.class_stride[class as usize],
            Visits::Places { .. } => 1,
        }
    }

    /// The options the last computation covered.
    pub fn reach(&self) -> std::ops::Range<usize> {
        self.reach.clone()
    }

    /// The best chain's weight starting a visit with option `j`, as of the
    /// last computation ([`NONE`] if it has none).
    pub fn value(&self, j: usize) -> i32 {
        if self.reach.contains(&j) {
            self.value[j]
        } else {
            NONE
        }
    }

    /// The reachable option whose chain is best, counting `change_cost`
    /// for a room change to reach it.
    pub fn best_start(&self, items: &[Item], at: &Position, change_cost: i32) -> Option<usize> {
        let mut best: Option<(usize, i32)> = None;
        let from = at.from.max(self.reach.start);
        for (j, item) in items.iter().enumerate().take(self.reach.end).skip(from) {
            let value = self.value[j];
            if value == NONE || !at.reaches(item) {
                continue;
            }
            let entry = if at.changes_room(item) {
                change_cost
            } else {
                0
            };
            if best.is_none_or(|(_, b)| value - entry > b) {
                best = Some((j, value - entry));
            }
        }
        best.map(|(j, _)| j)
    }

    /// Visits the options of the best chain starting a visit with `start`,
    /// in order.
    pub fn walk(&self, start: usize, mut visit: impl FnMut(usize)) {
        let mut j = start;
        let mut state = u32::from(self.class_opening[self.links[j].class as usize]);
        loop {
            visit(j);
            let link = self.links[j];
            let room = self.rooms[link.room as usize];
            let step = self.next[(room.next_base + link.slot * room.width + state) as usize];
            if step.at == STOP {
                return;
            }
            let next = step.at as usize;
            let class = self.links[next].class as usize;
            state = u32::from(if step.state == STOP {
                self.class_opening[class]
            } else {
                self.class_moves[class][step.state as usize]
            });
            j = next;
        }
    }

    /// A real plan the chains lead to: from `at`, repeatedly the option
    /// with the best chain among those that may come next and whose class
    /// has a pair `left` (the earlier on a tie).
    pub fn guided(&self, items: &[Item], at: &Position, left: &[u32], out: &mut Vec<u32>) {
        let mut left = left.to_vec();
        let mut at = *at;
        out.clear();
        let usable =
            |j: usize, left: &[u32]| self.value[j] != NONE && left[items[j].class as usize] > 0;
        loop {
            let from = at.from.max(self.reach.start);
            let upto = self.reach.end;
            // Options starting within the buffer may only follow in the same room.
            let far = match at.room {
                None => from,
                Some(_) => {
                    let t = at.end.saturating_add(at.buffer);
                    from + items[from..upto].partition_point(|i| i.start < t)
                }
            };
            let mut best: Option<usize> = None;
            let consider = |j: usize, best: &mut Option<usize>| {
                if best.is_none_or(|b| self.value[j] > self.value[b]) {
                    *best = Some(j);
                }
            };
            for (j, item) in items.iter().enumerate().take(far).skip(from) {
                if at.reaches(item) && usable(j, &left) {
                    consider(j, &mut best);
                }
            }
            let top = self.best_from[far].best;
            if top.at != STOP && usable(top.at as usize, &left) {
                consider(top.at as usize, &mut best);
            } else {
                for j in far..upto {
                    if usable(j, &left) {
                        consider(j, &mut best);
                    }
                }
            }
            let Some(j) = best else {
                return;
            };
            out.push(j as u32);
            left[items[j].class as usize] -= 1;
            at = Position::after(items, j, at.buffer);
        }
    }
}

/// A room's classes summed up: how many have pairs left, the visit states
/// needed to count them class by class, and their pairs left.
#[derive(Clone, Copy, Debug)]
struct Tally {
    active: u32,
    states: u32,
    left: u32,
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            active: 0,
            states: 1,
            left: 0,
        }
    }
}

impl Tally {
    fn add(&mut self, left: u32) {
        self.active += u32::from(left > 0);
        self.states = self.states.saturating_mul(left + 1);
        self.left += left;
    }

    /// How visits to the room are counted.
    fn visits(self) -> Visits {
        if self.active >= 2 && self.states <= EXACT_STATES {
            Visits::Exact {
                states: self.states,
            }
        } else {
            Visits::Places {
                cap: self.left.min(TRACKED_VISIT),
                left: self.left,
            }
        }
    }
}
