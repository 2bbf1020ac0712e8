//! The preview's staff and guardians: one person can be on both lists (a
//! teacher who is a parent), each showing the fields that list is about.

use std::collections::BTreeSet;

use confero_core::dto::KindDiff;
use confero_core::Role;

use super::diff::{self, View};
use super::guardianships::Children;
use super::people::People;
use super::person::PersonState;
use super::PersonRef;

/// The staff and guardians lists of the preview.
pub(super) fn diffs(people: &People, children: &Children) -> (KindDiff, KindDiff) {
    let mut staff = KindDiff::default();
    let mut guardians = KindDiff::default();
    let no_children = BTreeSet::new();
    for record in &people.records {
        let is_staff = |state: &&PersonState| state.roles.iter().any(|role| role.is_staff());
        let before = record.before.as_ref().filter(is_staff).map(staff_view);
        let after = record.after.as_ref().filter(is_staff).map(staff_view);
        diff::record(&mut staff, before, after);

        let is_guardian = |state: &&PersonState| state.has(Role::Guardian);
        let had = match record.reference {
            PersonRef::Existing(id) => children.before.get(&id),
            PersonRef::New(_) => None,
        };
        let has = children.after.get(&record.reference);
        let before = record.before.as_ref().filter(is_guardian);
        let after = record.after.as_ref().filter(is_guardian);
        diff::record(
            &mut guardians,
            before.map(|state| guardian_view(state, had.unwrap_or(&no_children))),
            after.map(|state| guardian_view(state, has.unwrap_or(&no_children))),
        );
    }
    (diff::finish(staff), diff::finish(guardians))
}

fn staff_view(state: &PersonState) -> View {
    let roles: Vec<&str> = state
        .roles
        .iter()
        .filter(|role| role.is_staff())
        .map(|role| role.as_str())
        .collect();
    View {
        key: state
            .staff_ref
            .clone()
            .unwrap_or_else(|| state.email.clone()),
        label: state.name(),
        fields: vec![
            ("staff id", state.staff_ref.clone()),
            ("title", state.title.clone()),
            ("given name", Some(state.given_name.clone())),
            ("family name", Some(state.family_name.clone())),
            ("email", Some(state.email.clone())),
            ("roles", Some(roles.join(", "))),
        ],
        members: None,
    }
}

fn guardian_view(state: &PersonState, children: &BTreeSet<String>) -> View {
    View {
        key: state
            .guardian_ref
            .clone()
            .unwrap_or_else(|| state.email.clone()),
        label: state.name(),
        fields: vec![
            ("guardian id", state.guardian_ref.clone()),
            ("title", state.title.clone()),
            ("given name", Some(state.given_name.clone())),
            ("family name", Some(state.family_name.clone())),
            ("email", Some(state.email.clone())),
            ("phone", state.phone.clone()),
        ],
        members: Some(("children", children.clone())),
    }
}
