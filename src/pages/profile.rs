use leptos::prelude::*;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::components::person_card::PersonCard;
use crate::components::profile_form::ProfileForm;
use crate::components::your_data::YourData;
use crate::session::use_session;

/// My profile: each detail beside who sees it, and, beside the form, how
/// others see me — computed by the API with the filter that serves them.
#[component]
pub fn Profile() -> impl IntoView {
    let session = use_session();
    let profile = LocalResource::new(move || api::my_profile(session));
    let preview = LocalResource::new(move || api::profile_preview(session));
    let retry = Callback::new(move |()| profile.refetch());
    let retry_preview = Callback::new(move |()| preview.refetch());
    let saved = Callback::new(move |()| preview.refetch());
    let erasure_requested_at = Signal::derive(move || {
        profile
            .get()
            .and_then(|loaded| loaded.ok())
            .and_then(|p| p.erasure_requested_at)
    });

    view! {
        <PageHeading>"Your profile"</PageHeading>
        <p class="lead">"Choose who sees each detail. The school’s admins can see everything; each time one opens a detail you keep to yourself, it is logged."</p>
        <p class="skip-to"><a href="#preview-heading">"See how others see you"</a>" · "<a href="#your-data-heading">"Your data"</a></p>
        <div class="profile-layout">
            <Transition fallback=|| view! { <Loading what="your profile" /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                    {move || Suspend::new(async move {
                        profile.await.map(|profile| view! { <ProfileForm profile saved /> })
                    })}
                </ErrorBoundary>
            </Transition>
            <section class="profile-preview" aria-labelledby="preview-heading">
                <h2 id="preview-heading" class="subheading">"How others see you"</h2>
                <p class="meta">"As saved. Each card is exactly what that person gets from Confero."</p>
                <Transition fallback=|| view! { <Loading what="the preview" /> }>
                    <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry=retry_preview /> }>
                        {move || Suspend::new(async move {
                            preview.await.map(|preview| {
                                preview.views.into_iter().map(|seen| view! {
                                    <div class="preview-as">
                                        <h3 class="preview-label">{seen.label}</h3>
                                        {match seen.view {
                                            Some(person) => view! { <PersonCard person heading="h3" /> }.into_any(),
                                            None => view! { <p class="card empty">"Does not see you: your name is not shown to them, so you are not listed."</p> }.into_any(),
                                        }}
                                    </div>
                                }).collect::<Vec<_>>()
                            })
                        })}
                    </ErrorBoundary>
                </Transition>
            </section>
        </div>
        <YourData erasure_requested_at />
    }
}
