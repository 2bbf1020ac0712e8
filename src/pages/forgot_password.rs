use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::public_card::PublicCard;
use crate::components::text_field::TextField;
use crate::form_errors::{field_error, focus, LocalError};

/// Asks for a link to choose a new password.
#[component]
pub fn ForgotPassword() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let local = RwSignal::new(LocalError::None);
    let request =
        Action::new_local(move |email: &String| api::request_password_reset(email.clone()));
    let busy = request.pending();
    let sent = move || matches!(request.value().get(), Some(Ok(())));
    let error = move || {
        request
            .value()
            .get()
            .and_then(Result::err)
            .filter(|e| !e.is_field_error())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if email.get_untracked().trim().is_empty() {
            local.set(Some(("email", "Enter your email address".into())));
            focus("email");
            return;
        }
        local.set(None);
        if !busy.get_untracked() {
            request.dispatch(email.get_untracked());
        }
    };
    view! {
        <PublicCard heading="Forgotten your password?">
            {move || if sent() {
                view! {
                    <div class="notice notice-success" role="status">
                        "If that address has a Confero account, a link to choose a new password is on its way. It works for one hour."
                    </div>
                    <p><A href="/signin">"Back to sign in"</A></p>
                }.into_any()
            } else {
                view! {
                    <p class="lead">"We’ll email you a link to choose a new one."</p>
                    {move || error().map(|e| view! { <div class="notice notice-error" role="alert">{e.to_string()}</div> })}
                    <form on:submit=on_submit novalidate>
                        <TextField id="email" label="Email" kind="email" autocomplete="username" value=email
                            error=field_error(local, move || request.value().get(), "email") disabled=busy />
                        <button type="submit" class="button button-primary button-wide" prop:disabled=move || busy.get()>
                            {move || if busy.get() { "Sending…" } else { "Email me a link" }}
                        </button>
                    </form>
                    <p class="sign-in-links"><A href="/signin">"Back to sign in"</A></p>
                }.into_any()
            }}
        </PublicCard>
    }
}
