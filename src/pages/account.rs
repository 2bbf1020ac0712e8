use confero_core::dto::ChangePassword;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::new_password_fields::NEW_PASSWORD_HINT;
use crate::components::page_heading::PageHeading;
use crate::components::session_list::SessionList;
use crate::components::text_field::TextField;
use crate::session::use_session;

/// The signed-in person's account: who they are, and a password change.
#[component]
pub fn Account() -> impl IntoView {
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let mismatch = RwSignal::new(false);

    let change = Action::new_local(move |change: &ChangePassword| {
        let change = change.clone();
        async move { api::change_password(session, change).await }
    });
    let busy = change.pending();
    let error = move || change.value().get().and_then(Result::err);
    let field_error = move |field: &'static str| {
        Signal::derive(move || error().and_then(|e: ApiError| e.field_message(field)))
    };
    let confirm_error = Signal::derive(move || {
        mismatch
            .get()
            .then(|| "does not match the new password".to_owned())
    });
    let done = move || matches!(change.value().get(), Some(Ok(())));
    Effect::new(move |_| {
        if done() {
            current.set(String::new());
            new.set(String::new());
            confirm.set(String::new());
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let matches = new.get_untracked() == confirm.get_untracked();
        mismatch.set(!matches);
        if matches && !busy.get_untracked() {
            change.dispatch(ChangePassword {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
            });
        }
    };

    view! {
        <PageHeading>"Your account"</PageHeading>
        {move || session.me().map(|me| view! {
            <dl class="details">
                <div><dt>"Name"</dt><dd>{format!("{} {}", me.given_name, me.family_name)}</dd></div>
                <div><dt>"Email"</dt><dd>{me.email}</dd></div>
                <div><dt>"School"</dt><dd>{me.school.name}</dd></div>
            </dl>
        })}
        <SessionList />
        <section class="card card-form" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change your password"</h2>
            <p class="meta">"Changing it signs you out everywhere else."</p>
            {move || done().then(|| view! {
                <div class="notice notice-success" role="status">"Password changed. Your other devices have been signed out."</div>
            })}
            {move || error().filter(|e| !e.is_field_error()).map(|e| view! {
                <div class="notice notice-error" role="alert">{e.to_string()}</div>
            })}
            <form on:submit=on_submit novalidate>
                <TextField id="current_password" label="Current password" kind="password"
                    autocomplete="current-password" value=current error=field_error("current_password") disabled=busy />
                <TextField id="new_password" label="New password" kind="password" autocomplete="new-password"
                    hint=NEW_PASSWORD_HINT value=new error=field_error("new_password") disabled=busy />
                <TextField id="confirm_password" label="Repeat the new password" kind="password"
                    autocomplete="new-password" value=confirm error=confirm_error disabled=busy />
                <button type="submit" class="button button-primary" prop:disabled=move || busy.get()>
                    {move || if busy.get() { "Changing…" } else { "Change password" }}
                </button>
            </form>
        </section>
    }
}
