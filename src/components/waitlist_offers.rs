use confero_core::dto::{WaitlistEntry, WaitlistStatus};
use leptos::prelude::*;

use crate::time_text::clock;

/// The times held for the family from teachers' waiting lists, each with
/// one tap to book it and one to pass it on. Shown at the top of the
/// booking page when an offer arrives (announced, never taking focus).
#[component]
pub fn WaitlistOffers(
    places: Vec<WaitlistEntry>,
    #[prop(into)] busy: Signal<bool>,
    /// Books the time held for a place (its id).
    on_accept: Callback<i64>,
    /// Says no to it: the time goes to the next family.
    on_decline: Callback<i64>,
) -> impl IntoView {
    let offers: Vec<_> = places
        .into_iter()
        .filter(|p| p.status == WaitlistStatus::Offered)
        .filter_map(|p| p.offer.clone().map(|offer| (p, offer)))
        .collect();
    let count = offers.len();
    view! {
        <div aria-live="polite">
            {(count > 0).then(|| view! {
                <section class="card offers" aria-labelledby="offers-heading">
                    <h2 id="offers-heading">
                        {if count == 1 { "A time has come up" } else { "Times have come up" }}
                    </h2>
                    <ul class="offer-list" role="list">
                        {offers
                            .into_iter()
                            .map(|(place, offer)| {
                                let id = place.id;
                                let at = clock(&offer.start);
                                let what = format!("{} with {}", place.student_name, place.teacher_name);
                                view! {
                                    <li class="offer">
                                        <p>
                                            <span class="booked-time">{format!("{}–{}", at, clock(&offer.end))}</span>
                                            " "<span class="what">{what.clone()}</span>
                                            {offer.room.clone().map(|room| view! { " · "<span class="room">{room}</span> })}
                                        </p>
                                        <p class="meta">
                                            {format!(
                                                "You were waiting for this. It is held for you until {}; then it goes to the next family waiting.",
                                                clock(&offer.expires_at)
                                            )}
                                        </p>
                                        <p class="actions">
                                            <button type="button" class="button button-primary" prop:disabled=move || busy.get()
                                                aria-label=format!("Book {at} for {what}")
                                                on:click=move |_| on_accept.run(id)>{format!("Book {at}")}</button>
                                            <button type="button" class="button" prop:disabled=move || busy.get()
                                                aria-label=format!("No thanks: pass {at} for {what} to the next family")
                                                on:click=move |_| on_decline.run(id)>"No thanks"</button>
                                        </p>
                                    </li>
                                }
                            })
                            .collect::<Vec<_>>()}
                    </ul>
                </section>
            })}
        </div>
    }
}
