use std::collections::HashMap;

use confero_core::dto::{Booking, BookingStatus};
use leptos::prelude::*;

use crate::time_text::clock;

/// "Mr Patel is running about 10 minutes late: Ava's 18:10 appointment may
/// start around 18:20." One line per teacher running late with whom the
/// family has an appointment still to come; `late` follows the live updates.
pub fn lines(bookings: &[Booking], late: &HashMap<i64, u32>, now: i64) -> Vec<String> {
    let mut upcoming: Vec<&Booking> = bookings
        .iter()
        .filter(|b| b.status == BookingStatus::Booked && b.start.timestamp() > now)
        .filter(|b| late.get(&b.teacher_id).is_some_and(|m| *m > 0))
        .collect();
    upcoming.sort_by_key(|b| b.start);
    let mut out: Vec<(i64, String)> = Vec::new();
    for booking in upcoming {
        let minutes = late[&booking.teacher_id];
        let around = booking.start + chrono::Duration::minutes(i64::from(minutes));
        let child = booking
            .student_name
            .split_whitespace()
            .next()
            .unwrap_or_default();
        let appointment = format!(
            "{child}’s {} appointment may start around {}",
            clock(&booking.start),
            clock(&around)
        );
        match out
            .iter_mut()
            .find(|(teacher, _)| *teacher == booking.teacher_id)
        {
            Some((_, line)) => {
                line.pop();
                line.push_str(&format!("; {appointment}."));
            }
            None => out.push((
                booking.teacher_id,
                format!(
                    "{} is running about {minutes} minutes late: {appointment}.",
                    booking.teacher_name
                ),
            )),
        }
    }
    out.into_iter().map(|(_, line)| line).collect()
}

/// The banner on the family's appointments page while a teacher they are
/// still to see is running late; announced politely when it changes.
#[component]
pub fn RunningLate(
    bookings: Vec<Booking>,
    /// Minutes late by teacher, kept current by the live updates.
    late: RwSignal<HashMap<i64, u32>>,
    /// When the evening ends: nothing is said after it.
    ends_at: i64,
) -> impl IntoView {
    let shown = move || {
        let now = (js_sys::Date::now() / 1000.0) as i64;
        if now >= ends_at {
            return Vec::new();
        }
        late.with(|late| lines(&bookings, late, now))
    };
    view! {
        <div role="status" class="running-late-region">
            {move || {
                let lines = shown();
                (!lines.is_empty()).then(|| view! {
                    <div class="notice notice-warning running-late">
                        {lines.into_iter().map(|line| view! { <p>{line}</p> }).collect::<Vec<_>>()}
                    </div>
                })
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::dto::MeetingMode;

    fn booking(id: i64, teacher: i64, start: &str) -> Booking {
        let start = chrono::DateTime::parse_from_rfc3339(start).unwrap();
        Booking {
            id,
            evening_id: 1,
            evening_name: "Autumn".into(),
            teacher_id: teacher,
            teacher_name: format!("Teacher {teacher}"),
            student_id: 5,
            student_name: "Ava Khan".into(),
            start,
            end: start + chrono::Duration::minutes(8),
            room: None,
            mode: MeetingMode::InPerson,
            video_link: None,
            status: BookingStatus::Booked,
            family: None,
            booked_by: None,
            staff_note: None,
            class_name: None,
        }
    }

    #[test]
    fn only_teachers_running_late_with_appointments_still_to_come_are_named() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-16T17:00:00+00:00")
            .unwrap()
            .timestamp();
        let bookings = [
            booking(1, 7, "2026-12-16T18:10:00+00:00"),
            booking(2, 7, "2026-12-16T16:40:00+00:00"), // over
            booking(3, 8, "2026-12-16T17:30:00+00:00"), // on time
            booking(4, 7, "2026-12-16T18:30:00+00:00"),
        ];
        let late = HashMap::from([(7, 10), (8, 0)]);
        assert_eq!(
            lines(&bookings, &late, now),
            vec!["Teacher 7 is running about 10 minutes late: Ava’s 18:10 appointment may start around 18:20; Ava’s 18:30 appointment may start around 18:40."]
        );
        assert!(lines(&bookings, &HashMap::new(), now).is_empty());
    }
}
