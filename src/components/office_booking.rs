use confero_core::dto::{BookingInput, PupilTeacher, PupilToBook, SlotState, TeacherSlots};
use leptos::prelude::*;

use crate::api;
use crate::session::use_session;
use crate::time_text::clock;

/// One of the pupil's teachers: booked at a time, or a choice of free times and "Book".
#[component]
fn TeacherChoice(
    evening_id: i64,
    pupil: StoredValue<PupilToBook>,
    teacher: PupilTeacher,
    grid: StoredValue<Vec<TeacherSlots>>,
    on_booked: Callback<String>,
) -> impl IntoView {
    let session = use_session();
    let label = format!("{} ({})", teacher.name, teacher.subject);
    if let Some(at) = teacher.booked_at {
        return view! {
            <li class="office-teacher"><span>{label}</span><span class="meta">{format!("Booked {}", clock(&at))}</span></li>
        }
        .into_any();
    }
    let free: Vec<_> = grid.with_value(|g| {
        g.iter()
            .find(|c| c.teacher_id == teacher.teacher_id)
            .map(|c| {
                c.slots
                    .iter()
                    .filter(|s| s.state == SlotState::Free)
                    .map(|s| s.start)
                    .collect()
            })
            .unwrap_or_default()
    });
    let chosen = RwSignal::new(free.first().map(|s| s.to_rfc3339()).unwrap_or_default());
    let teacher_id = teacher.teacher_id;
    let book = Action::new_local(move |start: &String| {
        let start = chrono::DateTime::parse_from_rfc3339(start).ok();
        let student_id = pupil.with_value(|p| p.student_id);
        async move {
            let start = start.ok_or(api::ApiError::Unexpected(422))?;
            let input = BookingInput {
                teacher_id,
                student_id,
                start,
            };
            let key = format!(
                "{:x}-{student_id}-{teacher_id}-{}",
                js_sys::Date::now() as u64,
                start.timestamp()
            );
            api::book(session, evening_id, input, key).await
        }
    });
    Effect::new(move |_| {
        if let Some(result) = book.value().get() {
            let pupil = pupil.with_value(|p| p.name.clone());
            on_booked.run(match result {
                Ok(b) => format!(
                    "Booked: {pupil} with {} at {}. The family has been emailed.",
                    b.teacher_name,
                    clock(&b.start)
                ),
                Err(error) => format!("Not booked: {error}"),
            });
        }
    });
    let select_id = format!("time-{}-{teacher_id}", pupil.with_value(|p| p.student_id));
    let pupil_name = pupil.with_value(|p| p.name.clone());
    if free.is_empty() {
        return view! {
            <li class="office-teacher"><span>{label}</span><span class="meta">"No free time left"</span></li>
        }
        .into_any();
    }
    view! {
        <li class="office-teacher">
            <label for=select_id.clone()>{label.clone()}</label>
            <select id=select_id bind:value=chosen prop:disabled=move || book.pending().get()>
                {free.into_iter().map(|start| view! { <option value=start.to_rfc3339()>{clock(&start)}</option> }).collect::<Vec<_>>()}
            </select>
            <button type="button" class="button button-primary" prop:disabled=move || book.pending().get()
                aria-label=format!("Book {pupil_name} with {}", teacher.name)
                on:click=move |_| { book.dispatch(chosen.get_untracked()); }>"Book"</button>
        </li>
    }
    .into_any()
}

/// The office books for any pupil the evening is for: find them by name,
/// then pick a free time with each of their teachers. Families are emailed
/// and see "Booked by the school". The rules still hold (no double booking,
/// no clash with the family's other appointments); the booking window does not.
#[component]
pub fn OfficeBooking(
    evening_id: i64,
    grid: Vec<TeacherSlots>,
    /// The name searched for (set from elsewhere on the page too).
    query: RwSignal<String>,
    on_booked: Callback<String>,
) -> impl IntoView {
    let session = use_session();
    let grid = StoredValue::new(grid);
    let search = Action::new_local(move |wanted: &String| {
        let wanted = wanted.clone();
        async move { api::office::pupils_to_book(session, evening_id, wanted).await }
    });
    // Search again when the page's data is refreshed with a name already asked for.
    if !query.get_untracked().trim().is_empty() {
        search.dispatch(query.get_untracked());
    }
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        search.dispatch(query.get_untracked());
    };
    view! {
        <form class="office-search" role="search" on:submit=on_submit>
            <div class="field">
                <label for="pupil-search">"Pupil's name"</label>
                <input id="pupil-search" type="search" bind:value=query autocomplete="off" />
            </div>
            <button type="submit" class="button" prop:disabled=move || search.pending().get()>"Find"</button>
        </form>
        {move || search.value().get().map(|answer| match answer {
            Err(error) => view! { <div class="notice notice-error" role="alert">{error.to_string()}</div> }.into_any(),
            Ok(found) if found.is_empty() => view! { <p class="empty" role="status">"No pupil of this evening has that name."</p> }.into_any(),
            Ok(found) => view! {
                <ul class="office-results" role="list" aria-label="Pupils found">
                    {found.into_iter().map(|pupil| {
                        let heading = format!("{} · {}", pupil.name, pupil.year_group);
                        let parents = pupil.guardians.join(", ");
                        let teachers = pupil.teachers.clone();
                        let pupil = StoredValue::new(pupil);
                        view! {
                            <li class="card office-pupil">
                                <h3>{heading}</h3>
                                <p class="meta">{format!("Parents and carers: {parents}")}</p>
                                <ul class="office-teachers" role="list">
                                    {teachers.into_iter().map(|teacher| view! {
                                        <TeacherChoice evening_id pupil teacher grid on_booked />
                                    }).collect::<Vec<_>>()}
                                </ul>
                            </li>
                        }
                    }).collect::<Vec<_>>()}
                </ul>
            }.into_any(),
        })}
    }
}
