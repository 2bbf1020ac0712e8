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

/// What one slot's button shows.
#[derive(Clone, Debug, PartialEq)]
struct SlotLook {
    time: String,
    class: &'static str,
    label: String,
    bookable: bool,
}

impl SlotLook {
    fn of(
        state: SlotState,
        clash: Option<&str>,
        time: &str,
        teacher: &str,
        child: &str,
    ) -> SlotLook {
        let note = match (state, clash) {
            (SlotState::Free, None) => None,
            (SlotState::Free, Some(reason)) => Some(reason),
            (SlotState::Taken, _) => Some("taken"),
            (SlotState::Mine, _) => Some("yours"),
            (SlotState::Blocked, _) => Some("unavailable"),
        };
        let class = match state {
            SlotState::Free if clash.is_some() => "slot slot-clash",
            SlotState::Free => "slot slot-free",
            SlotState::Taken => "slot slot-taken",
            SlotState::Mine => "slot slot-mine",
            SlotState::Blocked => "slot slot-blocked",
        };
        let label = match note {
            None => format!("Book {time} with {teacher} for {child}"),
            Some(note) => format!("{time}, {note}"),
        };
        SlotLook {
            time: time.to_owned(),
            class,
            label,
            bookable: note.is_none(),
        }
    }

    /// Brings a drawn button up to date.
    fn apply(&self, button: &web_sys::HtmlButtonElement, busy: bool) {
        button.set_class_name(self.class);
        let _ = button.set_attribute("aria-label", &self.label);
        button.set_title(&self.label);
        if self.bookable {
            let _ = button.remove_attribute("aria-disabled");
        } else {
            let _ = button.set_attribute("aria-disabled", "true");
        }
        button.set_disabled(!self.bookable || busy);
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
                        let (teacher, child) = (teacher_name.clone(), child_name.clone());
                        let look_of = move |state| SlotLook::of(state, clash.as_deref(), &time, &teacher, &child);
                        let drawn_state = state.get_untracked();
                        let first = look_of(drawn_state);
                        // The hot path of the page: up to thousands of buttons. Drawn
                        // with plain attributes; one effect per button then applies
                        // its slot's live changes (and the page's busy state) itself.
                        let button = NodeRef::<leptos::html::Button>::new();
                        Effect::new(move |ran: Option<()>| {
                            let (state, busy) = (state.get(), busy.get());
                            let changed = ran.is_some() || state != drawn_state || busy;
                            if let (true, Some(button)) = (changed, button.get_untracked()) {
                                look_of(state).apply(&button, busy);
                            }
                        });
                        view! {
                            <li>
                                <button
                                    type="button"
                                    node_ref=button
                                    class=first.class
                                    aria-label=first.label.clone()
                                    title=first.label.clone()
                                    aria-disabled=(!first.bookable).then_some("true")
                                    disabled=!first.bookable
                                    on:click=move |_| on_pick.run(start.clone())
                                >
                                    {first.time}
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
