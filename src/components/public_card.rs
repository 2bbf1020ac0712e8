use leptos::prelude::*;

/// The frame of the pages people reach before signing in (sign in aside):
/// the brand, a heading that takes the focus, and the page's content.
#[component]
pub fn PublicCard(heading: &'static str, children: Children) -> impl IntoView {
    let heading_ref = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        if let Some(heading) = heading_ref.get() {
            let _ = heading.focus();
        }
    });
    view! {
        <main id="main" class="sign-in">
            <div class="sign-in-card">
                <div class="brand brand-large">
                    <img src="/icons/icon-192.png" alt="" width="48" height="48" />
                    <span class="brand-name">"Confero"</span>
                </div>
                <h1 tabindex="-1" node_ref=heading_ref>{heading}</h1>
                {children()}
            </div>
        </main>
    }
}
