use chrono::{DateTime, FixedOffset};
use confero_core::dto::{
    Evening, EveningChoices, EveningInput, MeetingMode, StrandedBooking, TeacherChoice,
};
use confero_core::local::{LocalDate, LocalDateTime, LocalSpan, LocalTime};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::stranded_notice::StrandedNotice;
use crate::components::text_field::TextField;
use crate::form_errors::{field_error, LocalError};
use crate::session::use_session;
use crate::time_text::{clock, iso_date};

/// One session or break being edited: a day, a start and an end.
#[derive(Clone, Copy)]
struct SpanRow {
    key: u32,
    date: RwSignal<String>,
    start: RwSignal<String>,
    end: RwSignal<String>,
}

impl SpanRow {
    fn new(key: u32, date: &str, start: &str, end: &str) -> SpanRow {
        SpanRow {
            key,
            date: RwSignal::new(date.to_owned()),
            start: RwSignal::new(start.to_owned()),
            end: RwSignal::new(end.to_owned()),
        }
    }

    fn of(key: u32, start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> SpanRow {
        SpanRow::new(key, &iso_date(start), &clock(start), &clock(end))
    }

    fn read(&self, field: &'static str) -> Result<LocalSpan, (&'static str, String)> {
        let date =
            LocalDate::parse(&self.date.get_untracked()).map_err(|e| (field, e.to_string()))?;
        let time = |value: RwSignal<String>| {
            LocalTime::parse(&value.get_untracked()).map_err(|e| (field, e.to_string()))
        };
        Ok(LocalSpan {
            date,
            start: time(self.start)?,
            end: time(self.end)?,
        })
    }
}

/// The form's values.
#[derive(Clone, Copy)]
struct Fields {
    name: RwSignal<String>,
    sessions: RwSignal<Vec<SpanRow>>,
    breaks: RwSignal<Vec<SpanRow>>,
    slot_minutes: RwSignal<String>,
    changeover: RwSignal<String>,
    travel: RwSignal<String>,
    opens: RwSignal<String>,
    closes: RwSignal<String>,
    cancel_until: RwSignal<String>,
    mode: RwSignal<String>,
    video_link: RwSignal<String>,
    /// "everyone" or "some".
    audience: RwSignal<String>,
    year_groups: RwSignal<Vec<String>>,
    class_ids: RwSignal<Vec<i64>>,
    /// The teachers taking part.
    teachers: RwSignal<Vec<i64>>,
    next_key: StoredValue<u32>,
}

/// `2026-11-26T16:00`, as a datetime-local input holds it.
fn local_moment(at: &DateTime<FixedOffset>) -> String {
    format!("{}T{}", iso_date(at), clock(at))
}

impl Fields {
    fn of(evening: Option<&Evening>, choices: &EveningChoices) -> Fields {
        let text = |value: String| RwSignal::new(value);
        let rows = |spans: &[confero_core::dto::Span], first: u32| {
            spans
                .iter()
                .zip(first..)
                .map(|(s, key)| SpanRow::of(key, &s.start, &s.end))
                .collect::<Vec<_>>()
        };
        match evening {
            Some(e) => Fields {
                name: text(e.name.clone()),
                sessions: RwSignal::new(rows(&e.sessions, 0)),
                breaks: RwSignal::new(rows(&e.breaks, 100)),
                slot_minutes: text(e.slot_minutes.to_string()),
                changeover: text(e.changeover_minutes.to_string()),
                travel: text(e.travel_buffer_minutes.to_string()),
                opens: text(local_moment(&e.booking_opens_at)),
                closes: text(local_moment(&e.booking_closes_at)),
                cancel_until: text(local_moment(&e.cancel_until)),
                mode: text(e.mode.as_str().to_owned()),
                video_link: text(e.video_link.clone().unwrap_or_default()),
                audience: text(
                    if e.audience.is_everyone() {
                        "everyone"
                    } else {
                        "some"
                    }
                    .to_owned(),
                ),
                year_groups: RwSignal::new(e.audience.year_groups.clone()),
                class_ids: RwSignal::new(e.audience.classes.iter().map(|c| c.id).collect()),
                teachers: RwSignal::new(e.teachers.iter().map(|t| t.id).collect()),
                next_key: StoredValue::new(200),
            },
            None => Fields {
                name: text(String::new()),
                sessions: RwSignal::new(vec![SpanRow::new(0, "", "16:00", "19:00")]),
                breaks: RwSignal::new(Vec::new()),
                slot_minutes: text("10".to_owned()),
                changeover: text("0".to_owned()),
                travel: text("5".to_owned()),
                opens: text(String::new()),
                closes: text(String::new()),
                cancel_until: text(String::new()),
                mode: text("in_person".to_owned()),
                video_link: text(String::new()),
                audience: text("everyone".to_owned()),
                year_groups: RwSignal::new(Vec::new()),
                class_ids: RwSignal::new(Vec::new()),
                // Everyone who teaches a class.
                teachers: RwSignal::new(
                    choices
                        .teachers
                        .iter()
                        .filter(|t| t.teaches_classes)
                        .map(|t| t.id)
                        .collect(),
                ),
                next_key: StoredValue::new(200),
            },
        }
    }

    fn key(&self) -> u32 {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        key
    }

    /// Reads the form into the API's input, naming the field of any value that does not parse.
    fn input(&self) -> Result<EveningInput, (&'static str, String)> {
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
        let mode = match self.mode.get_untracked().as_str() {
            "video" => MeetingMode::Video,
            "phone" => MeetingMode::Phone,
            _ => MeetingMode::InPerson,
        };
        let link = self.video_link.get_untracked();
        let some = self.audience.get_untracked() == "some";
        let (year_groups, class_ids) = if some {
            (
                self.year_groups.get_untracked(),
                self.class_ids.get_untracked(),
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let teacher_ids = self.teachers.get_untracked();
        if teacher_ids.is_empty() {
            return Err(("teacher_ids", "choose at least one teacher".to_owned()));
        }
        if some && year_groups.is_empty() && class_ids.is_empty() {
            return Err((
                "year_groups",
                "choose at least one year group or class".to_owned(),
            ));
        }
        Ok(EveningInput {
            name: self.name.get_untracked(),
            sessions: self
                .sessions
                .get_untracked()
                .iter()
                .map(|row| row.read("sessions"))
                .collect::<Result<_, _>>()?,
            breaks: self
                .breaks
                .get_untracked()
                .iter()
                .map(|row| row.read("breaks"))
                .collect::<Result<_, _>>()?,
            slot_minutes: number("slot_minutes", self.slot_minutes)?,
            changeover_minutes: number("changeover_minutes", self.changeover)?,
            travel_buffer_minutes: number("travel_buffer_minutes", self.travel)?,
            booking_opens_at: moment("booking_opens_at", self.opens)?,
            booking_closes_at: moment("booking_closes_at", self.closes)?,
            cancel_until: moment("cancel_until", self.cancel_until)?,
            mode,
            video_link: (!link.trim().is_empty()).then_some(link),
            teacher_ids: Some(teacher_ids),
            year_groups: Some(year_groups),
            class_ids: Some(class_ids),
            cancel_bookings: Vec::new(),
        })
    }
}

/// The message for a session or break row: the form's own check, or the
/// API's for `sessions[i]` / `breaks[i]`.
fn row_error(
    local: RwSignal<LocalError>,
    answer: Signal<Option<ApiError>>,
    list: &'static str,
    index: usize,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        local
            .get()
            .filter(|(named, _)| *named == list)
            .map(|(_, message)| message)
            .or_else(|| {
                answer
                    .get()
                    .and_then(|e| e.field_message(&format!("{list}[{index}]")))
            })
    })
}

/// The rows of sessions or of breaks, each a day with a start and an end,
/// with "Add" and "Remove".
#[component]
fn SpanRows(
    fields: Fields,
    rows: RwSignal<Vec<SpanRow>>,
    /// "sessions" or "breaks", as the API names them.
    list: &'static str,
    /// "Session" or "Break".
    label: &'static str,
    local_error: RwSignal<LocalError>,
    answer: Signal<Option<ApiError>>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let add = move |_| {
        let key = fields.key();
        // A new break falls on the first session's day; a new session on the last one's.
        let (date, start, end) = if list == "breaks" {
            let day = fields
                .sessions
                .with_untracked(|s| s.first().map(|r| r.date.get_untracked()))
                .unwrap_or_default();
            (day, "17:30".to_owned(), "17:45".to_owned())
        } else {
            let day = rows
                .with_untracked(|s| s.last().map(|r| r.date.get_untracked()))
                .unwrap_or_default();
            (day, "16:00".to_owned(), "19:00".to_owned())
        };
        rows.update(|r| r.push(SpanRow::new(key, &date, &start, &end)));
    };
    view! {
        <fieldset class="span-rows">
            <legend>{if list == "breaks" { "Breaks" } else { "Sessions" }}</legend>
            {(list == "breaks").then(|| view! {
                <p class="hint">"No appointments are offered during a break."</p>
            })}
            <For
                each=move || rows.get().into_iter().enumerate()
                key=|(i, row)| (*i, row.key)
                children=move |(index, row)| {
                    let number = index + 1;
                    let error = row_error(local_error, answer, list, index);
                    let error_id = format!("{list}-{index}-error");
                    let described = error_id.clone();
                    let id = |part: &str| format!("{list}-{index}-{part}");
                    // The first session's fields are "Date", "Starts", "Ends"; the
                    // others say whose they are: "Session 2 starts", "Break 1 date".
                    let name = |part: &str| {
                        if list == "sessions" && index == 0 {
                            let mut chars = part.chars();
                            chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
                        } else {
                            format!("{label} {number} {part}")
                        }
                    };
                    let can_remove = list == "breaks" || index > 0;
                    view! {
                        <div class="span-row" role="group" aria-label=format!("{label} {number}")>
                            <div class="field">
                                <label for=id("date")>{name("date")}</label>
                                <input id=id("date") type="date" bind:value=row.date prop:disabled=move || busy.get()
                                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                                    aria-describedby=move || error.with(Option::is_some).then(|| described.clone()) />
                            </div>
                            <div class="field">
                                <label for=id("start")>{name("starts")}</label>
                                <input id=id("start") type="time" bind:value=row.start prop:disabled=move || busy.get() />
                            </div>
                            <div class="field">
                                <label for=id("end")>{name("ends")}</label>
                                <input id=id("end") type="time" bind:value=row.end prop:disabled=move || busy.get() />
                            </div>
                            {can_remove.then(|| view! {
                                <button type="button" class="button" prop:disabled=move || busy.get()
                                    aria-label=format!("Remove {} {number}", label.to_lowercase())
                                    on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))>"Remove"</button>
                            })}
                            {move || error.get().map(|message| view! {
                                <p class="field-error" id=error_id.clone()>{message}</p>
                            })}
                        </div>
                    }
                }
            />
            <button type="button" class="button" prop:disabled=move || busy.get() on:click=add>
                {if list == "breaks" { "Add a break" } else { "Add another session" }}
            </button>
        </fieldset>
    }
}

/// The teachers taking part, ticked (a new evening: everyone who teaches a class).
#[component]
fn TeacherChoices(
    fields: Fields,
    teachers: Vec<TeacherChoice>,
    error: Signal<Option<String>>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let total = teachers.len();
    view! {
        <fieldset class="teacher-choices" aria-describedby=move || error.with(Option::is_some).then_some("teacher_ids-error")>
            <legend>"Teachers taking part"</legend>
            <details>
                <summary>{move || format!("{} of {total} teachers", fields.teachers.with(Vec::len))}</summary>
                <p class="hint">"A teacher taken out loses their times; families booked with them are listed first and asked about."</p>
                <div class="audience-choices">
                    {teachers.into_iter().map(|teacher| {
                        let id = format!("teacher-{}", teacher.id);
                        let teacher_id = teacher.id;
                        view! {
                            <div class="field field-check">
                                <input type="checkbox" id=id.clone()
                                    prop:checked=move || fields.teachers.with(|t| t.contains(&teacher_id))
                                    prop:disabled=move || busy.get()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        fields.teachers.update(|t| {
                                            t.retain(|x| *x != teacher_id);
                                            if on { t.push(teacher_id); }
                                        });
                                    } />
                                <label for=id>{teacher.name}</label>
                            </div>
                        }
                    }).collect::<Vec<_>>()}
                </div>
            </details>
            {move || error.get().map(|message| view! { <p class="field-error" id="teacher_ids-error">{message}</p> })}
        </fieldset>
    }
}

/// Who the evening is for: the whole school, or chosen year groups and classes.
#[component]
fn AudienceChoice(
    fields: Fields,
    choices: EveningChoices,
    error: Signal<Option<String>>,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let some = move || fields.audience.get() == "some";
    let radio = move |value: &'static str, label: &'static str| {
        let id = format!("audience-{value}");
        view! {
            <div class="field field-check">
                <input type="radio" name="audience" id=id.clone() value=value
                    prop:checked=move || fields.audience.get() == value
                    prop:disabled=move || busy.get()
                    on:change=move |_| fields.audience.set(value.to_owned()) />
                <label for=id>{label}</label>
            </div>
        }
    };
    let year_groups = choices.year_groups;
    let classes = choices.classes;
    view! {
        <fieldset class="audience" aria-describedby=move || error.with(Option::is_some).then_some("audience-error")>
            <legend>"Who is it for?"</legend>
            {radio("everyone", "The whole school")}
            {radio("some", "Some year groups or classes")}
            <Show when=some>
                <p class="hint">"Only these pupils' families see the evening and can book."</p>
                <div class="audience-choices">
                    {year_groups.clone().into_iter().map(|year| {
                        let id = format!("year-{}", year.replace(' ', "-"));
                        let toggle = year.clone();
                        let checked = year.clone();
                        view! {
                            <div class="field field-check">
                                <input type="checkbox" id=id.clone()
                                    prop:checked=move || fields.year_groups.with(|y| y.contains(&checked))
                                    prop:disabled=move || busy.get()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let year = toggle.clone();
                                        fields.year_groups.update(|y| {
                                            y.retain(|x| *x != year);
                                            if on { y.push(year); }
                                        });
                                    } />
                                <label for=id>{year}</label>
                            </div>
                        }
                    }).collect::<Vec<_>>()}
                </div>
                <details class="audience-classes">
                    <summary>{move || {
                        let count = fields.class_ids.with(Vec::len);
                        match count {
                            0 => "Classes".to_owned(),
                            1 => "Classes (1 chosen)".to_owned(),
                            n => format!("Classes ({n} chosen)"),
                        }
                    }}</summary>
                    <div class="audience-choices">
                        {classes.clone().into_iter().map(|class| {
                            let id = format!("class-{}", class.id);
                            let class_id = class.id;
                            view! {
                                <div class="field field-check">
                                    <input type="checkbox" id=id.clone()
                                        prop:checked=move || fields.class_ids.with(|c| c.contains(&class_id))
                                        prop:disabled=move || busy.get()
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            fields.class_ids.update(|c| {
                                                c.retain(|x| *x != class_id);
                                                if on { c.push(class_id); }
                                            });
                                        } />
                                    <label for=id>{class.name}</label>
                                </div>
                            }
                        }).collect::<Vec<_>>()}
                    </div>
                </details>
            </Show>
            {move || error.get().map(|message| view! { <p class="field-error" id="audience-error">{message}</p> })}
        </fieldset>
    }
}

/// An evening's settings, new or being changed: every field, its sessions and
/// breaks, and who it is for. A change that would leave booked appointments
/// without a time (or a child it is no longer for) is refused with them
/// listed, and saved only by the explicit "Cancel these and save".
#[component]
pub fn EveningForm(
    /// The evening being changed; none for a new one.
    #[prop(optional)]
    evening: Option<Evening>,
    choices: EveningChoices,
    /// Called with the saved evening.
    on_saved: Callback<Evening>,
) -> impl IntoView {
    let session = use_session();
    let fields = Fields::of(evening.as_ref(), &choices);
    let id = evening.as_ref().map(|e| e.id);
    let local_error = RwSignal::new(None::<(&'static str, String)>);
    let last = StoredValue::new(None::<EveningInput>);
    let save = Action::new_local(move |input: &EveningInput| {
        last.set_value(Some(input.clone()));
        let input = input.clone();
        async move {
            match id {
                Some(id) => api::office::update_evening(session, id, input).await,
                None => api::create_evening(session, input).await,
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            on_saved.run(saved);
        }
    });
    let busy = save.pending();
    let answer = Signal::derive(move || save.value().get().and_then(Result::err));
    let error_for =
        move |field: &'static str| field_error(local_error, move || save.value().get(), field);
    let stranded = Signal::derive(move || match save.value().get() {
        Some(Err(ApiError::Strands(_, list))) => list,
        _ => Vec::<StrandedBooking>::new(),
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
    let keep = move |()| save.value().set(None);
    let form_error = move || {
        answer
            .get()
            .filter(|e| !e.is_field_error() && !matches!(e, ApiError::Strands(..)))
            .map(|e| e.to_string())
    };
    let audience_error = Signal::derive(move || {
        error_for("year_groups")
            .get()
            .or_else(|| error_for("class_ids").get())
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match fields.input() {
            Ok(input) => {
                local_error.set(None);
                save.dispatch(input);
            }
            Err(error) => local_error.set(Some(error)),
        }
    };
    let submit_label = if id.is_some() {
        "Save changes"
    } else {
        "Save as draft"
    };

    view! {
        {move || form_error().map(|message| view! { <div class="notice notice-error" role="alert">{message}</div> })}
        <form class="card card-form evening-form" on:submit=on_submit novalidate>
            <TextField id="name" label="Name" value=fields.name error=error_for("name") disabled=busy />
            <SpanRows fields rows=fields.sessions list="sessions" label="Session" local_error answer busy />
            <SpanRows fields rows=fields.breaks list="breaks" label="Break" local_error answer busy />
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
            <TeacherChoices fields teachers=choices.teachers.clone() error=error_for("teacher_ids") busy />
            <AudienceChoice fields choices=choices.clone() error=audience_error busy />
            <StrandedNotice stranded what="this change" with_teacher=true busy
                on_cancel_and_save=Callback::new(cancel_and_save) on_keep=Callback::new(keep) />
            <button type="submit" class="button button-primary" prop:disabled=move || busy.get()>
                {move || if busy.get() { "Saving…" } else { submit_label }}
            </button>
        </form>
    }
}
