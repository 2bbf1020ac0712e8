use confero_core::dto::{FieldChange, KindDiff, RecordChange};
use leptos::prelude::*;

fn change_text(change: &FieldChange) -> String {
    match (&change.from, &change.to) {
        (Some(from), Some(to)) => format!("{}: {from} → {to}", change.field),
        (None, Some(to)) => format!("{}: {to}", change.field),
        (Some(from), None) => format!("{}: {from} → (blank)", change.field),
        (None, None) => change.field.clone(),
    }
}

/// One list of records (added, updated or removed), folded away when long.
#[component]
fn RecordList(what: &'static str, records: Vec<RecordChange>) -> impl IntoView {
    let count = records.len();
    (count > 0).then(|| {
        view! {
            <details class="record-list" open=count <= 5>
                <summary>{format!("{count} {what}")}</summary>
                <ul>
                    {records.into_iter().map(|record| view! {
                        <li>
                            <span class="record-key">{record.key}</span> " " {record.label}
                            {(!record.changes.is_empty()).then(|| view! {
                                <ul class="field-changes">
                                    {record.changes.iter().map(|c| view! { <li>{change_text(c)}</li> }).collect::<Vec<_>>()}
                                </ul>
                            })}
                        </li>
                    }).collect::<Vec<_>>()}
                </ul>
            </details>
        }
    })
}

/// What an import changes for one kind of record.
#[component]
pub fn RosterDiff(title: &'static str, diff: KindDiff) -> impl IntoView {
    let summary = format!(
        "{} added, {} updated, {} removed, {} unchanged",
        diff.added.len(),
        diff.updated.len(),
        diff.removed.len(),
        diff.unchanged
    );
    view! {
        <section class="card roster-kind">
            <h3>{title}</h3>
            <p class="meta">{summary}</p>
            <RecordList what="to add" records=diff.added />
            <RecordList what="to update" records=diff.updated />
            <RecordList what="to remove" records=diff.removed />
        </section>
    }
}
