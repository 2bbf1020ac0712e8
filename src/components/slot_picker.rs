use confero_core::dto::{SlotState, SlotView};
use leptos::prelude::*;

use wasm_bindgen::JsCast as _;

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
        (teacher, child): (&str, &str),
        moving: bool,
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
            None if moving => format!("Move to {time} with {teacher} for {child}"),
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

    /// The button as markup, in its list item; `start` is the slot's start
    /// (RFC 3339), which the row's click handler books.
    fn markup(&self, start: &str, tab_stop: bool) -> String {
        use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
        let label = attr(&self.label);
        // Not `disabled`: a tap on a time that cannot be booked says why.
        let unbookable = if self.bookable {
            ""
        } else {
            r#" aria-disabled="true""#
        };
        let tabindex = if tab_stop { "0" } else { "-1" };
        format!(
            r#"<li><button type="button" class="{}" data-start="{}" tabindex="{tabindex}" aria-label="{label}" title="{label}"{unbookable}>{}</button></li>"#,
            self.class,
            attr(start),
            text(&self.time),
        )
    }

    /// Brings a drawn button up to date. While the page is busy only the
    /// bookable buttons are disabled: the others still say why on a tap.
    fn apply(&self, button: &web_sys::HtmlButtonElement, busy: bool) {
        button.set_class_name(self.class);
        let _ = button.set_attribute("aria-label", &self.label);
        button.set_title(&self.label);
        if self.bookable {
            let _ = button.remove_attribute("aria-disabled");
        } else {
            let _ = button.set_attribute("aria-disabled", "true");
        }
        button.set_disabled(self.bookable && busy);
    }
}

/// What a drawn button needs to be redrawn: its time and why the rules
/// predict a refusal, if they do.
struct Drawn {
    time: String,
    clash: Option<String>,
}

/// A row of time buttons for one teacher and child. Free slots book on a tap;
/// taken, blocked and clashing ones are shown but cannot be pressed.
///
/// The hot path of the booking page: up to thousands of buttons. They are
/// drawn as plain markup; one effect per row follows the row's live slot
/// states (and the page's busy state) and redraws only the buttons whose
/// state changed, and one click handler on the row books the tapped time.
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
    /// The buttons move an existing appointment ("Move to 17:45 …").
    #[prop(optional)]
    moving: bool,
    /// Another row of the same child's grid holds the grid's one tab stop.
    #[prop(optional)]
    tab_stop_elsewhere: bool,
) -> impl IntoView {
    if slots.is_empty() {
        return view! { <p class="meta">"No appointment times with this teacher."</p> }.into_any();
    }
    let total = slots.len();
    let states: Vec<RwSignal<SlotState>> = slots
        .iter()
        .map(|p| cells.cell(teacher_id, p.slot.start.timestamp(), p.state))
        .collect();
    let drawn: Vec<Drawn> = slots
        .iter()
        .map(|p| Drawn {
            time: clock(&p.slot.start),
            clash: p.blocked_because.clone(),
        })
        .collect();
    let first: Vec<SlotState> = states.iter().map(|s| s.get_untracked()).collect();
    // What a tap on a time that cannot be booked is told, beside the row.
    let why = RwSignal::new(None::<String>);
    // (free and bookable, free but clashing with the family's evening)
    let counts = {
        let states = states.clone();
        let open: Vec<bool> = drawn.iter().map(|d| d.clash.is_none()).collect();
        move || {
            states
                .iter()
                .zip(&open)
                .filter(|(state, _)| state.get() == SlotState::Free)
                .fold((0, 0), |(free, clash), (_, open)| {
                    if *open {
                        (free + 1, clash)
                    } else {
                        (free, clash + 1)
                    }
                })
        }
    };
    // One string of markup for the whole row, set at once: a button built
    // element by element costs a call across the wasm boundary per attribute.
    let looks: Vec<SlotLook> = drawn
        .iter()
        .zip(&first)
        .map(|(d, state)| {
            SlotLook::of(
                *state,
                d.clash.as_deref(),
                &d.time,
                (&teacher_name, &child_name),
                moving,
            )
        })
        .collect();
    // A child's grid is one tab stop (its first row's first bookable time);
    // the arrow keys move between times and rows.
    let stop = if tab_stop_elsewhere {
        usize::MAX
    } else {
        crate::slot_keys::tab_stop(looks.iter().map(|l| l.bookable))
    };
    let markup: String = slots
        .iter()
        .zip(&looks)
        .enumerate()
        .map(|(i, (picker, look))| look.markup(&picker.slot.start.to_rfc3339(), i == stop))
        .collect();
    let row = NodeRef::<leptos::html::Ul>::new();
    Effect::new(move |last: Option<(Vec<SlotState>, bool)>| {
        let now: Vec<SlotState> = states.iter().map(|s| s.get()).collect();
        let busy_now = busy.get();
        let (before, busy_before) = last.unwrap_or_else(|| (first.clone(), false));
        let Some(row) = row.get_untracked() else {
            // Not drawn yet: what is on screen is still what was drawn before.
            return (before, busy_before);
        };
        let items = row.children();
        for (i, (state, d)) in now.iter().zip(&drawn).enumerate() {
            if *state == before[i] && busy_now == busy_before {
                continue;
            }
            let button = items
                .item(i as u32)
                .and_then(|item| item.first_element_child())
                .and_then(|b| b.dyn_into::<web_sys::HtmlButtonElement>().ok());
            if let Some(button) = button {
                SlotLook::of(
                    *state,
                    d.clash.as_deref(),
                    &d.time,
                    (&teacher_name, &child_name),
                    moving,
                )
                .apply(&button, busy_now);
            }
        }
        (now, busy_now)
    });
    let pick = move |event: web_sys::MouseEvent| {
        let Some(button) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|t| t.closest("button[data-start]").ok().flatten())
            .filter(|b| !b.has_attribute("disabled"))
        else {
            return;
        };
        if button.get_attribute("aria-disabled").as_deref() == Some("true") {
            why.set(button.get_attribute("aria-label"));
        } else if let Some(start) = button.get_attribute("data-start") {
            why.set(None);
            on_pick.run(start);
        }
    };
    let summary = move || {
        let (free, clashing) = counts();
        match clashing {
            0 => format!("{free} of {total} times free"),
            1 => format!("{free} of {total} times free · 1 time clashes with another of your appointments: tap it to see why"),
            n => format!("{free} of {total} times free · {n} times clash with your other appointments: tap one to see why"),
        }
    };
    view! {
        <div class="slot-picker">
            <p class="meta slot-summary">{summary}</p>
            <ul class="slots" role="list" node_ref=row on:click=pick
                on:keydown=move |event: web_sys::KeyboardEvent| crate::slot_keys::on_key(&event)
                inner_html=markup></ul>
            <p class="slot-why" aria-live="polite" hidden=move || why.with(Option::is_none)>
                {move || why.get()}
            </p>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_buttons_markup_escapes_names_and_says_why_it_cannot_be_pressed() {
        let free = SlotLook::of(
            SlotState::Free,
            None,
            "16:40",
            ("Mr O'Hara <Maths>", "Zoë \"Z\" & co"),
            false,
        );
        let markup = free.markup("2026-12-02T16:40:00+00:00", true);
        assert!(markup.starts_with(r#"<li><button type="button" class="slot slot-free" data-start="2026-12-02T16:40:00+00:00" tabindex="0""#), "{markup}");
        assert!(markup.contains(r#"aria-label="Book 16:40 with Mr O'Hara &lt;Maths&gt; for Zoë &quot;Z&quot; &amp; co""#), "{markup}");
        assert!(!markup.contains("disabled"), "{markup}");
        assert!(markup.ends_with(">16:40</button></li>"), "{markup}");
        let moving = SlotLook::of(SlotState::Free, None, "17:45", ("Mr O'Hara", "Zoë"), true);
        assert_eq!(moving.label, "Move to 17:45 with Mr O'Hara for Zoë");

        let taken = SlotLook::of(SlotState::Taken, None, "16:50", ("Mr O'Hara", "Zoë"), false);
        let markup = taken.markup("2026-12-02T16:50:00+00:00", false);
        assert!(markup.contains(r#"class="slot slot-taken""#), "{markup}");
        assert!(
            markup.contains(
                r#"aria-label="16:50, taken" title="16:50, taken" aria-disabled="true">"#
            ),
            "{markup}"
        );
    }
}
