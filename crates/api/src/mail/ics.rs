//! Calendar files (RFC 5545) for appointments: downloads and email attachments.
//!
//! Times are written in the school's zone (`DTSTART;TZID=Europe/London:…`)
//! with a `VTIMEZONE` that defines the zone's offsets around the
//! appointments, so strict calendar programs need no zone database of their
//! own; each appointment carries a reminder alarm. Text is flattened of
//! control characters first: the icalendar crate escapes `\n` but not a bare
//! `\r`, which would start a new content line.

use chrono::{DateTime, Duration, NaiveDateTime, Offset as _, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents as _, OffsetName as _, Tz};
use icalendar::{Alarm, Calendar, Component as _, Event, EventLike as _};

/// How long before an appointment its alarm goes off.
pub const ALARM_BEFORE_MINUTES: i64 = 30;

/// One appointment, as a calendar shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appointment {
    pub booking_id: i64,
    pub start: i64,
    pub end: i64,
    pub evening_name: String,
    pub teacher_name: String,
    pub student_name: String,
    /// Where: a room, a video link, or how the call happens.
    pub place: Option<String>,
    /// A video link, also given as the event's URL.
    pub url: Option<String>,
}

/// The school the appointments are at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchoolCard {
    pub name: String,
    pub address: Option<String>,
}

fn flatten(text: &str) -> String {
    confero_core::text::flatten(text)
}

fn at(instant: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(instant, 0).single().unwrap_or_default()
}

fn local(zone: Tz, instant: i64) -> NaiveDateTime {
    at(instant).with_timezone(&zone).naive_local()
}

fn event(zone: Tz, school: &SchoolCard, appointment: &Appointment, now: i64) -> Event {
    let mut event = Event::new();
    let summary = format!(
        "{} with {} about {}",
        appointment.evening_name, appointment.teacher_name, appointment.student_name
    );
    let mut description = format!(
        "{} with {} about {}, at {}.",
        appointment.evening_name, appointment.teacher_name, appointment.student_name, school.name
    );
    if let Some(address) = &school.address {
        description.push_str(&format!(" {address}."));
    }
    event
        .uid(&format!("booking-{}@confero", appointment.booking_id))
        .timestamp(at(now))
        .starts((local(zone, appointment.start), zone))
        .ends((local(zone, appointment.end), zone))
        .summary(&flatten(&summary))
        .description(&flatten(&description))
        .alarm(Alarm::display(
            &flatten(&summary),
            -Duration::minutes(ALARM_BEFORE_MINUTES),
        ));
    match (&appointment.url, &appointment.place) {
        (Some(url), _) => {
            event.location(&flatten(url)).url(&flatten(url));
        }
        (None, Some(place)) => {
            event.location(&flatten(place));
        }
        (None, None) => {
            if let Some(address) = &school.address {
                event.location(&flatten(address));
            }
        }
    }
    event.done()
}

/// A calendar of appointments at one school.
pub fn calendar(
    zone: Tz,
    school: &SchoolCard,
    name: &str,
    appointments: &[Appointment],
    now: i64,
) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&flatten(name));
    for appointment in appointments {
        calendar.push(event(zone, school, appointment, now));
    }
    let text = calendar.done().to_string();
    let span = appointments
        .iter()
        .map(|a| a.start)
        .min()
        .zip(appointments.iter().map(|a| a.end).max());
    let timezone = vtimezone(zone, span.unwrap_or((now, now)));
    // The zone goes before the first event (RFC 5545 allows any order; this
    // one reads naturally).
    match text.find("BEGIN:VEVENT") {
        Some(at) => format!("{}{timezone}{}", &text[..at], &text[at..]),
        None => text.replace("END:VCALENDAR", &format!("{timezone}END:VCALENDAR")),
    }
}

/// The offset of `zone` at an instant, in seconds east of UTC.
fn offset_at(zone: Tz, instant: i64) -> i32 {
    zone.offset_from_utc_datetime(&at(instant).naive_utc())
        .fix()
        .local_minus_utc()
}

fn hhmm(offset: i32) -> String {
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.abs() / 60;
    format!("{sign}{:02}{:02}", minutes / 60, minutes % 60)
}

/// The instants in `[from, to]` at which the zone's offset changes.
fn transitions(zone: Tz, from: i64, to: i64) -> Vec<i64> {
    const HOUR: i64 = 3600;
    let mut found = Vec::new();
    let mut t = from;
    while t < to {
        let next = (t + 6 * HOUR).min(to);
        if offset_at(zone, t) != offset_at(zone, next) {
            // Narrow down to the second.
            let (mut lo, mut hi) = (t, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(zone, mid) == offset_at(zone, lo) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            found.push(hi);
        }
        t = next;
    }
    found
}

/// A `VTIMEZONE` defining the zone over the appointments' span: each change
/// of offset from a year before the first to the last, or the one offset of
/// a zone without changes.
fn vtimezone(zone: Tz, (first, last): (i64, i64)) -> String {
    let mut out = format!("BEGIN:VTIMEZONE\r\nTZID:{}\r\n", zone.name());
    let changes = transitions(zone, first - 366 * 24 * 3600, last + 24 * 3600);
    if changes.is_empty() {
        let offset = hhmm(offset_at(zone, first));
        let name = zone
            .offset_from_utc_datetime(&at(first).naive_utc())
            .abbreviation()
            .unwrap_or_default()
            .to_owned();
        out.push_str(&format!(
            "BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:{offset}\r\nTZOFFSETTO:{offset}\r\nTZNAME:{name}\r\nEND:STANDARD\r\n"
        ));
    }
    for change in changes {
        let before = offset_at(zone, change - 1);
        let after = zone.offset_from_utc_datetime(&at(change).naive_utc());
        let kind = if after.dst_offset().num_seconds() != 0 {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        // DTSTART is the local time of the change in the offset it changes from.
        let onset = at(change + i64::from(before)).naive_utc();
        out.push_str(&format!(
            "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\nTZNAME:{}\r\nEND:{kind}\r\n",
            onset.format("%Y%m%dT%H%M%S"),
            hhmm(before),
            hhmm(after.fix().local_minus_utc()),
            after.abbreviation().unwrap_or_default(),
        ));
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn appointment(start: i64) -> Appointment {
        Appointment {
            booking_id: 7,
            start,
            end: start + 600,
            evening_name: "Autumn evening".into(),
            teacher_name: "Ms Khan".into(),
            student_name: "Amelia Patel".into(),
            place: Some("R9\rATTENDEE:mailto:x@evil.test".into()),
            url: None,
        }
    }

    fn school() -> SchoolCard {
        SchoolCard {
            name: "Hollowbrook Academy".into(),
            address: Some("1 School Lane, Hollowbrook".into()),
        }
    }

    #[test]
    fn london_has_its_two_changes_around_an_autumn_evening() {
        // 2026-11-16 17:00 UTC.
        let ics = calendar(
            chrono_tz::Europe::London,
            &school(),
            "x",
            &[appointment(1_794_848_400)],
            0,
        );
        assert!(
            ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/London"),
            "{ics}"
        );
        // Clocks went forward on 29 March 2026 at 01:00 GMT and back on 25 October at 02:00 BST.
        assert!(ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T010000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100\r\nTZNAME:BST"), "{ics}");
        assert!(ics.contains("BEGIN:STANDARD\r\nDTSTART:20261025T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT"), "{ics}");
        assert!(
            ics.contains("DTSTART;TZID=Europe/London:20261116T170000"),
            "{ics}"
        );
        let zone_at = ics.find("BEGIN:VTIMEZONE").unwrap();
        assert!(zone_at < ics.find("BEGIN:VEVENT").unwrap());
    }

    #[test]
    fn a_zone_without_changes_has_one_standard_offset() {
        let ics = calendar(
            chrono_tz::Asia::Kolkata,
            &school(),
            "x",
            &[appointment(1_794_848_400)],
            0,
        );
        assert!(ics.contains("BEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530"), "{ics}");
    }

    #[test]
    fn every_appointment_has_an_alarm_and_the_school() {
        let ics = calendar(
            chrono_tz::Europe::London,
            &school(),
            "x",
            &[appointment(1_794_848_400)],
            0,
        )
        .replace("\r\n ", "");
        assert!(ics.contains("BEGIN:VALARM"), "{ics}");
        assert!(ics.contains("TRIGGER:-PT1800S"), "{ics}");
        assert!(ics.contains("Hollowbrook Academy"), "{ics}");
    }

    #[test]
    fn no_text_can_start_a_content_line() {
        let ics = calendar(
            chrono_tz::Europe::London,
            &school(),
            "x",
            &[appointment(1_794_848_400)],
            0,
        );
        for line in ics.split(['\r', '\n']) {
            assert!(!line.starts_with("ATTENDEE"), "{ics}");
        }
        let parsed: icalendar::Calendar = ics.parse().expect("parses back");
        assert_eq!(parsed.components.len(), 2, "the zone and the event");
    }
}
