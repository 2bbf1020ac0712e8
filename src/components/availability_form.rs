use confero_core::dto::{AvailabilityInput, Evening};
use confero_core::local::{LocalDate, LocalSpan, LocalTime};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::stranded_notice::StrandedNotice;
use crate::components::text_field::TextField;
use crate::form_errors::field_error;
use crate::session::use_session;
use crate::time_text::clock;

/// A teacher's own settings for an evening: room, appointment length, and the
/// hours they are there (within the session). Saving keeps blocked slots.
#[component]
pub fn AvailabilityForm(
    evening: Evening,
    teacher_id: i64,
    on_saved: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let evening_id = evening.id;
    let first = evening.sessions.first().cloned();
    let date = first
        .map(|s| crate::time_text::iso_date(&s.start))
        .unwrap_or_default();
    let room = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let from = RwSignal::new(first.map(|s| clock(&s.start)).unwrap_or_default());
    let until = RwSignal::new(first.map(|s| clock(&s.end)).unwrap_or_default());
    let blocked = StoredValue::new(Vec::new());
    let current = LocalResource::new(move || api::availability(session, evening_id, teacher_id));
    Effect::new(move |_| {
        if let Some(Ok(view)) = current.get() {
            room.set(view.room.clone().unwrap_or_default());
            minutes.set(view.slot_minutes.map(|m| m.to_string()).unwrap_or_default());
            if let Some(window) = view.windows.first() {
                from.set(clock(&window.start));
                until.set(clock(&window.end));
            }
            blocked.set_value(view.blocked.clone());
        }
    });
    let local_error = RwSignal::new(None::<(&'static str, String)>);
    // What was last sent: sent again, agreeing to cancel what it would strand.
    let last = StoredValue::new(None::<AvailabilityInput>);
    let save = Action::new_local(move |input: &AvailabilityInput| {
        last.set_value(Some(input.clone()));
        let input = input.clone();
        async move { api::set_availability(session, evening_id, teacher_id, input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_saved.run(());
        }
    });
    let busy = save.pending();
    // The appointments the last change would have left without a time.
    let stranded = Signal::derive(move || match save.value().get() {
        Some(Err(ApiError::Strands(_, list))) => list,
        _ => Vec::new(),
    });
    let cancel_and_save = move |()| {
        if let Some(mut input) = last.get_value() {
            input.cancel_bookings = stranded
                .get_untracked()
                .iter()
                .map(|s| s.booking_id)
                .collect();
            save.dispatch(input);
        }
    };
    // Back to the hours as saved.
    let keep = move |()| {
        save.value().set(None);
        current.refetch();
    };
    let error_for =
        move |field: &'static str| field_error(local_error, move || save.value().get(), field);
    let window_error = Signal::derive(move || {
        error_for("from")
            .get()
            .or_else(|| error_for("windows[0]").get())
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let parsed = (|| {
            let day = LocalDate::parse(&date).map_err(|e| ("from", e.to_string()))?;
            let start =
                LocalTime::parse(&from.get_untracked()).map_err(|e| ("from", e.to_string()))?;
            let end =
                LocalTime::parse(&until.get_untracked()).map_err(|e| ("until", e.to_string()))?;
            let text = minutes.get_untracked();
            let slot_minutes = match text.trim() {
                "" => None,
                m => Some(m.parse::<u32>().map_err(|_| {
                    (
                        "slot_minutes",
                        "must be a whole number of minutes".to_owned(),
                    )
                })?),
            };
            let room = room.get_untracked();
            Ok::<_, (&'static str, String)>(AvailabilityInput {
                room: (!room.trim().is_empty()).then_some(room),
                slot_minutes,
                windows: vec![LocalSpan {
                    date: day,
                    start,
                    end,
                }],
                blocked: blocked.get_value(),
                cancel_bookings: Vec::new(),
            })
        })();
        match parsed {
            Ok(input) => {
                local_error.set(None);
                save.dispatch(input);
            }
            Err(error) => local_error.set(Some(error)),
        }
    };
    view! {
        <details class="card availability">
            <summary>"Your room and hours"</summary>
            <form on:submit=on_submit novalidate>
                <TextField id="room" label="Room" value=room error=error_for("room") disabled=busy />
                <TextField id="slot_minutes" label="Appointment length (minutes)" kind="number"
                    hint="Leave empty for the evening's length." value=minutes error=error_for("slot_minutes") disabled=busy />
                <div class="field-row">
                    <TextField id="from" label="Available from" kind="time" value=from error=window_error disabled=busy />
                    <TextField id="until" label="Until" kind="time" value=until error=error_for("until") disabled=busy />
                </div>
                <button type="submit" class="button button-primary" prop:disabled=move || busy.get()>
                    {move || if busy.get() { "Saving…" } else { "Save" }}
                </button>
            </form>
            <StrandedNotice stranded what="these hours" busy
                on_cancel_and_save=Callback::new(cancel_and_save) on_keep=Callback::new(keep) />
        </details>
    }
}
