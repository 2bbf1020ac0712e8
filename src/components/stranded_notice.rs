use confero_core::dto::StrandedBooking;
use leptos::prelude::*;

use crate::time_text::clock;

/// A change refused because it would leave booked appointments without a
/// time: the appointments, and the one explicit step that cancels them with
/// the change (each family emailed), or keeping them.
#[component]
pub fn StrandedNotice(
    /// The appointments the change would strand (nothing shows when empty).
    #[prop(into)]
    stranded: Signal<Vec<StrandedBooking>>,
    /// What was changed, for the sentence: "these hours", "this change".
    what: &'static str,
    /// Whether each line names the teacher (an evening-wide change).
    #[prop(optional)]
    with_teacher: bool,
    #[prop(into)] busy: Signal<bool>,
    on_cancel_and_save: Callback<()>,
    on_keep: Callback<()>,
) -> impl IntoView {
    move || {
        let list = stranded.get();
        (!list.is_empty()).then(|| {
            let count = list.len();
            view! {
                <div class="notice notice-error stranded" role="alert">
                    <p>{if count == 1 {
                        format!("Not saved: {what} would leave a family's appointment without a time.")
                    } else {
                        format!("Not saved: {what} would leave {count} families' appointments without a time.")
                    }}</p>
                    <ul>
                        {list.into_iter().map(|s| {
                            let teacher = if with_teacher { format!(" · {}", s.teacher_name) } else { String::new() };
                            view! { <li>{format!("{}–{} · {}{teacher}", clock(&s.start), clock(&s.end), s.student_name)}</li> }
                        }).collect::<Vec<_>>()}
                    </ul>
                    <p class="actions">
                        <button type="button" class="button button-danger" prop:disabled=move || busy.get()
                            on:click=move |_| on_cancel_and_save.run(())>
                            {if count == 1 { "Cancel it and save (the family is emailed)".to_owned() } else { format!("Cancel these {count} and save (each family is emailed)") }}
                        </button>
                        <button type="button" class="button" on:click=move |_| on_keep.run(())>
                            {if count == 1 { "Keep the appointment" } else { "Keep the appointments" }}
                        </button>
                    </p>
                </div>
            }
        })
    }
}
