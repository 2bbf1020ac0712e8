//! Join requests: someone not on the roster asking to join a school.

use sqlx::{AnyConnection, Row as _};

use super::Db;

/// A stored request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinRow {
    pub id: i64,
    pub school_id: i64,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    /// JSON: the children as the requester named them.
    pub children: String,
    pub status: String,
    pub reason: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str =
    "id, school_id, email, given_name, family_name, children, status, reason, created_at";

fn join_row(row: &sqlx::any::AnyRow) -> Result<JoinRow, sqlx::Error> {
    Ok(JoinRow {
        id: row.try_get("id")?,
        school_id: row.try_get("school_id")?,
        email: row.try_get("email")?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        children: row.try_get("children")?,
        status: row.try_get("status")?,
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
    })
}

/// A request to store, unconfirmed.
#[derive(Clone, Debug)]
pub struct NewRequest<'a> {
    pub school_id: i64,
    pub email: &'a str,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub children: &'a str,
}

/// Stores a new, unconfirmed request and returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    request: &NewRequest<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO join_requests (school_id, email, given_name, family_name, children, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'unconfirmed', $6) RETURNING id",
    )
    .bind(request.school_id)
    .bind(request.email)
    .bind(request.given_name)
    .bind(request.family_name)
    .bind(request.children)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// A request of the school.
pub async fn find(db: &Db, school_id: i64, id: i64) -> Result<Option<JoinRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM join_requests WHERE id = $1 AND school_id = $2"
    ))
    .bind(id)
    .bind(school_id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(join_row)
    .transpose()
}

/// The school's requests in a status, oldest first.
pub async fn list(db: &Db, school_id: i64, status: &str) -> Result<Vec<JoinRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM join_requests WHERE school_id = $1 AND status = $2 ORDER BY id LIMIT 500"
    ))
    .bind(school_id)
    .bind(status)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(join_row)
    .collect()
}

/// A decision or confirmation to record.
#[derive(Clone, Debug, Default)]
pub struct Transition<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub reason: Option<&'a str>,
    pub person_id: Option<i64>,
    pub decided_by: Option<i64>,
}

/// Moves a request from one status to another; false when it was not in
/// `from` any more (someone else decided first).
pub async fn transition(
    conn: &mut AnyConnection,
    id: i64,
    change: &Transition<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE join_requests SET status = $1, reason = COALESCE($2, reason), person_id = COALESCE($3, person_id),
                decided_by = COALESCE($4, decided_by), decided_at = CASE WHEN $4 IS NULL THEN decided_at ELSE $5 END
          WHERE id = $6 AND status = $7",
    )
    .bind(change.to)
    .bind(change.reason)
    .bind(change.person_id)
    .bind(change.decided_by)
    .bind(now)
    .bind(id)
    .bind(change.from)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
