use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::evening_form::EveningForm;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;

/// An admin sets up a parents' evening. It starts as a draft; publishing it
/// lets the families it is for see it and, inside the booking window, book.
#[component]
pub fn NewEvening() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let choices = LocalResource::new(move || api::office::evening_choices(session));
    let retry = Callback::new(move |()| choices.refetch());
    let on_saved = Callback::new(move |_| navigate("/admin", Default::default()));
    view! {
        <p class="back"><A href="/admin">"← School"</A></p>
        <PageHeading>"New parents' evening"</PageHeading>
        <p class="lead">"Times are in the school's time zone. Everyone who teaches a class takes part unless you choose otherwise; teachers can set their own room and hours."</p>
        <Transition fallback=|| view! { <Loading what="the school's year groups" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    choices.await.map(|choices| view! { <EveningForm choices on_saved /> })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
