//! Bookings, idempotency keys and the family lock.

use confero_core::rules::FamilyAppointment;
use confero_core::Interval;
use sqlx::any::AnyArguments;
use sqlx::query::QueryScalar;
use sqlx::{Any, AnyConnection, Row as _};

use super::reads::{Arg, Columns};
use super::{Db, Engine};

/// Serialises a family's bookings: bumps the version of every guardian of the
/// student. It is the transaction's first statement, a write, so SQLite takes
/// its write lock at once and PostgreSQL row-locks the family. PostgreSQL
/// locks the guardians in id order: a plain `UPDATE … WHERE id IN (…)` visits
/// them in the heap's order, which moves as rows are updated, so two of a
/// family's transactions could each hold one guardian and wait for the other.
pub async fn lock_family(
    conn: &mut AnyConnection,
    engine: Engine,
    student_id: i64,
) -> Result<(), sqlx::Error> {
    lock_families(conn, engine, &[student_id]).await
}

/// [`lock_family`] for several children at once (a batch booking), in one
/// statement, so the guardians of all of them are locked in one id order.
pub async fn lock_families(
    conn: &mut AnyConnection,
    engine: Engine,
    student_ids: &[i64],
) -> Result<(), sqlx::Error> {
    let in_order = match engine {
        Engine::Postgres => " ORDER BY id FOR NO KEY UPDATE",
        Engine::Sqlite => "",
    };
    let sql = lock_families_sql(student_ids.len(), in_order);
    let mut query = sqlx::query(&sql);
    for student_id in student_ids {
        query = query.bind(*student_id);
    }
    query.execute(conn).await.map(|_| ())
}

/// [`lock_families`]' statement for `n` students (`$1` … `$n`).
pub(super) fn lock_families_sql(n: usize, in_order: &str) -> String {
    let students = (1..=n)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "UPDATE people SET booking_version = booking_version + 1
          WHERE id IN (SELECT id FROM people
                        WHERE id IN (SELECT guardian_id FROM guardianships WHERE student_id IN ({students})){in_order})"
    )
}

/// What the booking rules need from the bookings table, read in one
/// statement inside the booking transaction: the starts of the teacher's
/// taken slots, and the active appointments this evening of the student and
/// of every child sharing a guardian with them (siblings share their
/// guardians' timeline). A household's timeline (a guardian of a child whose
/// guardians live apart) leaves out the other households' appointments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timelines {
    pub taken: Vec<i64>,
    pub family: Vec<FamilyAppointment>,
}

/// Reads the [`Timelines`] for a booking of `student_id` with `teacher_id`
/// for `household` (0: the whole family).
pub async fn timelines(
    conn: &mut AnyConnection,
    evening_id: i64,
    teacher_id: i64,
    student_id: i64,
    household: i64,
) -> Result<Timelines, sqlx::Error> {
    let rows = sqlx::query(TIMELINES_SQL)
        .bind(evening_id)
        .bind(teacher_id)
        .bind(student_id)
        .bind(household)
        .fetch_all(conn)
        .await?;
    let mut out = Timelines::default();
    for row in &rows {
        out.add_row(row, teacher_id)?;
    }
    Ok(out)
}

/// [`timelines`]' statement: `$1` evening, `$2` teacher, `$3` student, `$4`
/// household (0: the whole family).
pub(super) const TIMELINES_SQL: &str =
    "SELECT b.id, b.teacher_id, b.student_id, b.starts_at, b.ends_at, b.room,
            CASE WHEN f.student_id IS NULL OR ($4 <> 0 AND b.household NOT IN (0, $4)) THEN 0 ELSE 1 END AS in_family
       FROM bookings b
       LEFT JOIN (SELECT g2.student_id FROM guardianships g1
                    JOIN guardianships g2 ON g2.guardian_id = g1.guardian_id
                   WHERE g1.student_id = $3
                  UNION SELECT $3) f ON f.student_id = b.student_id
      WHERE b.evening_id = $1 AND b.status <> 'cancelled'
        AND (b.teacher_id = $2 OR f.student_id IS NOT NULL)";

impl Timelines {
    /// Adds one row of [`TIMELINES_SQL`]'s columns, read through sqlx.
    pub(super) fn add_row(
        &mut self,
        row: &sqlx::any::AnyRow,
        teacher_id: i64,
    ) -> Result<(), sqlx::Error> {
        let appointment = FamilyAppointment {
            booking_id: row.try_get("id")?,
            teacher_id: row.try_get("teacher_id")?,
            student_id: row.try_get("student_id")?,
            span: Interval {
                start: row.try_get("starts_at")?,
                end: row.try_get("ends_at")?,
            },
            room: row.try_get("room")?,
        };
        let in_family = row.try_get::<i64, _>("in_family")? == 1;
        self.add(appointment, teacher_id, in_family);
        Ok(())
    }

    /// Adds one row of [`TIMELINES_SQL`].
    pub(super) fn add(&mut self, appointment: FamilyAppointment, teacher_id: i64, in_family: bool) {
        if appointment.teacher_id == teacher_id {
            self.taken.push(appointment.span.start);
        }
        if in_family {
            self.family.push(appointment);
        }
    }
}

/// Whether a one-column id query finds any row.
async fn exists<'q>(
    db: &Db,
    query: QueryScalar<'q, Any, i64, AnyArguments<'q>>,
) -> Result<bool, sqlx::Error> {
    query
        .fetch_optional(&db.pool)
        .await
        .map(|found| found.is_some())
}

/// Whether the slot starting at `start` holds an active booking (a cheap
/// pre-check outside the booking transaction; the transaction decides).
pub async fn is_taken(
    db: &Db,
    evening_id: i64,
    teacher_id: i64,
    start: i64,
) -> Result<bool, sqlx::Error> {
    let query = sqlx::query_scalar(
        "SELECT id FROM bookings WHERE evening_id = $1 AND teacher_id = $2 AND starts_at = $3 AND status <> 'cancelled'",
    );
    exists(db, query.bind(evening_id).bind(teacher_id).bind(start)).await
}

/// A guardian's booking as asked, before anything is decided: what
/// `sessions::find_with_slot` reads about it with the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotAsked {
    pub evening_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
    pub start: i64,
}

/// Whether the teacher teaches the child ([`teaches`]), and whether the
/// slot is taken ([`is_taken`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TeachesAndTaken {
    pub teaches: bool,
    pub taken: bool,
}

/// The columns `teaches` and `taken` (each 0 or 1) for the school given as
/// `school` (a placeholder or a column) and the placeholders of a
/// [`SlotAsked`]'s evening, teacher, student and start.
pub(super) fn teaches_and_taken_columns(
    school: &str,
    [evening, teacher, student, start]: [&str; 4],
) -> String {
    format!(
        "CAST(CASE WHEN EXISTS (SELECT 1 FROM classes c JOIN enrolments e ON e.class_id = c.id
                                 WHERE c.school_id = {school} AND c.teacher_id = {teacher} AND e.student_id = {student})
                   THEN 1 ELSE 0 END AS BIGINT) AS teaches,
         CAST(CASE WHEN EXISTS (SELECT 1 FROM bookings
                                 WHERE evening_id = {evening} AND teacher_id = {teacher} AND starts_at = {start}
                                   AND status <> 'cancelled')
                   THEN 1 ELSE 0 END AS BIGINT) AS taken"
    )
}

/// Decodes [`teaches_and_taken_columns`].
pub(super) fn teaches_and_taken_of(row: &dyn Columns) -> Result<TeachesAndTaken, sqlx::Error> {
    Ok(TeachesAndTaken {
        teaches: row.int("teaches")? == 1,
        taken: row.int("taken")? == 1,
    })
}

/// A teacher's booked appointments this evening that start after `now`.
pub async fn later_with(
    db: &Db,
    evening_id: i64,
    teacher_id: i64,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM bookings WHERE evening_id = $1 AND teacher_id = $2 AND status = 'booked' AND starts_at > $3
          ORDER BY starts_at",
    )
    .bind(evening_id)
    .bind(teacher_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Whether the teacher teaches the student in some class of the school.
pub async fn teaches(
    db: &Db,
    school_id: i64,
    teacher_id: i64,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    let query = sqlx::query_scalar(
        "SELECT c.id FROM classes c JOIN enrolments e ON e.class_id = c.id
          WHERE c.school_id = $1 AND c.teacher_id = $2 AND e.student_id = $3 LIMIT 1",
    );
    exists(db, query.bind(school_id).bind(teacher_id).bind(student_id)).await
}

/// Each pupil a teacher teaches, with the teacher's class they are in
/// ("7Ma Mathematics"; the first by name when in several).
pub async fn classes_of_teacher(
    db: &Db,
    teacher_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query(
        "SELECT e.student_id, MIN(c.name || ' ' || c.subject) AS class
           FROM classes c JOIN enrolments e ON e.class_id = c.id
          WHERE c.teacher_id = $1
          GROUP BY e.student_id",
    )
    .bind(teacher_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| Ok((row.try_get("student_id")?, row.try_get("class")?)))
    .collect()
}

/// The household a booking for `student_id` belongs to: the guardian's own
/// when the school marked the child's guardians as living apart and a
/// guardian books, else 0 (the whole family; staff book for it).
pub async fn household_for(
    conn: &mut AnyConnection,
    student_id: i64,
    guardian: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let Some(guardian) = guardian else {
        return Ok(0);
    };
    let separate: Option<i64> = sqlx::query_scalar(SEPARATE_HOUSEHOLDS_SQL)
        .bind(student_id)
        .bind(guardian)
        .fetch_optional(conn)
        .await?;
    Ok(if separate == Some(1) { guardian } else { 0 })
}

/// [`household_for`]'s statement: `$1` student, `$2` guardian.
pub(super) const SEPARATE_HOUSEHOLDS_SQL: &str = "SELECT s.separate_households FROM students s
       JOIN guardianships g ON g.student_id = s.id AND g.guardian_id = $2
      WHERE s.id = $1";

/// What a guardian sees of the bookings `b`: their children's, of the whole
/// family or of their own household (`$n` binds the guardian).
pub fn guardian_sees(n: u8) -> String {
    format!(
        "b.student_id IN (SELECT student_id FROM guardianships WHERE guardian_id = ${n}) AND b.household IN (0, ${n})"
    )
}

/// Whether the student is in the school.
pub async fn student_in_school(
    db: &Db,
    school_id: i64,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    let query = sqlx::query_scalar("SELECT id FROM students WHERE id = $1 AND school_id = $2");
    exists(db, query.bind(student_id).bind(school_id)).await
}

/// A booking to insert.
#[derive(Debug)]
pub struct NewBooking<'a> {
    pub school_id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
    pub booked_by: i64,
    pub span: Interval,
    pub room: Option<&'a str>,
    /// 0: the whole family's; else the guardian whose household it is
    /// (a child whose guardians live apart, see [`household_for`]).
    pub household: i64,
}

/// Inserts an active booking and returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    booking: &NewBooking<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    insert_as(conn, booking, "booked", "", now)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Holds a time for a family from a teacher's waitlist (status `held`) and
/// returns the hold's id; `None` when the time (or the pair) was taken
/// meanwhile. `ON CONFLICT DO NOTHING` waits for a competing insert to
/// settle, so the transaction goes on either way.
pub async fn insert_hold(
    conn: &mut AnyConnection,
    booking: &NewBooking<'_>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    insert_as(conn, booking, "held", " ON CONFLICT DO NOTHING", now).await
}

async fn insert_as(
    conn: &mut AnyConnection,
    booking: &NewBooking<'_>,
    status: &str,
    on_conflict: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let sql = format!("{INSERT_SQL}{on_conflict} RETURNING id");
    bind_insert(sqlx::query_scalar(&sql), booking, status, now)
        .fetch_optional(conn)
        .await
}

/// Binds [`INSERT_SQL`]'s `$1` … `$11`.
pub(super) fn bind_insert<'q, O>(
    query: QueryScalar<'q, Any, O, AnyArguments<'q>>,
    booking: &NewBooking<'q>,
    status: &'q str,
    now: i64,
) -> QueryScalar<'q, Any, O, AnyArguments<'q>> {
    query
        .bind(booking.school_id)
        .bind(booking.evening_id)
        .bind(booking.teacher_id)
        .bind(booking.student_id)
        .bind(booking.booked_by)
        .bind(booking.span.start)
        .bind(booking.span.end)
        .bind(booking.room)
        .bind(booking.household)
        .bind(status)
        .bind(now)
}

/// [`insert_as`]'s statement, before its conflict clause: `$1` school …
/// `$10` status, `$11` now.
pub(super) const INSERT_SQL: &str =
    "INSERT INTO bookings (school_id, evening_id, teacher_id, student_id, booked_by, starts_at, ends_at, room,
                           household, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";

/// A stored booking with what deciding on it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingRow {
    pub id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub student_id: i64,
    pub span: Interval,
    pub room: Option<String>,
    pub status: String,
    /// 0, or the guardian whose household it is.
    pub household: i64,
}

fn booking_row<R: Columns + ?Sized>(row: &R) -> Result<BookingRow, sqlx::Error> {
    Ok(BookingRow {
        id: row.int("id")?,
        evening_id: row.int("evening_id")?,
        teacher_id: row.int("teacher_id")?,
        student_id: row.int("student_id")?,
        span: Interval {
            start: row.int("starts_at")?,
            end: row.int("ends_at")?,
        },
        room: row.opt_text("room")?,
        status: row.text("status")?,
        household: row.int("household")?,
    })
}

const BOOKING_COLUMNS: &str =
    "id, evening_id, teacher_id, student_id, starts_at, ends_at, room, status, household";

/// A booking of the school, or `None`.
pub async fn find(db: &Db, school_id: i64, id: i64) -> Result<Option<BookingRow>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    find_in(&mut conn, school_id, id).await
}

/// A booking of the school, read on the given connection (inside a booking
/// transaction, after the family lock).
pub async fn find_in(
    conn: &mut AnyConnection,
    school_id: i64,
    id: i64,
) -> Result<Option<BookingRow>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {BOOKING_COLUMNS} FROM bookings WHERE id = $1 AND school_id = $2"
    ))
    .bind(id)
    .bind(school_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(booking_row)
    .transpose()
}

/// Sets (or, with `None`, removes) the private note on a booking.
pub async fn set_note(db: &Db, id: i64, note: Option<&str>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bookings SET staff_note = $1, updated_at = $2 WHERE id = $3")
        .bind(note)
        .bind(now)
        .bind(id)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// Sets a booking's status.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bookings SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(status)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Moves a booking to another time, in place.
pub async fn move_to(
    conn: &mut AnyConnection,
    id: i64,
    span: Interval,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE bookings SET starts_at = $1, ends_at = $2, updated_at = $3 WHERE id = $4")
        .bind(span.start)
        .bind(span.end)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Who holds each active slot of an evening: (teacher, start, booking, student, student name, status).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// 0, or the guardian whose household holds it.
    pub household: i64,
    pub teacher_id: i64,
    pub start: i64,
    pub booking_id: i64,
    pub student_id: i64,
    pub student_name: String,
    pub status: String,
}

/// The active bookings of an evening, for the slot grid.
pub async fn holders(db: &Db, evening_id: i64) -> Result<Vec<Holder>, sqlx::Error> {
    sqlx::query(&format!(
        "{HOLDER_QUERY} WHERE b.evening_id = $1 AND b.status <> 'cancelled'"
    ))
    .bind(evening_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(holder)
    .collect()
}

/// The active bookings (and holds) of a guardian's children at an evening.
pub async fn family_holders(
    db: &Db,
    evening_id: i64,
    guardian_id: i64,
) -> Result<Vec<Holder>, sqlx::Error> {
    db.read_all(
        &format!(
            "{HOLDER_QUERY} WHERE b.evening_id = $1 AND b.status <> 'cancelled'
                AND b.student_id IN (SELECT student_id FROM guardianships WHERE guardian_id = $2)"
        ),
        &[Arg::Int(evening_id), Arg::Int(guardian_id)],
        |row| holder(row),
    )
    .await
}

const HOLDER_QUERY: &str = "SELECT b.teacher_id, b.starts_at, b.id, b.student_id, s.given_name, s.family_name, b.status, b.household
           FROM bookings b JOIN students s ON s.id = b.student_id";

fn holder<R: Columns + ?Sized>(row: &R) -> Result<Holder, sqlx::Error> {
    let given = row.text("given_name")?;
    let family = row.text("family_name")?;
    Ok(Holder {
        household: row.int("household")?,
        teacher_id: row.int("teacher_id")?,
        start: row.int("starts_at")?,
        booking_id: row.int("id")?,
        student_id: row.int("student_id")?,
        student_name: format!("{given} {family}"),
        status: row.text("status")?,
    })
}

/// The students a guardian may book for.
pub async fn children_of(db: &Db, guardian_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    db.read_all(
        "SELECT student_id FROM guardianships WHERE guardian_id = $1",
        &[Arg::Int(guardian_id)],
        |row| row.int("student_id"),
    )
    .await
}

/// A booking with the names and evening details its views show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingDetail {
    pub row: BookingRow,
    pub evening_name: String,
    pub teacher_name: String,
    pub student_name: String,
    pub mode: String,
    pub video_link: Option<String>,
    /// The guardian (or member of staff) who made the booking.
    pub booked_by: i64,
    /// The teacher's private note: for staff views only.
    pub staff_note: Option<String>,
}

const DETAIL_QUERY: &str = "SELECT b.id, b.evening_id, b.teacher_id, b.student_id, b.starts_at, b.ends_at, b.room, b.status, b.household, b.booked_by, b.staff_note,
            e.name AS evening_name, e.mode, e.video_link,
            t.title, t.given_name AS t_given, t.family_name AS t_family,
            s.given_name AS s_given, s.family_name AS s_family
       FROM bookings b
       JOIN evenings e ON e.id = b.evening_id
       JOIN people t ON t.id = b.teacher_id
       JOIN students s ON s.id = b.student_id";

fn detail<R: Columns + ?Sized>(row: &R) -> Result<BookingDetail, sqlx::Error> {
    let title = row.opt_text("title")?;
    let t_given = row.text("t_given")?;
    let t_family = row.text("t_family")?;
    let s_given = row.text("s_given")?;
    let s_family = row.text("s_family")?;
    Ok(BookingDetail {
        row: booking_row(row)?,
        evening_name: row.text("evening_name")?,
        teacher_name: super::people::staff_name(title.as_deref(), &t_given, &t_family),
        student_name: format!("{s_given} {s_family}"),
        mode: row.text("mode")?,
        video_link: row.opt_text("video_link")?,
        booked_by: row.int("booked_by")?,
        staff_note: row.opt_text("staff_note")?,
    })
}

/// One booking with its details, scoped to the school.
pub async fn detail_of(
    db: &Db,
    school_id: i64,
    id: i64,
) -> Result<Option<BookingDetail>, sqlx::Error> {
    db.read_optional(
        &format!("{DETAIL_QUERY} WHERE b.id = $1 AND b.school_id = $2"),
        &[Arg::Int(id), Arg::Int(school_id)],
        |row| detail(row),
    )
    .await
}

/// The booked (not cancelled, not yet marked) appointments of an evening, or
/// of one teacher at it, with their details, in time order; read on the
/// given connection, inside a change to the evening.
pub async fn booked_details_in(
    conn: &mut AnyConnection,
    school_id: i64,
    evening_id: i64,
    teacher_id: Option<i64>,
) -> Result<Vec<BookingDetail>, sqlx::Error> {
    let scope = "WHERE b.school_id = $1 AND b.evening_id = $2 AND b.status = 'booked'";
    let rows = match teacher_id {
        Some(teacher) => {
            sqlx::query(&format!(
                "{DETAIL_QUERY} {scope} AND b.teacher_id = $3 ORDER BY b.starts_at, b.id"
            ))
            .bind(school_id)
            .bind(evening_id)
            .bind(teacher)
            .fetch_all(conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "{DETAIL_QUERY} {scope} ORDER BY b.starts_at, b.id"
            ))
            .bind(school_id)
            .bind(evening_id)
            .fetch_all(conn)
            .await?
        }
    };
    rows.iter().map(detail).collect()
}

/// The active bookings of a guardian's children in one evening, in time order.
pub async fn family_at_evening(
    db: &Db,
    school_id: i64,
    evening_id: i64,
    guardian_id: i64,
) -> Result<Vec<BookingDetail>, sqlx::Error> {
    sqlx::query(&format!(
        "{DETAIL_QUERY} WHERE b.school_id = $1 AND b.evening_id = $2 AND b.status = 'booked'
            AND {}
          ORDER BY b.starts_at, b.id",
        guardian_sees(3)
    ))
    .bind(school_id)
    .bind(evening_id)
    .bind(guardian_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(detail)
    .collect()
}

/// Whose bookings to list.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    /// A guardian's children's.
    Guardian(i64),
    /// A teacher's own.
    Teacher(i64),
    /// Everyone's (admins).
    School,
}

/// Active bookings in the school, optionally of one evening, for a scope, in time order.
pub async fn list_details(
    db: &Db,
    school_id: i64,
    evening_id: Option<i64>,
    scope: Scope,
) -> Result<Vec<BookingDetail>, sqlx::Error> {
    let (scope_sql, person) = match scope {
        Scope::Guardian(id) => (guardian_sees(3), id),
        Scope::Teacher(id) => ("b.teacher_id = $3".to_owned(), id),
        Scope::School => ("$3 = $3".to_owned(), 0),
    };
    sqlx::query(&format!(
        "{DETAIL_QUERY} WHERE b.school_id = $1 AND ($2 = 0 OR b.evening_id = $2) AND b.status NOT IN ('cancelled', 'held')
            AND {scope_sql} ORDER BY b.starts_at, t.family_name, b.id"
    ))
    .bind(school_id)
    .bind(evening_id.unwrap_or(0))
    .bind(person)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(detail)
    .collect()
}

/// The first answer given to an idempotent request, and the fingerprint of
/// that request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// SHA-256 of the request's method, path and body; empty for keys stored
    /// before fingerprints existed.
    pub fingerprint: String,
}

/// The stored answer for a person's idempotency key.
pub async fn idempotent_answer(
    db: &Db,
    person_id: i64,
    key: &str,
) -> Result<Option<Answer>, sqlx::Error> {
    db.read_optional(
        "SELECT status, body, fingerprint FROM idempotency_keys WHERE person_id = $1 AND key = $2",
        &[Arg::Int(person_id), Arg::Text(key)],
        |row| {
            Ok(Answer {
                status: u16::try_from(row.int("status")?).unwrap_or(500),
                body: row.text("body")?,
                fingerprint: row.text("fingerprint")?,
            })
        },
    )
    .await
}

/// Stores the answer to an idempotent request, in the request's own transaction.
pub async fn remember_answer(
    conn: &mut AnyConnection,
    person_id: i64,
    key: &str,
    answer: &Answer,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(REMEMBER_SQL)
        .bind(person_id)
        .bind(key)
        .bind(i64::from(answer.status))
        .bind(&answer.body)
        .bind(&answer.fingerprint)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
}

/// [`remember_answer`]'s statement: `$1` person, `$2` key, `$3` status,
/// `$4` body, `$5` fingerprint, `$6` now.
pub(super) const REMEMBER_SQL: &str =
    "INSERT INTO idempotency_keys (person_id, key, status, body, fingerprint, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)";

/// Deletes idempotency keys stored before `cutoff`: a retry comes within
/// minutes, not days.
pub async fn purge_idempotency_keys(db: &Db, cutoff: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
        .bind(cutoff)
        .execute(&db.writer)
        .await
        .map(|done| done.rows_affected())
}

/// Broken booking rules found in the database: all zero, always.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Violations {
    /// Slots holding more than one active booking (rule 1).
    pub double_booked_slots: i64,
    /// (evening, student, teacher, household) with more than one active booking (rule 2).
    pub duplicate_pairs: i64,
    /// Pairs of a family's active bookings that overlap, or lack the travel
    /// buffer when guardians booked both (rule 3; staff may book closer).
    pub family_overlaps: i64,
    /// Active bookings made by a guardian outside the booking window (rule 5).
    pub outside_window: i64,
}

/// Checks every booking rule across the whole database (benchmarks and crash tests).
pub async fn violations(db: &Db) -> Result<Violations, sqlx::Error> {
    let count = |sql: &'static str| async move {
        let row = sqlx::query(sql).fetch_one(&db.pool).await?;
        row.try_get::<i64, _>("n")
    };
    Ok(Violations {
        double_booked_slots: count(
            "SELECT COUNT(*) AS n FROM (SELECT evening_id FROM bookings WHERE status <> 'cancelled'
              GROUP BY evening_id, teacher_id, starts_at HAVING COUNT(*) > 1) AS x",
        )
        .await?,
        duplicate_pairs: count(
            "SELECT COUNT(*) AS n FROM (SELECT evening_id FROM bookings WHERE status <> 'cancelled'
              GROUP BY evening_id, student_id, teacher_id, household HAVING COUNT(*) > 1) AS x",
        )
        .await?,
        family_overlaps: count(
            "SELECT COUNT(*) AS n FROM (
               SELECT DISTINCT b1.id AS a, b2.id AS b
                 FROM bookings b1
                 JOIN guardianships g1 ON g1.student_id = b1.student_id
                 JOIN guardianships g2 ON g2.guardian_id = g1.guardian_id
                 JOIN bookings b2 ON b2.student_id = g2.student_id AND b2.evening_id = b1.evening_id AND b2.id > b1.id
                 JOIN evenings e ON e.id = b1.evening_id
                WHERE b1.status <> 'cancelled' AND b2.status <> 'cancelled'
                  AND (b1.household = 0 OR b2.household = 0 OR b1.household = b2.household)
                  AND b1.starts_at < b2.ends_at
                        + CASE WHEN COALESCE(b1.room, '') = COALESCE(b2.room, '')
                                 OR EXISTS (SELECT 1 FROM person_roles s WHERE s.person_id IN (b1.booked_by, b2.booked_by) AND s.role IN ('admin', 'teacher'))
                            THEN 0 ELSE e.travel_buffer_secs END
                  AND b2.starts_at < b1.ends_at
                        + CASE WHEN COALESCE(b1.room, '') = COALESCE(b2.room, '')
                                 OR EXISTS (SELECT 1 FROM person_roles s WHERE s.person_id IN (b1.booked_by, b2.booked_by) AND s.role IN ('admin', 'teacher'))
                            THEN 0 ELSE e.travel_buffer_secs END
             ) AS x",
        )
        .await?,
        outside_window: count(
            "SELECT COUNT(*) AS n FROM bookings b
               JOIN evenings e ON e.id = b.evening_id
               JOIN person_roles r ON r.person_id = b.booked_by AND r.role = 'guardian'
              WHERE b.status <> 'cancelled'
                AND (b.created_at < e.booking_opens_at OR b.created_at >= e.booking_closes_at)
                AND NOT EXISTS (SELECT 1 FROM person_roles s WHERE s.person_id = b.booked_by AND s.role IN ('admin', 'teacher'))",
        )
        .await?,
    })
}

/// How many of the given booking ids exist (crash tests: every acknowledged booking must).
pub async fn count_existing(db: &Db, ids: &[i64]) -> Result<usize, sqlx::Error> {
    let mut found = 0;
    for chunk in ids.chunks(500) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM bookings WHERE id IN ({list})"
        ))
        .fetch_one(&db.pool)
        .await?;
        found += usize::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
    }
    Ok(found)
}
