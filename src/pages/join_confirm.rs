use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::public_card::PublicCard;
use crate::fragment::take_code;

/// The page a join request's confirmation link opens.
#[component]
pub fn JoinConfirm() -> impl IntoView {
    let code = take_code();
    let confirmed = LocalResource::new(move || {
        let code = code.clone();
        async move {
            match code {
                Some(code) => api::confirm_join(code).await.map_err(|e| e.to_string()),
                None => Err("This page needs the link from your email.".to_owned()),
            }
        }
    });
    view! {
        <PublicCard heading="Confirming your email">
            <Suspense fallback=|| view! { <p class="meta" role="status">"Confirming…"</p> }>
                {move || Suspend::new(async move {
                    match confirmed.await {
                        Ok(school) => view! {
                            <div class="notice notice-success" role="status">
                                {format!("Thank you: your address is confirmed. {} will look at your request and email you when it has decided.", school.name)}
                            </div>
                        }.into_any(),
                        Err(message) => view! {
                            <div class="notice notice-error" role="alert">
                                {format!("{message} If the link is old, ask to join again.")}
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <p class="sign-in-links"><A href="/signin">"Go to sign in"</A></p>
        </PublicCard>
    }
}
