use confero_core::dto::{BookingInput, EveningStatus};
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
use crate::components::slot_legend::SlotLegend;
use crate::components::slot_picker::SlotCells;
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
            // Three requests at once: on a phone network each round trip counts.
            let (evening, grid, bookings) = futures::future::join3(
                api::evening(session, id),
                api::slots(session, id, None),
                api::bookings(session, id, Role::Guardian),
            )
            .await;
            Ok::<_, ApiError>((evening?, grid?, bookings?))
        }
    });
    Effect::new(move |_| {
        if let Some(id) = id.get() {
            crate::live::watch(session, id, move |teacher, start, taken| {
                if let Ok(start) = chrono::DateTime::parse_from_rfc3339(&start) {
                    if let Some(current) = cells.try_get_value() {
                        current.apply(teacher, start.timestamp(), taken);
                    }
                }
            });
        }
    });

    let message = RwSignal::new(None::<String>);
    let refocus = StoredValue::new(None::<Refocus>);
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
    let busy = Signal::derive(move || {
        book.pending().get() || cancel.pending().get() || relocate.pending().get()
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
                    data.await.map(|(evening, grid, bookings)| {
                        let fresh = SlotCells::new();
                        cells.set_value(fresh);
                        let now = now();
                        let open = evening.status == EveningStatus::Published
                            && evening.booking_opens_at.timestamp() <= now
                            && now < evening.booking_closes_at.timestamp();
                        let can_cancel = now < evening.cancel_until.timestamp();
                        let family = prediction::family(&bookings);
                        let children = session.me().map(|me| me.children).unwrap_or_default();
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
                            <FamilyAppointments bookings=bookings.clone() can_cancel busy on_cancel on_calendar />
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
