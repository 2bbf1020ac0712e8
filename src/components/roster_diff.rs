use confero_core::dto::{FieldChange, KindDiff, RecordChange};
use leptos::prelude::*;

/// Which list a record is on: what its field values mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Listed {
    /// New: each field as it will be.
    Added,
    /// Changed: each changed field before and after.
    Updated,
    /// Leaving: each field as it was.
    Removed,
}

impl Listed {
    fn what(self) -> &'static str {
        match self {
            Listed::Added => "to add",
            Listed::Updated => "to update",
            Listed::Removed => "to remove",
        }
    }
}

/// One field as the admin reads it: on a record that changes, before and
/// after, a blank shown as "(blank)", or for a set (a guardian's children, a
/// class's students) who joins and who leaves; on a new or leaving record,
/// its value.
fn change_text(listed: Listed, change: &FieldChange) -> String {
    let field = &change.field;
    let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "(blank)".to_owned());
    if listed == Listed::Updated && change.members {
        let parts: Vec<String> = [("joining", &change.to), ("leaving", &change.from)]
            .into_iter()
            .filter_map(|(what, who)| who.as_ref().map(|who| format!("{what} {who}")))
            .collect();
        return format!("{field}: {}", parts.join(" · "));
    }
    match listed {
        Listed::Updated => format!("{field}: {} → {}", shown(&change.from), shown(&change.to)),
        Listed::Added => format!("{field}: {}", shown(&change.to)),
        Listed::Removed => format!("{field}: {}", shown(&change.from)),
    }
}

/// One list of records (added, updated or removed), folded away when long.
#[component]
fn RecordList(listed: Listed, records: Vec<RecordChange>) -> impl IntoView {
    let count = records.len();
    (count > 0).then(|| {
        view! {
            <details class="record-list" open=count <= 5>
                <summary>{format!("{count} {}", listed.what())}</summary>
                <ul>
                    {records.into_iter().map(|record| view! {
                        <li>
                            <span class="record-key">{record.key}</span> " " {record.label}
                            {(!record.changes.is_empty()).then(|| view! {
                                <ul class="field-changes">
                                    {record.changes.iter().map(|c| view! { <li>{change_text(listed, c)}</li> }).collect::<Vec<_>>()}
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
            <RecordList listed=Listed::Added records=diff.added />
            <RecordList listed=Listed::Updated records=diff.updated />
            <RecordList listed=Listed::Removed records=diff.removed />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(from: Option<&str>, to: Option<&str>) -> FieldChange {
        FieldChange {
            field: "title".into(),
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            members: false,
        }
    }

    #[test]
    fn a_change_reads_before_and_after_and_a_new_or_leaving_record_its_value() {
        assert_eq!(
            change_text(Listed::Updated, &change(None, Some("Mr"))),
            "title: (blank) → Mr"
        );
        assert_eq!(
            change_text(Listed::Updated, &change(Some("Mr"), None)),
            "title: Mr → (blank)"
        );
        assert_eq!(
            change_text(Listed::Updated, &change(Some("Mr"), Some("Dr"))),
            "title: Mr → Dr"
        );
        assert_eq!(
            change_text(Listed::Added, &change(None, Some("Mr"))),
            "title: Mr"
        );
        assert_eq!(
            change_text(Listed::Removed, &change(Some("Mr"), None)),
            "title: Mr"
        );
    }

    #[test]
    fn a_set_that_changes_reads_who_joins_and_who_leaves() {
        let members = |from: Option<&str>, to: Option<&str>| FieldChange {
            field: "children".into(),
            members: true,
            ..change(from, to)
        };
        assert_eq!(
            change_text(Listed::Updated, &members(None, Some("S3 Cy"))),
            "children: joining S3 Cy"
        );
        assert_eq!(
            change_text(
                Listed::Updated,
                &members(Some("S1 Ada"), Some("S3 Cy; S4 Di"))
            ),
            "children: joining S3 Cy; S4 Di · leaving S1 Ada"
        );
        assert_eq!(
            change_text(Listed::Added, &members(None, Some("S3 Cy"))),
            "children: S3 Cy"
        );
    }
}
