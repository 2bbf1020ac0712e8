use confero_core::dto::{AccountState, PersonSummary};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::pages::admin_people::{account_words, role_names};
use crate::session::use_session;

/// What an admin can do to one person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Act {
    Invite,
    Withdraw,
    Disable,
    Enable,
    Erase,
}

/// One person in the admin's list, with the actions their account allows.
#[component]
pub fn PersonRow(person: PersonSummary, done: Callback<String>) -> impl IntoView {
    let session = use_session();
    let id = person.id;
    let name_for_notice = format!("{} {}", person.given_name, person.family_name);
    let act = Action::new_local(move |act: &Act| {
        let act = *act;
        let name_for_notice = name_for_notice.clone();
        async move {
            let result: Result<&'static str, ApiError> = match act {
                Act::Invite => api::invite(session, id).await.map(|_| "Invitation sent."),
                Act::Withdraw => api::withdraw_invitation(session, id)
                    .await
                    .map(|_| "Invitation withdrawn."),
                Act::Disable => api::set_disabled(session, id, true)
                    .await
                    .map(|_| "Account disabled."),
                Act::Enable => api::set_disabled(session, id, false)
                    .await
                    .map(|_| "Account enabled."),
                Act::Erase => api::erase_person(session, id).await.map(|_| {
                    "Erased: their details are gone and their future appointments cancelled."
                }),
            };
            if let Ok(message) = &result {
                done.run(format!("{message} ({name_for_notice})"));
            }
            result
        }
    });
    let name = format!("{} {}", person.given_name, person.family_name);
    let actions: Vec<(Act, String)> = match person.state {
        AccountState::NotInvited => vec![
            (Act::Invite, format!("Invite {name}")),
            (Act::Disable, format!("Disable {name}")),
        ],
        AccountState::Invited => vec![
            (Act::Invite, format!("Resend the invitation to {name}")),
            (Act::Withdraw, format!("Withdraw {name}’s invitation")),
        ],
        AccountState::Active => vec![(Act::Disable, format!("Disable {name}"))],
        AccountState::Disabled => vec![(Act::Enable, format!("Enable {name}"))],
    };
    let mut actions = actions;
    actions.push((Act::Erase, format!("Erase {name}’s data")));
    let confirm_erase = format!(
        "Erase {name}? Their details, sign-in and future appointments are removed for good; past appointments stay only as anonymous counts. This cannot be undone."
    );
    let label = |act: Act| match act {
        Act::Invite if person.state == AccountState::Invited => "Resend",
        Act::Invite => "Invite",
        Act::Withdraw => "Withdraw",
        Act::Disable => "Disable",
        Act::Enable => "Enable",
        Act::Erase => "Erase…",
    };
    let asked = person.erasure_requested_at.is_some();
    view! {
        <tr>
            <th scope="row">{name.clone()}
                {asked.then(|| view! { " " <span class="badge">"Asked to be erased"</span> })}
            </th>
            <td class="email">{person.email.clone()}</td>
            <td>{role_names(&person.roles)}</td>
            <td>{account_words(&person)}</td>
            <td class="actions">
                {actions.into_iter().map(|(act_kind, accessible)| view! {
                    <button type="button" class="button button-small" aria-label=accessible
                        class:button-danger=matches!(act_kind, Act::Disable | Act::Erase)
                        on:click={
                            let confirm_erase = confirm_erase.clone();
                            move |_| {
                                if act_kind == Act::Erase && !confirmed(&confirm_erase) {
                                    return;
                                }
                                act.dispatch(act_kind);
                            }
                        }
                        prop:disabled=move || act.pending().get()>
                        {label(act_kind)}
                    </button>
                }).collect::<Vec<_>>()}
                {move || act.value().get().and_then(Result::err).map(|e| view! {
                    <span class="field-error" role="alert">{e.to_string()}</span>
                })}
            </td>
        </tr>
    }
}

/// The browser's own confirmation dialog: focus-trapped, read out, keyboard-ready.
fn confirmed(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
