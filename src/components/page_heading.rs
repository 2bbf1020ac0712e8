use leptos::html::H1;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The path whose heading last took focus (at first, the page the app was
/// opened on, whose heading must not steal focus from the browser).
#[derive(Clone, Copy, Debug)]
pub struct HeadingFocus(pub StoredValue<String>);

impl HeadingFocus {
    /// Provides the context, remembering the path the app was opened on.
    pub fn provide() {
        let path = use_location().pathname.get_untracked();
        provide_context(HeadingFocus(StoredValue::new(path)));
    }
}

/// A page's `<h1>`. After a client-side navigation it takes focus when it
/// appears (even once its data has loaded), so screen-reader and keyboard
/// users start at the top of the new page.
#[component]
pub fn PageHeading(children: Children) -> impl IntoView {
    let heading = NodeRef::<H1>::new();
    let focus = use_context::<HeadingFocus>();
    let location = use_location();
    Effect::new(move |_| {
        if let (Some(element), Some(HeadingFocus(focused_path))) = (heading.get(), focus) {
            let path = location.pathname.get_untracked();
            if focused_path.with_value(|focused| *focused != path) {
                focused_path.set_value(path);
                // A heading built inside a <Transition> is attached to the
                // document only after this effect; focus it once it is there.
                request_animation_frame(move || {
                    let _ = element.focus();
                });
            }
        }
    });
    view! { <h1 class="page-heading" tabindex="-1" node_ref=heading>{children()}</h1> }
}
