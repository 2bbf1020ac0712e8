use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::components::person_card::PersonCard;
use crate::session::use_session;

/// One person of the school, as they show themselves to me.
#[component]
pub fn Person() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    // A memo, so the person is fetched (and an admin's look audited) once
    // per id, not again whenever the route's parameters are touched.
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let person = LocalResource::new(move || api::person(session, id.get()));
    let retry = Callback::new(move |()| person.refetch());
    let is_admin = move || {
        session
            .me()
            .is_some_and(|me| me.has_role(confero_core::Role::Admin))
    };

    view! {
        <PageHeading>"Person"</PageHeading>
        <p><A href="/directory">"Back to the directory"</A></p>
        {move || is_admin().then(|| view! {
            <p class="notice">"As an admin you see every detail, including those this person keeps to themselves; opening them is logged, and they can see that you did. "
                <A href=format!("/admin/audit?person={}", id.get())>"Audit log for this person"</A></p>
        })}
        <Transition fallback=|| view! { <Loading what="this person" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    person.await.map(|person| view! { <PersonCard person heading="h2" /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
