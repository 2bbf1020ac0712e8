//! The waitlist: each child's place in a teacher's line for an evening, and
//! the time held for them (a booking row with status `held`, see
//! `migrations/*/0007_waitlist.sql`).

use confero_core::Interval;
use sqlx::{AnyConnection, Row as _};

use super::Db;

/// A place in a line to insert.
#[derive(Clone, Copy, Debug)]
pub struct NewEntry {
    pub school_id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
    pub guardian_id: i64,
    pub household: i64,
    pub window: Interval,
}

/// A stored place in a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryRow {
    pub id: i64,
    pub school_id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
    pub guardian_id: i64,
    /// 0, or the guardian whose household's place it is.
    pub household: i64,
    pub window: Interval,
    pub status: String,
    pub booking_id: Option<i64>,
    pub offer_expires_at: Option<i64>,
}

const COLUMNS: &str = "id, school_id, evening_id, teacher_id, student_id, guardian_id, household, window_from, window_until,
                       status, booking_id, offer_expires_at";

fn entry_row(row: &sqlx::any::AnyRow) -> Result<EntryRow, sqlx::Error> {
    Ok(EntryRow {
        id: row.try_get("id")?,
        school_id: row.try_get("school_id")?,
        evening_id: row.try_get("evening_id")?,
        teacher_id: row.try_get("teacher_id")?,
        student_id: row.try_get("student_id")?,
        guardian_id: row.try_get("guardian_id")?,
        household: row.try_get("household")?,
        window: Interval {
            start: row.try_get("window_from")?,
            end: row.try_get("window_until")?,
        },
        status: row.try_get("status")?,
        booking_id: row.try_get("booking_id")?,
        offer_expires_at: row.try_get("offer_expires_at")?,
    })
}

/// Puts a child in a teacher's line; `None` when the child already has an
/// open place in it (the unique index decides, so two taps make one place).
pub async fn insert(
    conn: &mut AnyConnection,
    entry: &NewEntry,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO waitlist (school_id, evening_id, teacher_id, student_id, guardian_id, household, window_from,
                               window_until, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $9, $6, $7, 'waiting', $8, $8)
         ON CONFLICT (evening_id, student_id, teacher_id, household) WHERE status IN ('waiting', 'offered') DO NOTHING
         RETURNING id",
    )
    .bind(entry.school_id)
    .bind(entry.evening_id)
    .bind(entry.teacher_id)
    .bind(entry.student_id)
    .bind(entry.guardian_id)
    .bind(entry.window.start)
    .bind(entry.window.end)
    .bind(now)
    .bind(entry.household)
    .fetch_optional(conn)
    .await
}

/// The child's (household's) open place in the teacher's line for the evening, if any.
pub async fn open_for(
    conn: &mut AnyConnection,
    evening_id: i64,
    teacher_id: i64,
    student_id: i64,
    household: i64,
) -> Result<Option<EntryRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM waitlist
          WHERE evening_id = $1 AND teacher_id = $2 AND student_id = $3 AND household = $4
            AND status IN ('waiting', 'offered')"
    ))
    .bind(evening_id)
    .bind(teacher_id)
    .bind(student_id)
    .bind(household)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(entry_row)
    .transpose()
}

/// A place in a line of the school, or `None`.
pub async fn find_in(
    conn: &mut AnyConnection,
    school_id: i64,
    id: i64,
) -> Result<Option<EntryRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM waitlist WHERE id = $1 AND school_id = $2"
    ))
    .bind(id)
    .bind(school_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(entry_row)
    .transpose()
}

/// The families waiting for a teacher this evening, first in line first.
pub async fn line(
    conn: &mut AnyConnection,
    evening_id: i64,
    teacher_id: i64,
) -> Result<Vec<EntryRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {COLUMNS} FROM waitlist
          WHERE evening_id = $1 AND teacher_id = $2 AND status = 'waiting' ORDER BY id"
    ))
    .bind(evening_id)
    .bind(teacher_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(entry_row)
    .collect()
}

/// The teachers of an evening with families waiting for them.
pub async fn teachers_waited_for(db: &Db, evening_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT teacher_id FROM waitlist WHERE evening_id = $1 AND status = 'waiting' ORDER BY teacher_id",
    )
    .bind(evening_id)
    .fetch_all(&db.pool)
    .await
}

/// The evenings of a school with families waiting in a line.
pub async fn evenings_waited_in(db: &Db, school_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT evening_id FROM waitlist WHERE school_id = $1 AND status = 'waiting' ORDER BY evening_id",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await
}

/// Records the time held for a waiting family.
pub async fn set_offered(
    conn: &mut AnyConnection,
    id: i64,
    booking_id: i64,
    expires_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE waitlist SET status = 'offered', booking_id = $1, offer_expires_at = $2, updated_at = $3
          WHERE id = $4 AND status = 'waiting'",
    )
    .bind(booking_id)
    .bind(expires_at)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Ends an open place in a line (`booked`, `declined`, `expired`, `left`);
/// false when it was not open any more (another request ended it first).
pub async fn close(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE waitlist SET status = $1, offer_expires_at = NULL, updated_at = $2
          WHERE id = $3 AND status IN ('waiting', 'offered')",
    )
    .bind(status)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns a held booking into the family's appointment, booked by `by`;
/// false when it was no longer held.
pub async fn confirm_hold(
    conn: &mut AnyConnection,
    booking_id: i64,
    by: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE bookings SET status = 'booked', booked_by = $1, created_at = $2, updated_at = $2
          WHERE id = $3 AND status = 'held'",
    )
    .bind(by)
    .bind(now)
    .bind(booking_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives a held time back (the offer was declined or ran out).
pub async fn release_hold(
    conn: &mut AnyConnection,
    booking_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE bookings SET status = 'cancelled', updated_at = $1 WHERE id = $2 AND status = 'held'",
    )
    .bind(now)
    .bind(booking_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Offers that ran out by `now`: (school, entry).
pub async fn offers_due(db: &Db, now: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query(
        "SELECT school_id, id FROM waitlist
          WHERE status = 'offered' AND offer_expires_at <= $1 ORDER BY offer_expires_at, id LIMIT 200",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| Ok((row.try_get("school_id")?, row.try_get("id")?)))
    .collect()
}

/// A place in a line with the names and the held time its family sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryDetail {
    pub row: EntryRow,
    pub teacher_name: String,
    pub student_name: String,
    /// Waiting places ahead in the same line.
    pub ahead: i64,
    /// The held time: its span and room.
    pub held: Option<(Interval, Option<String>)>,
}

/// The open places of a guardian's children in the lines of an evening.
pub async fn of_family(
    db: &Db,
    school_id: i64,
    evening_id: i64,
    guardian_id: i64,
) -> Result<Vec<EntryDetail>, sqlx::Error> {
    sqlx::query(
        "SELECT w.id, w.school_id, w.evening_id, w.teacher_id, w.student_id, w.guardian_id, w.household, w.window_from,
                w.window_until, w.status, w.booking_id, w.offer_expires_at,
                t.title, t.given_name AS t_given, t.family_name AS t_family, s.given_name, s.family_name,
                (SELECT COUNT(*) FROM waitlist a
                  WHERE a.evening_id = w.evening_id AND a.teacher_id = w.teacher_id
                    AND a.status = 'waiting' AND a.id < w.id) AS ahead,
                b.starts_at, b.ends_at, b.room
           FROM waitlist w
           JOIN guardianships g ON g.student_id = w.student_id AND g.guardian_id = $3
           JOIN people t ON t.id = w.teacher_id
           JOIN students s ON s.id = w.student_id
           LEFT JOIN bookings b ON b.id = w.booking_id AND b.status = 'held'
          WHERE w.school_id = $1 AND w.evening_id = $2 AND w.status IN ('waiting', 'offered')
            AND w.household IN (0, $3)
          ORDER BY w.id",
    )
    .bind(school_id)
    .bind(evening_id)
    .bind(guardian_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| {
        let given: String = row.try_get("given_name")?;
        let family: String = row.try_get("family_name")?;
        let start: Option<i64> = row.try_get("starts_at")?;
        let end: Option<i64> = row.try_get("ends_at")?;
        let held = match (start, end) {
            (Some(start), Some(end)) => Some((Interval { start, end }, row.try_get("room")?)),
            _ => None,
        };
        Ok(EntryDetail {
            row: entry_row(row)?,
            teacher_name: super::people::staff_name(
                row.try_get::<Option<String>, _>("title")?.as_deref(),
                &row.try_get::<String, _>("t_given")?,
                &row.try_get::<String, _>("t_family")?,
            ),
            student_name: format!("{given} {family}"),
            ahead: row.try_get("ahead")?,
            held,
        })
    })
    .collect()
}
