use confero_core::dto::Me;
use confero_core::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::session::use_session;

/// The top bar: school, navigation for the person's roles, and sign-out.
#[component]
pub fn AppHeader(me: Me) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = Action::new_local(move |_: &()| api::sign_out(session));
    Effect::new(move |_| {
        if sign_out.value().with(Option::is_some) {
            navigate("/signin", Default::default());
        }
    });

    let links = [
        (Role::Guardian, "/parent", "Children"),
        (Role::Teacher, "/teacher", "Classes"),
        (Role::Admin, "/admin", "School"),
    ]
    .into_iter()
    .filter(|(role, _, _)| me.has_role(*role))
    .map(|(_, href, label)| view! { <li><A href=href>{label}</A></li> })
    .collect::<Vec<_>>();

    view! {
        <header class="app-header">
            <div class="app-header-inner">
                <div class="brand">
                    <img src="/icons/icon-192.png" alt="" width="32" height="32" />
                    <div>
                        <span class="brand-name">"Confero"</span>
                        <span class="brand-school">{me.school.name.clone()}</span>
                    </div>
                </div>
                <nav aria-label="Main">
                    <ul>
                        {links}
                        <li><A href="/directory">"Directory"</A></li>
                        <li><A href="/profile">"Profile"</A></li>
                        <li><A href="/account">"Account"</A></li>
                    </ul>
                </nav>
                <div class="who">
                    <span class="who-name">{me.display_name()}</span>
                    <button
                        type="button"
                        class="button button-quiet"
                        on:click=move |_| { sign_out.dispatch(()); }
                        prop:disabled=move || sign_out.pending().get()
                    >
                        {move || if sign_out.pending().get() { "Signing out…" } else { "Sign out" }}
                    </button>
                </div>
            </div>
        </header>
    }
}
