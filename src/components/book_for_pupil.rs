use confero_core::dto::{BookingInput, ClassRoster};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::session::use_session;
use crate::time_text::clock;

/// A pupil a teacher may book: (student id, "Ava Khan (7Ma)").
pub type Pupil = (i64, String);

/// The teacher's pupils from their class lists, each once, by name.
pub fn pupils(rosters: &[ClassRoster]) -> Vec<Pupil> {
    let mut out: Vec<Pupil> = Vec::new();
    for roster in rosters {
        for s in &roster.students {
            if !out.iter().any(|(id, _)| *id == s.id) {
                out.push((
                    s.id,
                    format!("{} {} ({})", s.given_name, s.family_name, roster.name),
                ));
            }
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// On a free time of a teacher's schedule: book it for one of their pupils
/// on the family's behalf (the family is emailed and sees "Booked by the
/// school"). The class lists are fetched the first time this is opened.
#[component]
pub fn BookForPupil(
    evening_id: i64,
    teacher_id: i64,
    start: chrono::DateTime<chrono::FixedOffset>,
    /// The teacher's pupils, shared by every free time of the page.
    pupils: RwSignal<Option<Result<Vec<Pupil>, String>>>,
    on_done: Callback<String>,
) -> impl IntoView {
    let session = use_session();
    let chosen = RwSignal::new(String::new());
    let load = move || {
        if pupils.with_untracked(Option::is_some) {
            return;
        }
        pupils.set(Some(Ok(Vec::new())));
        leptos::task::spawn_local(async move {
            let classes = session.me().map(|me| me.classes).unwrap_or_default();
            let rosters =
                futures::future::join_all(classes.iter().map(|c| api::class_roster(session, c.id)))
                    .await
                    .into_iter()
                    .collect::<Result<Vec<_>, ApiError>>();
            pupils.set(Some(
                rosters.map(|r| self::pupils(&r)).map_err(|e| e.to_string()),
            ));
        });
    };
    let book = Action::new_local(move |student_id: &i64| {
        let input = BookingInput {
            teacher_id,
            student_id: *student_id,
            start,
        };
        let key = format!(
            "{:x}-{student_id}-{}",
            js_sys::Date::now() as u64,
            start.timestamp()
        );
        async move { api::book(session, evening_id, input, key).await }
    });
    Effect::new(move |_| {
        if let Some(result) = book.value().get() {
            on_done.run(match result {
                Ok(b) => format!(
                    "Booked: {} with you at {}. The family has been emailed.",
                    b.student_name,
                    clock(&b.start)
                ),
                Err(error) => format!("Not booked: {error}"),
            });
        }
    });
    let field = format!("pupil-{}", start.timestamp());
    let at = clock(&start);
    view! {
        <details class="book-for" on:toggle=move |_| load()>
            <summary>{format!("Book {at} for a pupil")}</summary>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Ok(id) = chosen.get_untracked().parse::<i64>() {
                    book.dispatch(id);
                }
            }>
                {move || match pupils.get() {
                    Some(Err(error)) => view! { <p class="notice notice-error" role="alert">{error}</p> }.into_any(),
                    Some(Ok(list)) if !list.is_empty() => view! {
                        <label for=field.clone()>"Pupil"</label>
                        <select id=field.clone() on:change=move |ev| chosen.set(event_target_value(&ev))>
                            <option value="">"Choose a pupil"</option>
                            {list.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect::<Vec<_>>()}
                        </select>
                        <button type="submit" class="button button-small" prop:disabled=move || book.pending().get() || chosen.get().is_empty()>
                            {format!("Book {at}")}
                        </button>
                    }.into_any(),
                    _ => view! { <p class="meta">"Loading your class lists…"</p> }.into_any(),
                }}
            </form>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::dto::RosterStudent;

    fn roster(name: &str, students: &[(i64, &str, &str)]) -> ClassRoster {
        ClassRoster {
            id: 1,
            name: name.into(),
            subject: "Maths".into(),
            teacher_name: "Mr Okafor".into(),
            students: students
                .iter()
                .map(|(id, given, family)| RosterStudent {
                    id: *id,
                    given_name: (*given).into(),
                    family_name: (*family).into(),
                    year_group: "Year 7".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn each_pupil_once_by_name_with_their_class() {
        let list = pupils(&[
            roster("7Ma", &[(2, "Zoe", "Adams"), (1, "Ava", "Khan")]),
            roster("7Ma2", &[(1, "Ava", "Khan")]),
        ]);
        assert_eq!(
            list,
            vec![
                (1, "Ava Khan (7Ma)".to_owned()),
                (2, "Zoe Adams (7Ma)".to_owned())
            ]
        );
    }
}
