//! The booking transaction's reads and writes after the family lock, each
//! one statement: on PostgreSQL, where every statement is a round trip to
//! the server and a few dozen microseconds of its CPU, a booking is five
//! statements — `BEGIN`, the family lock, [`read`], [`write`], `COMMIT` —
//! instead of ten or eleven. SQLite's writer thread has its own copies of
//! these steps (`sqlite_writer.rs`), where a statement costs microseconds.
//!
//! The lock stays a statement of its own: a statement reads from a snapshot
//! taken when it starts, so the reads must start after the lock is held to
//! see what the family's previous booking wrote.

use std::sync::LazyLock;

use sqlx::{AnyConnection, Row as _};

use super::audiences::invited;
use super::bookings::{bind_insert, NewBooking, Timelines, INSERT_SQL};
use super::Engine;

/// Whose booking [`read`] reads for.
#[derive(Clone, Copy, Debug)]
pub struct ReadFor {
    pub school_id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
    /// The guardian booking for their own child; `None` when staff book.
    pub guardian: Option<i64>,
    /// Whether the evening (as the caller knows it) is for some year groups
    /// or classes only: then whether it is for the student is read too.
    pub restricted: bool,
}

/// The evening and the family as they stand inside the transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsItStands {
    /// The evening's version (share-locked on PostgreSQL); `None`: no such
    /// evening in the school.
    pub version: Option<i64>,
    /// Whether the evening is for the student (true when not restricted).
    pub invited: bool,
    /// The household the booking is for: the guardian's own when the
    /// child's guardians live apart, else 0 (see `bookings::household_for`).
    pub household: i64,
    pub timelines: Timelines,
}

/// Reads, in one statement, the evening's version, whether the evening is
/// for the student, the booking's household and the [`Timelines`]: what
/// `evenings::version_for_booking`, `audiences::student_invited`,
/// `bookings::household_for` and `bookings::timelines` read one by one.
pub async fn read(
    conn: &mut AnyConnection,
    engine: Engine,
    of: ReadFor,
) -> Result<AsItStands, sqlx::Error> {
    let rows = sqlx::query(&read_sql(engine, of.restricted))
        .bind(of.evening_id)
        .bind(of.school_id)
        .bind(of.teacher_id)
        .bind(of.student_id)
        .bind(of.guardian.unwrap_or(0))
        .fetch_all(conn)
        .await?;
    let mut out = AsItStands {
        version: None,
        invited: false,
        household: 0,
        timelines: Timelines::default(),
    };
    for (n, row) in rows.iter().enumerate() {
        if n == 0 {
            out.version = row.try_get("version")?;
            out.invited = row.try_get::<i64, _>("invited")? == 1;
            out.household = row.try_get("household")?;
        }
        // No bookings: the one row's booking columns are null.
        if row.try_get::<Option<i64>, _>("id")?.is_some() {
            out.timelines.add_row(row, of.teacher_id)?;
        }
    }
    Ok(out)
}

/// [`read`]'s statement: `$1` evening, `$2` school, `$3` teacher, `$4`
/// student, `$5` guardian (0: none). One row of the evening's version,
/// invitation and household, joined with every booking of the timelines
/// (`bookings::TIMELINES_SQL`'s rows; none: one row of nulls): the family's
/// bookings and the teacher's others, each found through its index rather
/// than by reading the whole evening's bookings.
pub(super) fn read_sql(engine: Engine, restricted: bool) -> String {
    let lock = match engine {
        Engine::Postgres => " FOR SHARE",
        Engine::Sqlite => "",
    };
    let invited = if restricted {
        format!("CASE WHEN {} THEN 1 ELSE 0 END", invited("$1", "$4"))
    } else {
        "1".to_owned()
    };
    format!(
        "WITH h AS (
           SELECT (SELECT version FROM evenings WHERE id = $1 AND school_id = $2{lock}) AS version,
                  {invited} AS invited,
                  CASE WHEN (SELECT s.separate_households FROM students s
                               JOIN guardianships g ON g.student_id = s.id AND g.guardian_id = $5
                              WHERE s.id = $4) = 1 THEN $5 ELSE 0 END AS household),
         f AS (SELECT g2.student_id FROM guardianships g1
                 JOIN guardianships g2 ON g2.guardian_id = g1.guardian_id
                WHERE g1.student_id = $4
               UNION SELECT $4),
         t AS (SELECT b.id, b.teacher_id, b.student_id, b.starts_at, b.ends_at, b.room, b.household,
                      1 AS family
                 FROM f JOIN bookings b ON b.evening_id = $1 AND b.student_id = f.student_id
                WHERE b.status <> 'cancelled'
               UNION ALL
               SELECT b.id, b.teacher_id, b.student_id, b.starts_at, b.ends_at, b.room, b.household, 0
                 FROM bookings b
                WHERE b.evening_id = $1 AND b.teacher_id = $3 AND b.status <> 'cancelled'
                  AND b.student_id NOT IN (SELECT student_id FROM f))
         SELECT h.version, h.invited, h.household,
                t.id, t.teacher_id, t.student_id, t.starts_at, t.ends_at, t.room,
                CASE WHEN t.family = 0
                       OR (h.household <> 0 AND t.household NOT IN (0, h.household))
                     THEN 0 ELSE 1 END AS in_family
           FROM h LEFT JOIN t ON 1 = 1"
    )
}

/// What [`write`] writes besides the booking.
#[derive(Clone, Copy, Debug)]
pub struct Written<'a> {
    /// The notice that tells the family: its kind and details (JSON).
    pub notice: (&'a str, &'a str),
    /// The idempotency key and fingerprint to store the answer under, if sent.
    pub remember: Option<(&'a str, &'a str)>,
    /// The answer's status (its body is the booking's id).
    pub status: u16,
    /// On PostgreSQL: the `NOTIFY` channel and payload telling other
    /// processes, delivered only if the transaction commits.
    pub notify: Option<(&'a str, &'a str)>,
}

/// Inserts a decided booking with its notice, its idempotent answer and (on
/// PostgreSQL) its `NOTIFY`, and returns its id: one statement on
/// PostgreSQL, three on SQLite (which has no `INSERT` in `WITH` and no
/// `NOTIFY`). A unique-index violation fails the whole statement, as the
/// booking's own insert would.
pub async fn write(
    conn: &mut AnyConnection,
    engine: Engine,
    booking: &NewBooking<'_>,
    with: Written<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (kind, details) = with.notice;
    if engine == Engine::Sqlite {
        let id = super::bookings::insert(conn, booking, now).await?;
        super::notices::insert(conn, booking.school_id, kind, Some(id), details, None, now).await?;
        if let Some((key, fingerprint)) = with.remember {
            let answer = super::bookings::Answer {
                status: with.status,
                body: id.to_string(),
                fingerprint: fingerprint.to_owned(),
            };
            super::bookings::remember_answer(conn, booking.booked_by, key, &answer, now).await?;
        }
        return Ok(id);
    }
    let (channel, payload) = with.notify.unzip();
    let (key, fingerprint) = with.remember.unzip();
    bind_insert(
        sqlx::query_scalar(&WRITE_POSTGRES_SQL),
        booking,
        "booked",
        now,
    )
    .bind(kind)
    .bind(details)
    .bind(key)
    .bind(fingerprint)
    .bind(i64::from(with.status))
    .bind(channel)
    .bind(payload)
    .fetch_one(conn)
    .await
}

/// [`write`]'s statement on PostgreSQL: `$1` … `$11` as
/// `bookings::INSERT_SQL`; `$12` the notice's kind, `$13` its details; `$14`
/// the idempotency key (null: none), `$15` its fingerprint, `$16` the
/// answer's status; `$17` the `NOTIFY` channel (null: none), `$18` its payload.
static WRITE_POSTGRES_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH b AS ({INSERT_SQL} RETURNING id),
              n AS (INSERT INTO notices (school_id, kind, booking_id, details, dedupe_key, created_at)
                    SELECT $1, $12, id, $13, NULL, $11 FROM b),
              r AS (INSERT INTO idempotency_keys (person_id, key, status, body, fingerprint, created_at)
                    SELECT $5, $14, $16, CAST(id AS TEXT), $15, $11 FROM b WHERE $14 IS NOT NULL)
         SELECT id FROM b
          WHERE CASE WHEN $17 IS NULL THEN TRUE ELSE pg_notify($17, $18) IS NOT NULL END"
    )
});
