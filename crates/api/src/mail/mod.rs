//! Email: what is said (`compose`), calendar attachments (`ics`), and the
//! worker that turns notices into messages and sends the outbox over SMTP
//! (`worker`).
//!
//! Nothing is sent from a request: requests write notices or messages into
//! the database in their own transaction, and the worker delivers them,
//! retrying with back-off. Without an SMTP server configured, messages stay
//! in the outbox, where admins can read them (and follow their links).

pub mod compose;
pub mod ics;
pub mod worker;

use std::time::Duration;

/// How mail leaves, and where its links point.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://host:port` (STARTTLS when offered), `smtps://…` (implicit TLS),
    /// credentials in the URL; `None` keeps mail in the outbox.
    pub smtp_url: Option<String>,
    /// The From address, e.g. `Hollowbrook via Confero <no-reply@school.example>`.
    pub from: String,
    /// Where people reach Confero, for links in messages (no trailing slash).
    pub public_url: String,
    /// How long a message is claimed while it is being handed to the server.
    pub lease: Duration,
}

impl std::fmt::Debug for MailSettings {
    /// The SMTP URL may hold a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp", &self.smtp_url.is_some())
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl MailSettings {
    /// A link to a page of the app.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }

    /// The host part of the public address, for Message-IDs.
    pub fn host(&self) -> &str {
        let rest = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, rest)| rest);
        rest.split(['/', ':']).next().unwrap_or("confero")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_hosts_come_from_the_public_address() {
        let settings = MailSettings {
            smtp_url: Some("smtp://user:secret@mail.example".into()),
            from: "Confero <no-reply@example.org>".into(),
            public_url: "https://confero.example.org:8443/".into(),
            lease: Duration::from_secs(60),
        };
        assert_eq!(
            settings.link("/welcome#code=x"),
            "https://confero.example.org:8443/welcome#code=x"
        );
        assert_eq!(settings.host(), "confero.example.org");
        assert!(!format!("{settings:?}").contains("secret"));
    }
}
