use std::collections::HashMap;

use confero_core::dto::{BookingStatus, PersonView, SlotState};
use confero_core::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use crate::api::{self, ApiError};
use crate::components::availability_form::AvailabilityForm;
use crate::components::book_for_pupil::{BookForPupil, Pupil};
use crate::components::error_notice::ErrorNotice;
use crate::components::family_line::FamilyLine;
use crate::components::late_control::LateControl;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::components::staff_note::StaffNote;
use crate::components::tonight::{Appointment, Tonight};
use crate::offline_store::{self, QueuedMark, QueuedNote, SavedSchedule};
use crate::session::use_session;
use crate::session::Session;
use crate::time_text::{clock, span};

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[derive(Params, Clone, Debug, PartialEq)]
struct ScheduleParams {
    id: Option<i64>,
}

/// The schedule from the API: the evening, the teacher's column, who of
/// each family is coming.
async fn fetch(session: Session, id: i64, teacher: i64) -> Result<SavedSchedule, ApiError> {
    // Three requests at once: on a school's Wi-Fi each round trip counts.
    let (evening, grid, bookings) = futures::future::join3(
        api::evening(session, id),
        api::slots(session, id, Some(teacher)),
        api::bookings(session, id, Role::Teacher),
    )
    .await;
    let (evening, mut grid) = (evening?, grid?);
    let bookings = bookings?;
    // The private notes, and who of each family is coming, as they show themselves to staff.
    let notes = bookings
        .iter()
        .filter_map(|b| b.staff_note.clone().map(|n| (b.id, n)))
        .collect();
    let classes = bookings
        .iter()
        .filter_map(|b| b.class_name.clone().map(|c| (b.id, c)))
        .collect();
    let families = bookings
        .into_iter()
        .filter_map(|b| b.family.map(|f| (b.id, f)))
        .collect();
    Ok(SavedSchedule {
        evening,
        column: grid.pop(),
        families,
        notes,
        classes,
        fetched_at: now_secs(),
    })
}

/// "Attended", "No-show", …: a status as the schedule says it.
fn status_words(status: BookingStatus) -> String {
    format!("{status:?}").replace("NoShow", "No-show")
}

/// A teacher's evening on a tablet: every slot and break in order, who is
/// booked, the appointment under way highlighted, and once an appointment
/// has started, buttons to mark it attended or a no-show. Updates live.
#[component]
pub fn TeacherSchedule() -> impl IntoView {
    let session = use_session();
    let params = use_params::<ScheduleParams>();
    let id = Memo::new(move |_| params.get().ok().and_then(|p| p.id));
    let version = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        let id = id.get();
        version.track();
        async move {
            let id = id.ok_or(ApiError::Unexpected(404))?;
            let me = session.me().ok_or(ApiError::Unexpected(401))?;
            // Offline: the schedule as last fetched in this tab, said to be so.
            match fetch(session, id, me.id).await {
                Ok(saved) => {
                    offline_store::save_schedule(id, &saved);
                    Ok((saved, false))
                }
                Err(ApiError::Network) => offline_store::schedule(id)
                    .map(|saved| (saved, true))
                    .ok_or(ApiError::Network),
                Err(error) => Err(error),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(id) = id.get() {
            let me = session.me().map(|m| m.id);
            crate::live::watch(session, id, move |change| {
                let teacher = match change {
                    crate::live::Change::Slot { teacher_id, .. }
                    | crate::live::Change::Late { teacher_id, .. } => teacher_id,
                };
                if Some(teacher) == me {
                    version.update(|v| *v += 1);
                }
            });
        }
    });
    let block = Action::new_local(move |start: &chrono::DateTime<chrono::FixedOffset>| {
        let start = *start;
        async move {
            let evening = id.get_untracked().ok_or(ApiError::Unexpected(404))?;
            let me = session.me().ok_or(ApiError::Unexpected(401))?.id;
            let current = api::availability(session, evening, me).await?;
            api::set_availability(
                session,
                evening,
                me,
                crate::prediction::toggle_block(&current, start),
            )
            .await
        }
    });
    Effect::new(move |_| {
        if block.value().with(Option::is_some) {
            version.update(|v| *v += 1);
        }
    });
    // Marks made offline wait on the device and are sent once each when the
    // connection returns.
    let queued = RwSignal::new(offline_store::queued::<QueuedMark>());
    let notes = RwSignal::new(offline_store::queued::<QueuedNote>());
    let flushing = StoredValue::new(false);
    let refused = RwSignal::new(None::<String>);
    let flush = move || {
        let nothing = queued.with_untracked(Vec::is_empty) && notes.with_untracked(Vec::is_empty);
        if flushing.get_value() || nothing || !offline_store::online() {
            return;
        }
        flushing.set_value(true);
        leptos::task::spawn_local(async move {
            for mark in queued.get_untracked() {
                match api::mark(session, mark.booking_id, mark.status).await {
                    Ok(_) => queued.set(offline_store::sent(&mark)),
                    Err(ApiError::Network) => break,
                    Err(error) => {
                        refused.set(Some(format!("A mark could not be saved: {error}")));
                        queued.set(offline_store::sent(&mark));
                    }
                }
            }
            for note in notes.get_untracked() {
                match api::set_note(session, note.booking_id, note.note.clone()).await {
                    Ok(_) => notes.set(offline_store::sent(&note)),
                    Err(ApiError::Network) => break,
                    Err(error) => {
                        refused.set(Some(format!("A note could not be saved: {error}")));
                        notes.set(offline_store::sent(&note));
                    }
                }
            }
            flushing.set_value(false);
            version.update(|v| *v += 1);
        });
    };
    flush();
    let online = window_event_listener(leptos::ev::online, move |_| {
        flush();
        version.update(|v| *v += 1);
    });
    on_cleanup(move || online.remove());
    // The `online` event is not always delivered (a page started offline may
    // never get one), so anything still waiting is tried again every few seconds.
    if let Ok(handle) = set_interval_with_handle(flush, std::time::Duration::from_secs(3)) {
        on_cleanup(move || handle.clear());
    }
    let mark = Action::new_local(move |(booking, status): &(i64, BookingStatus)| {
        let (booking, status) = (*booking, *status);
        async move { (booking, status, api::mark(session, booking, status).await) }
    });
    Effect::new(move |_| {
        if let Some((booking_id, status, result)) = mark.value().get() {
            if matches!(result, Err(ApiError::Network)) {
                queued.set(offline_store::queue(QueuedMark { booking_id, status }));
            } else {
                version.update(|v| *v += 1);
            }
        }
    });
    let on_mark = move |booking_id: i64, status: BookingStatus| {
        if offline_store::online() {
            mark.dispatch((booking_id, status));
        } else {
            queued.set(offline_store::queue(QueuedMark { booking_id, status }));
        }
    };
    let save_note = Action::new_local(move |(booking, note): &(i64, String)| {
        let (booking, note) = (*booking, note.clone());
        async move {
            (
                booking,
                note.clone(),
                api::set_note(session, booking, note).await,
            )
        }
    });
    Effect::new(move |_| {
        if let Some((booking_id, note, result)) = save_note.value().get() {
            match result {
                Err(ApiError::Network) => {
                    notes.set(offline_store::queue(QueuedNote { booking_id, note }))
                }
                Err(error) => refused.set(Some(format!("The note could not be saved: {error}"))),
                Ok(_) => version.update(|v| *v += 1),
            }
        }
    });
    let on_note = Callback::new(move |(booking_id, note): (i64, String)| {
        if offline_store::online() {
            save_note.dispatch((booking_id, note));
        } else {
            notes.set(offline_store::queue(QueuedNote { booking_id, note }));
        }
    });
    let retry = Callback::new(move |()| data.refetch());
    // The time now, kept current: marking opens as each appointment starts,
    // and the appointment under way is highlighted.
    let now = RwSignal::new(now_secs());
    if let Ok(handle) = set_interval_with_handle(
        move || now.set(now_secs()),
        std::time::Duration::from_secs(20),
    ) {
        on_cleanup(move || handle.clear());
    }
    // Outside the redrawn schedule, so it stays when the schedule reloads.
    let notice = RwSignal::new(None::<&'static str>);
    // What booking for a pupil did.
    let notice_text = RwSignal::new(None::<String>);
    let scrolled = StoredValue::new(false);
    // The teacher's pupils, fetched the first time a free time is booked for one.
    let pupils = RwSignal::new(None::<Result<Vec<Pupil>, String>>);
    let booked_for = Callback::new(move |text: String| {
        refused.set(None);
        notice_text.set(Some(text));
        version.update(|v| *v += 1);
    });

    view! {
        <p class="back"><A href="/teacher">"← Your classes"</A></p>
        {move || notice.get().map(|text| view! { <div class="notice notice-success" role="status">{text}</div> })}
        {move || refused.get().map(|text| view! { <div class="notice notice-error" role="alert">{text}</div> })}
        {move || notice_text.get().map(|text| view! { <div class="notice notice-info" role="status">{text}</div> })}
        <Transition fallback=|| view! { <Loading what="your schedule" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    data.await.map(|(saved, offline)| {
                        let SavedSchedule { evening, column, families, notes: staff_notes, classes, fetched_at } = saved;
                        let classes: HashMap<i64, String> = classes.into_iter().collect();
                        let families: HashMap<i64, PersonView> = families.into_iter().collect();
                        let staff_notes: HashMap<i64, String> = staff_notes.into_iter().collect();
                        let offline_line = offline.then(|| {
                            let offset = evening.sessions.first().map(|s| *s.start.offset()).unwrap_or(chrono::FixedOffset::east_opt(0).expect("UTC"));
                            let at = chrono::DateTime::from_timestamp(fetched_at, 0).map(|t| clock(&t.with_timezone(&offset))).unwrap_or_default();
                            view! { <p class="notice notice-warning offline-line" role="status">{format!("Offline — last updated {at}. Marks you make are kept on this device and sent when the connection returns.")}</p> }
                        });
                        let when = evening.sessions.first().map(|s| span(&s.start, &s.end)).unwrap_or_default();
                        let Some(column) = column else {
                            return view! {
                                <PageHeading>{evening.name.clone()}</PageHeading>
                                <p class="empty">"You are not taking part in this evening."</p>
                            }.into_any();
                        };
                        let booked = column.slots.iter().filter(|s| s.booking.is_some()).count();
                        let teacher_id = column.teacher_id;
                        let saved = Callback::new(move |()| {
                            notice.set(Some("Saved. Families see the new times at once."));
                            version.update(|v| *v += 1);
                        });
                        let form_evening = evening.clone();
                        let late = evening.teachers.iter().find(|t| t.id == teacher_id).and_then(|t| t.late_minutes).unwrap_or(0);
                        let evening_id = evening.id;
                        let late_saved = Callback::new(move |()| version.update(|v| *v += 1));
                        let appointments: Vec<Appointment> = column
                            .slots
                            .iter()
                            .filter_map(|slot| {
                                slot.booking.as_ref().map(|holder| Appointment {
                                    start: slot.start,
                                    end: slot.end,
                                    child: match classes.get(&holder.booking_id) {
                                        Some(class) => format!("{} ({class})", holder.student_name),
                                        None => holder.student_name.clone(),
                                    },
                                    coming: families.get(&holder.booking_id).and_then(|f| f.name.clone()),
                                })
                            })
                            .collect();
                        let evening_span = (
                            column.slots.first().map(|s| s.start.timestamp()).unwrap_or_default(),
                            column.slots.last().map(|s| s.end.timestamp()).unwrap_or_default(),
                        );
                        // Once per visit, the schedule opens at the time now (when the evening is on).
                        if !scrolled.get_value() {
                            scrolled.set_value(true);
                            request_animation_frame(|| {
                                if let Some(row) = document().query_selector(".schedule-now").ok().flatten() {
                                    row.scroll_into_view();
                                }
                            });
                        }
                        view! {
                            <PageHeading>{format!("Your schedule · {}", evening.name)}</PageHeading>
                            <p class="lead">{format!("{when} · {} · {booked} booked", column.room.clone().unwrap_or_else(|| "no room set".into()))}</p>
                            {offline_line}
                            <Tonight appointments now span=evening_span />
                            <LateControl evening_id teacher_id current=late on_done=late_saved />
                            <AvailabilityForm evening=form_evening teacher_id on_saved=saved />
                            <ol class="schedule" role="list">
                                {evening.breaks.iter().map(|pause| {
                                    let at = (pause.start.timestamp(), 0);
                                    (at, view! {
                                        <li class="schedule-row schedule-break">
                                            <span class="booked-time">{format!("{}–{}", clock(&pause.start), clock(&pause.end))}</span>
                                            <span class="who meta">"Break"</span>
                                        </li>
                                    }.into_any())
                                }).chain(column.slots.into_iter().map(|slot| {
                                    let time = format!("{}–{}", clock(&slot.start), clock(&slot.end));
                                    let (starts, ends) = (slot.start.timestamp(), slot.end.timestamp());
                                    let started = move || now.get() >= starts;
                                    let under_way = move || started() && now.get() < ends;
                                    let body = match (slot.booking, slot.state) {
                                        (Some(holder), _) => {
                                            let id = holder.booking_id;
                                            let fetched = holder.status;
                                            let name = holder.student_name.clone();
                                            let family = families.get(&id).cloned();
                                            let note = staff_notes.get(&id).cloned();
                                            let waiting_note = Signal::derive(move || notes.with(|q| q.iter().find(|n| n.booking_id == id).map(|n| n.note.clone())));
                                            let child = holder.student_name.clone();
                                            let waiting = move || queued.with(|q| q.iter().find(|m| m.booking_id == id).map(|m| m.status));
                                            let status = move || waiting().unwrap_or(fetched);
                                            view! {
                                                <span class="who">{holder.student_name}
                                                    {classes.get(&id).map(|class| view! { <span class="class-name">{format!(" · {class}")}</span> })}
                                                    {family.map(|f| view! { <FamilyLine family=f /> })}
                                                    <StaffNote booking_id=id child note waiting=waiting_note on_save=on_note />
                                                </span>
                                                <span class=move || format!("status status-{:?}", status()).to_lowercase()>
                                                    {move || status_words(status())}
                                                    {move || waiting().is_some().then(|| view! { <span class="waiting"> " · waiting to send"</span> })}
                                                </span>
                                                <span class="actions">
                                                    {move || if started() {
                                                        let name = name.clone();
                                                        view! {
                                                            <button type="button" class="button button-small" aria-pressed=move || (status() == BookingStatus::Attended).to_string()
                                                                aria-label=format!("Attended: {name}")
                                                                on:click=move |_| on_mark(id, BookingStatus::Attended)>"Attended"</button>
                                                            <button type="button" class="button button-small" aria-pressed=move || (status() == BookingStatus::NoShow).to_string()
                                                                aria-label=format!("No-show: {name}")
                                                                on:click=move |_| on_mark(id, BookingStatus::NoShow)>"No-show"</button>
                                                        }.into_any()
                                                    } else {
                                                        view! { <span class="meta">{format!("Marking opens at {}", clock(&slot.start))}</span> }.into_any()
                                                    }}
                                                </span>
                                            }.into_any()
                                        }
                                        (None, state) => {
                                            let blocked = state == SlotState::Blocked;
                                            let start = slot.start;
                                            let label = if blocked { "Unblock" } else { "Block" };
                                            let book_for = (!blocked && slot.end.timestamp() > now.get_untracked()).then(|| view! {
                                                <BookForPupil evening_id teacher_id start pupils on_done=booked_for />
                                            });
                                            view! {
                                                <span class="who meta">{if blocked { "Blocked" } else { "Free" }}{book_for}</span>
                                                <span class="actions">
                                                    <button type="button" class="button button-small"
                                                        aria-label=format!("{label} {}", clock(&start))
                                                        prop:disabled=move || block.pending().get()
                                                        on:click=move |_| { block.dispatch(start); }>{label}</button>
                                                </span>
                                            }.into_any()
                                        }
                                    };
                                    ((starts, 1), view! {
                                        <li class="schedule-row" class:schedule-now=under_way data-start=slot.start.to_rfc3339()
                                            aria-current=move || under_way().then_some("time")>
                                            <span class="booked-time">{time}</span>{body}
                                        </li>
                                    }.into_any())
                                })).collect::<std::collections::BTreeMap<_, _>>().into_values().collect::<Vec<_>>()}
                            </ol>
                        }.into_any()
                    })
                })}
            </ErrorBoundary>
        </Transition>
    }
}
