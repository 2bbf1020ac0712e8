use confero_core::ErrorCode;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::text_field::TextField;
use crate::session::{home_path, use_session};

/// Sign in with email and password.
#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());

    let submit = Action::new_local(move |(email, password): &(String, String)| {
        let (email, password) = (email.clone(), password.clone());
        let navigate = navigate.clone();
        async move {
            let created = api::sign_in(email, password, false).await?;
            let home = home_path(&created.user);
            session.begin(created);
            navigate(home, Default::default());
            Ok::<(), ApiError>(())
        }
    });
    let busy = submit.pending();
    let error = move || submit.value().get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        Signal::derive(move || error().and_then(|e| e.field_message(field)))
    };
    let form_error = move || {
        error()
            .filter(|e| !e.is_field_error())
            .map(|e| match e.code() {
                Some(ErrorCode::InvalidCredentials) => {
                    "That email and password don’t match an account. Check them and try again."
                        .to_owned()
                }
                _ => e.to_string(),
            })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !busy.get_untracked() {
            session.clear_notice();
            submit.dispatch((email.get_untracked(), password.get_untracked()));
        }
    };

    view! {
        <Show when=move || !session.is_signed_in() || submit.pending().get() fallback=|| view! { <Redirect path="/" /> }>
            <main id="main" class="sign-in">
                <div class="sign-in-card">
                    <div class="brand brand-large">
                        <img src="/icons/icon-192.png" alt="" width="48" height="48" />
                        <span class="brand-name">"Confero"</span>
                    </div>
                    <h1>"Sign in"</h1>
                    <p class="lead">"Book and manage parent–teacher conferences."</p>
                    {move || session.ended_unexpectedly().then(|| view! {
                        <div class="notice notice-info" role="status">
                            "Your session has ended. Please sign in again."
                        </div>
                    })}
                    {move || form_error().map(|message| view! {
                        <div class="notice notice-error" role="alert">{message}</div>
                    })}
                    <form on:submit=on_submit novalidate aria-busy=move || busy.get().then_some("true")>
                        <TextField
                            id="email"
                            label="Email"
                            kind="email"
                            autocomplete="username"
                            value=email
                            error=field_error("email")
                            disabled=busy
                        />
                        <TextField
                            id="password"
                            label="Password"
                            kind="password"
                            autocomplete="current-password"
                            value=password
                            error=field_error("password")
                            disabled=busy
                        />
                        <button type="submit" class="button button-primary button-wide" prop:disabled=move || busy.get()>
                            {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </form>
                    <p class="fine-print">
                        "Confero uses no cookies and no trackers. You stay signed in until you close this tab, sign out, or are away for a while."
                    </p>
                </div>
            </main>
        </Show>
    }
}
