use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;

#[derive(Params, Clone, Debug, PartialEq)]
struct ClassParams {
    id: Option<i64>,
}

/// One class and its students, for the class's teacher.
#[component]
pub fn ClassPage() -> impl IntoView {
    let session = use_session();
    let params = use_params::<ClassParams>();
    let id = Memo::new(move |_| params.get().ok().and_then(|p| p.id));
    let roster = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::class_roster(session, id).await,
                None => Err(ApiError::Unexpected(404)),
            }
        }
    });
    let retry = Callback::new(move |()| roster.refetch());

    view! {
        <p class="back"><A href="/teacher">"← Your classes"</A></p>
        <Transition fallback=|| view! { <Loading what="the class list" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    roster.await.map(|class| view! {
                        <PageHeading>{format!("{} · {}", class.name, class.subject)}</PageHeading>
                        <p class="lead">{format!("Taught by {} · {} students", class.teacher_name, class.students.len())}</p>
                        <table class="table">
                            <caption class="visually-hidden">{format!("Students in {}", class.name)}</caption>
                            <thead><tr><th scope="col">"Student"</th><th scope="col">"Year"</th></tr></thead>
                            <tbody>
                                {class.students.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{format!("{} {}", s.given_name, s.family_name)}</td>
                                        <td>{s.year_group}</td>
                                    </tr>
                                }).collect::<Vec<_>>()}
                            </tbody>
                        </table>
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
