use confero_core::dto::Booking;
use leptos::prelude::*;

use crate::time_text::clock;

/// The family's appointments this evening, in time order, each with
/// "add to calendar" and (until the cut-off) "cancel".
#[component]
pub fn FamilyAppointments(
    bookings: Vec<Booking>,
    can_cancel: bool,
    #[prop(into)] busy: Signal<bool>,
    on_cancel: Callback<i64>,
    on_calendar: Callback<Option<i64>>,
) -> impl IntoView {
    let mut bookings = bookings;
    bookings.sort_by_key(|b| b.start);
    if bookings.is_empty() {
        return view! {
            <section class="card appointments" aria-labelledby="appointments-heading">
                <h2 id="appointments-heading">"Your appointments"</h2>
                <p class="meta">"None yet. Pick a time with each teacher below."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="card appointments" aria-labelledby="appointments-heading">
            <h2 id="appointments-heading">"Your appointments"</h2>
            <ol class="appointment-list">
                {bookings
                    .into_iter()
                    .map(|b| {
                        let id = b.id;
                        let what = format!("{} with {}", b.student_name, b.teacher_name);
                        view! {
                            <li>
                                <span class="booked-time">{format!("{}–{}", clock(&b.start), clock(&b.end))}</span>
                                <span class="what">{what.clone()}</span>
                                <span class="room">{b.room.clone().unwrap_or_default()}</span>
                                <span class="actions">
                                    <button type="button" class="button button-small" aria-label=format!("Add {what} to your calendar")
                                        on:click=move |_| on_calendar.run(Some(id))>"Calendar"</button>
                                    {can_cancel.then(|| view! {
                                        <button type="button" class="button button-small button-danger"
                                            aria-label=format!("Cancel {what}")
                                            prop:disabled=move || busy.get()
                                            on:click=move |_| on_cancel.run(id)>"Cancel"</button>
                                    })}
                                </span>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()}
            </ol>
            <button type="button" class="button" on:click=move |_| on_calendar.run(None)>
                "Add all to your calendar"
            </button>
        </section>
    }
    .into_any()
}
