use confero_core::dto::{SlotState, SlotView};
use leptos::prelude::*;

use crate::time_text::clock;

/// One slot as the picker draws it: its state, and why it cannot be booked.
#[derive(Clone, Debug, PartialEq)]
pub struct PickerSlot {
    pub slot: SlotView,
    pub state: SlotState,
    /// Set when the rules predict a refusal (a clash with another appointment).
    pub blocked_because: Option<String>,
}

/// The live state of every slot on the page, one signal per (teacher, start):
/// a live event updates exactly the buttons of that slot and nothing else.
#[derive(Clone, Copy, Debug)]
pub struct SlotCells(pub StoredValue<std::collections::HashMap<(i64, i64), RwSignal<SlotState>>>);

impl SlotCells {
    /// An empty set, for one fetch of the grid.
    pub fn new() -> SlotCells {
        SlotCells(StoredValue::new(std::collections::HashMap::new()))
    }

    /// The cell of a slot, made with `initial` the first time it is asked for.
    pub fn cell(&self, teacher_id: i64, start: i64, initial: SlotState) -> RwSignal<SlotState> {
        if let Some(cell) = self
            .0
            .try_with_value(|cells| cells.get(&(teacher_id, start)).copied())
            .flatten()
        {
            return cell;
        }
        let cell = RwSignal::new(initial);
        self.0.try_update_value(|cells| {
            cells.insert((teacher_id, start), cell);
        });
        cell
    }

    /// Applies a live event: taken by someone else, or freed.
    pub fn apply(&self, teacher_id: i64, start: i64, taken: bool) {
        if let Some(cell) = self
            .0
            .try_with_value(|cells| cells.get(&(teacher_id, start)).copied())
            .flatten()
        {
            cell.try_update(|state| match (*state, taken) {
                (SlotState::Free, true) => *state = SlotState::Taken,
                (SlotState::Taken, false) => *state = SlotState::Free,
                _ => {}
            });
        }
    }
}

impl Default for SlotCells {
    fn default() -> Self {
        SlotCells::new()
    }
}

/// A row of time buttons for one teacher and child. Free slots book on a tap;
/// taken, blocked and clashing ones are shown but cannot be pressed. Each
/// button follows its slot's live state on its own.
#[component]
pub fn SlotPicker(
    slots: Vec<PickerSlot>,
    teacher_id: i64,
    cells: SlotCells,
    /// Who the buttons book with, for their accessible names.
    teacher_name: String,
    child_name: String,
    #[prop(into)] busy: Signal<bool>,
    on_pick: Callback<String>,
) -> impl IntoView {
    if slots.is_empty() {
        return view! { <p class="meta">"No appointment times with this teacher."</p> }.into_any();
    }
    let total = slots.len();
    let states: Vec<(RwSignal<SlotState>, bool)> = slots
        .iter()
        .map(|p| {
            (
                cells.cell(teacher_id, p.slot.start.timestamp(), p.state),
                p.blocked_because.is_none(),
            )
        })
        .collect();
    let free = move || {
        states
            .iter()
            .filter(|(state, ok)| *ok && state.get() == SlotState::Free)
            .count()
    };
    view! {
        <div class="slot-picker">
            <p class="meta slot-summary">{move || format!("{} of {total} times free", free())}</p>
            <ul class="slots" role="list">
                {slots
                    .into_iter()
                    .map(|picker| {
                        let state = cells.cell(teacher_id, picker.slot.start.timestamp(), picker.state);
                        let time = clock(&picker.slot.start);
                        let start = picker.slot.start.to_rfc3339();
                        let clash = picker.blocked_because.clone();
                        let note = move || match (state.get(), &clash) {
                            (SlotState::Free, None) => None,
                            (SlotState::Free, Some(reason)) => Some(reason.clone()),
                            (SlotState::Taken, _) => Some("taken".to_owned()),
                            (SlotState::Mine, _) => Some("yours".to_owned()),
                            (SlotState::Blocked, _) => Some("unavailable".to_owned()),
                        };
                        let has_clash = picker.blocked_because.is_some();
                        let class = move || match state.get() {
                            SlotState::Free if has_clash => "slot slot-clash",
                            SlotState::Free => "slot slot-free",
                            SlotState::Taken => "slot slot-taken",
                            SlotState::Mine => "slot slot-mine",
                            SlotState::Blocked => "slot slot-blocked",
                        };
                        let label = {
                            let (time, teacher_name, child_name, note) = (time.clone(), teacher_name.clone(), child_name.clone(), note.clone());
                            move || match note() {
                                None => format!("Book {time} with {teacher_name} for {child_name}"),
                                Some(note) => format!("{time}, {note}"),
                            }
                        };
                        let bookable = {
                            let note = note.clone();
                            move || note().is_none()
                        };
                        let disabled = {
                            let bookable = bookable.clone();
                            move || !bookable() || busy.get()
                        };
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class=class
                                    aria-label=label.clone()
                                    title=label
                                    aria-disabled=move || (!bookable()).then_some("true")
                                    prop:disabled=disabled
                                    on:click=move |_| on_pick.run(start.clone())
                                >
                                    {time}
                                </button>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()}
            </ul>
        </div>
    }
    .into_any()
}
