//! Times as people read them, straight from RFC 3339 with the school's
//! offset: no time-zone database in the browser.

use chrono::{DateTime, FixedOffset};

/// "16:20".
pub fn clock(at: &DateTime<FixedOffset>) -> String {
    at.format("%H:%M").to_string()
}

/// "Thursday 3 December".
pub fn day(at: &DateTime<FixedOffset>) -> String {
    at.format("%A %-d %B").to_string()
}

/// "Thursday 3 December, 16:00–19:00".
pub fn span(start: &DateTime<FixedOffset>, end: &DateTime<FixedOffset>) -> String {
    format!("{}, {}–{}", day(start), clock(start), clock(end))
}

/// "Thursday 3 December at 12:00".
pub fn moment(at: &DateTime<FixedOffset>) -> String {
    format!("{} at {}", day(at), clock(at))
}
