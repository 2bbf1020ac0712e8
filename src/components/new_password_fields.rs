use confero_core::NewPassword;
use leptos::prelude::*;

use crate::components::text_field::TextField;

/// Kept in step with the rule the API enforces by the assertion below.
pub const NEW_PASSWORD_HINT: &str =
    "At least 10 characters. A few unrelated words make a strong one.";
const _: () = assert!(NewPassword::MIN_CHARS == 10);

/// A new password typed twice; `mismatch` is set by the form when they differ.
#[component]
pub fn NewPasswordFields(
    password: RwSignal<String>,
    confirm: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    mismatch: RwSignal<bool>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let confirm_error = Signal::derive(move || {
        mismatch
            .get()
            .then(|| "does not match the password above".to_owned())
    });
    view! {
        <TextField id="password" label="New password" kind="password" autocomplete="new-password"
            hint=NEW_PASSWORD_HINT value=password error=error disabled=disabled />
        <TextField id="confirm_password" label="Type it again" kind="password" autocomplete="new-password"
            value=confirm error=confirm_error disabled=disabled />
    }
}
