//! Which of the two builds is running, and going to a page of the other one
//! (`confero_core::bundle`): the parent build has no staff page, so it reaches
//! one by a full page load, straight away rather than through the router.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

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
