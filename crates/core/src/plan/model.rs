//! The solver's view of the input: each wanted pair's usable options, pairs
//! that are interchangeable gathered into classes, rooms numbered, and the
//! family's fixed appointments in time order.

use crate::rules::family_conflict;
use crate::time::Interval;

use super::PlanInput;

/// A room's number in [`Model::rooms`].
pub(super) type Room = u16;

/// One usable option of a class: a slot some pair of the class could take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Item {
    pub start: i64,
    pub end: i64,
    pub class: u16,
    pub room: Room,
}

/// Wanted pairs with the same room and the same usable options (siblings
/// seeing the same teacher, typically). The search only counts how many of a
/// class it has placed; which pair takes which slot is decided at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Class {
    /// Indexes into `wanted`, ascending.
    pub pairs: Vec<usize>,
    pub room: Room,
}

/// An appointment the family already has: always in the itinerary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Fixed {
    pub start: i64,
    pub end: i64,
    pub room: Room,
}

/// Everything the search needs, derived once from a [`PlanInput`].
#[derive(Clone, Debug)]
pub(super) struct Model {
    pub classes: Vec<Class>,
    /// Every class's options, ordered by start, then end, then class.
    pub items: Vec<Item>,
    /// The fixed appointments, ordered by start then end (input order on ties).
    pub fixed: Vec<Fixed>,
    /// The travel buffer, never negative.
    pub buffer: i64,
    pub room_count: usize,
}

impl Model {
    /// Keeps only the options a plan may use: real intervals, wholly inside
    /// the window, clear of every fixed appointment (the family rule checked
    /// against each of them, so the search need only check its own choices
    /// against each other).
    pub fn new<'a>(input: &PlanInput<'a>) -> Model {
        let buffer = input.travel_buffer_secs.max(0);
        let mut rooms: Vec<Option<&'a str>> = Vec::new();
        let mut room_id = |room: Option<&'a str>| -> Room {
            match rooms.iter().position(|known| *known == room) {
                Some(at) => at as Room,
                None => {
                    rooms.push(room);
                    (rooms.len() - 1) as Room
                }
            }
        };

        let mut fixed: Vec<Fixed> = input
            .existing
            .iter()
            .map(|a| Fixed {
                start: a.span.start,
                end: a.span.end,
                room: room_id(a.room.as_deref()),
            })
            .collect();
        fixed.sort_by_key(|f| (f.start, f.end));

        let mut classes: Vec<Class> = Vec::new();
        let mut class_options: Vec<Vec<Interval>> = Vec::new();
        for (index, wanted) in input.wanted.iter().enumerate() {
            let room = wanted.room.as_deref();
            let mut options: Vec<Interval> = wanted
                .options
                .iter()
                .copied()
                .filter(|slot| slot.start < slot.end)
                .filter(|slot| input.window.is_none_or(|window| window.contains(slot)))
                .filter(|slot| family_conflict(slot, room, input.existing, buffer, None).is_none())
                .collect();
            options.sort();
            options.dedup();
            if options.is_empty() {
                continue;
            }
            let room = room_id(room);
            let same = (0..classes.len())
                .find(|&c| classes[c].room == room && class_options[c] == options);
            match same {
                Some(c) => classes[c].pairs.push(index),
                None => {
                    classes.push(Class {
                        pairs: vec![index],
                        room,
                    });
                    class_options.push(options);
                }
            }
        }

        let mut items: Vec<Item> = class_options
            .iter()
            .enumerate()
            .flat_map(|(c, options)| {
                let room = classes[c].room;
                options.iter().map(move |slot| Item {
                    start: slot.start,
                    end: slot.end,
                    class: c as u16,
                    room,
                })
            })
            .collect();
        items.sort_by_key(|item| (item.start, item.end, item.class));

        Model {
            classes,
            items,
            fixed,
            buffer,
            room_count: rooms.len(),
        }
    }

    /// How many pairs each class holds.
    pub fn capacities(&self) -> Vec<u32> {
        self.classes.iter().map(|c| c.pairs.len() as u32).collect()
    }
}
