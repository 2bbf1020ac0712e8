use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params};
use leptos_router::params::Params;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::evening_form::EveningForm;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;

#[derive(Params, Clone, Debug, PartialEq)]
struct EveningParams {
    id: Option<i64>,
}

/// An admin changes an evening: every setting, its breaks, and which year
/// groups or classes it is for. A change that would leave families without
/// their appointment is refused with them listed, until the admin cancels
/// them with it in one explicit step.
#[component]
pub fn EditEvening() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let params = use_params::<EveningParams>();
    let id = Memo::new(move |_| params.get().ok().and_then(|p| p.id));
    let data = LocalResource::new(move || {
        let id = id.get();
        async move {
            let id = id.ok_or(ApiError::Unexpected(404))?;
            let evening = api::evening(session, id).await?;
            let choices = api::office::evening_choices(session).await?;
            Ok::<_, ApiError>((evening, choices))
        }
    });
    let retry = Callback::new(move |()| data.refetch());
    let on_saved = Callback::new(move |_| navigate("/admin", Default::default()));
    view! {
        <p class="back"><A href="/admin">"← School"</A></p>
        <Transition fallback=|| view! { <Loading what="the evening" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    data.await.map(|(evening, choices)| view! {
                        <PageHeading>{format!("Change {}", evening.name)}</PageHeading>
                        <p class="lead">"Times are in the school's time zone. Families already booked keep their appointments unless a change leaves them without one: then you are asked first."</p>
                        <EveningForm evening choices on_saved />
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
