//! Getting people into their accounts: one-time codes sent by email for an
//! invitation, a password reset or a join request's confirmation.
//!
//! A code is 256 random bits, travels only in a link's fragment (`#code=…`,
//! which browsers never send to a server, so it reaches no log), comes back
//! in a POST body, and is stored only as its SHA-256. Each email is queued in
//! the outbox in the same transaction as its code.

use chrono::{TimeZone as _, Utc};
use chrono_tz::Tz;
use sqlx::AnyConnection;

use crate::auth::token;
use crate::mail::compose::{self, Rendered};
use crate::mail::MailSettings;
use crate::storage::codes::{self, purpose, NewCode};
use crate::storage::outbox::{self, NewMessage};
use crate::storage::people::Account;
use crate::storage::schools::Card;

/// How long an invitation works.
pub const INVITATION_SECS: i64 = 7 * 24 * 3600;
/// How long a password-reset link works.
pub const RESET_SECS: i64 = 3600;
/// How long a join request's confirmation link works.
pub const JOIN_CONFIRMATION_SECS: i64 = 24 * 3600;

/// A new one-time code: the code for the link, and what is stored.
pub struct Code {
    pub code: String,
    pub hash: String,
}

impl Code {
    /// 256 random bits.
    pub fn generate() -> Code {
        let code = token::generate();
        let hash = token::hash(&code);
        Code { code, hash }
    }
}

/// The hash a code is stored under.
pub fn hash(code: &str) -> String {
    token::hash(code.trim())
}

/// "Tuesday 8 December at 14:03", in the school's zone.
pub fn local_time(card: &Card, at: i64) -> String {
    let zone: Tz = card.time_zone.parse().unwrap_or(chrono_tz::UTC);
    Utc.timestamp_opt(at, 0)
        .single()
        .unwrap_or_default()
        .with_timezone(&zone)
        .format("%A %-d %B at %H:%M")
        .to_string()
}

/// Queues an email to someone.
pub async fn queue(
    conn: &mut AnyConnection,
    school_id: i64,
    person_id: Option<i64>,
    to: (&str, &str),
    kind: &str,
    rendered: Rendered,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (to_email, to_name) = to;
    let message = NewMessage {
        school_id,
        person_id,
        kind: kind.to_owned(),
        to_email: to_email.to_owned(),
        to_name: to_name.to_owned(),
        subject: rendered.subject,
        text_body: rendered.text,
        html_body: rendered.html,
        attachment: rendered.attachment,
        dedupe_key: None,
    };
    outbox::enqueue(conn, &message, now).await.map(|_| ())
}

/// Why someone is asked to choose a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Welcome {
    /// An admin invited them from the roster.
    Invitation,
    /// Their request to join was approved.
    JoinApproved,
}

/// Invites a person: any open invitation is revoked, a new code is stored
/// and the email queued. Returns when the invitation runs out.
pub async fn invite(
    conn: &mut AnyConnection,
    mail: &MailSettings,
    school: &Card,
    person: &Account,
    invited_by: Option<i64>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    welcome(
        conn,
        mail,
        school,
        person,
        invited_by,
        Welcome::Invitation,
        now,
    )
    .await
}

/// Like [`invite`], with the words for the occasion.
pub async fn welcome(
    conn: &mut AnyConnection,
    mail: &MailSettings,
    school: &Card,
    person: &Account,
    invited_by: Option<i64>,
    occasion: Welcome,
    now: i64,
) -> Result<i64, sqlx::Error> {
    codes::revoke_open(conn, person.id, purpose::INVITATION, now).await?;
    let code = Code::generate();
    let expires_at = now + INVITATION_SECS;
    codes::insert(
        conn,
        &NewCode {
            school_id: person.school_id,
            purpose: purpose::INVITATION,
            person_id: Some(person.id),
            join_request_id: None,
            code_hash: &code.hash,
            created_by: invited_by,
            expires_at,
        },
        now,
    )
    .await?;
    let link = mail.link(&format!("/welcome#code={}", code.code));
    let until = local_time(school, expires_at);
    let rendered = match occasion {
        Welcome::Invitation => compose::invitation(&school.name, &person.name, &link, &until),
        Welcome::JoinApproved => compose::join_approved(&school.name, &person.name, &link, &until),
    };
    queue(
        conn,
        person.school_id,
        Some(person.id),
        (&person.email, &person.name),
        "invitation",
        rendered,
        now,
    )
    .await?;
    Ok(expires_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_stored_only_as_its_hash() {
        let code = Code::generate();
        assert_eq!(code.code.len(), 43);
        assert_ne!(code.hash, code.code);
        assert_eq!(hash(&code.code), code.hash);
        assert_eq!(
            hash(&format!(" {} ", code.code)),
            code.hash,
            "pasted with spaces"
        );
    }

    #[test]
    fn times_are_shown_in_the_schools_zone() {
        let card = Card {
            name: "x".into(),
            address: None,
            time_zone: "Europe/London".into(),
        };
        // 2026-07-01 12:00 UTC is 13:00 in London.
        assert_eq!(
            local_time(&card, 1_782_907_200),
            "Wednesday 1 July at 13:00"
        );
    }
}
