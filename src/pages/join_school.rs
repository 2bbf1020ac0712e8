use confero_core::dto::{JoinChild, JoinRequestInput};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::public_card::PublicCard;
use crate::components::text_field::TextField;
use crate::form_errors::{focus, LocalError};

/// One child's row in the form.
#[derive(Clone, Copy)]
struct ChildRow {
    name: RwSignal<String>,
    class_name: RwSignal<String>,
}

impl ChildRow {
    fn new() -> ChildRow {
        ChildRow {
            name: RwSignal::new(String::new()),
            class_name: RwSignal::new(String::new()),
        }
    }
}

/// A school's join page: someone not on the roster asks to join.
#[component]
pub fn JoinSchool() -> impl IntoView {
    let params = use_params_map();
    let school_id = move || params.with(|p| p.get("school").and_then(|id| id.parse::<i64>().ok()));
    let school = LocalResource::new(move || async move {
        match school_id() {
            Some(id) => api::public_school(id).await.ok(),
            None => None,
        }
    });
    let given = RwSignal::new(String::new());
    let family = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let children = RwSignal::new(vec![ChildRow::new()]);
    let local = RwSignal::new(LocalError::None);
    let ask = Action::new_local(move |(school, input): &(i64, JoinRequestInput)| {
        let (school, input) = (*school, input.clone());
        async move { api::ask_to_join(school, input).await }
    });
    let busy = ask.pending();
    let sent = move || matches!(ask.value().get(), Some(Ok(())));
    let error = move || ask.value().get().and_then(Result::err);
    let message_for = move |field: &'static str| {
        Signal::derive(move || {
            local
                .get()
                .filter(|(f, _)| *f == field)
                .map(|(_, m)| m)
                .or_else(|| error().and_then(|e: ApiError| e.field_message(field)))
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = school_id() else { return };
        let required = [
            ("given_name", given.get_untracked(), "Enter your first name"),
            (
                "family_name",
                family.get_untracked(),
                "Enter your family name",
            ),
            ("email", email.get_untracked(), "Enter your email address"),
        ];
        if let Some((field, _, message)) = required.iter().find(|(_, v, _)| v.trim().is_empty()) {
            local.set(Some((field, (*message).to_owned())));
            focus(field);
            return;
        }
        let rows: Vec<JoinChild> = children
            .get_untracked()
            .iter()
            .map(|row| JoinChild {
                name: row.name.get_untracked(),
                class_name: row.class_name.get_untracked(),
            })
            .filter(|c| !c.name.trim().is_empty() || !c.class_name.trim().is_empty())
            .collect();
        if rows.is_empty() {
            local.set(Some(("children", "Name at least one child".into())));
            focus("child-0-name");
            return;
        }
        local.set(None);
        ask.dispatch((
            id,
            JoinRequestInput {
                given_name: given.get_untracked(),
                family_name: family.get_untracked(),
                email: email.get_untracked(),
                children: rows,
            },
        ));
    };
    let children_error = move || {
        local
            .get()
            .filter(|(f, _)| *f == "children")
            .map(|(_, m)| m)
            .or_else(|| {
                error().and_then(|e| match e {
                    ApiError::Api(detail)
                        if detail
                            .field
                            .as_deref()
                            .is_some_and(|f| f.starts_with("children")) =>
                    {
                        Some(detail.message)
                    }
                    _ => None,
                })
            })
    };
    view! {
        <PublicCard heading="Ask to join your school">
            <Suspense fallback=|| view! { <p class="meta">"Finding the school…"</p> }>
                {move || Suspend::new(async move {
                    match school.await {
                        None => view! {
                            <div class="notice notice-error" role="alert">"This join page does not belong to any school. Check the address the school gave you."</div>
                        }.into_any(),
                        Some(school) => view! {
                            {move || if sent() {
                                view! {
                                    <div class="notice notice-success" role="status">
                                        "Thank you. We’ve emailed you a link: follow it to confirm your address, and "
                                        {school.name.clone()} " will look at your request."
                                    </div>
                                }.into_any()
                            } else {
                                view! {
                                    <p class="lead">{format!("Not yet on {}’s list? Tell the school who you and your children are. You’ll confirm your email, then the school decides.", school.name)}</p>
                                    {move || error().filter(|e| !e.is_field_error()).map(|e| view! {
                                        <div class="notice notice-error" role="alert">{e.to_string()}</div>
                                    })}
                                    <form on:submit=on_submit novalidate>
                                        <TextField id="given_name" label="Your first name" autocomplete="given-name" value=given error=message_for("given_name") disabled=busy />
                                        <TextField id="family_name" label="Your family name" autocomplete="family-name" value=family error=message_for("family_name") disabled=busy />
                                        <TextField id="email" label="Your email" kind="email" autocomplete="email" value=email error=message_for("email") disabled=busy />
                                        <fieldset class="children-fieldset">
                                            <legend>"Your children at the school"</legend>
                                            {move || children.get().into_iter().enumerate().map(|(i, row)| {
                                                let name_id = format!("child-{i}-name");
                                                let class_id = format!("child-{i}-class");
                                                view! {
                                                    <div class="field-row">
                                                        <div class="field">
                                                            <label for=name_id.clone()>{format!("Child {}: full name", i + 1)}</label>
                                                            <input id=name_id type="text" bind:value=row.name />
                                                        </div>
                                                        <div class="field">
                                                            <label for=class_id.clone()>"Class or year"</label>
                                                            <input id=class_id type="text" bind:value=row.class_name />
                                                        </div>
                                                    </div>
                                                }
                                            }).collect::<Vec<_>>()}
                                            {move || children_error().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                                            <button type="button" class="button button-quiet"
                                                on:click=move |_| children.update(|rows| rows.push(ChildRow::new()))
                                                prop:disabled=move || children.with(|rows| rows.len() >= 10)>
                                                "Add another child"
                                            </button>
                                        </fieldset>
                                        <button type="submit" class="button button-primary button-wide" prop:disabled=move || busy.get()>
                                            {move || if busy.get() { "Sending…" } else { "Ask to join" }}
                                        </button>
                                    </form>
                                }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Suspense>
            <p class="sign-in-links"><A href="/signin">"Already have an account? Sign in"</A></p>
        </PublicCard>
    }
}
