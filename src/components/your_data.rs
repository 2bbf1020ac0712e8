use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::session::use_session;
use crate::time_text::on_this_device;

/// My data rights: download everything held about me, and see who looked
/// at my data (from the school's audit log).
#[component]
pub fn YourData() -> impl IntoView {
    let session = use_session();
    let access = LocalResource::new(move || api::my_access_log(session));
    let retry = Callback::new(move |()| access.refetch());
    let download = Action::new_local(move |_: &()| {
        api::download(session, "/api/me/data", "my-confero-data.json")
    });
    view! {
        <section class="card" aria-labelledby="your-data-heading">
            <h2 id="your-data-heading">"Your data"</h2>
            <p>"Everything Confero holds about you and your children, as one file: your profile and who sees each detail, appointments, where you are signed in, the emails sent to you, and the log below."</p>
            {move || download.value().get().and_then(Result::err).map(|e: ApiError| view! {
                <div class="notice notice-error" role="alert">{e.to_string()}</div>
            })}
            <button type="button" class="button" on:click=move |_| { download.dispatch(()); }
                prop:disabled=move || download.pending().get()>
                {move || if download.pending().get() { "Preparing…" } else { "Download my data" }}
            </button>
            <h3 id="access-heading">"Who looked at your data"</h3>
            <p class="meta">"Each time an admin opened details you keep to yourself, and each export that included you."</p>
            <Transition fallback=|| view! { <Loading what="the log" /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                    {move || Suspend::new(async move {
                        access.await.map(|entries| if entries.is_empty() {
                            view! { <p class="empty">"No one has yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="access-log" aria-labelledby="access-heading">
                                    {entries.into_iter().map(|e| view! {
                                        <li><strong>{e.by}</strong>" "{e.description}
                                            <span class="meta">{format!(" — {}", on_this_device(&e.at))}</span></li>
                                    }).collect::<Vec<_>>()}
                                </ul>
                            }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}
