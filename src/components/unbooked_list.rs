use confero_core::dto::UnbookedPupil;
use leptos::prelude::*;

use crate::api;
use crate::session::use_session;
use crate::time_text::moment;

/// The pupils the evening is for with no appointment yet: filtered by year
/// group, with "Remind them by email" (asked first, once a day at most per
/// family), the list as CSV, and "Book" for each.
#[component]
pub fn UnbookedList(
    evening_id: i64,
    evening_name: String,
    pupils: Vec<UnbookedPupil>,
    /// Whether families can be reminded (the evening is published).
    can_remind: bool,
    /// Asked to book for this pupil (their name).
    on_book: Callback<String>,
    /// After a reminder went.
    on_reminded: Callback<String>,
) -> impl IntoView {
    let session = use_session();
    let year = RwSignal::new(String::new());
    let mut years: Vec<String> = Vec::new();
    for p in &pupils {
        if !years.contains(&p.year_group) {
            years.push(p.year_group.clone());
        }
    }
    let asking = RwSignal::new(false);
    // A long list shows its first rows until asked for the rest (or filtered).
    const FIRST: usize = 20;
    let show_all = RwSignal::new(false);
    let remind = Action::new_local(move |()| api::office::remind_unbooked(session, evening_id));
    Effect::new(move |_| {
        if let Some(result) = remind.value().get() {
            on_reminded.run(match result {
                Ok(sent) if sent.already_today > 0 => format!(
                    "Reminder emailed to {} parents and carers; {} already had one today.",
                    sent.guardians, sent.already_today
                ),
                Ok(sent) => format!("Reminder emailed to {} parents and carers.", sent.guardians),
                Err(error) => format!("No reminder sent: {error}"),
            });
        }
    });
    let export = Action::new_local(move |()| {
        let path = format!("/api/evenings/{evening_id}/unbooked.csv");
        let name = format!("evening-{evening_id}-not-booked.csv");
        async move { api::download(session, &path, &name).await }
    });
    let count = pupils.len();
    let families: usize = {
        let mut all: Vec<&String> = pupils.iter().flat_map(|p| p.guardians.iter()).collect();
        all.sort();
        all.dedup();
        all.len()
    };
    let sure = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = sure.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="section-head">
            <p class="lead">{match count {
                0 => "Every pupil has at least one appointment.".to_owned(),
                1 => "1 pupil has no appointment yet.".to_owned(),
                n => format!("{n} pupils have no appointment yet."),
            }}</p>
            <span class="actions">
                {(count > 0 && can_remind).then(|| view! {
                    <button type="button" class="button button-primary" aria-expanded=move || asking.get().to_string()
                        prop:disabled=move || remind.pending().get()
                        on:click=move |_| asking.set(true)>"Remind them by email"</button>
                })}
                <button type="button" class="button" aria-label=format!("Download the list (CSV) of pupils with no appointment at {evening_name}")
                    on:click=move |_| { export.dispatch(()); }>"Download the list (CSV)"</button>
            </span>
        </div>
        {move || asking.get().then(|| view! {
            <div class="confirm card" role="group" aria-label="Remind families?">
                <p class="confirm-question">{format!("Email the {families} parents and carers of these {count} pupils, asking them to book? Anyone reminded today is not emailed again.")}</p>
                <button type="button" class="button button-primary" node_ref=sure
                    on:click=move |_| { asking.set(false); remind.dispatch(()); }>"Yes, email them"</button>
                <button type="button" class="button" on:click=move |_| asking.set(false)>"Not now"</button>
            </div>
        })}
        {(count > 0).then(|| view! {
            <div class="field field-inline">
                <label for="year-filter">"Year group"</label>
                <select id="year-filter" bind:value=year>
                    <option value="">"All"</option>
                    {years.iter().map(|y| view! { <option value=y.clone()>{y.clone()}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            <div class="table-scroll">
                <table class="table unbooked stack-on-phone">
                    <caption class="visually-hidden">"Pupils with no appointment yet"</caption>
                    <thead><tr>
                        <th scope="col">"Pupil"</th>
                        <th scope="col">"Year"</th>
                        <th scope="col">"Parents and carers"</th>
                        <th scope="col">"Reminder"</th>
                        <th scope="col"><span class="visually-hidden">"Book"</span></th>
                    </tr></thead>
                    <tbody>
                        {pupils.into_iter().enumerate().map(|(index, p)| {
                            let in_year = p.year_group.clone();
                            let name = p.name.clone();
                            view! {
                                <tr prop:hidden=move || {
                                    let y = year.get();
                                    if y.is_empty() { index >= FIRST && !show_all.get() } else { y != in_year }
                                }>
                                    <th scope="row">{p.name.clone()}</th>
                                    <td>{p.year_group.clone()}</td>
                                    <td>{p.guardians.join(", ")}</td>
                                    <td>{p.reminded_at.as_ref().map(|at| format!("Reminded {}", moment(at))).unwrap_or_else(|| "Not reminded yet".to_owned())}</td>
                                    <td><button type="button" class="button" aria-label=format!("Book for {}", p.name)
                                        on:click=move |_| on_book.run(name.clone())>"Book"</button></td>
                                </tr>
                            }
                        }).collect::<Vec<_>>()}
                    </tbody>
                </table>
            </div>
            {(count > FIRST).then(|| view! {
                <Show when=move || !show_all.get() && year.with(String::is_empty)>
                    <p><button type="button" class="button" on:click=move |_| show_all.set(true)>
                        {format!("Show all {count}")}
                    </button></p>
                </Show>
            })}
        })}
    }
}
