//! One-time codes sent in links: invitations, password resets, and
//! confirmations of join requests. Only the SHA-256 of a code is stored, as
//! for session tokens; a code is used at most once.

use sqlx::{AnyConnection, Row as _};

use super::Db;

/// What a code is for.
pub mod purpose {
    pub const INVITATION: &str = "invitation";
    pub const PASSWORD_RESET: &str = "password_reset";
    pub const JOIN_CONFIRMATION: &str = "join_confirmation";
}

/// A code to store.
#[derive(Clone, Debug)]
pub struct NewCode<'a> {
    pub school_id: i64,
    pub purpose: &'a str,
    pub person_id: Option<i64>,
    pub join_request_id: Option<i64>,
    pub code_hash: &'a str,
    pub created_by: Option<i64>,
    pub expires_at: i64,
}

/// Stores a code.
pub async fn insert(
    conn: &mut AnyConnection,
    code: &NewCode<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO one_time_codes (school_id, purpose, person_id, join_request_id, code_hash, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(code.school_id)
    .bind(code.purpose)
    .bind(code.person_id)
    .bind(code.join_request_id)
    .bind(code.code_hash)
    .bind(code.created_by)
    .bind(now)
    .bind(code.expires_at)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Revokes a person's open codes of one purpose; returns how many.
pub async fn revoke_open(
    conn: &mut AnyConnection,
    person_id: i64,
    purpose: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE one_time_codes SET revoked_at = $1
          WHERE person_id = $2 AND purpose = $3 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(person_id)
    .bind(purpose)
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
}

/// An open code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    pub id: i64,
    pub school_id: i64,
    pub person_id: Option<i64>,
    pub join_request_id: Option<i64>,
}

/// The code with this hash and purpose, if it is unused, unrevoked and unexpired.
pub async fn find_open(
    db: &Db,
    code_hash: &str,
    purpose: &str,
    now: i64,
) -> Result<Option<Open>, sqlx::Error> {
    sqlx::query(
        "SELECT id, school_id, person_id, join_request_id FROM one_time_codes
          WHERE code_hash = $1 AND purpose = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $3",
    )
    .bind(code_hash)
    .bind(purpose)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?
    .map(|row| {
        Ok(Open {
            id: row.try_get("id")?,
            school_id: row.try_get("school_id")?,
            person_id: row.try_get("person_id")?,
            join_request_id: row.try_get("join_request_id")?,
        })
    })
    .transpose()
}

/// Uses a code, in the transaction that acts on it: false when it was used
/// (or revoked) meanwhile, so two requests racing with one code cannot both win.
pub async fn use_once(conn: &mut AnyConnection, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE one_time_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// When each open invitation of the school runs out, by person.
pub async fn open_invitations(
    db: &Db,
    school_id: i64,
    now: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query(
        "SELECT person_id, MAX(expires_at) AS expires_at FROM one_time_codes
          WHERE school_id = $1 AND purpose = 'invitation' AND used_at IS NULL AND revoked_at IS NULL
            AND expires_at > $2 AND person_id IS NOT NULL
          GROUP BY person_id",
    )
    .bind(school_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| Ok((row.try_get("person_id")?, row.try_get("expires_at")?)))
    .collect()
}

/// Deletes codes that can no longer be used, a day after: they are useless.
pub async fn purge(db: &Db, cutoff: i64) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "DELETE FROM one_time_codes WHERE expires_at < $1 OR used_at < $1 OR revoked_at < $1",
    )
    .bind(cutoff)
    .execute(&db.writer)
    .await
    .map(|done| done.rows_affected())
}
