//! Which of the two builds is running, and going to a page of the other one
//! (`confero_core::bundle`): the parent build has no staff page, so it reaches
//! one by a full page load, straight away rather than through the router.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::location::Location;

/// The running build, provided by its root component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// Public pages, the parent's pages, profile, directory, account.
    Parent,
    /// Every page.
    Staff,
}

/// Whether `path` is served by the other build than the running one.
pub fn leaves_this_build(path: &str) -> bool {
    use_context::<Build>() == Some(Build::Parent) && confero_core::bundle::is_staff_path(path)
}

/// Loads `path` afresh (the server picks its build), replacing this history entry.
pub fn load_page(path: &str) -> bool {
    window().location().replace(path).is_ok()
}

/// A navigate function that crosses builds with a page load and stays in
/// the router otherwise. Call it inside a component.
pub fn use_go() -> impl Fn(&str) + Clone + 'static {
    let navigate = use_navigate();
    move |path: &str| {
        if leaves_this_build(path) {
            load_page(path);
        } else {
            navigate(path, Default::default());
        }
    }
}

/// The current address as the router holds it: path, `?query` and `#fragment`
/// (the router keeps the query without its `?`, and sometimes the fragment
/// without its `#`).
pub fn address_of(location: &Location) -> String {
    let mut address = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    if !search.is_empty() {
        address = format!("{address}?{search}");
    }
    let hash = location.hash.get_untracked();
    let hash = hash.trim_start_matches('#');
    if !hash.is_empty() {
        address = format!("{address}#{hash}");
    }
    address
}

/// The address the parent build last reloaded to reach the staff build (in
/// `sessionStorage`); the staff build clears it when it starts.
const RELOADED: &str = "confero.reloaded-for";

/// From the parent build's fallback: loads the current (staff) address afresh,
/// unless this very address already came back to the parent build after such
/// a reload (a server without the staff build, `trunk serve`): no reload loop.
/// Call it inside a component.
pub fn reload_into_staff_build() -> bool {
    let target = address_of(&use_location());
    let storage = window().session_storage().ok().flatten();
    let already_tried = storage
        .as_ref()
        .and_then(|s| s.get_item(RELOADED).ok().flatten())
        .is_some_and(|tried| tried == target);
    if let Some(storage) = &storage {
        let _ = storage.remove_item(RELOADED);
    }
    if already_tried {
        return false;
    }
    if let Some(storage) = &storage {
        let _ = storage.set_item(RELOADED, &target);
    }
    load_page(&target)
}

/// The staff build is running: a reload that brought it here succeeded.
pub fn staff_build_started() {
    if let Ok(Some(storage)) = window().session_storage() {
        let _ = storage.remove_item(RELOADED);
    }
}
