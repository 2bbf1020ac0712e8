use chrono::FixedOffset;
use confero_core::dto::{Booking, BookingStatus, TeacherSlots};
use confero_core::rules::FamilyAppointment;
use confero_core::Interval;
use leptos::prelude::*;
use wasm_bindgen::JsCast as _;

use crate::planning::{self, alternatives, at, boundaries, propose, Ask, Pair, Proposed};
use crate::time_text::clock;

/// The plan's heading: focused once a plan is shown, so a screen reader
/// reads it and the keyboard starts there.
const PLAN_HEADING: &str = "plan-result";

fn focus_plan() {
    request_animation_frame(|| {
        if let Some(heading) = document()
            .get_element_by_id(PLAN_HEADING)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = heading.focus();
        }
    });
}

/// "Plan my evening": the family ticks who they want to see and when they
/// can come; the best itinerary across all their children is proposed (the
/// most appointments, then the shortest evening, then the fewest room
/// changes, then the earliest finish), can be adjusted time by time, and is
/// booked with one tap, all or nothing.
#[component]
pub fn PlanEvening(
    /// The pairs not booked yet.
    pairs: Vec<Pair>,
    grid: Vec<TeacherSlots>,
    /// The family's bookings this evening, and the same as the rules see them.
    bookings: Vec<Booking>,
    family: Vec<FamilyAppointment>,
    travel_buffer_secs: i64,
    /// The evening's offset, to show the solver's instants.
    offset: FixedOffset,
    /// What the family asked, held by the page so a refetch re-plans it.
    ask: RwSignal<Option<Ask>>,
    /// Whether the choices are shown.
    choosing: RwSignal<bool>,
    #[prop(into)] busy: Signal<bool>,
    on_book: Callback<Vec<Proposed>>,
    /// The (teacher, start) of every appointment the plan shown proposes,
    /// for the page to re-plan when another family takes one of them.
    planned: StoredValue<Vec<(i64, i64)>>,
) -> impl IntoView {
    let (starts, ends) = boundaries(&grid);
    let (Some(&first), Some(&last)) = (starts.first(), ends.last()) else {
        return ().into_any();
    };
    if pairs.is_empty() && ask.with_untracked(Option::is_none) {
        return ().into_any();
    }
    let current = ask.get_untracked();
    let chosen = RwSignal::new(
        current
            .as_ref()
            .map(|a| a.chosen.clone())
            .unwrap_or_else(|| pairs.iter().map(|p| (p.student_id, p.teacher_id)).collect()),
    );
    let from = RwSignal::new(current.as_ref().map_or(first, |a| a.window.start));
    let until = RwSignal::new(current.as_ref().map_or(last, |a| a.window.end));
    // The solver's plan for the ask, then the family's own changes to it.
    let solved = {
        let (pairs, grid, family) = (pairs.clone(), grid.clone(), family.clone());
        Memo::new(move |_| {
            ask.get()
                .map(|a| propose(&a, &pairs, &grid, &family, travel_buffer_secs))
        })
    };
    let adjusted = RwSignal::new(Vec::<(usize, Interval)>::new());
    let plan = Signal::derive(move || {
        solved.get().map(|(mut proposed, unplaced)| {
            for (index, slot) in adjusted.get() {
                if let Some(p) = proposed.get_mut(index) {
                    p.slot = slot;
                }
            }
            proposed.sort_by_key(|p| p.slot.start);
            (proposed, unplaced)
        })
    });

    Effect::new(move |_| {
        let slots = plan.with(|plan| {
            plan.as_ref()
                .map(|(list, _)| {
                    list.iter()
                        .map(|p| (p.pair.teacher_id, p.slot.start))
                        .collect()
                })
                .unwrap_or_default()
        });
        planned.set_value(slots);
    });

    let submit = move |event: web_sys::SubmitEvent| {
        event.prevent_default();
        adjusted.set(Vec::new());
        ask.set(Some(Ask {
            chosen: chosen.get_untracked(),
            window: Interval {
                start: from.get_untracked(),
                end: until.get_untracked(),
            },
            note: None,
        }));
        choosing.set(false);
        focus_plan();
    };

    let by_child = {
        let mut children: Vec<(i64, String, Vec<Pair>)> = Vec::new();
        for pair in &pairs {
            match children
                .iter_mut()
                .find(|(id, _, _)| *id == pair.student_id)
            {
                Some((_, _, list)) => list.push(pair.clone()),
                None => {
                    children.push((pair.student_id, pair.child_name.clone(), vec![pair.clone()]))
                }
            }
        }
        children
    };
    let choices = by_child
        .into_iter()
        .map(|(student, name, list)| {
            let boxes = list
                .into_iter()
                .map(|pair| {
                    let key = (pair.student_id, pair.teacher_id);
                    let input_id = format!("plan-{}-{}", key.0, key.1);
                    view! {
                        <div class="field field-check">
                            <input type="checkbox" id=input_id.clone()
                                prop:checked=move || chosen.with(|c| c.contains(&key))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| { c.retain(|x| *x != key); if on { c.push(key); } });
                                } />
                            <label for=input_id>{format!("{} ({})", pair.teacher_name, pair.subject)}</label>
                        </div>
                    }
                })
                .collect::<Vec<_>>();
            view! {
                <fieldset class="plan-child" data-student=student>
                    <legend>{name}</legend>
                    {boxes}
                </fieldset>
            }
        })
        .collect::<Vec<_>>();
    let time_options = move |times: Vec<i64>, selected: RwSignal<i64>| {
        times
            .into_iter()
            .map(|t| view! { <option value=t.to_string() selected=move || selected.get() == t>{clock(&at(t, offset))}</option> })
            .collect::<Vec<_>>()
    };
    let from_options = time_options(starts.clone(), from);
    let until_options = time_options(ends.clone(), until);
    let window_wrong = move || until.get() <= from.get();
    let nothing_chosen = move || chosen.with(Vec::is_empty);

    let form = view! {
        <form class="plan-form" on:submit=submit hidden=move || !choosing.get()>
            {choices}
            <fieldset class="plan-window">
                <legend>"When you can come"</legend>
                <div class="field-row">
                    <div class="field">
                        <label for="plan-from">"From"</label>
                        <select id="plan-from" on:change=move |ev| {
                            if let Ok(t) = event_target_value(&ev).parse() { from.set(t) }
                        }>{from_options}</select>
                    </div>
                    <div class="field">
                        <label for="plan-until">"Until"</label>
                        <select id="plan-until" on:change=move |ev| {
                            if let Ok(t) = event_target_value(&ev).parse() { until.set(t) }
                        }>{until_options}</select>
                    </div>
                </div>
                {move || window_wrong().then(|| view! { <p class="field-error" role="alert">"“Until” must be after “From”."</p> })}
            </fieldset>
            <button type="submit" class="button button-primary"
                prop:disabled=move || window_wrong() || nothing_chosen()>
                "Find the best times"
            </button>
        </form>
    };

    let existing: Vec<Booking> = bookings
        .into_iter()
        .filter(|b| b.status == BookingStatus::Booked)
        .collect();
    let result = move || {
        let (proposed, unplaced) = plan.get()?;
        let window = ask.with(|a| a.as_ref().map(|a| a.window))?;
        let note = ask.with(|a| a.as_ref().and_then(|a| a.note.clone()));
        let count = proposed.len();
        let span = planning::span_words(&proposed, &family, offset);
        let changes = planning::room_changes(&proposed, &family);
        let summary = match count {
            0 => "None of your choices fits in that time. Try a wider window.".to_owned(),
            1 => format!("1 appointment, {span}"),
            n => format!(
                "{n} appointments, {span}, {changes} {}",
                if changes == 1 {
                    "room change"
                } else {
                    "room changes"
                }
            ),
        };
        let mut rows: Vec<(i64, AnyView)> = existing
            .iter()
            .map(|b| {
                let when = format!("{}–{}", clock(&b.start), clock(&b.end));
                let room = b.room.clone().map(|r| format!(" · {r}")).unwrap_or_default();
                (
                    b.start.timestamp(),
                    view! {
                        <li class="plan-item plan-existing">
                            <span class="plan-when">{when}</span>
                            <span class="plan-who">{format!("{} with {}{room}", b.student_name, b.teacher_name)}</span>
                            <span class="plan-tag">"Already booked"</span>
                        </li>
                    }
                    .into_any(),
                )
            })
            .collect();
        for (index, p) in proposed.iter().enumerate() {
            let times = alternatives(&proposed, index, &grid, &family, window, travel_buffer_secs);
            let original = solved.with_untracked(|s| {
                s.as_ref()
                    .and_then(|(list, _)| list.iter().position(|o| o.pair == p.pair))
            });
            let current = p.slot;
            let label = format!(
                "Time for {} with {}",
                p.pair.child_name, p.pair.teacher_name
            );
            let options = times
                .into_iter()
                .map(|slot| {
                    view! { <option value=slot.start.to_string() selected=slot == current>{clock(&at(slot.start, offset))}</option> }
                })
                .collect::<Vec<_>>();
            let change = move |ev: web_sys::Event| {
                let Ok(start) = event_target_value(&ev).parse::<i64>() else {
                    return;
                };
                let Some(index) = original else { return };
                let slot = Interval {
                    start,
                    end: start + current.len(),
                };
                adjusted.update(|list| {
                    list.retain(|(i, _)| *i != index);
                    list.push((index, slot));
                });
            };
            let room = p
                .pair
                .room
                .clone()
                .map(|r| format!(" · {r}"))
                .unwrap_or_default();
            rows.push((
                p.slot.start,
                view! {
                    <li class="plan-item plan-new">
                        <span class="plan-when">{format!("{}–{}", clock(&at(p.slot.start, offset)), clock(&at(p.slot.end, offset)))}</span>
                        <span class="plan-who">{format!("{} with {} ({}){room}", p.pair.child_name, p.pair.teacher_name, p.pair.subject)}</span>
                        <select class="plan-time" aria-label=label on:change=change prop:disabled=move || busy.get()>{options}</select>
                    </li>
                }
                .into_any(),
            ));
        }
        rows.sort_by_key(|(start, _)| *start);
        let left_out = (!unplaced.is_empty()).then(|| {
            let list = unplaced
                .iter()
                .map(|p| view! { <li>{format!("{} with {}", p.child_name, p.teacher_name)}</li> })
                .collect::<Vec<_>>();
            let between = format!(
                "No free time between {} and {} fits around the rest:",
                clock(&at(window.start, offset)),
                clock(&at(window.end, offset))
            );
            view! {
                <div class="plan-left-out">
                    <p>{between}</p>
                    <ul>{list}</ul>
                </div>
            }
        });
        let to_book = proposed.clone();
        let book_label = match count {
            1 => "Book this appointment".to_owned(),
            n => format!("Book these {n} appointments"),
        };
        Some(view! {
            <div class="plan-result">
                {note.map(|n| view! { <div class="notice notice-info" role="status">{n}</div> })}
                <h3 id=PLAN_HEADING tabindex="-1">"Your plan"</h3>
                <p class="plan-summary">{summary}</p>
                <ol class="plan-timeline" role="list">{rows.into_iter().map(|(_, row)| row).collect::<Vec<_>>()}</ol>
                {left_out}
                <div class="plan-actions">
                    {(count > 0).then(|| view! {
                        <button type="button" class="button button-primary plan-book"
                            prop:disabled=move || busy.get()
                            on:click=move |_| on_book.run(to_book.clone())>
                            {book_label}
                        </button>
                    })}
                    <button type="button" class="button" on:click=move |_| choosing.set(true)>
                        "Change choices"
                    </button>
                    <button type="button" class="button" on:click=move |_| { ask.set(None); choosing.set(false); }>
                        "Close the plan"
                    </button>
                </div>
            </div>
        })
    };

    view! {
        <section class="card plan" aria-labelledby="plan-heading">
            <h2 id="plan-heading">"Plan my evening"</h2>
            <p class="meta">"Tick who you want to see and when you can come: Confero finds the shortest evening, with time to walk between rooms, and books it all in one tap."</p>
            {move || (!choosing.get() && ask.with(Option::is_none)).then(|| view! {
                <button type="button" class="button button-primary"
                    on:click=move |_| choosing.set(true)>
                    "Plan my evening"
                </button>
            })}
            {form}
            {result}
        </section>
    }
    .into_any()
}
