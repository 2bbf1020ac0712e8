//! A validated, normalised email address.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a string is not an acceptable email address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("is empty")]
    Empty,
    #[error("is longer than 254 characters")]
    TooLong,
    #[error("must look like name@example.org")]
    Malformed,
}

/// An email address, trimmed and lower-cased so that the same mailbox always
/// maps to the same account. Only the shape is checked here; whether the
/// mailbox exists is the mail server's business.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Parses and normalises an address.
    pub fn parse(raw: &str) -> Result<Email, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.chars().count() > 254 {
            return Err(EmailError::TooLong);
        }
        let normalised = trimmed.to_lowercase();
        let (local, domain) = normalised.split_once('@').ok_or(EmailError::Malformed)?;
        let local_ok = !local.is_empty() && local.len() <= 64;
        let domain_ok = domain.len() >= 3
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        let chars_ok = normalised
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"".contains(c));
        if local_ok && domain_ok && chars_ok && !domain.contains('@') {
            Ok(Email(normalised))
        } else {
            Err(EmailError::Malformed)
        }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises_ordinary_addresses() {
        let cases = [
            ("parent@demo.confero.test", "parent@demo.confero.test"),
            ("  Ada.Lovelace@Example.ORG ", "ada.lovelace@example.org"),
            ("o'brien+pte@school.co.uk", "o'brien+pte@school.co.uk"),
        ];
        for (raw, want) in cases {
            assert_eq!(Email::parse(raw).unwrap().as_str(), want, "{raw}");
        }
    }

    #[test]
    fn rejects_what_is_not_an_address() {
        let cases = [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("no-at-sign", EmailError::Malformed),
            ("@example.org", EmailError::Malformed),
            ("a@b", EmailError::Malformed),
            ("a@@example.org", EmailError::Malformed),
            ("a b@example.org", EmailError::Malformed),
            ("a@example..org", EmailError::Malformed),
            ("a@.example.org", EmailError::Malformed),
            ("<a>@example.org", EmailError::Malformed),
        ];
        for (raw, want) in cases {
            assert_eq!(Email::parse(raw), Err(want), "{raw:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn deserialising_validates() {
        let ok: Email = serde_json::from_str("\"A@Example.org\"").unwrap();
        assert_eq!(ok.as_str(), "a@example.org");
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }
}
