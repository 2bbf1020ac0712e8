//! Wall-clock dates and times as people type them ("2026-11-26", "16:30").
//! They carry no zone: the API reads them in the school's IANA time zone.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a wall-clock value does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LocalError {
    #[error("must be a time like 16:30")]
    Time,
    #[error("must be a date like 2026-11-26")]
    Date,
    #[error("must be a date and time like 2026-11-26T16:30")]
    DateTime,
}

/// A time of day, `HH:MM` (seconds are accepted and must be zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalTime(pub NaiveTime);

impl LocalTime {
    pub fn parse(raw: &str) -> Result<LocalTime, LocalError> {
        let shape_ok =
            matches!(raw.trim().len(), 5 | 8) && raw.trim().as_bytes().get(2) == Some(&b':');
        if !shape_ok {
            return Err(LocalError::Time);
        }
        NaiveTime::parse_from_str(raw.trim(), "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(raw.trim(), "%H:%M:%S"))
            .map(LocalTime)
            .map_err(|_| LocalError::Time)
    }
}

impl TryFrom<String> for LocalTime {
    type Error = LocalError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        LocalTime::parse(&value)
    }
}

impl From<LocalTime> for String {
    fn from(time: LocalTime) -> String {
        time.to_string()
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalDate(pub NaiveDate);

impl LocalDate {
    pub fn parse(raw: &str) -> Result<LocalDate, LocalError> {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map(LocalDate)
            .map_err(|_| LocalError::Date)
    }
}

impl TryFrom<String> for LocalDate {
    type Error = LocalError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        LocalDate::parse(&value)
    }
}

impl From<LocalDate> for String {
    fn from(date: LocalDate) -> String {
        date.0.format("%Y-%m-%d").to_string()
    }
}

/// A date and time of day, `YYYY-MM-DDTHH:MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalDateTime(pub NaiveDateTime);

impl LocalDateTime {
    pub fn parse(raw: &str) -> Result<LocalDateTime, LocalError> {
        let raw = raw.trim();
        NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
            .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M"))
            .map(LocalDateTime)
            .map_err(|_| LocalError::DateTime)
    }
}

impl TryFrom<String> for LocalDateTime {
    type Error = LocalError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        LocalDateTime::parse(&value)
    }
}

impl From<LocalDateTime> for String {
    fn from(value: LocalDateTime) -> String {
        value.0.format("%Y-%m-%dT%H:%M").to_string()
    }
}

/// A span on one day: `{ "date": "2026-11-26", "start": "16:00", "end": "19:30" }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalSpan {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-11-26"))]
    pub date: LocalDate,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "16:00"))]
    pub start: LocalTime,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "19:30"))]
    pub end: LocalTime,
}

impl LocalSpan {
    /// Start and end as wall-clock date-times (an end at or before the start is not fixed here).
    pub fn bounds(&self) -> (NaiveDateTime, NaiveDateTime) {
        (
            self.date.0.and_time(self.start.0),
            self.date.0.and_time(self.end.0),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(LocalTime::parse("16:30").unwrap().to_string(), "16:30");
        assert_eq!(LocalTime::parse("07:05:00").unwrap().to_string(), "07:05");
        for bad in ["25:00", "4pm", "", "16:3"] {
            assert_eq!(LocalTime::parse(bad), Err(LocalError::Time), "{bad}");
        }
        assert!(LocalDate::parse("2026-02-29").is_err(), "not a leap year");
        assert_eq!(
            String::from(LocalDate::parse("2028-02-29").unwrap()),
            "2028-02-29"
        );
        assert_eq!(
            String::from(LocalDateTime::parse("2026-11-20T18:00").unwrap()),
            "2026-11-20T18:00"
        );
        assert!(LocalDateTime::parse("2026-11-20").is_err());
    }

    #[test]
    fn spans_deserialise_strictly() {
        let span: LocalSpan =
            serde_json::from_str(r#"{"date":"2026-11-26","start":"16:00","end":"19:30"}"#).unwrap();
        assert_eq!(span.start.to_string(), "16:00");
        assert!(serde_json::from_str::<LocalSpan>(
            r#"{"date":"2026-11-26","start":"4pm","end":"19:30"}"#
        )
        .is_err());
        assert!(serde_json::from_str::<LocalSpan>(
            r#"{"date":"2026-11-26","start":"16:00","end":"19:30","x":1}"#
        )
        .is_err());
    }
}
