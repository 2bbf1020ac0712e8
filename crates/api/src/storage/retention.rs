//! Retention: what each school's rules say has been kept long enough.

use sqlx::{AnyConnection, Row as _};

use super::Db;

const DAY: i64 = 24 * 3600;

/// A parent or carer whose children have all left the roster and who has
/// not signed in (or, never having signed in, was added) for longer than
/// their school keeps leavers. Staff are never purged this way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaver {
    pub school_id: i64,
    pub person_id: i64,
}

/// Leavers due for erasure, school by school.
pub async fn due_leavers(db: &Db, now: i64) -> Result<Vec<Leaver>, sqlx::Error> {
    sqlx::query(
        "SELECT p.school_id, p.id FROM people p JOIN schools s ON s.id = p.school_id
          WHERE EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'guardian')
            AND NOT EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role <> 'guardian')
            AND NOT EXISTS (SELECT 1 FROM guardianships g WHERE g.guardian_id = p.id)
            AND COALESCE(p.last_sign_in_at, p.created_at) < $1 - s.keep_leavers_days * $2
          ORDER BY p.school_id, p.id",
    )
    .bind(now)
    .bind(DAY)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| {
        Ok(Leaver {
            school_id: row.try_get("school_id")?,
            person_id: row.try_get("id")?,
        })
    })
    .collect()
}

/// Schools closed for longer than they keep their data after closing.
pub async fn due_schools(db: &Db, now: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query(
        "SELECT id, name FROM schools
          WHERE closed_at IS NOT NULL AND closed_at < $1 - keep_closed_days * $2 ORDER BY id",
    )
    .bind(now)
    .bind(DAY)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("id")?, row.try_get("name")?)))
    .collect()
}

/// Deletes a school and, through its foreign keys, everything it held.
pub async fn delete_school(conn: &mut AnyConnection, school_id: i64) -> Result<(), sqlx::Error> {
    // Bookings and classes name people without a cascade of their own: they go first.
    for statement in [
        "DELETE FROM bookings WHERE school_id = $1",
        "DELETE FROM classes WHERE school_id = $1",
        "DELETE FROM schools WHERE id = $1",
    ] {
        sqlx::query(statement)
            .bind(school_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Marks a school closed from `now`; its data goes after its closed-retention days.
pub async fn close_school(db: &Db, school_id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE schools SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
        .bind(school_id)
        .bind(now)
        .execute(&db.writer)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A school's retention periods in days: (leavers, after closing).
pub async fn periods(db: &Db, school_id: i64) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query("SELECT keep_leavers_days, keep_closed_days FROM schools WHERE id = $1")
        .bind(school_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .transpose()
}

/// Sets a school's retention periods in days.
pub async fn set_periods(
    db: &Db,
    school_id: i64,
    leavers: i64,
    closed: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE schools SET keep_leavers_days = $2, keep_closed_days = $3 WHERE id = $1")
        .bind(school_id)
        .bind(leavers)
        .bind(closed)
        .execute(&db.writer)
        .await
        .map(|_| ())
}
