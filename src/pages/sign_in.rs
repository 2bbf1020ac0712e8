use confero_core::ErrorCode;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError};
use crate::components::go_to::GoTo;
use crate::components::text_field::TextField;
use crate::form_errors::{focus, LocalError};
use crate::session::{after_sign_in, use_session};

/// Sign in with email and password; then on to the page a link pointed at.
#[component]
pub fn SignIn() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let missing = RwSignal::new(Vec::<LocalError>::new());

    let submit = Action::new_local(
        move |(email, password, remember): &(String, String, bool)| {
            let (email, password, remember) = (email.clone(), password.clone(), *remember);
            async move {
                let created = api::sign_in(email, password, remember).await?;
                session.begin(created);
                Ok::<(), ApiError>(())
            }
        },
    );
    // Once signed in — now, or already when the page opened — on to where the
    // link pointed, or home.
    let destination = move || {
        let next = query.with_untracked(|q| q.get("next"));
        after_sign_in(next.as_deref(), session.me().as_ref())
    };
    let busy = submit.pending();
    let error = move || submit.value().get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        Signal::derive(move || {
            missing
                .with(|m| {
                    m.iter()
                        .flatten()
                        .find(|(f, _)| *f == field)
                        .map(|(_, m)| m.clone())
                })
                .or_else(|| error().and_then(|e| e.field_message(field)))
        })
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
        if busy.get_untracked() {
            return;
        }
        // Name every missing field at once, and go to the first.
        let empty: Vec<LocalError> = [
            ("email", email.get_untracked(), "Enter your email address"),
            ("password", password.get_untracked(), "Enter your password"),
        ]
        .into_iter()
        .filter(|(_, value, _)| value.trim().is_empty())
        .map(|(field, _, message)| Some((field, message.to_owned())))
        .collect();
        if let Some(Some((first, _))) = empty.first() {
            focus(first);
            missing.set(empty);
            return;
        }
        missing.set(Vec::new());
        session.clear_notice();
        submit.dispatch((
            email.get_untracked(),
            password.get_untracked(),
            remember.get_untracked(),
        ));
    };

    view! {
        <Show when=move || !session.is_signed_in() || submit.pending().get() fallback=move || view! { <GoTo path=destination() /> }>
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
                        <div class="field field-check">
                            <input id="remember" type="checkbox" bind:checked=remember
                                aria-describedby="remember-hint" prop:disabled=move || busy.get() />
                            <label for="remember">"Keep me signed in on this device"</label>
                            <p class="field-hint" id="remember-hint">
                                "Only on a device that is yours: you stay signed in after closing the browser, for up to 30 days or until you sign out."
                            </p>
                        </div>
                        <button type="submit" class="button button-primary button-wide" prop:disabled=move || busy.get()>
                            {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                        </button>
                    </form>
                    <p class="sign-in-links"><A href="/forgot">"Forgotten your password?"</A></p>
                    <p class="fine-print">
                        "Confero uses no cookies and no trackers. Unless you choose to stay signed in, you are signed out when you close this tab, sign out, or are away for a while."
                    </p>
                </div>
            </main>
        </Show>
    }
}
