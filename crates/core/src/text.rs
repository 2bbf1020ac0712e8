//! Free text typed by people that ends up in calendars, CSV files, emails and
//! pages: names, rooms, titles, notes.
//!
//! A control character has no business in any of them, and some are
//! dangerous: a bare carriage return in a room name starts a new content line
//! in an `.ics` file, and a NUL byte is refused by PostgreSQL. So text is
//! checked once, here, where it enters; the writers of calendars and CSV
//! escape again anyway.

use std::fmt;

/// Why a piece of text is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("is required")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters or line breaks")]
    ControlCharacter,
    #[error("must not contain control characters")]
    ControlCharacterInNote,
}

/// Whether `c` may appear in one line of text: no control character
/// (Unicode category Cc: NUL, tab, CR, LF, DEL, the C1 range) and no Unicode
/// line or paragraph separator.
pub fn allowed_in_line(c: char) -> bool {
    !c.is_control() && c != '\u{2028}' && c != '\u{2029}'
}

/// One line of text, trimmed, non-empty, at most a given number of characters,
/// with no control character.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Line(String);

impl Line {
    /// Trims and checks `raw`.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Line, TextError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        if !trimmed.chars().all(allowed_in_line) {
            return Err(TextError::ControlCharacter);
        }
        if trimmed.chars().count() > max_chars {
            return Err(TextError::TooLong(max_chars));
        }
        Ok(Line(trimmed.to_owned()))
    }

    /// Like [`Line::parse`], but absent or blank text is `None`.
    pub fn parse_optional(raw: Option<&str>, max_chars: usize) -> Result<Option<Line>, TextError> {
        match raw {
            Some(text) if !text.trim().is_empty() => Line::parse(text, max_chars).map(Some),
            _ => Ok(None),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Several lines of text (a note): line breaks are kept, as `\n`, and nothing
/// else of the control characters; may be empty.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Note(String);

impl Note {
    /// Checks `raw`, turning `\r\n` line ends into `\n`.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Note, TextError> {
        let text = raw.trim().replace("\r\n", "\n");
        if !text.chars().all(|c| c == '\n' || allowed_in_line(c)) {
            return Err(TextError::ControlCharacterInNote);
        }
        if text.chars().count() > max_chars {
            return Err(TextError::TooLong(max_chars));
        }
        Ok(Note(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Replaces every control character (and line separator) with a space: for
/// writers of line-based formats, as a second defence behind the checks above.
pub fn flatten(text: &str) -> String {
    text.chars()
        .map(|c| if allowed_in_line(c) { c } else { ' ' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_trimmed_and_kept() {
        assert_eq!(Line::parse("  Room A10 ", 60).unwrap().as_str(), "Room A10");
        assert_eq!(
            Line::parse("Zoë Ødegård", 60).unwrap().as_str(),
            "Zoë Ødegård"
        );
    }

    #[test]
    fn a_line_refuses_every_control_character() {
        let table = [
            "R9\rATTENDEE:mailto:x@evil.test",
            "two\nlines",
            "nul\0byte",
            "tab\there",
            "delete\u{7f}",
            "c1\u{85}next line",
            "line\u{2028}separator",
            "para\u{2029}separator",
            "escape\u{1b}[31m",
        ];
        for raw in table {
            assert_eq!(
                Line::parse(raw, 200),
                Err(TextError::ControlCharacter),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn a_line_has_a_length_and_may_not_be_blank() {
        assert_eq!(Line::parse("   ", 10), Err(TextError::Empty));
        assert_eq!(Line::parse("abcdef", 5), Err(TextError::TooLong(5)));
        assert!(Line::parse("ééééé", 5).is_ok(), "counted in characters");
    }

    #[test]
    fn an_optional_line_may_be_absent_or_blank() {
        assert_eq!(Line::parse_optional(None, 5), Ok(None));
        assert_eq!(Line::parse_optional(Some("  "), 5), Ok(None));
        assert_eq!(
            Line::parse_optional(Some("a\rb"), 5),
            Err(TextError::ControlCharacter)
        );
    }

    #[test]
    fn a_note_keeps_line_breaks_and_nothing_else() {
        assert_eq!(
            Note::parse("first\r\nsecond\nthird", 100).unwrap().as_str(),
            "first\nsecond\nthird"
        );
        assert_eq!(
            Note::parse("bare\rreturn", 100),
            Err(TextError::ControlCharacterInNote)
        );
        assert_eq!(
            Note::parse("nul\0", 100),
            Err(TextError::ControlCharacterInNote)
        );
        assert_eq!(Note::parse("", 100).unwrap().as_str(), "");
    }

    #[test]
    fn flatten_leaves_no_line_break() {
        assert_eq!(flatten("R9\rATTENDEE:x\n\0"), "R9 ATTENDEE:x  ");
    }
}
