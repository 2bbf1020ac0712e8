use confero_core::dto::{BatchBookingInput, BookingInput, EveningStatus, WaitlistInput};
use confero_core::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;
use wasm_bindgen::JsCast as _;

use crate::api::{self, ApiError};
use crate::components::child_booking::{row_id, ChildBooking, Pick, RowNote};
use crate::components::error_notice::ErrorNotice;
use crate::components::family_appointments::FamilyAppointments;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::components::plan_evening::PlanEvening;
use crate::components::running_late::RunningLate;
use crate::components::slot_legend::SlotLegend;
use crate::components::slot_picker::SlotCells;
use crate::components::waitlist_join::JoinAsk;
use crate::components::waitlist_offers::WaitlistOffers;
use crate::planning::{self, Ask, Proposed};
use crate::prediction;
use crate::session::use_session;
use crate::time_text::{moment, span};

#[derive(Params, Clone, Debug, PartialEq)]
struct EveningParams {
    id: Option<i64>,
}

fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// Where focus goes once the page has been redrawn after a tap's result, so
/// it never drops to the page body: the row the tap was in, or the result.
#[derive(Clone, Debug, PartialEq)]
enum Refocus {
    /// A child's row with a teacher: its "Change time" once booked, else
    /// its first free time, else the row.
    Row(i64, i64),
    /// The result message.
    Result,
    /// The plan's heading (after a plan could not be booked and was made again).
    Plan,
}

impl Refocus {
    fn apply(&self) {
        let document = document();
        let find = |selector: &str| {
            document
                .query_selector(selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        };
        let target = match self {
            Refocus::Row(student, teacher) => {
                let row = format!("#{}", row_id(*student, *teacher));
                find(&format!("{row} .booked-change"))
                    .or_else(|| find(&format!("{row} .slot-free:not([disabled])")))
                    .or_else(|| find(RESULT))
            }
            Refocus::Result => find(RESULT),
            Refocus::Plan => find("#plan-result").or_else(|| find(RESULT)),
        };
        if let Some(target) = target {
            let _ = target.focus();
        }
    }
}

/// What a tap that reached no one says.
const OFFLINE: &str = "Not sent: you're offline. Try again once you're connected.";

/// The result message's selector.
const RESULT: &str = "#booking-result";

/// "16:20": a planned appointment's time, in the evening's offset.
fn ask_clock(p: &Proposed, offset: chrono::FixedOffset) -> String {
    crate::time_text::clock(&planning::at(p.slot.start, offset))
}

fn key() -> String {
    format!(
        "{:x}{:x}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e15) as u64
    )
}

/// A parent books their children's appointments for one evening. Slots taken
/// by others turn grey within a second, without a reload.
#[component]
pub fn EveningBooking() -> impl IntoView {
    let session = use_session();
    let params = use_params::<EveningParams>();
    let id = Memo::new(move |_| params.get().ok().and_then(|p| p.id));
    // Bumped after every change this page makes; the data is fetched again.
    let version = RwSignal::new(0u32);
    // The live state of each slot of the current fetch; live events update one cell each.
    let cells = StoredValue::new(SlotCells::new());
    let data = LocalResource::new(move || {
        let id = id.get();
        version.track();
        async move {
            let id = id.ok_or(ApiError::Unexpected(404))?;
            // Four requests at once: on a phone network each round trip counts.
            let (evening, grid, bookings, places) = futures::future::join4(
                api::evening(session, id),
                api::slots(session, id, None),
                api::bookings(session, id, Role::Guardian),
                api::waitlist(session, id),
            )
            .await;
            Ok::<_, ApiError>((evening?, grid?, bookings?, places?))
        }
    });
    let refocus = StoredValue::new(None::<Refocus>);
    let ask = RwSignal::new(None::<Ask>);
    let choosing = RwSignal::new(false);
    // The plan on show: another family taking one of its times re-plans it.
    let planned = StoredValue::new(Vec::<(i64, i64)>::new());
    // Set while the page's own plan is being booked (its own live events are not news).
    let booking_plan = StoredValue::new(false);
    // The teachers whose waiting lists the family is in: any change to their
    // times may bring (or end) an offer, so the page is fetched again.
    let waiting_for = StoredValue::new(Vec::<i64>::new());
    // How late each teacher is running, as fetched and then told live.
    let late = RwSignal::new(std::collections::HashMap::<i64, u32>::new());
    Effect::new(move |_| {
        if let Some(id) = id.get() {
            crate::live::watch(session, id, move |change| {
                let (teacher, start, taken) = match change {
                    crate::live::Change::Late {
                        teacher_id,
                        minutes,
                    } => {
                        late.update(|late| {
                            late.insert(teacher_id, minutes);
                        });
                        return;
                    }
                    crate::live::Change::Slot {
                        teacher_id,
                        start,
                        taken,
                    } => (teacher_id, start, taken),
                };
                if let Ok(start) = chrono::DateTime::parse_from_rfc3339(&start) {
                    if let Some(current) = cells.try_get_value() {
                        current.apply(teacher, start.timestamp(), taken);
                    }
                    if waiting_for.with_value(|w| w.contains(&teacher)) {
                        version.update(|v| *v += 1);
                    }
                    let lost = taken
                        && !booking_plan.get_value()
                        && planned.with_value(|p| p.contains(&(teacher, start.timestamp())));
                    if lost {
                        planned.set_value(Vec::new());
                        let note = format!(
                            "{} in your plan was just taken by another family. Here is a new plan from the times free now: nothing has been booked yet.",
                            crate::time_text::clock(&start)
                        );
                        ask.update(|a| {
                            if let Some(a) = a {
                                a.note = Some(note);
                            }
                        });
                        // The page is drawn again: focus goes to the new plan, not the body.
                        refocus.set_value(Some(Refocus::Plan));
                        version.update(|v| *v += 1);
                    }
                }
            });
        }
    });

    let message = RwSignal::new(None::<String>);
    // The evening's UTC offset, for the plan's instants.
    let plan_offset = StoredValue::new(chrono::FixedOffset::east_opt(0).expect("UTC"));
    let changing = RwSignal::new(None::<i64>);
    let refresh = move || version.update(|v| *v += 1);
    // After a tap's result: fetch the page again, unless the request never
    // left the device; then the page stays as it is, and focus where it was.
    let settle = move |sent: bool| {
        if sent {
            refresh();
        } else {
            refocus.set_value(None);
        }
    };
    let row_note = RwSignal::new(None::<RowNote>);
    let last_pick = StoredValue::new(None::<Pick>);
    let book = Action::new_local(move |pick: &Pick| {
        let pick = pick.clone();
        async move {
            let evening = id.get_untracked().unwrap_or_default();
            let start = chrono::DateTime::parse_from_rfc3339(&pick.start)
                .map_err(|_| ApiError::Unexpected(0))?;
            let input = BookingInput {
                teacher_id: pick.teacher_id,
                student_id: pick.student_id,
                start,
            };
            api::book(session, evening, input, key()).await
        }
    });
    // "Plan my evening": what was asked (kept across refetches, so a plan
    // that lost a time is made again from the fresh grid), and its booking.
    let last_plan = StoredValue::new(Vec::<Proposed>::new());
    let book_plan = Action::new_local(
        move |(plan, offset): &(Vec<Proposed>, chrono::FixedOffset)| {
            let input = BatchBookingInput {
                bookings: plan
                    .iter()
                    .map(|p| BookingInput {
                        teacher_id: p.pair.teacher_id,
                        student_id: p.pair.student_id,
                        start: planning::at(p.slot.start, *offset),
                    })
                    .collect(),
            };
            let evening = id.get_untracked().unwrap_or_default();
            async move { api::book_all(session, evening, input, key()).await }
        },
    );
    Effect::new(move |_| {
        let Some(result) = book_plan.value().get() else {
            return;
        };
        let sent = !matches!(result, Err(ApiError::Network));
        match result {
            Ok(booked) => {
                let list = booked
                    .bookings
                    .iter()
                    .map(|b| {
                        format!(
                            "{} with {} at {}",
                            b.student_name,
                            b.teacher_name,
                            crate::time_text::clock(&b.start)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                let count = booked.bookings.len();
                message.set(Some(format!(
                    "Booked {count} {}: {list}.",
                    if count == 1 {
                        "appointment"
                    } else {
                        "appointments"
                    }
                )));
                ask.set(None);
                planned.set_value(Vec::new());
                refocus.set_value(Some(Refocus::Result));
            }
            Err(ApiError::Network) => {
                message.set(Some(format!("{OFFLINE} Nothing was booked.")));
            }
            Err(error) => {
                let lost = error
                    .batch_index()
                    .and_then(|i| last_plan.with_value(|plan| plan.get(i).cloned()));
                let why = match (&lost, error.code()) {
                    (Some(p), Some(confero_core::ErrorCode::SlotTaken)) => format!(
                        "{} with {} at {} was just taken by another family",
                        p.pair.child_name,
                        p.pair.teacher_name,
                        ask_clock(p, plan_offset.get_value())
                    ),
                    (Some(p), _) => format!(
                        "{} with {} at {}: {error}",
                        p.pair.child_name,
                        p.pair.teacher_name,
                        ask_clock(p, plan_offset.get_value())
                    ),
                    (None, _) => error.to_string(),
                };
                let note = format!(
                    "Nothing was booked: {why}. Here is a new plan from the times free now: check it and book again."
                );
                ask.update(|a| {
                    if let Some(a) = a {
                        a.note = Some(note.clone());
                    }
                });
                message.set(Some(format!("Not booked: {why}.")));
                refocus.set_value(Some(Refocus::Plan));
            }
        }
        settle(sent);
    });
    let on_book_plan = Callback::new(move |plan: Vec<Proposed>| {
        let offset = plan_offset.get_value();
        last_plan.set_value(plan.clone());
        booking_plan.set_value(true);
        book_plan.dispatch((plan, offset));
    });
    let cancel = Action::new_local(move |booking: &i64| api::cancel(session, *booking));
    let relocate = Action::new_local(move |(booking, start): &(i64, String)| {
        let (booking, start) = (*booking, start.clone());
        async move {
            let start = chrono::DateTime::parse_from_rfc3339(&start)
                .map_err(|_| ApiError::Unexpected(0))?;
            api::move_booking(session, booking, start).await
        }
    });
    Effect::new(move |_| {
        if let Some(result) = relocate.value().get() {
            changing.set(None);
            refocus.set_value(Some(match &result {
                Ok(b) => Refocus::Row(b.student_id, b.teacher_id),
                Err(_) => Refocus::Result,
            }));
            let sent = !matches!(result, Err(ApiError::Network));
            message.set(Some(match result {
                Ok(b) => format!(
                    "Moved: {} with {} is now at {}.",
                    b.student_name,
                    b.teacher_name,
                    crate::time_text::clock(&b.start)
                ),
                Err(ApiError::Network) => format!("{OFFLINE} The appointment keeps its time."),
                Err(error) => format!("Not moved: {error}"),
            }));
            settle(sent);
        }
    });
    let calendar = Action::new_local(move |booking: &Option<i64>| {
        let path = match booking {
            Some(id) => format!("/api/bookings/{id}/calendar.ics"),
            None => "/api/bookings/calendar.ics".to_owned(),
        };
        async move { api::download(session, &path, "confero-appointments.ics").await }
    });
    Effect::new(move |_| {
        if let Some(result) = book.value().get() {
            let sent = !matches!(result, Err(ApiError::Network));
            let text = match &result {
                Ok(b) => format!(
                    "Booked: {} with {} at {}.",
                    b.student_name,
                    b.teacher_name,
                    crate::time_text::clock(&b.start)
                ),
                Err(ApiError::Network) => format!("{OFFLINE} Nothing was booked."),
                Err(error) => format!("Not booked: {error}"),
            };
            // A refusal is also said beside the time that was tapped.
            row_note.set(match (&result, last_pick.get_value()) {
                (Err(_), Some(pick)) => Some(RowNote {
                    student_id: pick.student_id,
                    teacher_id: pick.teacher_id,
                    text: text.clone(),
                }),
                _ => None,
            });
            message.set(Some(text));
            settle(sent);
        }
    });
    Effect::new(move |_| {
        if let Some(result) = cancel.value().get() {
            refocus.set_value(Some(Refocus::Result));
            let sent = !matches!(result, Err(ApiError::Network));
            message.set(Some(match result {
                Ok(b) => format!("Cancelled: {} with {}.", b.student_name, b.teacher_name),
                Err(ApiError::Network) => format!("{OFFLINE} The appointment is still booked."),
                Err(error) => format!("Not cancelled: {error}"),
            }));
            settle(sent);
        }
    });
    // The waiting list: join, book the time held, leave or say no.
    let join = Action::new_local(move |ask: &JoinAsk| {
        let ask = ask.clone();
        async move {
            let evening = id.get_untracked().unwrap_or_default();
            let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
            let input = WaitlistInput {
                teacher_id: ask.teacher_id,
                student_id: ask.student_id,
                from: parse(&ask.from),
                until: parse(&ask.until),
            };
            api::join_waitlist(session, evening, input).await
        }
    });
    Effect::new(move |_| {
        if let Some(result) = join.value().get() {
            let sent = !matches!(result, Err(ApiError::Network));
            message.set(Some(match result {
                Ok(place) if place.offer.is_some() => format!(
                    "A time with {} is free for {} now and held for you: see “A time has come up”.",
                    place.teacher_name, place.student_name
                ),
                Ok(place) => format!(
                    "On {}'s waiting list for {}. We'll tell you here and by email when a time frees.",
                    place.teacher_name, place.student_name
                ),
                Err(ApiError::Network) => format!("{OFFLINE} You are not on the waiting list yet."),
                Err(error) => format!("Not on the waiting list: {error}"),
            }));
            refocus.set_value(Some(Refocus::Result));
            settle(sent);
        }
    });
    let accept = Action::new_local(move |place: &i64| api::accept_offer(session, *place));
    Effect::new(move |_| {
        if let Some(result) = accept.value().get() {
            let sent = !matches!(result, Err(ApiError::Network));
            message.set(Some(match result {
                Ok(b) => format!(
                    "Booked: {} with {} at {}.",
                    b.student_name,
                    b.teacher_name,
                    crate::time_text::clock(&b.start)
                ),
                Err(ApiError::Network) => format!("{OFFLINE} The time is still held for you."),
                Err(error) => format!("Not booked: {error}"),
            }));
            refocus.set_value(Some(Refocus::Result));
            settle(sent);
        }
    });
    let leave = Action::new_local(move |place: &i64| api::leave_waitlist(session, *place));
    Effect::new(move |_| {
        if let Some(result) = leave.value().get() {
            let sent = !matches!(result, Err(ApiError::Network));
            message.set(Some(match result {
                Ok(()) => "Done: you are off that waiting list.".to_owned(),
                Err(ApiError::Network) => format!("{OFFLINE} You are still on the waiting list."),
                Err(error) => format!("Not done: {error}"),
            }));
            refocus.set_value(Some(Refocus::Result));
            settle(sent);
        }
    });
    let on_join = Callback::new(move |ask: JoinAsk| {
        join.dispatch(ask);
    });
    let on_accept = Callback::new(move |place: i64| {
        accept.dispatch(place);
    });
    let on_leave = Callback::new(move |place: i64| {
        leave.dispatch(place);
    });
    let busy = Signal::derive(move || {
        book.pending().get()
            || cancel.pending().get()
            || relocate.pending().get()
            || book_plan.pending().get()
            || join.pending().get()
            || accept.pending().get()
            || leave.pending().get()
    });
    let on_move = Callback::new(move |change: (i64, String)| {
        relocate.dispatch(change);
    });
    let retry = Callback::new(move |()| data.refetch());
    let on_pick = Callback::new(move |pick: Pick| {
        refocus.set_value(Some(Refocus::Row(pick.student_id, pick.teacher_id)));
        last_pick.set_value(Some(pick.clone()));
        book.dispatch(pick);
    });
    let on_cancel = Callback::new(move |booking: i64| {
        cancel.dispatch(booking);
    });
    let on_calendar = Callback::new(move |booking: Option<i64>| {
        calendar.dispatch(booking);
    });

    view! {
        <p class="back"><A href="/parent">"← Your children"</A></p>
        <Transition fallback=|| view! { <Loading what="the appointment times" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    data.await.map(|(evening, grid, bookings, places)| {
                        waiting_for.set_value(places.iter().map(|p| p.teacher_id).collect());
                        late.set(evening.teachers.iter().filter_map(|t| t.late_minutes.map(|m| (t.id, m))).collect());
                        let ends_at = evening.sessions.iter().map(|s| s.end.timestamp()).max().unwrap_or_default();
                        let fresh = SlotCells::new();
                        cells.set_value(fresh);
                        let now = now();
                        let open = evening.status == EveningStatus::Published
                            && evening.booking_opens_at.timestamp() <= now
                            && now < evening.booking_closes_at.timestamp();
                        let can_cancel = now < evening.cancel_until.timestamp();
                        let family = prediction::family(&bookings);
                        // Only the children the evening is for (a Year 11 evening leaves out a Year 7 sibling).
                        let children: Vec<_> = session
                            .me()
                            .map(|me| me.children)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|c| evening.audience.includes(&c.year_group, c.teachers.iter().map(|t| t.class_name.as_str())))
                            .collect();
                        let name = evening.name.clone();
                        let window_note = (!open).then(|| {
                            if now < evening.booking_opens_at.timestamp() {
                                format!("Booking opens {}.", moment(&evening.booking_opens_at))
                            } else {
                                "Booking has closed. To change an appointment, contact the school.".to_owned()
                            }
                        });
                        let session_span = evening.sessions.first().map(|s| span(&s.start, &s.end)).unwrap_or_default();
                        if let Some(target) = refocus.try_update_value(Option::take).flatten() {
                            // Once the redrawn page is in the document.
                            request_animation_frame(move || target.apply());
                        }
                        view! {
                            <PageHeading>{name}</PageHeading>
                            <p class="lead">{session_span}</p>
                            {window_note.map(|note| view! { <div class="notice notice-info" role="status">{note}</div> })}
                            {move || message.get().map(|text| view! { <div class="notice notice-info" role="status" id="booking-result" tabindex="-1">{text}</div> })}
                            <RunningLate bookings=bookings.clone() late ends_at />
                            <WaitlistOffers places=places.clone() busy on_accept on_decline=on_leave />
                            <FamilyAppointments bookings=bookings.clone() can_cancel busy on_cancel on_calendar />
                            {open.then(|| {
                                let offset = evening.sessions.first().map(|s| *s.start.offset()).unwrap_or(plan_offset.get_value());
                                plan_offset.set_value(offset);
                                view! {
                                    <PlanEvening
                                        pairs=planning::open_pairs(&children, &grid, &bookings)
                                        grid=grid.clone()
                                        bookings=bookings.clone()
                                        family=family.clone()
                                        travel_buffer_secs=i64::from(evening.travel_buffer_minutes) * 60
                                        offset
                                        ask
                                        choosing
                                        busy
                                        on_book=on_book_plan
                                        planned
                                    />
                                }
                            })}
                            <SlotLegend />
                            {children
                                .into_iter()
                                .map(|child| view! {
                                    <ChildBooking
                                        child
                                        evening=evening.clone()
                                        grid=grid.clone()
                                        bookings=bookings.clone()
                                        family=family.clone()
                                        now
                                        busy=Signal::derive(move || busy.get() || !open)
                                        on_pick
                                        on_move
                                        changing
                                        row_note
                                        cells=fresh
                                        places=places.clone()
                                        on_join
                                        on_leave
                                    />
                                })
                                .collect::<Vec<_>>()}
                        }
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
