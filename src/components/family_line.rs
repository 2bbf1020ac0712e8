use confero_core::dto::PersonView;
use leptos::prelude::*;

/// Who is coming for a child: their name, and their phone only when the
/// family shows it to staff (the API leaves it out otherwise).
#[component]
pub fn FamilyLine(family: PersonView) -> impl IntoView {
    let name = match (&family.title, &family.name) {
        (Some(title), Some(name)) => format!("{title} {name}"),
        (None, Some(name)) => name.clone(),
        _ => String::new(),
    };
    view! {
        <span class="family meta">
            {format!("with {name}")}
            {family.phone.map(|phone| {
                let href = format!("tel:{}", phone.replace(' ', ""));
                view! { " · " <a href=href>{phone}</a> }
            })}
        </span>
    }
}
