use confero_core::dto::Booking;
use leptos::prelude::*;

use crate::time_text::clock;

/// The family's appointments this evening, in time order, each with
/// "add to calendar" and (until the cut-off) "cancel", which asks first.
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
    // The appointment whose "Cancel" was pressed and now asks to be sure.
    let confirming = RwSignal::new(None::<i64>);
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
                                {crate::who_booked::words(&b).map(|by| view! { <span class="booked-by">{by}</span> })}
                                <span class="actions">
                                    <button type="button" class="button button-small" aria-label=format!("Add {what} to your calendar")
                                        on:click=move |_| on_calendar.run(Some(id))>"Calendar"</button>
                                    {can_cancel.then(|| {
                                        let ask = NodeRef::<leptos::html::Button>::new();
                                        let sure = NodeRef::<leptos::html::Button>::new();
                                        // Focus follows the question and comes back if it is dismissed.
                                        Effect::new(move |_| {
                                            if let Some(button) = sure.get() {
                                                let _ = button.focus();
                                            }
                                        });
                                        let asking = move || confirming.get() == Some(id);
                                        let keep = move || {
                                            confirming.set(None);
                                            // Once "Cancel" is shown again.
                                            request_animation_frame(move || {
                                                if let Some(button) = ask.get_untracked() {
                                                    let _ = button.focus();
                                                }
                                            });
                                        };
                                        let what_now = what.clone();
                                        view! {
                                            <button type="button" class="button button-small button-danger" node_ref=ask
                                                aria-label=format!("Cancel {what}")
                                                aria-expanded=move || asking().to_string()
                                                hidden=asking
                                                prop:disabled=move || busy.get()
                                                on:click=move |_| confirming.set(Some(id))>"Cancel"</button>
                                            {move || asking().then(|| view! {
                                                <span class="confirm" role="group" aria-label=format!("Cancel {what_now}?")
                                                    on:keydown=move |event: web_sys::KeyboardEvent| if event.key() == "Escape" { keep() }>
                                                    <span class="confirm-question">"Cancel this appointment?"</span>
                                                    <button type="button" class="button button-small button-danger" node_ref=sure
                                                        prop:disabled=move || busy.get()
                                                        on:click=move |_| { confirming.set(None); on_cancel.run(id) }>"Yes, cancel it"</button>
                                                    <button type="button" class="button button-small" on:click=move |_| keep()>"Keep it"</button>
                                                </span>
                                            })}
                                        }
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
