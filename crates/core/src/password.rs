//! The rules a new password must meet.

use std::fmt;

/// Why a proposed password is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("must be at least {min} characters long", min = NewPassword::MIN_CHARS)]
    TooShort,
    #[error("must be at most {max} characters long", max = NewPassword::MAX_CHARS)]
    TooLong,
    #[error("must not be only spaces")]
    Blank,
}

/// A password someone wants to set. Length is what makes a password strong,
/// so (as NIST SP 800-63B advises) there are no composition rules, only a
/// minimum and a generous maximum that keeps hashing cheap to bound.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    /// The fewest characters a password may have.
    pub const MIN_CHARS: usize = 10;
    /// The most characters a password may have.
    pub const MAX_CHARS: usize = 256;

    /// Checks a proposed password.
    pub fn parse(raw: &str) -> Result<NewPassword, PasswordError> {
        let chars = raw.chars().count();
        if raw.trim().is_empty() && !raw.is_empty() {
            return Err(PasswordError::Blank);
        }
        if chars < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        Ok(NewPassword(raw.to_owned()))
    }

    /// The password itself, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Never print a password, not even in a debug log.
impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_decides() {
        let cases = [
            ("", Err(PasswordError::TooShort)),
            ("short", Err(PasswordError::TooShort)),
            ("          ", Err(PasswordError::Blank)),
            ("exactly-10", Ok(())),
            ("correct horse battery staple", Ok(())),
            ("ünïcödé-pässwörd", Ok(())),
        ];
        for (raw, want) in cases {
            assert_eq!(NewPassword::parse(raw).map(|_| ()), want, "{raw:?}");
        }
        assert_eq!(
            NewPassword::parse(&"x".repeat(257)).map(|_| ()),
            Err(PasswordError::TooLong)
        );
        assert!(NewPassword::parse(&"x".repeat(256)).is_ok());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let password = NewPassword::parse("a-secret-value").unwrap();
        assert!(!format!("{password:?}").contains("secret"));
    }
}
