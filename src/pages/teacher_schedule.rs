use std::collections::HashMap;

use confero_core::dto::{BookingStatus, PersonView, SlotState};
use confero_core::Role;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params;
use leptos_router::params::Params;

use crate::api::{self, ApiError};
use crate::components::availability_form::AvailabilityForm;
use crate::components::error_notice::ErrorNotice;
use crate::components::family_line::FamilyLine;
use crate::components::late_control::LateControl;
use crate::components::loading::Loading;
use crate::components::page_heading::PageHeading;
use crate::components::tonight::{Appointment, Tonight};
use crate::session::use_session;
use crate::time_text::{clock, span};

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

#[derive(Params, Clone, Debug, PartialEq)]
struct ScheduleParams {
    id: Option<i64>,
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
            // Three requests at once: on a school's Wi-Fi each round trip counts.
            let (evening, grid, bookings) = futures::future::join3(
                api::evening(session, id),
                api::slots(session, id, Some(me.id)),
                api::bookings(session, id, Role::Teacher),
            )
            .await;
            let (evening, mut grid) = (evening?, grid?);
            // Who of each family is coming, as they show themselves to staff.
            let families: HashMap<i64, PersonView> = bookings?
                .into_iter()
                .filter_map(|b| b.family.map(|f| (b.id, f)))
                .collect();
            Ok::<_, ApiError>((evening, grid.pop(), families))
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
    let mark = Action::new_local(move |(booking, status): &(i64, BookingStatus)| {
        api::mark(session, *booking, *status)
    });
    Effect::new(move |_| {
        if mark.value().with(Option::is_some) {
            version.update(|v| *v += 1);
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
    let scrolled = StoredValue::new(false);

    view! {
        <p class="back"><A href="/teacher">"← Your classes"</A></p>
        {move || notice.get().map(|text| view! { <div class="notice notice-success" role="status">{text}</div> })}
        <Transition fallback=|| view! { <Loading what="your schedule" /> }>
            <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                {move || Suspend::new(async move {
                    data.await.map(|(evening, column, families)| {
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
                                    child: holder.student_name.clone(),
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
                                            let status = holder.status;
                                            let name = holder.student_name.clone();
                                            let family = families.get(&id).cloned();
                                            view! {
                                                <span class="who">{holder.student_name}
                                                    {family.map(|f| view! { <FamilyLine family=f /> })}
                                                </span>
                                                <span class=format!("status status-{status:?}").to_lowercase()>{format!("{status:?}").replace("NoShow", "No-show")}</span>
                                                <span class="actions">
                                                    {move || if started() {
                                                        let name = name.clone();
                                                        view! {
                                                            <button type="button" class="button button-small" aria-pressed=(status == BookingStatus::Attended).to_string()
                                                                aria-label=format!("Attended: {name}")
                                                                on:click=move |_| { mark.dispatch((id, BookingStatus::Attended)); }>"Attended"</button>
                                                            <button type="button" class="button button-small" aria-pressed=(status == BookingStatus::NoShow).to_string()
                                                                aria-label=format!("No-show: {name}")
                                                                on:click=move |_| { mark.dispatch((id, BookingStatus::NoShow)); }>"No-show"</button>
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
                                            view! {
                                                <span class="who meta">{if blocked { "Blocked" } else { "Free" }}</span>
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
