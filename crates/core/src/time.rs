//! Instants and intervals. Instants are Unix seconds (UTC): the API stores
//! them, and converting to and from a school's local time happens at the
//! edges (the API knows the IANA zone; the SPA reads the offset in RFC 3339).

use serde::{Deserialize, Serialize};

/// A half-open span of time `[start, end)`, in Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Interval {
    pub start: i64,
    pub end: i64,
}

impl Interval {
    /// An interval, or `None` unless `start < end`.
    pub fn new(start: i64, end: i64) -> Option<Interval> {
        (start < end).then_some(Interval { start, end })
    }

    /// Length in seconds.
    pub fn len(&self) -> i64 {
        self.end - self.start
    }

    /// Whether the interval is empty (never, for one built with [`Interval::new`]).
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Whether the two share any instant.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `other` lies wholly inside this interval.
    pub fn contains(&self, other: &Interval) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The shared part, if any.
    pub fn intersect(&self, other: &Interval) -> Option<Interval> {
        Interval::new(self.start.max(other.start), self.end.min(other.end))
    }

    /// Seconds between the two (zero when they touch or overlap).
    pub fn gap_to(&self, other: &Interval) -> i64 {
        if self.overlaps(other) {
            0
        } else if self.end <= other.start {
            other.start - self.end
        } else {
            self.start - other.end
        }
    }
}

/// Serialises a `DateTime<FixedOffset>` exactly as chrono's own `Serialize`
/// does (RFC 3339, fractional seconds only when present), but as one string:
/// chrono's writes the text a few characters at a time through the
/// serializer's escaping writer, which made the slot grid's 3,600 timestamps
/// the larger part of its cost. Use with `#[serde(serialize_with = …)]`.
pub fn serialize_rfc3339<S: serde::Serializer>(
    at: &chrono::DateTime<chrono::FixedOffset>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(start: i64, end: i64) -> Interval {
        Interval::new(start, end).unwrap()
    }

    #[derive(serde::Serialize)]
    struct OneString(
        #[serde(serialize_with = "serialize_rfc3339")] chrono::DateTime<chrono::FixedOffset>,
    );

    #[test]
    fn timestamps_serialise_as_chrono_does() {
        use chrono::{FixedOffset, TimeZone as _};
        for (offset, secs, nanos) in [
            (0, 1_796_227_200, 0),
            (3600, 1_796_227_200, 0),
            (-5 * 3600 - 1800, 1_796_227_259, 0),
            (5 * 3600 + 2700, 0, 0),
            (3600, 1_796_227_200, 500_000_000),
            (0, 1_796_227_200, 123_456),
            (0, -86_400 * 365, 7),
        ] {
            let zone = FixedOffset::east_opt(offset).unwrap();
            let at = zone.timestamp_opt(secs, nanos).unwrap();
            assert_eq!(
                serde_json::to_string(&OneString(at)).unwrap(),
                serde_json::to_string(&at).unwrap(),
                "{at:?}"
            );
        }
    }

    #[test]
    fn relations() {
        assert!(Interval::new(5, 5).is_none());
        assert!(Interval::new(6, 5).is_none());
        assert!(iv(0, 10).overlaps(&iv(9, 12)));
        assert!(
            !iv(0, 10).overlaps(&iv(10, 12)),
            "touching is not overlapping"
        );
        assert!(iv(0, 10).contains(&iv(2, 10)));
        assert!(!iv(0, 10).contains(&iv(2, 11)));
        assert_eq!(iv(0, 10).intersect(&iv(5, 20)), Some(iv(5, 10)));
        assert_eq!(iv(0, 10).intersect(&iv(10, 20)), None);
        assert_eq!(iv(0, 10).gap_to(&iv(15, 20)), 5);
        assert_eq!(iv(15, 20).gap_to(&iv(0, 10)), 5);
        assert_eq!(iv(0, 10).gap_to(&iv(5, 20)), 0);
    }
}
