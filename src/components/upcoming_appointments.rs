use confero_core::dto::{Booking, BookingStatus};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::components::error_notice::ErrorNotice;
use crate::components::loading::Loading;
use crate::session::use_session;
use crate::time_text::{clock, day};

/// One evening's appointments still to come, in time order.
#[derive(Clone, Debug, PartialEq)]
struct Evening {
    id: i64,
    /// "Wednesday 16 December · Autumn parents' evening".
    title: String,
    appointments: Vec<Booking>,
}

/// The family's booked appointments that have not ended by `now`, grouped
/// by evening, earliest first.
fn upcoming(mut bookings: Vec<Booking>, now: i64) -> Vec<Evening> {
    bookings.retain(|b| b.status == BookingStatus::Booked && b.end.timestamp() > now);
    bookings.sort_by_key(|b| (b.start, b.id));
    let mut evenings: Vec<Evening> = Vec::new();
    for booking in bookings {
        match evenings.iter_mut().find(|e| e.id == booking.evening_id) {
            Some(evening) => evening.appointments.push(booking),
            None => evenings.push(Evening {
                id: booking.evening_id,
                title: format!("{} · {}", day(&booking.start), booking.evening_name),
                appointments: vec![booking],
            }),
        }
    }
    evenings
}

/// A guardian's appointments still to come, on their home page: when, with
/// whom, for which child, and where (a room, or the video link).
#[component]
pub fn UpcomingAppointments() -> impl IntoView {
    let session = use_session();
    let bookings = LocalResource::new(move || api::family_bookings(session));
    let retry = Callback::new(move |()| bookings.refetch());
    view! {
        <section class="card upcoming" aria-labelledby="upcoming-heading">
            <h2 id="upcoming-heading">"Your upcoming appointments"</h2>
            <Transition fallback=|| view! { <Loading what="your appointments" /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorNotice errors retry /> }>
                    {move || Suspend::new(async move {
                        bookings.await.map(|bookings| {
                            let now = (js_sys::Date::now() / 1000.0) as i64;
                            let evenings = upcoming(bookings, now);
                            if evenings.is_empty() {
                                return view! { <p class="meta">"None booked yet."</p> }.into_any();
                            }
                            evenings.into_iter().map(|evening| view! { <UpcomingEvening evening /> }).collect::<Vec<_>>().into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

#[component]
fn UpcomingEvening(evening: Evening) -> impl IntoView {
    let change = format!("Change or cancel appointments on {}", evening.title);
    view! {
        <h3 class="subheading">{evening.title.clone()}</h3>
        <ol class="appointment-list" role="list">
            {evening.appointments.into_iter().map(|b| {
                let by = crate::who_booked::words(&b).map(|by| view! { <span class="booked-by">{by}</span> });
                let place = match (b.room, b.video_link) {
                    (_, Some(link)) => view! {
                        <a class="room" href=link target="_blank" rel="noopener noreferrer">"Join the video call"</a>
                    }.into_any(),
                    (Some(room), None) => view! { <span class="room">{room}</span> }.into_any(),
                    (None, None) => view! { <span class="room"></span> }.into_any(),
                };
                view! {
                    <li>
                        <span class="booked-time">{format!("{}–{}", clock(&b.start), clock(&b.end))}</span>
                        <span class="what">{format!("{} with {}", b.student_name, b.teacher_name)}</span>
                        {place}
                        {by}
                    </li>
                }
            }).collect::<Vec<_>>()}
        </ol>
        <A href=format!("/parent/evenings/{}", evening.id) attr:class="button" attr:aria-label=change>
            "Change or cancel"
        </A>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::dto::MeetingMode;

    fn booking(id: i64, evening: i64, start: &str, status: BookingStatus) -> Booking {
        let start: chrono::DateTime<chrono::FixedOffset> = start.parse().unwrap();
        Booking {
            id,
            evening_id: evening,
            evening_name: format!("Evening {evening}"),
            teacher_id: 1,
            teacher_name: "Ms Fraser".into(),
            student_id: 2,
            student_name: "Ava Williams".into(),
            start,
            end: start + chrono::Duration::minutes(8),
            room: Some("Room A10".into()),
            mode: MeetingMode::InPerson,
            video_link: None,
            status,
            family: None,
            booked_by: None,
            staff_note: None,
            class_name: None,
        }
    }

    #[test]
    fn only_booked_appointments_still_to_come_grouped_by_evening_in_time_order() {
        let now: chrono::DateTime<chrono::FixedOffset> =
            "2026-12-16T16:05:00+00:00".parse().unwrap();
        let list = vec![
            booking(1, 7, "2026-12-16T16:30:00+00:00", BookingStatus::Booked),
            booking(2, 7, "2026-12-16T16:00:00+00:00", BookingStatus::Booked), // still on until 16:08
            booking(3, 7, "2026-12-16T15:50:00+00:00", BookingStatus::Booked), // over
            booking(4, 7, "2026-12-16T17:00:00+00:00", BookingStatus::Cancelled),
            booking(5, 9, "2027-03-10T17:00:00+00:00", BookingStatus::Booked),
            booking(6, 7, "2026-12-16T16:10:00+00:00", BookingStatus::Attended),
        ];
        let evenings = upcoming(list, now.timestamp());
        let ids: Vec<(i64, Vec<i64>)> = evenings
            .iter()
            .map(|e| (e.id, e.appointments.iter().map(|b| b.id).collect()))
            .collect();
        assert_eq!(ids, vec![(7, vec![2, 1]), (9, vec![5])]);
        assert_eq!(evenings[0].title, "Wednesday 16 December · Evening 7");
    }
}
