use confero_core::dto::{ApproveJoin, JoinRequestView, JoinStatus};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::session::use_session;

/// A decision on a join request.
#[derive(Clone, Debug)]
enum Decision {
    Approve(ApproveJoin),
    Reject(String),
}

/// One join request: who asked, for which children, what on the roster
/// matches, and the decision.
#[component]
pub fn JoinRequestCard(request: JoinRequestView) -> impl IntoView {
    let session = use_session();
    let id = request.id;
    let guardian = RwSignal::new(None::<i64>);
    let students = RwSignal::new(Vec::<i64>::new());
    let relationship = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let decide = Action::new_local(move |decision: &Decision| {
        let decision = decision.clone();
        async move {
            match decision {
                Decision::Approve(input) => api::approve_join(session, id, input).await,
                Decision::Reject(reason) => api::reject_join(session, id, reason).await,
            }
        }
    });
    let decided = move || decide.value().get().and_then(Result::ok).map(|r| r.status);
    let error = move || decide.value().get().and_then(Result::err);
    let name = format!("{} {}", request.given_name, request.family_name);
    let heading_id = format!("join-{id}");
    let labelled_by = heading_id.clone();
    let approve = move |_| {
        decide.dispatch(Decision::Approve(ApproveJoin {
            guardian_id: guardian.get_untracked(),
            student_ids: students.get_untracked(),
            relationship: Some(relationship.get_untracked()).filter(|r| !r.trim().is_empty()),
        }));
    };
    let reject = move |_| {
        decide.dispatch(Decision::Reject(reason.get_untracked()));
    };
    view! {
        <article class="card join-request" aria-labelledby=labelled_by>
            <h2 id=heading_id class="card-title">{name.clone()}</h2>
            <p class="meta">{request.email.clone()}</p>
            <p>"Their children, as they gave them:"</p>
            <ul>
                {request.children.iter().map(|c| view! { <li>{format!("{} — {}", c.name, c.class_name)}</li> }).collect::<Vec<_>>()}
            </ul>
            {move || match decided() {
                Some(JoinStatus::Approved) => view! { <div class="notice notice-success" role="status">{format!("Approved: {name} has been invited to choose a password.")}</div> }.into_any(),
                Some(_) => view! { <div class="notice notice-info" role="status">"Rejected: they have been told why."</div> }.into_any(),
                None => view! {
                    <fieldset>
                        <legend>"They are on the roster as"</legend>
                        <div class="field field-check">
                            <input type="radio" id=format!("join-{id}-new") name=format!("join-{id}-guardian") checked=true
                                on:change=move |_| guardian.set(None) />
                            <label for=format!("join-{id}-new")>"Nobody yet: add them as a new parent or carer"</label>
                        </div>
                        {request.guardian_matches.iter().map(|m| {
                            let match_id = m.id;
                            let input_id = format!("join-{id}-guardian-{match_id}");
                            view! {
                                <div class="field field-check">
                                    <input type="radio" id=input_id.clone() name=format!("join-{id}-guardian")
                                        on:change=move |_| guardian.set(Some(match_id)) />
                                    <label for=input_id>{m.label.clone()}</label>
                                </div>
                            }
                        }).collect::<Vec<_>>()}
                    </fieldset>
                    <fieldset>
                        <legend>"Link them to these children"</legend>
                        {if request.student_matches.is_empty() {
                            view! { <p class="meta">"No pupil on the roster has a matching family name."</p> }.into_any()
                        } else {
                            request.student_matches.iter().map(|m| {
                                let student = m.id;
                                let input_id = format!("join-{id}-student-{student}");
                                view! {
                                    <div class="field field-check">
                                        <input type="checkbox" id=input_id.clone()
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                students.update(|s| { s.retain(|x| *x != student); if on { s.push(student); } });
                                            } />
                                        <label for=input_id>{m.label.clone()}</label>
                                    </div>
                                }
                            }).collect::<Vec<_>>().into_any()
                        }}
                    </fieldset>
                    <div class="field">
                        <label for=format!("join-{id}-relationship")>"Relationship to the children"</label>
                        <input id=format!("join-{id}-relationship") type="text" placeholder="mother, father, carer…" bind:value=relationship />
                    </div>
                    {move || error().map(|e: ApiError| view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> })}
                    <button type="button" class="button button-primary" on:click=approve prop:disabled=move || decide.pending().get()>
                        {format!("Approve {}", request.given_name)}
                    </button>
                    <div class="field decision-reject">
                        <label for=format!("join-{id}-reason")>"Or reject, with the reason they will read"</label>
                        <input id=format!("join-{id}-reason") type="text" bind:value=reason />
                    </div>
                    <button type="button" class="button button-danger" on:click=reject prop:disabled=move || decide.pending().get()>
                        {format!("Reject {}", request.given_name)}
                    </button>
                }.into_any(),
            }}
        </article>
    }
}
