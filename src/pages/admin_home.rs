use leptos::prelude::*;
use leptos_router::components::A;

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
                            <nav class="admin-links" aria-label="Manage the school">
                                <ul class="cards">
                                    <li><A href="/admin/people" attr:class="card card-link"><strong>"People"</strong><span class="meta">"Invite parents and staff, turn accounts off"</span></A></li>
                                    <li><A href="/admin/roster" attr:class="card card-link"><strong>"Import the roster"</strong><span class="meta">"From the school information system’s CSV files"</span></A></li>
                                    <li><A href="/admin/households" attr:class="card card-link"><strong>"Separated households"</strong><span class="meta">"Parents who live apart book and see only their own appointments"</span></A></li>
                                    <li><A href="/admin/join-requests" attr:class="card card-link"><strong>"Join requests"</strong><span class="meta">"Parents not on the roster who asked to join"</span></A></li>
                                    <li><A href="/admin/outbox" attr:class="card card-link"><strong>"Outbox"</strong><span class="meta">"Every email, sent or waiting"</span></A></li>
                                    <li><A href="/admin/audit" attr:class="card card-link"><strong>"Audit log"</strong><span class="meta">"Exports, imports, erasures and who opened hidden details"</span></A></li>
                                </ul>
                            </nav>
                            <p class="meta">{format!("Parents not on the roster can ask to join at {}/join/{}", web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default(), summary.school.id)}</p>
                            <EveningList links=EveningLinks::Manage />
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
