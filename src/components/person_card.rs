use confero_core::dto::PersonView;
use leptos::prelude::*;
use leptos_router::components::A;

/// A person as the viewer may see them: only the fields present are shown,
/// so a card never hints at what is hidden. With `link`, the name opens
/// their page.
#[component]
pub fn PersonCard(
    person: PersonView,
    #[prop(optional)] link: bool,
    /// The heading level's tag for the name: "h2" or "h3".
    #[prop(default = "h3")]
    heading: &'static str,
) -> impl IntoView {
    let name = match (&person.title, &person.name) {
        (Some(title), Some(name)) => format!("{title} {name}"),
        (None, Some(name)) => name.clone(),
        _ => "Someone at the school".to_owned(),
    };
    let name_view = if link {
        view! { <A href=format!("/directory/{}", person.id)>{name}</A> }.into_any()
    } else {
        name.into_any()
    };
    let heading_view = match heading {
        "h2" => view! { <h2 class="person-name">{name_view}</h2> }.into_any(),
        _ => view! { <h3 class="person-name">{name_view}</h3> }.into_any(),
    };
    let row = |label: &'static str, value: Option<String>, href: Option<String>| {
        value.map(|value| {
            let shown = match href {
                Some(href) => view! { <a href=href>{value}</a> }.into_any(),
                None => view! { <span class="multiline">{value}</span> }.into_any(),
            };
            view! { <div><dt>{label}</dt><dd>{shown}</dd></div> }
        })
    };
    let tel = |number: &Option<String>| {
        number
            .as_ref()
            .map(|n| format!("tel:{}", n.replace(' ', "")))
    };
    let details = vec![
        row(
            "Email",
            person.email.clone(),
            person.email.as_ref().map(|e| format!("mailto:{e}")),
        ),
        row("Phone", person.phone.clone(), tel(&person.phone)),
        row("Second phone", person.phone2.clone(), tel(&person.phone2)),
        row("Address", person.address.clone(), None),
        row("Preferred language", person.language.clone(), None),
        row("About", person.about.clone(), None),
    ];
    let children = person.children.clone().filter(|c| !c.is_empty()).map(|children| {
        view! {
            <div>
                <dt>"Children"</dt>
                <dd>
                    <ul class="plain-list">
                        {children.into_iter().map(|child| view! {
                            <li>{format!("{} — {}", child.name, child.year_group)}
                                {(!child.classes.is_empty()).then(|| view! {
                                    <span class="meta">{format!(" ({})", child.classes.join(", "))}</span>
                                })}
                            </li>
                        }).collect::<Vec<_>>()}
                    </ul>
                </dd>
            </div>
        }
    });
    let nothing_more = details.iter().all(Option::is_none) && children.is_none();
    view! {
        <article class="card person-card">
            {heading_view}
            {person.staff.then(|| view! { <p class="badge">"Staff"</p> })}
            {if nothing_more {
                view! { <p class="meta">"Shares only their name with you."</p> }.into_any()
            } else {
                view! { <dl class="details">{details}{children}</dl> }.into_any()
            }}
        </article>
    }
}
