//! Errors tied to form fields: one the browser found before sending, or one
//! the API named in its answer.

use leptos::prelude::*;
use wasm_bindgen::JsCast as _;

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

/// Moves the keyboard focus to the element with this id (a field at fault).
pub fn focus(id: &str) {
    let element = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.get_element_by_id(id))
        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}
