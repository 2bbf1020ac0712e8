//! Errors tied to form fields: one the browser found before sending, or one
//! the API named in its answer.

use leptos::prelude::*;

use crate::api::ApiError;

/// A field the form itself refused, and why.
pub type LocalError = Option<(&'static str, String)>;

/// The message for `field`: the form's own check first, then the API's answer.
pub fn field_error<T>(
    local: RwSignal<LocalError>,
    answer: impl Fn() -> Option<Result<T, ApiError>> + Send + Sync + 'static,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        local
            .get()
            .filter(|(named, _)| *named == field)
            .map(|(_, message)| message)
            .or_else(|| {
                answer()
                    .and_then(Result::err)
                    .and_then(|error| error.field_message(field))
            })
    })
}
