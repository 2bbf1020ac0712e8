use confero_core::dto::{AccountState, PersonSummary};
use confero_core::Role;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::components::person_row::PersonRow;
use crate::session::use_session;

const PER_PAGE: u32 = 50;

fn state_name(state: AccountState) -> &'static str {
    match state {
        AccountState::Active => "Can sign in",
        AccountState::Invited => "Invited",
        AccountState::NotInvited => "Not invited",
        AccountState::Disabled => "Disabled",
    }
}

/// The school's people for admins: search, filter, invite, disable.
#[component]
pub fn AdminPeople() -> impl IntoView {
    let session = use_session();
    let search = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let state = RwSignal::new(String::new());
    let page = RwSignal::new(1u32);
    // What the list shows: the search as submitted, not as typed.
    let applied = RwSignal::new((String::new(), String::new(), String::new()));
    let changed = RwSignal::new(0u32);
    let people = LocalResource::new(move || {
        let (q, role, state) = applied.get();
        let page = page.get();
        changed.track();
        let mut query = format!("per_page={PER_PAGE}&page={page}");
        if !q.trim().is_empty() {
            query.push_str(&format!("&q={}", js_sys::encode_uri_component(q.trim())));
        }
        if !role.is_empty() {
            query.push_str(&format!("&role={role}"));
        }
        if !state.is_empty() {
            query.push_str(&format!("&state={state}"));
        }
        api::people(session, query)
    });
    let retry = Callback::new(move |()| people.refetch());
    // What the last action did: said here, above the list that reloads.
    let notice = RwSignal::new(None::<String>);
    let done = Callback::new(move |message: String| {
        notice.set(Some(message));
        changed.update(|n| *n += 1);
    });
    let invite_all = Action::new_local(move |_: &()| async move {
        let result = api::invite_everyone(session).await;
        changed.update(|n| *n += 1);
        result
    });
    // The office's contact list of parents and carers, as the school shares it (audited).
    let contacts = Action::new_local(move |_: &()| async move {
        api::download(session, "/api/guardians.csv", "parents-and-carers.csv").await
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        applied.set((
            search.get_untracked(),
            role.get_untracked(),
            state.get_untracked(),
        ));
    };

    view! {
        <PageHeading>"People"</PageHeading>
        <p class="lead">"Everyone on the school’s roster: invite them to Confero, send a new invitation, or turn an account off."</p>
        <section class="card" aria-labelledby="invite-all-heading">
            <h2 id="invite-all-heading" class="subheading">"Invite everyone"</h2>
            <p class="meta">"Emails an invitation to everyone who cannot sign in yet and has no invitation waiting. Each link works once, for seven days."</p>
            {move || invite_all.value().get().map(|result: Result<_, ApiError>| match result {
                Ok(done) => view! { <div class="notice notice-success" role="status">{format!("{} invitation(s) sent.", done.invited)}</div> }.into_any(),
                Err(e) => view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> }.into_any(),
            })}
            <button type="button" class="button button-primary" on:click=move |_| { invite_all.dispatch(()); }
                prop:disabled=move || invite_all.pending().get()>
                {move || if invite_all.pending().get() { "Inviting…" } else { "Invite everyone not yet invited" }}
            </button>
        </section>
        <p class="actions">
            <button type="button" class="button" prop:disabled=move || contacts.pending().get()
                on:click=move |_| { contacts.dispatch(()); }>"Download parents’ and carers’ contacts (CSV)"</button>
        </p>
        {move || contacts.value().get().and_then(Result::err).map(|e: ApiError| view! {
            <div class="notice notice-error" role="alert">{format!("Not downloaded: {e}")}</div>
        })}
        <form class="filters" role="search" on:submit=on_search>
            <div class="field">
                <label for="people-search">"Name or email"</label>
                <input id="people-search" type="search" bind:value=search />
            </div>
            <div class="field">
                <label for="people-role">"Role"</label>
                <select id="people-role" on:change=move |ev| role.set(event_target_value(&ev))>
                    <option value="">"Everyone"</option>
                    <option value="guardian">"Parents and carers"</option>
                    <option value="teacher">"Teachers"</option>
                    <option value="admin">"Admins"</option>
                </select>
            </div>
            <div class="field">
                <label for="people-state">"Account"</label>
                <select id="people-state" on:change=move |ev| state.set(event_target_value(&ev))>
                    <option value="">"Any"</option>
                    {[AccountState::Active, AccountState::Invited, AccountState::NotInvited, AccountState::Disabled]
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{state_name(s)}</option> })
                        .collect::<Vec<_>>()}
                </select>
            </div>
            <button type="submit" class="button">"Search"</button>
        </form>
        <div role="status" class="action-notice">
            {move || notice.get().map(|message| view! { <p class="notice notice-success">{message}</p> })}
        </div>
        <Transition fallback=|| view! { <Loading what="people" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    people.await.map(|listing| {
                        let per_page = i64::from(PER_PAGE);
                        let pages = ((listing.total + per_page - 1) / per_page).max(1);
                        let shown: Vec<PersonSummary> = listing.people;
                        view! {
                            <p class="meta" role="status">{format!("{} {} — page {} of {pages}", listing.total, if listing.total == 1 { "person" } else { "people" }, listing.page)}</p>
                            {if shown.is_empty() {
                                view! { <p class="empty">"No one matches."</p> }.into_any()
                            } else {
                                view! {
                                    <table class="table people-table stack-on-phone">
                                        <caption class="visually-hidden">"People"</caption>
                                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Roles"</th><th scope="col">"Account"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                                        <tbody>
                                            {shown.into_iter().map(|person| view! { <PersonRow person done /> }).collect::<Vec<_>>()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            }}
                            <nav class="pager" aria-label="Pages">
                                <button type="button" class="button" prop:disabled={move || page.get() <= 1}
                                    on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>"Previous page"</button>
                                <button type="button" class="button" prop:disabled={move || i64::from(page.get()) >= pages}
                                    on:click=move |_| page.update(|p| *p += 1)>"Next page"</button>
                            </nav>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}

/// Roles as people say them.
pub fn role_names(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|role| match role {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Guardian => "parent/carer",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The account column's words.
pub fn account_words(person: &PersonSummary) -> String {
    match (person.state, person.invited_until) {
        (AccountState::Invited, Some(until)) => {
            format!("Invited until {}", crate::time_text::on_this_device(&until))
        }
        (state, _) => state_name(state).to_owned(),
    }
}
