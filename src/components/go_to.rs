use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::builds::{leaves_this_build, load_page};

/// Sends the person on to `path` at once: by the router within this build,
/// by a page load into the other build.
#[component]
pub fn GoTo(#[prop(into)] path: String) -> impl IntoView {
    if leaves_this_build(&path) && load_page(&path) {
        return ().into_any();
    }
    view! { <Redirect path=path /> }.into_any()
}
