//! The outbox: every email, rendered, until it is sent. A message is
//! claimed for a lease before it is handed to the mail server and marked sent
//! once the server accepted it; a claim whose lease ran out (the process
//! died) is taken up again. Once sent, only what the message was remains:
//! the bodies, which may hold one-time links, are cleared.

use sqlx::{AnyConnection, Row as _};

use super::{Db, Engine};

/// A message to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    pub school_id: i64,
    pub person_id: Option<i64>,
    pub kind: String,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// A file name and its text (an `.ics` calendar).
    pub attachment: Option<(String, String)>,
    /// A message with a key already queued is not queued again.
    pub dedupe_key: Option<String>,
}

/// Queues a message; false when its dedupe key was already used.
pub async fn enqueue(
    conn: &mut AnyConnection,
    message: &NewMessage,
    now: i64,
) -> Result<bool, sqlx::Error> {
    Ok(enqueue_all(conn, std::slice::from_ref(message), now).await? == 1)
}

/// Queues many messages in as few statements as the database allows (one
/// per [`ROWS_PER_INSERT`]); a message whose dedupe key was already used is
/// left out. Returns how many were queued.
pub async fn enqueue_all(
    conn: &mut AnyConnection,
    messages: &[NewMessage],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut queued = 0;
    for chunk in messages.chunks(ROWS_PER_INSERT) {
        let rows = (0..chunk.len())
            .map(|row| {
                let n = row * 11;
                let p = |k: usize| format!("${}", n + k);
                format!(
                    "({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, 'pending', $1, {}, $1)",
                    p(2),
                    p(3),
                    p(4),
                    p(5),
                    p(6),
                    p(7),
                    p(8),
                    p(9),
                    p(10),
                    p(11),
                    p(12)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO outbox (school_id, person_id, kind, to_email, to_name, subject, text_body, html_body,
                                 attachment_name, attachment_body, status, next_attempt_at, dedupe_key, created_at)
             VALUES {rows}
             ON CONFLICT (dedupe_key) DO NOTHING"
        );
        let mut query = sqlx::query(&sql).bind(now);
        for message in chunk {
            let (attachment_name, attachment_body) = match &message.attachment {
                Some((name, body)) => (Some(name.as_str()), Some(body.as_str())),
                None => (None, None),
            };
            query = query
                .bind(message.school_id)
                .bind(message.person_id)
                .bind(&message.kind)
                .bind(&message.to_email)
                .bind(&message.to_name)
                .bind(&message.subject)
                .bind(&message.text_body)
                .bind(&message.html_body)
                .bind(attachment_name)
                .bind(attachment_body)
                .bind(message.dedupe_key.as_deref());
        }
        queued += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(queued)
}

/// Rows per statement of [`enqueue_all`]: 11 parameters each, well inside
/// SQLite's 32,766 and PostgreSQL's 65,535.
const ROWS_PER_INSERT: usize = 200;

/// A message claimed for sending.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claimed {
    pub id: i64,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub attachment: Option<(String, String)>,
    /// Attempts including this one.
    pub attempts: i64,
}

/// Claims up to `limit` due messages until `lease_until`: pending ones whose
/// time has come, and claims whose lease ran out.
pub async fn claim_due(
    db: &Db,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    // Several API processes on PostgreSQL never claim the same message.
    let skip_locked = match db.engine {
        Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        Engine::Sqlite => "",
    };
    sqlx::query(&format!(
        "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2
          WHERE id IN (SELECT id FROM outbox
                        WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                        ORDER BY id LIMIT $3{skip_locked})
         RETURNING id, to_email, to_name, subject, text_body, html_body, attachment_name, attachment_body, attempts"
    ))
    .bind(now)
    .bind(lease_until)
    .bind(limit)
    .fetch_all(&db.writer)
    .await?
    .into_iter()
    .map(|row| {
        let name: Option<String> = row.try_get("attachment_name")?;
        let body: Option<String> = row.try_get("attachment_body")?;
        Ok(Claimed {
            id: row.try_get("id")?,
            to_email: row.try_get("to_email")?,
            to_name: row.try_get("to_name")?,
            subject: row.try_get("subject")?,
            text_body: row.try_get("text_body")?,
            html_body: row.try_get("html_body")?,
            attachment: name.zip(body),
            attempts: row.try_get("attempts")?,
        })
    })
    .collect()
}

/// The mail server accepted the message: keep only what it was.
pub async fn mark_sent(db: &Db, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, text_body = '', html_body = '',
                attachment_body = NULL, last_error = NULL
          WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(&db.writer)
    .await
    .map(|_| ())
}

/// The attempt failed: try again at `next_attempt_at`, or give up (`None`).
pub async fn mark_failed_attempt(
    db: &Db,
    id: i64,
    next_attempt_at: Option<i64>,
    error: &str,
) -> Result<(), sqlx::Error> {
    let query = match next_attempt_at {
        Some(at) => sqlx::query(
            "UPDATE outbox SET status = 'pending', next_attempt_at = $1, last_error = $2 WHERE id = $3",
        )
        .bind(at),
        None => sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = $1 WHERE id = $2",
        ),
    };
    query
        .bind(error)
        .bind(id)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// Queues a failed message of the school again; false when there is none.
pub async fn retry_failed(db: &Db, school_id: i64, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1
          WHERE id = $2 AND school_id = $3 AND status = 'failed'",
    )
    .bind(now)
    .bind(id)
    .bind(school_id)
    .execute(&db.writer)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A message as an admin sees it on the Outbox page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub kind: String,
    pub to_email: String,
    pub to_name: String,
    pub subject: String,
    /// The text, while unsent (it is cleared once sent).
    pub text_body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// The school's messages, newest first, optionally of one status.
pub async fn list(
    db: &Db,
    school_id: i64,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query(
        "SELECT id, kind, to_email, to_name, subject, text_body, status, attempts, last_error, created_at, sent_at
           FROM outbox WHERE school_id = $1 AND ($2 = '' OR status = $2)
          ORDER BY id DESC LIMIT $3",
    )
    .bind(school_id)
    .bind(status.unwrap_or(""))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(Entry {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            to_email: row.try_get("to_email")?,
            to_name: row.try_get("to_name")?,
            subject: row.try_get("subject")?,
            text_body: row.try_get("text_body")?,
            status: row.try_get("status")?,
            attempts: row.try_get("attempts")?,
            last_error: row.try_get("last_error")?,
            created_at: row.try_get("created_at")?,
            sent_at: row.try_get("sent_at")?,
        })
    })
    .collect()
}

/// A message sent (or to be sent) to one person, as their data download lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sent {
    pub kind: String,
    pub to_email: String,
    pub subject: String,
    pub status: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// Every message addressed to a person, oldest first.
pub async fn sent_to(db: &Db, school_id: i64, person_id: i64) -> Result<Vec<Sent>, sqlx::Error> {
    sqlx::query(
        "SELECT kind, to_email, subject, status, created_at, sent_at
           FROM outbox WHERE school_id = $1 AND person_id = $2 ORDER BY id",
    )
    .bind(school_id)
    .bind(person_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(Sent {
            kind: row.try_get("kind")?,
            to_email: row.try_get("to_email")?,
            subject: row.try_get("subject")?,
            status: row.try_get("status")?,
            created_at: row.try_get("created_at")?,
            sent_at: row.try_get("sent_at")?,
        })
    })
    .collect()
}
