use confero_core::dto::{SlotView, WaitlistEntry, WaitlistStatus};
use leptos::prelude::*;

use crate::time_text::clock;

/// What joining a teacher's waiting list asks for: the times as the grid
/// gives them (RFC 3339).
#[derive(Clone, Debug, PartialEq)]
pub struct JoinAsk {
    pub teacher_id: i64,
    pub student_id: i64,
    pub from: String,
    pub until: String,
}

/// "1 family ahead of you".
fn ahead_words(ahead: u32) -> String {
    match ahead {
        0 => "you are next".to_owned(),
        1 => "1 family ahead of you".to_owned(),
        n => format!("{n} families ahead of you"),
    }
}

/// A child's place in a teacher's waiting list, or the way to join it: in
/// a teacher's row that has no booking. Prominent when no time with the
/// teacher works for the family; a quiet disclosure otherwise.
#[component]
pub fn WaitlistRow(
    teacher_id: i64,
    teacher_name: String,
    student_id: i64,
    /// The teacher's times, for the "when you can come" choice.
    slots: Vec<SlotView>,
    /// The child's open place in this teacher's line, if any.
    place: Option<WaitlistEntry>,
    /// Whether some time with the teacher can be booked now.
    usable: bool,
    #[prop(into)] busy: Signal<bool>,
    on_join: Callback<JoinAsk>,
    /// Leaves the line (the place's id).
    on_leave: Callback<i64>,
) -> impl IntoView {
    if let Some(place) = place {
        let id = place.id;
        let window = format!("{}–{}", clock(&place.from), clock(&place.until));
        let text = match place.status {
            WaitlistStatus::Offered => format!(
                "On {teacher_name}'s waiting list: a time is held for you (see “A time has come up” above)."
            ),
            _ => format!(
                "On {teacher_name}'s waiting list for a time between {window}: {}. We'll tell you here and by email when one frees.",
                ahead_words(place.ahead)
            ),
        };
        return view! {
            <div class="waitlist-place">
                <p>{text}</p>
                <button type="button" class="button button-small" prop:disabled=move || busy.get()
                    on:click=move |_| on_leave.run(id)>"Leave the waiting list"</button>
            </div>
        }
        .into_any();
    }
    let (Some(first), Some(last)) = (slots.first().cloned(), slots.last().cloned()) else {
        return ().into_any();
    };
    let from = RwSignal::new(first.start.to_rfc3339());
    let until = RwSignal::new(last.end.to_rfc3339());
    let wrong = move || {
        let parse = |t: String| chrono::DateTime::parse_from_rfc3339(&t).ok();
        match (parse(from.get()), parse(until.get())) {
            (Some(a), Some(b)) => a >= b,
            _ => true,
        }
    };
    let ids = format!("wait-{student_id}-{teacher_id}");
    let (from_id, until_id) = (format!("{ids}-from"), format!("{ids}-until"));
    let from_options = slots
        .iter()
        .map(|s| {
            let value = s.start.to_rfc3339();
            view! { <option value=value.clone() selected=value == first.start.to_rfc3339()>{clock(&s.start)}</option> }
        })
        .collect::<Vec<_>>();
    let until_options = slots
        .iter()
        .map(|s| {
            let value = s.end.to_rfc3339();
            view! { <option value=value.clone() selected=value == last.end.to_rfc3339()>{clock(&s.end)}</option> }
        })
        .collect::<Vec<_>>();
    let summary = if usable {
        "None of these times suit? Join the waiting list".to_owned()
    } else {
        format!("No time with {teacher_name} works for you? Join the waiting list")
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if wrong() {
            return;
        }
        on_join.run(JoinAsk {
            teacher_id,
            student_id,
            from: from.get_untracked(),
            until: until.get_untracked(),
        });
    };
    view! {
        <details class="waitlist-join" open=!usable>
            <summary>{summary}</summary>
            <form class="waitlist-form" on:submit=submit>
                <p class="meta">
                    "When a time between these frees, it is held for you for 10 minutes and we tell you here and by email."
                </p>
                <div class="field-row">
                    <div class="field">
                        <label for=from_id.clone()>"From"</label>
                        <select id=from_id on:change=move |ev| from.set(event_target_value(&ev))>{from_options}</select>
                    </div>
                    <div class="field">
                        <label for=until_id.clone()>"Until"</label>
                        <select id=until_id on:change=move |ev| until.set(event_target_value(&ev))>{until_options}</select>
                    </div>
                </div>
                {move || wrong().then(|| view! { <p class="field-error" role="alert">"“Until” must be after “From”."</p> })}
                <button type="submit" class="button button-primary" prop:disabled=move || busy.get()>
                    {format!("Join {teacher_name}'s waiting list")}
                </button>
            </form>
        </details>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_ahead_is_said_in_words() {
        assert_eq!(ahead_words(0), "you are next");
        assert_eq!(ahead_words(1), "1 family ahead of you");
        assert_eq!(ahead_words(3), "3 families ahead of you");
    }
}
