use confero_core::dto::{BookingHolder, BookingStatus, SlotState, TeacherLoad, TeacherSlots};
use leptos::prelude::*;

use crate::time_text::clock;

/// What a cell of the occupancy table says, and its class (the office sees
/// every holder, so a time held for a waiting family says so by its status).
fn cell(state: SlotState, holder: Option<&BookingHolder>) -> (&'static str, String) {
    match (state, holder) {
        (SlotState::Free, _) => ("occ-free", "Free".to_owned()),
        (SlotState::Blocked, _) => ("occ-blocked", "Not available".to_owned()),
        (_, Some(h)) if h.status != BookingStatus::Held => {
            ("occ-booked", format!("Booked: {}", h.student_name))
        }
        _ => ("occ-held", "Held for the waiting list".to_owned()),
    }
}

/// Teachers × times: every teacher's evening at a glance, booked, free or
/// not available, with each teacher's counts; filtered by teacher name.
#[component]
pub fn OccupancyTable(grid: Vec<TeacherSlots>, loads: Vec<TeacherLoad>) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let only_free = RwSignal::new(false);
    // The times of the evening, from the longest column.
    let times: Vec<String> = grid
        .iter()
        .max_by_key(|t| t.slots.len())
        .map(|t| t.slots.iter().map(|s| clock(&s.start)).collect())
        .unwrap_or_default();
    let rows = grid
        .into_iter()
        .map(|column| {
            let load = loads
                .iter()
                .find(|l| l.teacher_id == column.teacher_id)
                .cloned();
            (column, load)
        })
        .collect::<Vec<_>>();
    view! {
        <div class="occupancy-filters">
            <div class="field">
                <label for="teacher-filter">"Find a teacher"</label>
                <input id="teacher-filter" type="search" bind:value=filter autocomplete="off" />
            </div>
            <div class="field field-check">
                <input id="only-free" type="checkbox" bind:checked=only_free />
                <label for="only-free">"Only teachers with free times"</label>
            </div>
        </div>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Appointments by teacher and time">
            <table class="table occupancy">
                <caption class="visually-hidden">"Each teacher's times: booked, free or not available"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Teacher"</th>
                        <th scope="col" class="num">"Booked"</th>
                        <th scope="col" class="num">"Free"</th>
                        {times.iter().map(|t| view! { <th scope="col" class="occ-time">{t.clone()}</th> }).collect::<Vec<_>>()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|(column, load)| {
                        let name = column.teacher_name.clone();
                        let lower = name.to_lowercase();
                        let free = load.as_ref().map(|l| l.free).unwrap_or_default();
                        let shown = move || {
                            let wanted = filter.get().trim().to_lowercase();
                            (wanted.is_empty() || lower.contains(&wanted)) && (!only_free.get() || free > 0)
                        };
                        view! {
                            <tr prop:hidden=move || !shown()>
                                <th scope="row">{name}</th>
                                <td class="num">{load.as_ref().map(|l| l.booked).unwrap_or_default()}</td>
                                <td class="num">{free}</td>
                                {column.slots.iter().map(|slot| {
                                    let (class, words) = cell(slot.state, slot.booking.as_ref());
                                    let title = format!("{} {}", clock(&slot.start), words);
                                    view! {
                                        <td class=format!("occ {class}") title=title>
                                            <span class="visually-hidden">{words}</span>
                                        </td>
                                    }
                                }).collect::<Vec<_>>()}
                            </tr>
                        }
                    }).collect::<Vec<_>>()}
                </tbody>
            </table>
        </div>
        <ul class="occ-key" aria-label="Key">
            <li><span class="occ occ-booked"></span>"Booked"</li>
            <li><span class="occ occ-free"></span>"Free"</li>
            <li><span class="occ occ-blocked"></span>"Not available"</li>
            <li><span class="occ occ-held"></span>"Held for the waiting list"</li>
        </ul>
    }
}
