use confero_core::dto::{OutboxMessage, OutboxStatus};
use leptos::prelude::*;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;
use crate::time_text::on_this_device;

fn status_words(status: OutboxStatus) -> &'static str {
    match status {
        OutboxStatus::Pending => "Waiting",
        OutboxStatus::Sending => "Sending",
        OutboxStatus::Sent => "Sent",
        OutboxStatus::Failed => "Failed",
    }
}

/// A message's text with its web addresses as links (they point at Confero itself).
fn text_with_links(text: &str) -> Vec<AnyView> {
    let mut parts = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            parts.push(view! { <br /> }.into_any());
        }
        for (j, word) in line.split(' ').enumerate() {
            if j > 0 {
                parts.push(" ".into_any());
            }
            if word.starts_with("http://") || word.starts_with("https://") {
                let (href, shown) = (word.to_owned(), word.to_owned());
                parts.push(view! { <a href=href>{shown}</a> }.into_any());
            } else {
                parts.push(word.to_owned().into_any());
            }
        }
    }
    parts
}

/// Every email of the school: what was sent, what waits, what failed.
#[component]
pub fn AdminOutbox() -> impl IntoView {
    let session = use_session();
    let outbox = LocalResource::new(move || api::outbox(session));
    let retry = Callback::new(move |()| outbox.refetch());
    let resend = Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            let result = api::retry_message(session, id).await;
            outbox.refetch();
            result
        }
    });
    view! {
        <PageHeading>"Outbox"</PageHeading>
        <Transition fallback=|| view! { <Loading what="the outbox" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    outbox.await.map(|outbox| view! {
                        {(!outbox.sending).then(|| view! {
                            <div class="notice notice-info" role="status">
                                "No mail server is set up, so messages wait here. You can open their links, or pass them on by hand."
                            </div>
                        })}
                        {if outbox.messages.is_empty() {
                            view! { <p class="empty">"No messages yet."</p> }.into_any()
                        } else {
                            view! {
                                <ol class="outbox">
                                    {outbox.messages.into_iter().map(|m: OutboxMessage| {
                                        let id = m.id;
                                        let failed = m.status == OutboxStatus::Failed;
                                        view! {
                                            <li class="card outbox-message">
                                                <h2 class="card-title">{m.subject.clone()}</h2>
                                                <p class="meta">
                                                    {format!("To {} <{}> · {} · {}", m.to_name, m.to_email, status_words(m.status), on_this_device(&m.created_at))}
                                                    {m.last_error.clone().map(|e| format!(" · last attempt: {e}"))}
                                                </p>
                                                {m.text.as_deref().map(|text| view! {
                                                    <details><summary>{format!("Read the message to {}", m.to_name)}</summary>
                                                        <p class="message-text">{text_with_links(text)}</p>
                                                    </details>
                                                })}
                                                {failed.then(|| view! {
                                                    <button type="button" class="button button-small" on:click=move |_| { resend.dispatch(id); }>
                                                        "Try again"
                                                    </button>
                                                })}
                                            </li>
                                        }
                                    }).collect::<Vec<_>>()}
                                </ol>
                            }.into_any()
                        }}
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
