//! Notices: what happened that people must be told of, written in the
//! transaction that made it happen. The mail worker expands each into
//! messages in the outbox.

use sqlx::{AnyConnection, Row as _};

use super::Db;

/// What a notice is about.
pub mod kind {
    pub const BOOKING_MADE: &str = "booking_made";
    pub const BOOKING_MOVED: &str = "booking_moved";
    pub const BOOKING_CANCELLED: &str = "booking_cancelled";
    pub const REMINDER: &str = "reminder";
    /// A teacher running late, told to a family with a later appointment.
    pub const RUNNING_LATE: &str = "running_late";
    /// A time held for a family from a teacher's waitlist.
    pub const WAITLIST_OFFER: &str = "waitlist_offer";
    /// The office reminding a family with no appointment yet to book.
    pub const BOOKING_NUDGE: &str = "booking_nudge";
}

/// A notice waiting to be expanded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: i64,
    pub school_id: i64,
    pub kind: String,
    pub booking_id: Option<i64>,
    /// JSON with what the message needs beyond the booking (an old time, who acted).
    pub details: String,
}

/// Records a notice; with a dedupe key, a second notice with the same key is
/// not recorded (returns false).
pub async fn insert(
    conn: &mut AnyConnection,
    school_id: i64,
    kind: &str,
    booking_id: Option<i64>,
    details: &str,
    dedupe_key: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(INSERT_SQL)
        .bind(school_id)
        .bind(kind)
        .bind(booking_id)
        .bind(details)
        .bind(dedupe_key)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// [`insert`]'s statement: `$1` school, `$2` kind, `$3` booking, `$4`
/// details, `$5` dedupe key, `$6` now.
pub(super) const INSERT_SQL: &str =
    "INSERT INTO notices (school_id, kind, booking_id, details, dedupe_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING";

/// Notices not yet expanded, oldest first.
pub async fn pending(db: &Db, limit: i64) -> Result<Vec<Notice>, sqlx::Error> {
    sqlx::query(
        "SELECT id, school_id, kind, booking_id, details FROM notices
          WHERE expanded_at IS NULL ORDER BY id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(Notice {
            id: row.try_get("id")?,
            school_id: row.try_get("school_id")?,
            kind: row.try_get("kind")?,
            booking_id: row.try_get("booking_id")?,
            details: row.try_get("details")?,
        })
    })
    .collect()
}

/// Marks notices expanded, in the transaction that queued their messages.
pub async fn mark_expanded(
    conn: &mut AnyConnection,
    ids: &[i64],
    now: i64,
) -> Result<(), sqlx::Error> {
    if ids.is_empty() {
        return Ok(());
    }
    let list = (2..ids.len() + 2)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("UPDATE notices SET expanded_at = $1 WHERE id IN ({list})");
    let mut query = sqlx::query(&sql).bind(now);
    for id in ids {
        query = query.bind(*id);
    }
    query.execute(conn).await.map(|_| ())
}

/// Families with active appointments in a published evening that starts
/// within each school's reminder time and have not been reminded: one
/// (school, evening, guardian) each.
pub async fn due_reminders(db: &Db, now: i64) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query(
        "SELECT DISTINCT b.school_id, b.evening_id, g.guardian_id
           FROM bookings b
           JOIN evenings e ON e.id = b.evening_id AND e.status = 'published'
           JOIN schools s ON s.id = b.school_id
           JOIN guardianships g ON g.student_id = b.student_id
          WHERE b.status = 'booked' AND b.starts_at > $1
            AND b.starts_at <= $1 + s.reminder_hours * 3600
            AND NOT EXISTS (SELECT 1 FROM notices n
                             WHERE n.dedupe_key = 'reminder:' || b.evening_id || ':' || g.guardian_id)",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok((
            row.try_get("school_id")?,
            row.try_get("evening_id")?,
            row.try_get("guardian_id")?,
        ))
    })
    .collect()
}
