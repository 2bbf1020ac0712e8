use leptos::prelude::*;

/// A teacher's private note on an appointment in their schedule (families
/// never see it): the note, and a small form to write or change it.
#[component]
pub fn StaffNote(
    booking_id: i64,
    /// The child's name, for the field's label.
    child: String,
    /// The note as fetched.
    note: Option<String>,
    /// A note written offline, waiting to be sent.
    #[prop(into)]
    waiting: Signal<Option<String>>,
    on_save: Callback<(i64, String)>,
) -> impl IntoView {
    let fetched = StoredValue::new(note.clone());
    let shown = move || {
        waiting
            .get()
            .or_else(|| fetched.get_value())
            .filter(|n| !n.is_empty())
    };
    let draft = RwSignal::new(note.unwrap_or_default());
    let field = format!("note-{booking_id}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_save.run((booking_id, draft.get_untracked()));
    };
    view! {
        {move || shown().map(|text| view! {
            <p class="staff-note">
                <span class="visually-hidden">"Private note: "</span>{text}
                {move || waiting.get().is_some().then(|| view! { <span class="waiting">" · waiting to send"</span> })}
            </p>
        })}
        <details class="note-edit">
            <summary>{move || if shown().is_some() { "Change the note" } else { "Add a private note" }}</summary>
            <form on:submit=submit>
                <label for=field.clone()>{format!("Private note about {child} (staff only)")}</label>
                <textarea id=field maxlength="1000" rows="3" bind:value=draft></textarea>
                <button type="submit" class="button button-small">"Save note"</button>
            </form>
        </details>
    }
}
