//! Failed sign-in counts, keyed by normalised email whether or not an account exists.

use sqlx::Row as _;

use super::Db;

/// Failures recorded for an email, and when the last one happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub last_at: i64,
}

/// The failures on record for an email key.
pub async fn get(db: &Db, email_key: &str) -> Result<Option<Failures>, sqlx::Error> {
    let row =
        sqlx::query("SELECT failures, last_failure_at FROM login_throttle WHERE email_key = $1")
            .bind(email_key)
            .fetch_optional(&db.pool)
            .await?;
    row.map(|row| {
        Ok(Failures {
            count: row.try_get("failures")?,
            last_at: row.try_get("last_failure_at")?,
        })
    })
    .transpose()
}

/// Records one more failure; a count whose last failure is older than
/// `forget_before` starts again from one.
pub async fn record_failure(
    db: &Db,
    email_key: &str,
    now: i64,
    forget_before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_throttle (email_key, failures, last_failure_at) VALUES ($1, 1, $2)
         ON CONFLICT (email_key) DO UPDATE SET
            failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1
                            ELSE login_throttle.failures + 1 END,
            last_failure_at = $2",
    )
    .bind(email_key)
    .bind(now)
    .bind(forget_before)
    .execute(&db.writer)
    .await
    .map(|_| ())
}

/// Forgets the failures of an email after a successful sign-in.
pub async fn clear(db: &Db, email_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE email_key = $1")
        .bind(email_key)
        .execute(&db.writer)
        .await
        .map(|_| ())
}
