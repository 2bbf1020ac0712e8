//! Sign-in attempts per normalised email, whether or not an account exists.
//!
//! An attempt is counted *before* its password is checked, in a transaction
//! of its own, so parallel guesses are counted one by one; it is forgotten
//! when the password proves right.

use sqlx::Row as _;

use super::Db;

/// Attempts recorded for an email, and when the last one happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub count: i64,
    pub last_at: i64,
}

/// Counts an attempt for an email, unless `wait` (the throttling policy,
/// given the attempts on record) says it must wait: then nothing is counted
/// and the wait in seconds is returned. Zero means counted: go ahead.
/// Attempts whose last one is older than `forget_before` start again from one.
pub async fn count_attempt(
    db: &Db,
    email_key: &str,
    now: i64,
    forget_before: i64,
    wait: impl Fn(Option<Failures>, i64) -> i64,
) -> Result<i64, sqlx::Error> {
    let mut tx = db.writer.begin().await?;
    // A write first: SQLite takes its write lock, PostgreSQL locks the row,
    // so the read and the count below cannot interleave with another attempt.
    let row = sqlx::query(
        "INSERT INTO login_throttle (email_key, failures, last_failure_at) VALUES ($1, 0, $2)
         ON CONFLICT (email_key) DO UPDATE SET email_key = excluded.email_key
         RETURNING failures, last_failure_at",
    )
    .bind(email_key)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let on_record = Failures {
        count: row.try_get("failures")?,
        last_at: row.try_get("last_failure_at")?,
    };
    let seconds = wait((on_record.count > 0).then_some(on_record), now);
    if seconds > 0 {
        tx.commit().await?;
        return Ok(seconds);
    }
    sqlx::query(
        "UPDATE login_throttle SET
            failures = CASE WHEN last_failure_at < $2 THEN 1 ELSE failures + 1 END,
            last_failure_at = $3
          WHERE email_key = $1",
    )
    .bind(email_key)
    .bind(forget_before)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(0)
}

/// Takes back an attempt that was counted but never checked (the server was
/// too busy to hash it).
pub async fn uncount(db: &Db, email_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE login_throttle SET failures = failures - 1 WHERE email_key = $1 AND failures > 0",
    )
    .bind(email_key)
    .execute(&db.writer)
    .await
    .map(|_| ())
}

/// The attempts on record for an email key (tests and operators).
pub async fn get(db: &Db, email_key: &str) -> Result<Option<Failures>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT failures, last_failure_at FROM login_throttle WHERE email_key = $1 AND failures > 0",
    )
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

/// Forgets the attempts of an email after its password proved right.
pub async fn clear(db: &Db, email_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE email_key = $1")
        .bind(email_key)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// Deletes the records of emails whose last attempt is older than `cutoff`:
/// they no longer slow anyone down, and an email is personal data.
pub async fn purge(db: &Db, cutoff: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE last_failure_at < $1")
        .bind(cutoff)
        .execute(&db.writer)
        .await
        .map(|done| done.rows_affected())
}
