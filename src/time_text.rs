//! Times as people read them, straight from RFC 3339 with the school's
//! offset: no time-zone database in the browser. Formatted by hand rather
//! than with chrono's `strftime`, whose format-string interpreter would
//! otherwise ship in the bundle.

use chrono::{DateTime, Datelike as _, FixedOffset, Timelike as _};

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "16:20".
pub fn clock(at: &DateTime<FixedOffset>) -> String {
    format!("{:02}:{:02}", at.hour(), at.minute())
}

/// "Thursday 3 December".
pub fn day(at: &DateTime<FixedOffset>) -> String {
    let weekday = WEEKDAYS[at.weekday().num_days_from_monday() as usize];
    let month = MONTHS[at.month0() as usize];
    format!("{weekday} {} {month}", at.day())
}

/// "2026-12-03", as a date input wants it.
pub fn iso_date(at: &DateTime<FixedOffset>) -> String {
    format!("{:04}-{:02}-{:02}", at.year(), at.month(), at.day())
}

/// "Thursday 3 December, 16:00–19:00".
pub fn span(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    format!("{}, {}–{}", day(start), clock(start), clock(end))
}

/// "Thursday 3 December at 12:00".
pub fn moment(at: &DateTime<FixedOffset>) -> String {
    format!("{} at {}", day(at), clock(at))
}

/// An instant in the browser's own time zone ("Thursday 3 December at
/// 12:00"), for times not tied to the school (when a session was last used).
pub fn on_this_device(at: &DateTime<chrono::Utc>) -> String {
    // JavaScript gives the offset in minutes west of UTC, for that instant.
    let minutes_west = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ))
    .get_timezone_offset();
    let offset = FixedOffset::west_opt((minutes_west * 60.0) as i32)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero is a valid offset"));
    moment(&at.with_timezone(&offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_a_person_writes() {
        let at: DateTime<FixedOffset> = "2026-12-03T16:05:00+00:00".parse().unwrap();
        assert_eq!(clock(&at), "16:05");
        assert_eq!(day(&at), "Thursday 3 December");
        assert_eq!(iso_date(&at), "2026-12-03");
        let end: DateTime<FixedOffset> = "2026-12-03T19:00:00+00:00".parse().unwrap();
        assert_eq!(span(&at, &end), "Thursday 3 December, 16:05–19:00");
        let summer: DateTime<FixedOffset> = "2026-06-01T09:30:00+01:00".parse().unwrap();
        assert_eq!(
            moment(&summer),
            "Monday 1 June at 09:30",
            "the school's offset, not UTC"
        );
    }
}
