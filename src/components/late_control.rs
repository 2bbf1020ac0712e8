use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::session::use_session;

/// The choices a teacher taps: on time, or this many minutes behind.
const CHOICES: [u32; 5] = [0, 5, 10, 15, 20];

/// "Running late" on a teacher's schedule: one tap tells every family with
/// a later appointment (live on their page, and by email); "On time"
/// clears it.
#[component]
pub fn LateControl(
    evening_id: i64,
    teacher_id: i64,
    /// Minutes late as the schedule was fetched.
    current: u32,
    /// After a change was saved.
    on_done: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let set = Action::new_local(move |minutes: &u32| {
        let minutes = *minutes;
        async move { api::set_late(session, evening_id, teacher_id, minutes).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = set.value().get() {
            on_done.run(());
        }
    });
    view! {
        <section class="card late-control" aria-labelledby="late-heading">
            <h2 id="late-heading" class="subheading">"Running late?"</h2>
            <p class="meta">
                {if current > 0 {
                    format!("Families with later appointments are told you are about {current} minutes behind.")
                } else {
                    "One tap tells every family with a later appointment, on their page and by email.".to_owned()
                }}
            </p>
            <div class="late-choices" role="group" aria-label="How late you are running">
                {CHOICES
                    .into_iter()
                    .map(|minutes| {
                        let label = if minutes == 0 { "On time".to_owned() } else { format!("{minutes} min late") };
                        view! {
                            <button type="button" class="button button-small" aria-pressed=(minutes == current).to_string()
                                prop:disabled=move || set.pending().get()
                                on:click=move |_| { set.dispatch(minutes); }>{label}</button>
                        }
                    })
                    .collect::<Vec<_>>()}
            </div>
            {move || set.value().get().and_then(|result: Result<_, ApiError>| result.err()).map(|error| view! {
                <p class="notice notice-error" role="alert">{format!("Not sent: {error}")}</p>
            })}
        </section>
    }
}
