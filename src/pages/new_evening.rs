use confero_core::dto::{EveningInput, MeetingMode};
use confero_core::local::{LocalDate, LocalDateTime, LocalSpan, LocalTime};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::page_heading::PageHeading;
use crate::components::text_field::TextField;
use crate::form_errors::field_error;
use crate::session::use_session;

/// Reads the form into the API's input, naming the field of any value that does not parse.
fn input_from(fields: &Fields) -> Result<EveningInput, (&'static str, String)> {
    let date =
        LocalDate::parse(&fields.date.get_untracked()).map_err(|e| ("date", e.to_string()))?;
    let time = |field: &'static str, value: RwSignal<String>| {
        LocalTime::parse(&value.get_untracked()).map_err(|e| (field, e.to_string()))
    };
    let moment = |field: &'static str, value: RwSignal<String>| {
        LocalDateTime::parse(&value.get_untracked()).map_err(|e| (field, e.to_string()))
    };
    let number = |field: &'static str, value: RwSignal<String>| {
        value
            .get_untracked()
            .trim()
            .parse::<u32>()
            .map_err(|_| (field, "must be a whole number of minutes".to_owned()))
    };
    let mode = match fields.mode.get_untracked().as_str() {
        "video" => MeetingMode::Video,
        "phone" => MeetingMode::Phone,
        _ => MeetingMode::InPerson,
    };
    let link = fields.video_link.get_untracked();
    Ok(EveningInput {
        name: fields.name.get_untracked(),
        sessions: vec![LocalSpan {
            date,
            start: time("start", fields.start)?,
            end: time("end", fields.end)?,
        }],
        breaks: vec![],
        slot_minutes: number("slot_minutes", fields.slot_minutes)?,
        changeover_minutes: number("changeover_minutes", fields.changeover)?,
        travel_buffer_minutes: number("travel_buffer_minutes", fields.travel)?,
        booking_opens_at: moment("booking_opens_at", fields.opens)?,
        booking_closes_at: moment("booking_closes_at", fields.closes)?,
        cancel_until: moment("cancel_until", fields.cancel_until)?,
        mode,
        video_link: (!link.trim().is_empty()).then_some(link),
        teacher_ids: None,
        cancel_bookings: Vec::new(),
    })
}

#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    date: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
    slot_minutes: RwSignal<String>,
    changeover: RwSignal<String>,
    travel: RwSignal<String>,
    opens: RwSignal<String>,
    closes: RwSignal<String>,
    cancel_until: RwSignal<String>,
    mode: RwSignal<String>,
    video_link: RwSignal<String>,
}

/// An admin sets up a parents' evening. It starts as a draft; publishing it
/// lets families see it and, inside the booking window, book.
#[component]
pub fn NewEvening() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let text = |value: &str| RwSignal::new(value.to_owned());
    let fields = Fields {
        name: text(""),
        date: text(""),
        start: text("16:00"),
        end: text("19:00"),
        slot_minutes: text("10"),
        changeover: text("0"),
        travel: text("5"),
        opens: text(""),
        closes: text(""),
        cancel_until: text(""),
        mode: text("in_person"),
        video_link: text(""),
    };
    let local_error = RwSignal::new(None::<(&'static str, String)>);
    let save = Action::new_local(move |input: &EveningInput| {
        let input = input.clone();
        async move { api::create_evening(session, input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            navigate("/admin", Default::default());
        }
    });
    let busy = save.pending();
    let error_for =
        move |field: &'static str| field_error(local_error, move || save.value().get(), field);
    // The API names sessions[0] for a bad date or time range.
    let session_error = Signal::derive(move || {
        error_for("date").get().or_else(|| {
            save.value()
                .get()
                .and_then(Result::err)
                .and_then(|e| e.field_message("sessions[0]"))
        })
    });
    let form_error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .filter(|e| !e.is_field_error())
            .map(|e| e.to_string())
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match input_from(&fields) {
            Ok(input) => {
                local_error.set(None);
                save.dispatch(input);
            }
            Err(error) => local_error.set(Some(error)),
        }
    };

    view! {
        <p class="back"><A href="/admin">"← School"</A></p>
        <PageHeading>"New parents' evening"</PageHeading>
        <p class="lead">"Times are in the school's time zone. Everyone who teaches a class takes part; teachers can set their own room and hours."</p>
        {move || form_error().map(|message| view! { <div class="notice notice-error" role="alert">{message}</div> })}
        <form class="card card-form evening-form" on:submit=on_submit novalidate>
            <TextField id="name" label="Name" value=fields.name error=error_for("name") disabled=busy />
            <TextField id="date" label="Date" kind="date" value=fields.date error=session_error disabled=busy />
            <div class="field-row">
                <TextField id="start" label="Starts" kind="time" value=fields.start error=error_for("start") disabled=busy />
                <TextField id="end" label="Ends" kind="time" value=fields.end error=error_for("end") disabled=busy />
            </div>
            <div class="field-row">
                <TextField id="slot_minutes" label="Appointment (minutes)" kind="number" value=fields.slot_minutes error=error_for("slot_minutes") disabled=busy />
                <TextField id="changeover_minutes" label="Gap between (minutes)" kind="number" value=fields.changeover error=error_for("changeover_minutes") disabled=busy />
                <TextField id="travel_buffer_minutes" label="Time between rooms (minutes)" kind="number" value=fields.travel error=error_for("travel_buffer_minutes") disabled=busy />
            </div>
            <TextField id="booking_opens_at" label="Booking opens" kind="datetime-local" value=fields.opens error=error_for("booking_opens_at") disabled=busy />
            <TextField id="booking_closes_at" label="Booking closes" kind="datetime-local" value=fields.closes error=error_for("booking_closes_at") disabled=busy />
            <TextField id="cancel_until" label="Parents may cancel until" kind="datetime-local" value=fields.cancel_until error=error_for("cancel_until") disabled=busy />
            <div class="field">
                <label for="mode">"How families meet teachers"</label>
                <select id="mode" name="mode" bind:value=fields.mode prop:disabled=move || busy.get()>
                    <option value="in_person">"In person, in the teacher's room"</option>
                    <option value="video">"Video call"</option>
                    <option value="phone">"Phone call"</option>
                </select>
            </div>
            <Show when=move || fields.mode.get() == "video">
                <TextField id="video_link" label="Video link" kind="url" hint="An https:// link families will join." value=fields.video_link error=error_for("video_link") disabled=busy />
            </Show>
            <button type="submit" class="button button-primary" prop:disabled=move || busy.get()>
                {move || if busy.get() { "Saving…" } else { "Save as draft" }}
            </button>
        </form>
    }
}
