//! The audit log: who exported or bulk-read personal data, and when.

use sqlx::Row as _;

use super::Db;

/// Records one action.
pub async fn record(
    db: &Db,
    school_id: i64,
    person_id: i64,
    action: &str,
    subject: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (school_id, person_id, action, subject, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(school_id)
        .bind(person_id)
        .bind(action)
        .bind(subject)
        .bind(now)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// One entry of the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub person_id: i64,
    pub action: String,
    pub subject: String,
    pub created_at: i64,
}

/// The school's log, newest first.
pub async fn entries(db: &Db, school_id: i64, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query("SELECT person_id, action, subject, created_at FROM audit_log WHERE school_id = $1 ORDER BY id DESC LIMIT $2")
        .bind(school_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Entry {
                person_id: row.try_get("person_id")?,
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .collect()
}
