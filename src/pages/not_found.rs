use leptos::prelude::*;
use leptos_router::components::A;

/// Any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <main id="main" class="page page-narrow">
            <h1 tabindex="-1">"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p><A href="/">"Go to your home page"</A></p>
        </main>
    }
}
