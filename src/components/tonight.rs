use chrono::{DateTime, FixedOffset};
use leptos::prelude::*;

use crate::time_text::clock;

/// One of the teacher's appointments, as the top of the schedule shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Appointment {
    pub start: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
    pub child: String,
    /// Who of the family is coming, as they show themselves to staff.
    pub coming: Option<String>,
}

/// The appointment under way at `now` and the next one to start, from
/// appointments in time order.
pub fn now_and_next(
    appointments: &[Appointment],
    now: i64,
) -> (Option<&Appointment>, Option<&Appointment>) {
    let current = appointments
        .iter()
        .find(|a| a.start.timestamp() <= now && now < a.end.timestamp());
    let next = appointments.iter().find(|a| a.start.timestamp() > now);
    (current, next)
}

fn who(appointment: &Appointment) -> String {
    match &appointment.coming {
        Some(coming) => format!("{} · with {coming}", appointment.child),
        None => appointment.child.clone(),
    }
}

/// "Tonight" at the top of a teacher's schedule while the evening is on:
/// the appointment under way and the next, large enough to read at arm's
/// length on a tablet, kept current by the page's clock.
#[component]
pub fn Tonight(
    /// The teacher's appointments, in time order.
    appointments: Vec<Appointment>,
    /// The time now (Unix seconds), ticking.
    now: RwSignal<i64>,
    /// The evening's first start and last end: shown from an hour before until the end.
    span: (i64, i64),
) -> impl IntoView {
    move || {
        let t = now.get();
        if t < span.0 - 3600 || t >= span.1 {
            return None;
        }
        let (current, next) = now_and_next(&appointments, t);
        let current_view = match current {
            Some(a) => view! {
                <p class="tonight-time">{format!("{}–{}", clock(&a.start), clock(&a.end))}</p>
                <p class="tonight-who">{who(a)}</p>
            }
            .into_any(),
            None => view! {
                <p class="tonight-who">{match next {
                    Some(n) => format!("Free until {}", clock(&n.start)),
                    None => "No appointment now".to_owned(),
                }}</p>
            }
            .into_any(),
        };
        let next_view = match next {
            Some(a) => view! {
                <p class="tonight-time">{clock(&a.start)}</p>
                <p class="tonight-who">{who(a)}</p>
            }
            .into_any(),
            None => view! { <p class="tonight-who">"No more appointments tonight"</p> }.into_any(),
        };
        Some(view! {
            <section class="tonight" aria-label="Tonight">
                <div class="card tonight-now">
                    <h2 class="tonight-label">"Now"</h2>
                    {current_view}
                </div>
                <div class="card tonight-next">
                    <h2 class="tonight-label">"Next"</h2>
                    {next_view}
                </div>
            </section>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(t: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(t).unwrap()
    }

    fn appointment(start: &str, end: &str, child: &str) -> Appointment {
        Appointment {
            start: at(start),
            end: at(end),
            child: child.into(),
            coming: None,
        }
    }

    #[test]
    fn the_appointment_under_way_and_the_next_are_found_by_the_clock() {
        let list = [
            appointment(
                "2026-12-16T16:00:00+00:00",
                "2026-12-16T16:08:00+00:00",
                "Ava",
            ),
            appointment(
                "2026-12-16T16:20:00+00:00",
                "2026-12-16T16:28:00+00:00",
                "Ben",
            ),
        ];
        let t = |s: &str| at(s).timestamp();
        let names = |(now, next): (Option<&Appointment>, Option<&Appointment>)| {
            (now.map(|a| a.child.clone()), next.map(|a| a.child.clone()))
        };
        assert_eq!(
            names(now_and_next(&list, t("2026-12-16T15:30:00+00:00"))),
            (None, Some("Ava".into()))
        );
        assert_eq!(
            names(now_and_next(&list, t("2026-12-16T16:00:00+00:00"))),
            (Some("Ava".into()), Some("Ben".into()))
        );
        assert_eq!(
            names(now_and_next(&list, t("2026-12-16T16:08:00+00:00"))),
            (None, Some("Ben".into()))
        );
        assert_eq!(
            names(now_and_next(&list, t("2026-12-16T16:25:00+00:00"))),
            (Some("Ben".into()), None)
        );
    }
}
