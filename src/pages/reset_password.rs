use confero_core::dto::PasswordResetComplete;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::components::new_password_fields::NewPasswordFields;
use crate::components::public_card::PublicCard;
use crate::fragment::take_code;
use crate::session::{home_path, use_session};

/// The page a password-reset link opens: choose the new password.
#[component]
pub fn ResetPassword() -> impl IntoView {
    let session = use_session();
    let go = crate::builds::use_go();
    let code = take_code();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);
    let reset = Action::new_local(move |input: &PasswordResetComplete| {
        let input = input.clone();
        let go = go.clone();
        async move {
            let created = api::complete_password_reset(input).await?;
            let home = home_path(&created.user);
            session.begin(created);
            go(home);
            Ok::<(), ApiError>(())
        }
    });
    let busy = reset.pending();
    let error = move || reset.value().get().and_then(Result::err);
    let has_code = code.is_some();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let matches = password.get_untracked() == confirm.get_untracked();
        mismatch.set(!matches);
        if let (true, Some(code)) = (matches && !busy.get_untracked(), code.clone()) {
            reset.dispatch(PasswordResetComplete {
                code,
                password: password.get_untracked(),
                remember: false,
            });
        }
    };
    view! {
        <PublicCard heading="Choose a new password">
            {if has_code {
                view! {
                    <p class="lead">"Choosing it signs you out on every other device."</p>
                    {move || error().and_then(|e| e.field_message("code")).map(|_| view! {
                        <div class="notice notice-error" role="alert">
                            "This link has been used or has expired. " <A href="/forgot">"Ask for a new one"</A>"."
                        </div>
                    })}
                    {move || error().filter(|e| !e.is_field_error()).map(|e| view! {
                        <div class="notice notice-error" role="alert">{e.to_string()}</div>
                    })}
                    <form on:submit=on_submit.clone() novalidate>
                        <NewPasswordFields password confirm mismatch disabled=busy
                            error=Signal::derive(move || error().and_then(|e| e.field_message("password"))) />
                        <button type="submit" class="button button-primary button-wide" prop:disabled=move || busy.get()>
                            {move || if busy.get() { "Saving…" } else { "Save and sign in" }}
                        </button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <div class="notice notice-error" role="alert">
                        "This page needs the link from your email. " <A href="/forgot">"Ask for a new link"</A>"."
                    </div>
                }.into_any()
            }}
        </PublicCard>
    }
}
