//! Turning a record before and after an import into a line of the preview.

use std::collections::BTreeSet;

use confero_core::dto::{FieldChange, KindDiff, RecordChange};

/// A record as the preview shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct View {
    /// The school's id for it, or the class name.
    pub(super) key: String,
    /// A name a person reads.
    pub(super) label: String,
    /// Its fields, in a fixed order; `None` for a blank field.
    pub(super) fields: Vec<(&'static str, Option<String>)>,
    /// Its set-valued field, if it has one: a guardian's children or a
    /// class's students.
    pub(super) members: Option<(&'static str, BTreeSet<String>)>,
}

/// Adds to `diff` what happens to one record: added, updated, removed or
/// unchanged. Keys and labels are the record's after the import, when it
/// is still there.
pub(super) fn record(diff: &mut KindDiff, before: Option<View>, after: Option<View>) {
    match (before, after) {
        (None, None) => {}
        (None, Some(after)) => {
            let changes = every_field(&after, |value| (None, value));
            diff.added.push(change(after, changes));
        }
        (Some(before), None) => {
            let changes = every_field(&before, |value| (value, None));
            diff.removed.push(change(before, changes));
        }
        (Some(before), Some(after)) => {
            let mut changes: Vec<FieldChange> = before
                .fields
                .iter()
                .zip(&after.fields)
                .filter(|((_, was), (_, is))| was != is)
                .map(|((field, was), (_, is))| FieldChange {
                    field: (*field).to_owned(),
                    from: was.clone(),
                    to: is.clone(),
                    members: false,
                })
                .collect();
            if let (Some((field, was)), Some((_, is))) = (&before.members, &after.members) {
                if was != is {
                    changes.push(FieldChange {
                        field: (*field).to_owned(),
                        from: joined(was.difference(is)),
                        to: joined(is.difference(was)),
                        members: true,
                    });
                }
            }
            if changes.is_empty() {
                diff.unchanged = diff.unchanged.saturating_add(1);
            } else {
                diff.updated.push(change(after, changes));
            }
        }
    }
}

/// Sorts each list of `diff` by key, so a preview reads the same however
/// the records were visited.
pub(super) fn finish(mut diff: KindDiff) -> KindDiff {
    for list in [&mut diff.added, &mut diff.updated, &mut diff.removed] {
        list.sort_by(|a, b| a.key.cmp(&b.key));
    }
    diff
}

fn every_field(
    view: &View,
    place: impl Fn(Option<String>) -> (Option<String>, Option<String>),
) -> Vec<FieldChange> {
    let members = view
        .members
        .iter()
        .map(|(field, members)| (*field, joined(members.iter()), true));
    view.fields
        .iter()
        .map(|(field, value)| (*field, value.clone(), false))
        .chain(members)
        .filter(|(_, value, _)| value.is_some())
        .map(|(field, value, members)| {
            let (from, to) = place(value);
            FieldChange {
                field: field.to_owned(),
                from,
                to,
                members,
            }
        })
        .collect()
}

fn change(view: View, changes: Vec<FieldChange>) -> RecordChange {
    RecordChange {
        key: view.key,
        label: view.label,
        changes,
    }
}

/// Members joined with `"; "`, or `None` for none.
fn joined<'a>(members: impl Iterator<Item = &'a String>) -> Option<String> {
    let list: Vec<&str> = members.map(String::as_str).collect();
    (!list.is_empty()).then(|| list.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(family: &str, phone: Option<&str>, children: &[&str]) -> View {
        View {
            key: "G1".into(),
            label: format!("Asha {family}"),
            fields: vec![
                ("family name", Some(family.to_owned())),
                ("phone", phone.map(str::to_owned)),
            ],
            members: Some(("children", children.iter().map(|c| c.to_string()).collect())),
        }
    }

    #[test]
    fn an_update_lists_only_the_fields_that_change() {
        let mut diff = KindDiff::default();
        let before = view(
            "Patel",
            Some("0700"),
            &["S1 Ada (mother)", "S2 Bo (mother)"],
        );
        let after = view("Shah", Some("0700"), &["S2 Bo (mother)", "S3 Cy (mother)"]);
        record(&mut diff, Some(before), Some(after));
        let change = &diff.updated[0];
        assert_eq!(change.label, "Asha Shah");
        assert_eq!(
            change.changes,
            [
                FieldChange {
                    field: "family name".into(),
                    from: Some("Patel".into()),
                    to: Some("Shah".into()),
                    members: false,
                },
                FieldChange {
                    field: "children".into(),
                    from: Some("S1 Ada (mother)".into()),
                    to: Some("S3 Cy (mother)".into()),
                    members: true,
                },
            ]
        );
    }

    #[test]
    fn added_and_removed_records_show_every_field_that_is_not_blank() {
        let mut diff = KindDiff::default();
        record(
            &mut diff,
            None,
            Some(view("Patel", None, &["S1 Ada (mother)", "S2 Bo (mother)"])),
        );
        record(&mut diff, Some(view("Patel", Some("0700"), &[])), None);
        let fields = |c: &RecordChange| {
            c.changes
                .iter()
                .map(|f| f.field.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(&diff.added[0]), ["family name", "children"]);
        assert_eq!(
            diff.added[0].changes[1].to.as_deref(),
            Some("S1 Ada (mother); S2 Bo (mother)")
        );
        assert_eq!(fields(&diff.removed[0]), ["family name", "phone"]);
        assert_eq!(diff.removed[0].changes[1].from.as_deref(), Some("0700"));
        assert_eq!(diff.removed[0].changes[1].to, None);
    }

    #[test]
    fn a_record_that_stays_the_same_is_counted_unchanged() {
        let mut diff = KindDiff::default();
        record(
            &mut diff,
            Some(view("Patel", None, &["S1"])),
            Some(view("Patel", None, &["S1"])),
        );
        assert_eq!(diff.unchanged, 1);
        assert!(!diff.has_changes());
    }

    #[test]
    fn finished_lists_are_sorted_by_key() {
        let mut diff = KindDiff::default();
        for key in ["S3", "S1", "S2"] {
            let mut added = view("Patel", None, &[]);
            added.key = key.into();
            record(&mut diff, None, Some(added));
        }
        let keys: Vec<_> = finish(diff).added.into_iter().map(|c| c.key).collect();
        assert_eq!(keys, ["S1", "S2", "S3"]);
    }
}
