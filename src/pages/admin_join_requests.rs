use leptos::prelude::*;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::join_request_card::JoinRequestCard;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;

/// Join requests waiting for the school's gatekeepers.
#[component]
pub fn AdminJoinRequests() -> impl IntoView {
    let session = use_session();
    let requests = LocalResource::new(move || api::join_requests(session));
    let retry = Callback::new(move |()| requests.refetch());
    view! {
        <PageHeading>"Join requests"</PageHeading>
        <p class="lead">"People not on the roster who asked to join and confirmed their email. Match each to the roster and approve — they are then invited to choose a password — or reject with a reason they will read."</p>
        <Transition fallback=|| view! { <Loading what="join requests" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    requests.await.map(|requests| {
                        if requests.is_empty() {
                            view! { <p class="empty">"No requests are waiting."</p> }.into_any()
                        } else {
                            view! {
                                <div class="cards">
                                    {requests.into_iter().map(|request| view! { <JoinRequestCard request /> }).collect::<Vec<_>>()}
                                </div>
                            }.into_any()
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
