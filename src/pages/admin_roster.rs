use confero_core::dto::{AppointmentsCancelled, RosterApplied, RosterPreview};
use leptos::html::Input;
use leptos::prelude::*;
use web_sys::FormData;

use crate::api::{self, RosterRefusal};
use crate::components::page_heading::PageHeading;
use crate::components::roster_diff::RosterDiff;
use crate::components::roster_problems::RosterProblemsTable;
use crate::session::use_session;

/// The four files, in the order schools export them.
const FILES: [(&str, &str, &str); 4] = [
    ("students", "Students", "Student ID, given and family names, year."),
    ("guardians", "Parents and carers", "One line per parent and child: guardian ID, names, email, phone, student ID, relationship."),
    ("staff", "Staff", "Staff ID, names, email, role (teacher, admin)."),
    ("classes", "Classes", "One line per pupil in a class: class, subject, teacher’s staff ID, student ID."),
];

/// The chosen files as a form to upload, with the preview's token when applying.
fn form(inputs: &[NodeRef<Input>; 4], token: Option<&str>) -> Option<FormData> {
    let data = FormData::new().ok()?;
    let mut any = false;
    for ((name, _, _), input) in FILES.iter().zip(inputs) {
        let file = input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            data.append_with_blob_and_filename(name, &file, &file.name())
                .ok()?;
            any = true;
        }
    }
    if let Some(token) = token {
        data.append_with_str("token", token).ok()?;
    }
    any.then_some(data)
}

/// Roster import: choose the school information system's files, see what
/// would change, then apply exactly that.
#[component]
pub fn AdminRoster() -> impl IntoView {
    let session = use_session();
    let inputs: [NodeRef<Input>; 4] = std::array::from_fn(|_| NodeRef::new());
    let nothing_chosen = RwSignal::new(false);
    // The form data is built inside the action: a browser object stays on its thread.
    let preview = Action::new_local(move |_: &()| async move {
        match form(&inputs, None) {
            Some(data) => api::roster_preview(session, data).await,
            None => Err(RosterRefusal::Other(crate::api::ApiError::Network)),
        }
    });
    let apply = Action::new_local(move |token: &String| {
        let token = token.clone();
        async move {
            match form(&inputs, Some(&token)) {
                Some(data) => api::roster_apply(session, data).await,
                None => Err(RosterRefusal::Other(crate::api::ApiError::Network)),
            }
        }
    });
    let previewed = move || preview.value().get().and_then(Result::ok);
    let applied: Signal<Option<Result<RosterApplied, RosterRefusal>>> = apply.value().into();
    let on_preview = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        apply.value().set(None);
        let chosen = inputs.iter().any(|input| {
            input
                .get_untracked()
                .and_then(|i| i.files())
                .is_some_and(|f| f.length() > 0)
        });
        nothing_chosen.set(!chosen);
        if chosen {
            preview.dispatch(());
        }
    };
    let on_apply = Callback::new(move |()| {
        if let (Some(found), false) = (previewed(), apply.pending().get_untracked()) {
            apply.dispatch(found.token);
        }
    });
    let applying: Signal<bool> = apply.pending().into();
    let refusal = move |r: RosterRefusal| match r {
        RosterRefusal::Problems(report) => view! { <RosterProblemsTable report /> }.into_any(),
        RosterRefusal::Other(e) => {
            view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any()
        }
    };

    view! {
        <PageHeading>"Import the roster"</PageHeading>
        <p class="lead">"Upload the CSV files your school information system exports. Each file you upload is the complete list of its kind: new records are added, changed ones updated, and those no longer listed removed. Nothing changes until you have seen what will."</p>
        <form class="card card-form roster-form" on:submit=on_preview novalidate>
            {FILES.iter().zip(inputs).map(|((name, label, hint), input)| {
                let id = format!("roster-{name}");
                let hint_id = format!("{id}-hint");
                view! {
                    <div class="field">
                        <label for=id.clone()>{format!("{label} ({name}.csv)")}</label>
                        <p class="field-hint" id=hint_id.clone()>{*hint}</p>
                        <input id=id type="file" accept=".csv,text/csv" node_ref=input aria-describedby=hint_id
                            on:change=move |_| { preview.value().set(None); apply.value().set(None); } />
                    </div>
                }
            }).collect::<Vec<_>>()}
            {move || nothing_chosen.get().then(|| view! { <p class="field-error" role="alert">"Choose at least one file."</p> })}
            <button type="submit" class="button button-primary" prop:disabled=move || preview.pending().get()>
                {move || if preview.pending().get() { "Checking the files…" } else { "Preview the changes" }}
            </button>
        </form>
        {move || preview.value().get().map(|result| match result {
            Err(refusal_reason) => refusal(refusal_reason),
            Ok(found) => view! { <PreviewAndApply found on_apply applied applying /> }.into_any(),
        })}
    }
}

/// The preview, and the button that applies it (or what applying did).
#[component]
fn PreviewAndApply(
    found: RosterPreview,
    on_apply: Callback<()>,
    applied: Signal<Option<Result<RosterApplied, RosterRefusal>>>,
    applying: Signal<bool>,
) -> impl IntoView {
    let changes = found.has_changes();
    let count = |diff: &confero_core::dto::KindDiff| {
        diff.added.len() + diff.updated.len() + diff.removed.len()
    };
    let summary = format!(
        "Students: {} changes. Parents and carers: {}. Staff: {}. Classes: {}. Details below.",
        count(&found.students),
        count(&found.guardians),
        count(&found.staff),
        count(&found.classes)
    );
    let cancels = cancel_warning(&found.cancels);
    let kinds = [
        ("Students", found.students.clone()),
        ("Parents and carers", found.guardians.clone()),
        ("Staff", found.staff.clone()),
        ("Classes", found.classes.clone()),
    ];
    view! {
        <section class="roster-preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading" class="section-heading">"What will change"</h2>
            <p class="lead">{summary}</p>
            {move || applied.get().is_none().then(|| cancels.clone().map(|text| view! {
                <p class="notice notice-warning" role="note">{text}</p>
            }))}
            {move || match applied.get() {
                Some(Ok(done)) => view! {
                    <div class="notice notice-success" role="status">
                        {format!("The roster is imported.{}", match done.cancelled_bookings {
                            0 => String::new(),
                            1 => " One future appointment was cancelled, and the family and teacher emailed.".to_owned(),
                            n => format!(" {n} future appointments were cancelled, and the families and teachers emailed."),
                        })}
                    </div>
                }.into_any(),
                Some(Err(RosterRefusal::Problems(report))) => view! { <RosterProblemsTable report /> }.into_any(),
                Some(Err(RosterRefusal::Other(e))) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
                None if changes => view! {
                    <button type="button" class="button button-primary" on:click=move |_| on_apply.run(())
                        prop:disabled=move || applying.get()>
                        {move || if applying.get() { "Applying…" } else { "Apply these changes" }}
                    </button>
                }.into_any(),
                None => view! { <p class="notice notice-info" role="status">"The roster already matches these files: nothing to change."</p> }.into_any(),
            }}
            {kinds.into_iter().map(|(title, diff)| view! { <RosterDiff title diff /> }).collect::<Vec<_>>()}
        </section>
    }
}

/// What applying would cancel, reason by reason, or `None` when nothing.
fn cancel_warning(cancels: &AppointmentsCancelled) -> Option<String> {
    let reasons: Vec<(u32, &str)> = [
        (cancels.pupils_leaving, "the pupil leaves the roster"),
        (
            cancels.carers_leaving,
            "the parent or carer who booked leaves, or is no longer linked to the pupil",
        ),
        (
            cancels.teachers_leaving,
            "the teacher leaves, or no longer teaches",
        ),
        (
            cancels.no_longer_invited,
            "the pupil is no longer in a year group or class the evening is for",
        ),
    ]
    .into_iter()
    .filter(|(count, _)| *count > 0)
    .collect();
    let total = cancels.total();
    let what = if total == 1 {
        "one future appointment".to_owned()
    } else {
        format!("{total} future appointments")
    };
    let why = match reasons.as_slice() {
        [] => return None,
        [(_, why)] => format!(" because {why}"),
        several => format!(
            ": {}",
            several
                .iter()
                .map(|(count, why)| format!("{count} because {why}"))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    };
    Some(format!(
        "Applying cancels {what}{why}. The families and teachers are emailed, and the times are freed."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_names_each_reason_with_its_count_and_is_absent_for_none() {
        assert_eq!(cancel_warning(&AppointmentsCancelled::default()), None);
        let one = AppointmentsCancelled {
            no_longer_invited: 1,
            ..AppointmentsCancelled::default()
        };
        assert_eq!(
            cancel_warning(&one).as_deref(),
            Some("Applying cancels one future appointment because the pupil is no longer in a year group or class the evening is for. The families and teachers are emailed, and the times are freed.")
        );
        let three = AppointmentsCancelled {
            pupils_leaving: 2,
            teachers_leaving: 1,
            ..AppointmentsCancelled::default()
        };
        let text = cancel_warning(&three).unwrap_or_default();
        assert!(text.starts_with("Applying cancels 3 future appointments: 2 because the pupil leaves the roster; 1 because the teacher leaves"), "{text}");
    }
}
