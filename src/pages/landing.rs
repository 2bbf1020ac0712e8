use leptos::prelude::*;

use crate::components::go_to::GoTo;
use crate::session::{home_path, use_session};

/// `/`: sends the signed-in person to their own home page.
#[component]
pub fn Landing() -> impl IntoView {
    let session = use_session();
    move || {
        session
            .me()
            .map(|me| view! { <GoTo path=home_path(&me) /> })
    }
}
