use confero_core::dto::ChildHouseholds;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::session::use_session;

/// "Ava Khan (Year 7)": a child as the list names them.
fn child_name(child: &ChildHouseholds) -> String {
    format!(
        "{} {} ({})",
        child.given_name, child.family_name, child.year_group
    )
}

/// Children whose guardians live apart: the office marks them, and each
/// guardian then books and sees only their own household's appointments.
#[component]
pub fn AdminHouseholds() -> impl IntoView {
    let session = use_session();
    let search = RwSignal::new(String::new());
    let applied = RwSignal::new(String::new());
    let changed = RwSignal::new(0u32);
    let children = LocalResource::new(move || {
        let q = applied.get();
        changed.track();
        api::households(session, q)
    });
    let retry = Callback::new(move |()| children.refetch());
    let notice = RwSignal::new(None::<Result<String, String>>);
    let set = Action::new_local(move |(child, separate): &(ChildHouseholds, bool)| {
        let (child, separate) = (child.clone(), *separate);
        async move {
            let result: Result<ChildHouseholds, ApiError> =
                api::set_households(session, child.student_id, separate).await;
            (child, result)
        }
    });
    Effect::new(move |_| {
        if let Some((child, result)) = set.value().get() {
            notice.set(Some(match result {
                Ok(done) if done.separate => Ok(format!(
                    "{}: separate households. Each guardian now books and sees only their own appointments.",
                    child_name(&done)
                )),
                Ok(done) => Ok(format!(
                    "{}: one household. Every guardian sees every appointment again.",
                    child_name(&done)
                )),
                Err(error) => Err(format!("{}: not changed: {error}", child_name(&child))),
            }));
            changed.update(|n| *n += 1);
        }
    });
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        applied.set(search.get_untracked());
    };
    view! {
        <PageHeading>"Separated households"</PageHeading>
        <p class="lead">
            "When a child’s parents or carers live apart, mark them here. Each then books their own appointments (one with each teacher), neither sees the other’s, and the teacher sees which of them is coming."
        </p>
        <form class="filters" role="search" on:submit=on_search>
            <div class="field">
                <label for="households-search">"Child or guardian’s name"</label>
                <input id="households-search" type="search" bind:value=search />
            </div>
            <button type="submit" class="button">"Search"</button>
        </form>
        <div role="status" class="action-notice">
            {move || notice.get().map(|message| match message {
                Ok(text) => view! { <p class="notice notice-success">{text}</p> }.into_any(),
                Err(text) => view! { <p class="notice notice-error">{text}</p> }.into_any(),
            })}
        </div>
        <Transition fallback=|| view! { <Loading what="children" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    children.await.map(|children| {
                        if children.is_empty() {
                            return view! { <p class="empty">"No child with more than one guardian matches."</p> }.into_any();
                        }
                        view! {
                            <table class="table households-table stack-on-phone">
                                <caption class="visually-hidden">"Children with more than one guardian"</caption>
                                <thead><tr>
                                    <th scope="col">"Child"</th>
                                    <th scope="col">"Guardians"</th>
                                    <th scope="col">"Households"</th>
                                </tr></thead>
                                <tbody>
                                    {children.into_iter().map(|child| {
                                        let name = child_name(&child);
                                        let separate = child.separate;
                                        let toggle = child.clone();
                                        view! {
                                            <tr>
                                                <th scope="row">{name.clone()}</th>
                                                <td>{child.guardians.join(", ")}</td>
                                                <td>
                                                    <div class="field field-check">
                                                        <input type="checkbox" id=format!("separate-{}", child.student_id) prop:checked=separate
                                                            prop:disabled=move || set.pending().get()
                                                            on:change=move |ev| {
                                                                set.dispatch((toggle.clone(), event_target_checked(&ev)));
                                                            } />
                                                        <label for=format!("separate-{}", child.student_id)>
                                                            {format!("Separate households for {}", child.given_name)}
                                                        </label>
                                                    </div>
                                                </td>
                                            </tr>
                                        }
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
