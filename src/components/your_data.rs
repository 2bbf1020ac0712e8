use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::session::use_session;
use crate::time_text::on_this_device;

/// My data rights: download everything held about me, see who looked at
/// my data (from the school's audit log), and ask the school to erase it.
#[component]
pub fn YourData(
    /// When I asked to be erased, if the request is waiting.
    #[prop(into)]
    erasure_requested_at: Signal<Option<chrono::DateTime<chrono::Utc>>>,
) -> impl IntoView {
    let session = use_session();
    let access = LocalResource::new(move || api::my_access_log(session));
    let retry = Callback::new(move |()| access.refetch());
    let download = Action::new_local(move |_: &()| {
        api::download(session, "/api/me/data", "my-confero-data.json")
    });
    let asking = RwSignal::new(false);
    let ask = Action::new_local(move |_: &()| api::request_erasure(session));
    let requested = move || {
        erasure_requested_at
            .get()
            .map(|at| on_this_device(&at))
            .or_else(|| matches!(ask.value().get(), Some(Ok(()))).then(|| "just now".to_owned()))
    };
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
            <h3 id="erase-heading">"Erase your data"</h3>
            {move || match requested() {
                Some(when) => view! {
                    <p class="notice" role="status">{format!("You asked the school to erase your data ({when}). The school’s office will do it and you will be signed out; until then nothing changes.")}</p>
                }.into_any(),
                None => view! {
                    <p>"The school holds your data and erases it on request: your details, sign-in and future appointments go; past appointments stay only as anonymous counts."</p>
                    {move || ask.value().get().and_then(Result::err).map(|e: ApiError| view! {
                        <div class="notice notice-error" role="alert">{e.to_string()}</div>
                    })}
                    {move || if asking.get() {
                        view! {
                            <div class="confirm" role="group" aria-labelledby="erase-heading">
                                <p><strong>"Ask the school to erase everything about you?"</strong>" You will not be able to sign in once they have."</p>
                                <button type="button" class="button button-danger" on:click=move |_| { ask.dispatch(()); }
                                    prop:disabled=move || ask.pending().get()>"Yes, ask to erase my data"</button>
                                " "
                                <button type="button" class="button" on:click=move |_| asking.set(false)>"Keep my data"</button>
                            </div>
                        }.into_any()
                    } else {
                        view! {
                            <button type="button" class="button" on:click=move |_| asking.set(true)>"Ask the school to erase my data…"</button>
                        }.into_any()
                    }}
                }.into_any(),
            }}
        </section>
    }
}
