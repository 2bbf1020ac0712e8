use leptos::prelude::*;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::session::use_session;
use crate::time_text::on_this_device;

/// The devices the person is signed in on, each with a way to sign it out.
#[component]
pub fn SessionList() -> impl IntoView {
    let session = use_session();
    let sessions = LocalResource::new(move || api::my_sessions(session));
    let retry = Callback::new(move |()| sessions.refetch());
    let end = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            let result = api::end_session(session, id).await;
            sessions.refetch();
            result
        }
    });
    view! {
        <section class="card" aria-labelledby="devices-heading">
            <h2 id="devices-heading">"Where you are signed in"</h2>
            <Transition fallback=|| view! { <Loading what="your devices" /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                    {move || Suspend::new(async move {
                        sessions.await.map(|list| view! {
                            <ul class="device-list">
                                {list.into_iter().map(|s| {
                                    let id = s.id.clone();
                                    let device = s.device.clone();
                                    view! {
                                        <li class="device">
                                            <div>
                                                <strong>{s.device.clone()}</strong>
                                                {s.current.then(|| view! { " " <span class="status">"this device"</span> })}
                                                <p class="meta">
                                                    {format!("Last used {}. {}", on_this_device(&s.last_used_at),
                                                        if s.remember { format!("Kept signed in until {}.", on_this_device(&s.expires_at)) } else { "Signed out when the browser closes.".to_owned() })}
                                                </p>
                                            </div>
                                            {(!s.current).then(|| view! {
                                                <button type="button" class="button button-small"
                                                    aria-label=format!("Sign out {device}")
                                                    on:click=move |_| { end.dispatch(id.clone()); }>
                                                    "Sign out"
                                                </button>
                                            })}
                                        </li>
                                    }
                                }).collect::<Vec<_>>()}
                            </ul>
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
