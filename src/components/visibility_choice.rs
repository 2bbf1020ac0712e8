use confero_core::visibility::meaning;
use confero_core::{ProfileField, Visibility};
use leptos::prelude::*;

/// Who sees one field of my profile: a choice from narrowest to widest, and
/// one sentence saying what the current choice means.
#[component]
pub fn VisibilityChoice(
    field: ProfileField,
    /// The owner is staff: "classes" reads as the families they teach, and
    /// the name cannot be hidden from the school.
    staff: bool,
    value: RwSignal<Visibility>,
    #[prop(into)] disabled: Signal<bool>,
) -> impl IntoView {
    let id = format!("show-{}", field.as_str());
    let meaning_id = format!("{id}-meaning");
    let narrowest = field.narrowest(staff);
    let options = Visibility::ALL
        .into_iter()
        .filter(|v| *v >= narrowest)
        .map(|v| {
            let label = if staff {
                v.label_for_staff()
            } else {
                v.label()
            };
            view! { <option value=v.as_str() selected=move || value.get() == v>{label}</option> }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="visibility-choice">
            <label for=id.clone()>{format!("Who sees your {}", field.noun())}</label>
            <select id=id aria-describedby=meaning_id.clone() prop:disabled=move || disabled.get()
                on:change=move |ev| {
                    if let Some(v) = Visibility::parse(&event_target_value(&ev)) {
                        value.set(v);
                    }
                }>
                {options}
            </select>
            <p class="field-hint" id=meaning_id>{move || meaning(field, value.get(), staff)}</p>
        </div>
    }
}
