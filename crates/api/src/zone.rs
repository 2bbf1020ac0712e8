//! A school's time zone: wall-clock input in, UTC instants stored, RFC 3339
//! with the school's offset out (DESIGN invariant 6).

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, Offset as _, TimeZone as _, Utc};
use chrono_tz::Tz;
use confero_core::local::LocalSpan;
use confero_core::Interval;

use crate::http::error::ApiError;

/// An IANA time zone, known to be valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchoolZone(pub Tz);

impl SchoolZone {
    /// The zone named, or an internal error: zones are validated when a school is created.
    pub fn named(name: &str) -> Result<SchoolZone, ApiError> {
        name.parse::<Tz>().map(SchoolZone).map_err(|_| {
            ApiError::internal(anyhow::anyhow!(
                "a school has the unknown time zone {name:?}"
            ))
        })
    }

    /// The instant a wall-clock time names. When clocks go back, an hour
    /// happens twice: the first is meant. When they go forward, an hour never
    /// happens: that is the field's error.
    pub fn instant(&self, local: NaiveDateTime, field: &str) -> Result<i64, ApiError> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(at) => Ok(at.timestamp()),
            LocalResult::Ambiguous(first, _) => Ok(first.timestamp()),
            LocalResult::None => Err(ApiError::invalid(
                field,
                format!(
                    "{} does not exist in {}: the clocks change then",
                    local.format("%Y-%m-%d %H:%M"),
                    self.0.name()
                ),
            )),
        }
    }

    /// A wall-clock span on one day as an interval; the end must follow the start.
    pub fn span(&self, span: &LocalSpan, field: &str) -> Result<Interval, ApiError> {
        let (start, end) = span.bounds();
        let start = self.instant(start, field)?;
        let end = self.instant(end, field)?;
        Interval::new(start, end)
            .ok_or_else(|| ApiError::invalid(field, "must end after it starts"))
    }

    /// An instant as RFC 3339 with the zone's offset at that instant.
    pub fn rfc3339(&self, instant: i64) -> DateTime<FixedOffset> {
        let utc = Utc.timestamp_opt(instant, 0).single().unwrap_or_default();
        let offset = self.0.offset_from_utc_datetime(&utc.naive_utc()).fix();
        utc.with_timezone(&offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn london_across_the_autumn_change() {
        let zone = SchoolZone::named("Europe/London").unwrap();
        // 25 October 2026: clocks go back at 02:00 BST to 01:00 GMT.
        let before = zone.instant(local(2026, 10, 24, 18, 0), "x").unwrap();
        let after = zone.instant(local(2026, 10, 26, 18, 0), "x").unwrap();
        assert_eq!(
            zone.rfc3339(before).to_rfc3339(),
            "2026-10-24T18:00:00+01:00"
        );
        assert_eq!(
            zone.rfc3339(after).to_rfc3339(),
            "2026-10-26T18:00:00+00:00"
        );
        assert_eq!(
            after - before,
            2 * 24 * 3600 + 3600,
            "the day of the change has 25 hours"
        );
        // 01:30 happens twice; the first (BST) is meant.
        let twice = zone.instant(local(2026, 10, 25, 1, 30), "x").unwrap();
        assert_eq!(
            zone.rfc3339(twice).to_rfc3339(),
            "2026-10-25T01:30:00+01:00"
        );
    }

    #[test]
    fn a_time_that_never_happens_is_the_fields_error() {
        let zone = SchoolZone::named("Europe/London").unwrap();
        // 29 March 2026: 01:00 GMT jumps to 02:00 BST.
        match zone.instant(local(2026, 3, 29, 1, 30), "sessions[0]") {
            Err(ApiError::InvalidField { field, .. }) => assert_eq!(field, "sessions[0]"),
            other => panic!("{other:?}"),
        }
    }
}
