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

/// A row of time buttons for one teacher and child. Free slots book on a tap;
/// taken, blocked and clashing ones are shown but cannot be pressed.
#[component]
pub fn SlotPicker(
    slots: Vec<PickerSlot>,
    /// Who the buttons book with, for their accessible names.
    teacher_name: String,
    child_name: String,
    #[prop(into)] busy: Signal<bool>,
    on_pick: Callback<String>,
) -> impl IntoView {
    if slots.is_empty() {
        return view! { <p class="meta">"No appointment times with this teacher."</p> }.into_any();
    }
    let free = slots
        .iter()
        .filter(|s| s.state == SlotState::Free && s.blocked_because.is_none())
        .count();
    view! {
        <div class="slot-picker">
            <p class="meta slot-summary">{format!("{free} of {} times free", slots.len())}</p>
            <ul class="slots" role="list">
                {slots
                    .into_iter()
                    .map(|picker| {
                        let time = clock(&picker.slot.start);
                        let start = picker.slot.start.to_rfc3339();
                        let (class, note) = match (&picker.state, &picker.blocked_because) {
                            (SlotState::Free, None) => ("slot slot-free", None),
                            (SlotState::Free, Some(reason)) => ("slot slot-clash", Some(reason.clone())),
                            (SlotState::Taken, _) => ("slot slot-taken", Some("taken".to_owned())),
                            (SlotState::Mine, _) => ("slot slot-mine", Some("yours".to_owned())),
                            (SlotState::Blocked, _) => ("slot slot-blocked", Some("unavailable".to_owned())),
                        };
                        let bookable = note.is_none();
                        let label = match &note {
                            None => format!("Book {time} with {teacher_name} for {child_name}"),
                            Some(note) => format!("{time}, {note}"),
                        };
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class=class
                                    aria-label=label.clone()
                                    title=label
                                    aria-disabled=(!bookable).then_some("true")
                                    prop:disabled=move || !bookable || busy.get()
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
