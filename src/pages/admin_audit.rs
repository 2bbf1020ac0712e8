use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;
use crate::time_text::on_this_device;

/// The actions the log records, as the filter offers them.
const ACTIONS: [(&str, &str); 13] = [
    ("viewed_hidden_fields", "Opened details kept from staff"),
    ("export_guardians", "Exported parents and carers"),
    ("export_bookings", "Exported an evening's bookings"),
    ("roster_import", "Imported the roster"),
    ("invite_everyone", "Invited everyone"),
    ("approve_join_request", "Approved a join request"),
    ("reject_join_request", "Rejected a join request"),
    ("disable_account", "Disabled an account"),
    ("enable_account", "Enabled an account"),
    ("erasure_requested", "Asked to be erased"),
    ("erase_person", "Erased a person"),
    ("retention_purge", "Retention purge"),
    ("retention_changed", "Changed the retention periods"),
];

fn action_words(action: &str) -> String {
    ACTIONS
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, words)| (*words).to_owned())
        .unwrap_or_else(|| action.replace('_', " "))
}

/// The school's audit log for admins: who did what with whose data, and
/// from which request; filtered by action, by person and by age.
#[component]
pub fn AdminAudit() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let person = move || {
        query
            .read()
            .get("person")
            .and_then(|p| p.parse::<i64>().ok())
    };
    let action = RwSignal::new(String::new());
    let days = RwSignal::new("30".to_owned());
    let entries = LocalResource::new(move || {
        let mut filter = Vec::new();
        let action = action.get();
        if !action.is_empty() {
            filter.push(format!("action={action}"));
        }
        let days = days.get();
        if !days.is_empty() {
            filter.push(format!("days={days}"));
        }
        if let Some(person) = person() {
            filter.push(format!("person={person}"));
        }
        api::audit_log(session, filter.join("&"))
    });
    let retry = Callback::new(move |()| entries.refetch());

    view! {
        <PageHeading>"Audit log"</PageHeading>
        <p class="lead">"Every export, roster import, erasure and opening of details a person keeps from staff: who did it, when, about whom, from which request. People see the entries about them under “Who looked at your data”."</p>
        {move || person().map(|id| view! {
            <p class="notice">{format!("Only entries by or about person {id}. ")}<A href="/admin/audit">"Show everyone"</A></p>
        })}
        <form class="filters" role="search" on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="audit-action">"Action"</label>
                <select id="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                    <option value="">"Every action"</option>
                    {ACTIONS.iter().map(|(name, words)| view! { <option value=*name>{*words}</option> }).collect::<Vec<_>>()}
                </select>
            </div>
            <div class="field">
                <label for="audit-days">"When"</label>
                <select id="audit-days" on:change=move |ev| days.set(event_target_value(&ev))>
                    <option value="1">"Today"</option>
                    <option value="7">"The last 7 days"</option>
                    <option value="30" selected>"The last 30 days"</option>
                    <option value="365">"The last year"</option>
                    <option value="">"Any time"</option>
                </select>
            </div>
        </form>
        <Transition fallback=|| view! { <Loading what="the log" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    entries.await.map(|entries| if entries.is_empty() {
                        view! { <p class="empty" role="status">"Nothing in the log matches."</p> }.into_any()
                    } else {
                        view! {
                            <p class="meta" role="status">{format!("{} entr{}", entries.len(), if entries.len() == 1 { "y" } else { "ies" })}</p>
                            <table class="table audit-table stack-on-phone">
                                <caption class="visually-hidden">"Audit log"</caption>
                                <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"About"</th><th scope="col">"Request"</th></tr></thead>
                                <tbody>
                                    {entries.into_iter().map(|e| view! {
                                        <tr>
                                            <td>{on_this_device(&e.at)}</td>
                                            <td>{e.by.clone().unwrap_or_else(|| format!("person {}", e.person_id))}</td>
                                            <td>{action_words(&e.action)}<span class="meta">{format!(" — {}", e.subject)}</span></td>
                                            <td>{e.about_id.map(|id| view! {
                                                <A href=format!("/admin/audit?person={id}")>{e.about.clone().unwrap_or_else(|| format!("person {id}"))}</A>
                                            })}</td>
                                            <td class="request-id">{e.request_id.clone().unwrap_or_default()}</td>
                                        </tr>
                                    }).collect::<Vec<_>>()}
                                </tbody>
                            </table>
                        }.into_any()
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
