use leptos::prelude::*;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::components::person_card::PersonCard;
use crate::session::use_session;

const PER_PAGE: u32 = 20;

/// The school's directory: find parents and staff by name; each shows only
/// what they chose to show you.
#[component]
pub fn Directory() -> impl IntoView {
    let session = use_session();
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    let listing =
        LocalResource::new(move || api::directory(session, search.get(), page.get(), PER_PAGE));
    let retry = Callback::new(move |()| listing.refetch());
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        search.set(typed.get_untracked());
    };

    view! {
        <PageHeading>"Directory"</PageHeading>
        <p class="lead">"Parents and staff of the school. Each person decides what you see of them; someone who keeps their name to staff is not listed."</p>
        <form class="filters" role="search" on:submit=on_search>
            <div class="field">
                <label for="directory-search">"Name"</label>
                <input id="directory-search" type="search" autocomplete="off" bind:value=typed />
            </div>
            <button type="submit" class="button">"Search"</button>
        </form>
        <Transition fallback=|| view! { <Loading what="the directory" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    listing.await.map(|listing| {
                        let pages = listing.total.div_ceil(u64::from(PER_PAGE)).max(1);
                        let count = match listing.total {
                            0 => "No one matches.".to_owned(),
                            1 => "1 person".to_owned(),
                            n => format!("{n} people — page {} of {pages}", listing.page),
                        };
                        view! {
                            <p class="meta" role="status">{count}</p>
                            <ul class="directory-list">
                                {listing.people.into_iter().map(|person| view! {
                                    <li><PersonCard person link=true /></li>
                                }).collect::<Vec<_>>()}
                            </ul>
                            {(pages > 1).then(|| view! {
                                <nav class="pager" aria-label="Pages">
                                    <button type="button" class="button" prop:disabled=move || page.get() <= 1
                                        on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Previous page"</button>
                                    <button type="button" class="button" prop:disabled=move || u64::from(page.get()) >= pages
                                        on:click=move |_| page.update(|p| *p += 1)>"Next page"</button>
                                </nav>
                            })}
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
