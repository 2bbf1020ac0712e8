use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;

use crate::api::{self, ApiError};
use crate::components::app_header::AppHeader;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::components::page_heading::HeadingFocus;
use crate::offline_store;
use crate::session::use_session;

/// The signed-in frame around every page but sign-in: it sends visitors
/// without a session to sign in, loads who they are, and shows the header
/// and the current page.
#[component]
pub fn AppShell() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    // After signing in, the person lands where the link pointed.
    // Read once: the redirect itself changes the location.
    let sign_in = move || match crate::builds::address_of(&location).as_str() {
        "/" | "" => "/signin".to_owned(),
        here => format!("/signin?next={}", js_sys::encode_uri_component(here)),
    };
    view! {
        <Show when=move || session.is_signed_in() fallback=move || view! { <Redirect path=sign_in() /> }>
            <SignedInFrame />
        </Show>
    }
}

#[component]
fn SignedInFrame() -> impl IntoView {
    let session = use_session();
    // Offline (bad Wi-Fi, a reload without a connection): who this tab
    // signed in as, kept for the tab's session only.
    let me = LocalResource::new(move || async move {
        match api::me(session).await {
            Ok(me) => {
                offline_store::save_me(&me);
                Ok(me)
            }
            Err(ApiError::Network) => offline_store::me().ok_or(ApiError::Network),
            Err(error) => Err(error),
        }
    });
    let retry = Callback::new(move |()| me.refetch());
    HeadingFocus::provide();

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Transition fallback=|| view! { <main id="main" class="page"><Loading what="your account" /></main> }>
            <ErrorBoundary fallback=move |errors| view! {
                <main id="main" class="page"><ErrorNotice errors retry /></main>
            }>
                {move || Suspend::new(async move {
                    me.await.map(|me| {
                        session.set_me(me.clone());
                        view! {
                            <AppHeader me />
                            <main id="main" class="page">
                                <Outlet />
                            </main>
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
