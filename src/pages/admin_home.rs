use leptos::prelude::*;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::evening_list::{EveningLinks, EveningList};
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;

/// An admin's home: the school at a glance.
#[component]
pub fn AdminHome() -> impl IntoView {
    let session = use_session();
    let summary = LocalResource::new(move || api::school_summary(session));
    let retry = Callback::new(move |()| summary.refetch());

    view! {
        <Transition fallback=|| view! { <Loading what="your school" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    summary.await.map(|summary| {
                        let figures = [
                            ("Students", summary.students),
                            ("Guardians", summary.guardians),
                            ("Teachers", summary.teachers),
                            ("Classes", summary.classes),
                            ("Admins", summary.admins),
                        ];
                        view! {
                            <PageHeading>{summary.school.name.clone()}</PageHeading>
                            <p class="lead">{format!("Time zone: {}", summary.school.time_zone)}</p>
                            <dl class="figures">
                                {figures.into_iter().map(|(label, value)| view! {
                                    <div class="figure">
                                        <dt>{label}</dt>
                                        <dd>{value}</dd>
                                    </div>
                                }).collect::<Vec<_>>()}
                            </dl>
                            <EveningList links=EveningLinks::Manage />
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
