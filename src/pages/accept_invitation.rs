use confero_core::dto::AcceptInvitation as Accept;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::components::new_password_fields::NewPasswordFields;
use crate::components::public_card::PublicCard;
use crate::fragment::take_code;
use crate::session::{home_path, use_session};

/// The page an invitation's link opens: choose a password, and in.
#[component]
pub fn AcceptInvitation() -> impl IntoView {
    let session = use_session();
    let go = crate::builds::use_go();
    let code = take_code();
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let mismatch = RwSignal::new(false);
    let accept = Action::new_local(move |input: &Accept| {
        let input = input.clone();
        let go = go.clone();
        async move {
            let created = api::accept_invitation(input).await?;
            let home = home_path(&created.user);
            session.begin(created);
            go(home);
            Ok::<(), ApiError>(())
        }
    });
    let busy = accept.pending();
    let error = move || accept.value().get().and_then(Result::err);
    let code_refused = move || error().and_then(|e| e.field_message("code"));
    let has_code = code.is_some();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let matches = password.get_untracked() == confirm.get_untracked();
        mismatch.set(!matches);
        if let (true, Some(code)) = (matches && !busy.get_untracked(), code.clone()) {
            accept.dispatch(Accept {
                code,
                password: password.get_untracked(),
                remember: remember.get_untracked(),
            });
        }
    };
    view! {
        <PublicCard heading="Welcome to Confero">
            {if has_code {
                view! {
                    <p class="lead">"Choose a password to finish setting up your account."</p>
                    {move || code_refused().map(|message| view! {
                        <div class="notice notice-error" role="alert">
                            {format!("This invitation can’t be used: {message}. Ask the school to send a new one.")}
                        </div>
                    })}
                    {move || error().filter(|e| !e.is_field_error()).map(|e| view! {
                        <div class="notice notice-error" role="alert">{e.to_string()}</div>
                    })}
                    <form on:submit=on_submit.clone() novalidate>
                        <NewPasswordFields password confirm mismatch disabled=busy
                            error=Signal::derive(move || error().and_then(|e| e.field_message("password"))) />
                        <div class="field field-check">
                            <input id="remember" type="checkbox" bind:checked=remember />
                            <label for="remember">"Keep me signed in on this device"</label>
                        </div>
                        <button type="submit" class="button button-primary button-wide" prop:disabled=move || busy.get()>
                            {move || if busy.get() { "Setting up…" } else { "Set my password and sign in" }}
                        </button>
                    </form>
                }.into_any()
            } else {
                view! {
                    <div class="notice notice-error" role="alert">
                        "This page needs the link from your invitation email. Open the link from the email again, or ask the school to send a new one."
                    </div>
                    <p><A href="/signin">"Go to sign in"</A></p>
                }.into_any()
            }}
        </PublicCard>
    }
}
