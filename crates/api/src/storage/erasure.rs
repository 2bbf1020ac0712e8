//! Erasing a person: their personal data removed or anonymised in one
//! transaction, their sessions ended, their bookings kept only as
//! anonymous rows (`booked_by` points at the anonymised record).

use sqlx::{AnyConnection, Row as _};

use super::Db;

/// Why a person cannot be erased as things stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not a person of this school.
    NotFound,
    /// Still teaches classes: the school reassigns them first.
    TeachesClasses,
}

/// A future booking the erasure cancelled, for the live slot grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Freed {
    pub evening_id: i64,
    pub teacher_id: i64,
    pub starts_at: i64,
}

/// Records a member's request to be erased (kept until an admin acts).
pub async fn request(db: &Db, school_id: i64, person_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE people SET erasure_requested_at = COALESCE(erasure_requested_at, $3)
          WHERE id = $1 AND school_id = $2",
    )
    .bind(person_id)
    .bind(school_id)
    .bind(now)
    .execute(&db.writer)
    .await
    .map(|_| ())
}

/// When the person asked to be erased, if they did.
pub async fn requested_at(
    db: &Db,
    school_id: i64,
    person_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT erasure_requested_at FROM people WHERE id = $1 AND school_id = $2")
        .bind(person_id)
        .bind(school_id)
        .fetch_optional(&db.pool)
        .await
        .map(Option::flatten)
}

/// Erases a person inside the caller's transaction. Their future bookings
/// are cancelled (returned, so the slots can be announced free); past ones
/// stay, pointing at the anonymised record.
pub async fn erase(
    conn: &mut AnyConnection,
    school_id: i64,
    person_id: i64,
    now: i64,
) -> Result<Result<Vec<Freed>, Refusal>, sqlx::Error> {
    let email: Option<String> =
        sqlx::query_scalar("SELECT email FROM people WHERE id = $1 AND school_id = $2")
            .bind(person_id)
            .bind(school_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(email) = email else {
        return Ok(Err(Refusal::NotFound));
    };
    let teaches: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM classes WHERE teacher_id = $1")
        .bind(person_id)
        .fetch_one(&mut *conn)
        .await?;
    if teaches > 0 {
        return Ok(Err(Refusal::TeachesClasses));
    }
    let freed = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', updated_at = $2
          WHERE booked_by = $1 AND status = 'booked' AND starts_at > $2
          RETURNING evening_id, teacher_id, starts_at",
    )
    .bind(person_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(Freed {
            evening_id: row.try_get("evening_id")?,
            teacher_id: row.try_get("teacher_id")?,
            starts_at: row.try_get("starts_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    // Everything that holds the person's details or could act as them.
    for statement in [
        "DELETE FROM sessions WHERE person_id = $1",
        "DELETE FROM person_roles WHERE person_id = $1",
        "DELETE FROM guardianships WHERE guardian_id = $1",
        "DELETE FROM one_time_codes WHERE person_id = $1",
        "DELETE FROM idempotency_keys WHERE person_id = $1",
        "DELETE FROM outbox WHERE person_id = $1",
        "DELETE FROM join_requests WHERE person_id = $1",
    ] {
        sqlx::query(statement)
            .bind(person_id)
            .execute(&mut *conn)
            .await?;
    }
    for statement in [
        "DELETE FROM outbox WHERE LOWER(to_email) = LOWER($1)",
        "DELETE FROM join_requests WHERE LOWER(email) = LOWER($1)",
        "DELETE FROM login_throttle
          WHERE LOWER(email_key) IN (LOWER($1), 'reset:' || LOWER($1), 'join:' || LOWER($1))",
    ] {
        sqlx::query(statement)
            .bind(&email)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "UPDATE people SET email = 'erased-' || CAST(id AS TEXT) || '@erased.invalid',
                password_hash = NULL, title = NULL, given_name = 'Erased', family_name = 'person',
                display_name = NULL, phone = NULL, phone2 = NULL, address = NULL, language = NULL,
                about = NULL, staff_ref = NULL, guardian_ref = NULL, erasure_requested_at = NULL,
                disabled_at = COALESCE(disabled_at, $2)
          WHERE id = $1",
    )
    .bind(person_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(freed))
}
