use leptos::prelude::*;

/// The fallback of an `<ErrorBoundary>`: what went wrong, and a way to try again.
#[component]
pub fn ErrorNotice(
    errors: ArcRwSignal<Errors>,
    #[prop(optional)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let messages = move || {
        errors.with(|errors| {
            errors
                .iter()
                .map(|(_, error)| view! { <p>{error.to_string()}</p> })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="notice notice-error" role="alert">
            {messages}
            {retry.map(|retry| view! {
                <button type="button" class="button" on:click=move |_| retry.run(())>"Try again"</button>
            })}
        </div>
    }
}
