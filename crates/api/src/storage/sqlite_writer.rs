//! SQLite's booking writer: one connection on a thread of its own that runs a
//! booking's whole transaction as one job.
//!
//! sqlx runs each SQLite connection on its own thread, so every statement is
//! a message to that thread and an answer back: two thread wake-ups. A
//! booking's transaction is about ten statements, and under the rush each
//! wake-up waits for a core (`docs/BENCHMARKS.md`: half the API's CPU was the
//! kernel's scheduler, and the one writer, not SQLite, set the pace). Here the
//! transaction runs from `BEGIN IMMEDIATE` to `COMMIT` on one thread without
//! waiting on anything: one hand-off there and one back.
//!
//! The statements are the async path's own ([`super::bookings`],
//! [`super::notices`], [`super::evenings`], [`super::audiences`]), bound by
//! their `$n` names. The caller holds the sqlx writer pool's only connection
//! while a job runs, so the process still writes one transaction at a time.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::mpsc;

use confero_core::rules::FamilyAppointment;
use confero_core::Interval;
use rusqlite::{Connection, ErrorCode, OptionalExtension as _, ToSql, TransactionBehavior};

use super::bookings::{self, Answer, NewBooking, Timelines};
use super::{audiences, evenings, notices};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

enum Message {
    Job(Job),
    /// Closes the connection (letting SQLite checkpoint its WAL) and ends the thread.
    Close,
}

/// The writer thread's queue of jobs.
pub struct SqliteWriter {
    jobs: mpsc::Sender<Message>,
}

impl std::fmt::Debug for SqliteWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteWriter")
    }
}

impl SqliteWriter {
    /// Opens the database file (already migrated) on a new thread.
    pub fn open(path: &Path) -> anyhow::Result<SqliteWriter> {
        let conn = Connection::open(path)?;
        // As the sqlx connections (`storage::pool_options`): the same
        // durability, and a wait instead of an error should another process
        // (an import from the command line) hold the lock.
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let (jobs, queue) = mpsc::channel::<Message>();
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let mut conn = conn;
                while let Ok(Message::Job(job)) = queue.recv() {
                    // A job that panicked is dropped (its caller hears
                    // nothing and fails); the connection is left usable.
                    if std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut conn))).is_err() {
                        let _ = conn.execute_batch("ROLLBACK");
                    }
                }
            })?;
        Ok(SqliteWriter { jobs })
    }

    /// Runs `job` on the writer thread; `None` if the thread is gone or the job panicked.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> Option<T> {
        let (done, answer) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Message::Job(Box::new(move |conn| {
                let _ = done.send(job(conn));
            })))
            .ok()?;
        answer.await.ok()
    }

    /// Ends the thread once the jobs before this are done.
    pub fn close(&self) {
        let _ = self.jobs.send(Message::Close);
    }
}

/// The booking transaction's statements, on the writer thread.
pub struct BookingTx<'c> {
    tx: rusqlite::Transaction<'c>,
}

type Params<'a> = [(&'a str, &'a dyn ToSql)];

impl<'c> BookingTx<'c> {
    /// `BEGIN IMMEDIATE`: the write lock from the first statement. Dropped
    /// without [`BookingTx::commit`], it rolls back.
    pub fn begin(conn: &'c mut Connection) -> rusqlite::Result<BookingTx<'c>> {
        Ok(BookingTx {
            tx: conn.transaction_with_behavior(TransactionBehavior::Immediate)?,
        })
    }

    fn execute(&self, sql: &str, params: &Params<'_>) -> rusqlite::Result<usize> {
        self.tx.prepare_cached(sql)?.execute(params)
    }

    fn scalar(&self, sql: &str, params: &Params<'_>) -> rusqlite::Result<Option<i64>> {
        self.tx
            .prepare_cached(sql)?
            .query_row(params, |row| row.get(0))
            .optional()
    }

    /// [`bookings::lock_family`].
    pub fn lock_family(&self, student_id: i64) -> rusqlite::Result<()> {
        let sql = bookings::lock_families_sql(1, "");
        self.execute(&sql, &[("$1", &student_id)]).map(|_| ())
    }

    /// [`evenings::version_for_booking`].
    pub fn evening_version(
        &self,
        school_id: i64,
        evening_id: i64,
    ) -> rusqlite::Result<Option<i64>> {
        self.scalar(
            evenings::VERSION_SQL,
            &[("$1", &evening_id), ("$2", &school_id)],
        )
    }

    /// [`audiences::student_invited`].
    pub fn student_invited(&self, evening_id: i64, student_id: i64) -> rusqlite::Result<bool> {
        let sql = audiences::student_invited_sql();
        self.scalar(&sql, &[("$1", &evening_id), ("$2", &student_id)])
            .map(|found| found.is_some())
    }

    /// [`bookings::household_for`].
    pub fn household_for(&self, student_id: i64, guardian: Option<i64>) -> rusqlite::Result<i64> {
        let Some(guardian) = guardian else {
            return Ok(0);
        };
        let separate = self.scalar(
            bookings::SEPARATE_HOUSEHOLDS_SQL,
            &[("$1", &student_id), ("$2", &guardian)],
        )?;
        Ok(if separate == Some(1) { guardian } else { 0 })
    }

    /// [`bookings::timelines`].
    pub fn timelines(
        &self,
        evening_id: i64,
        teacher_id: i64,
        student_id: i64,
        household: i64,
    ) -> rusqlite::Result<Timelines> {
        let mut statement = self.tx.prepare_cached(bookings::TIMELINES_SQL)?;
        let mut rows = statement.query(&[
            ("$1", &evening_id as &dyn ToSql),
            ("$2", &teacher_id),
            ("$3", &student_id),
            ("$4", &household),
        ])?;
        let mut out = Timelines::default();
        while let Some(row) = rows.next()? {
            let appointment = FamilyAppointment {
                booking_id: row.get("id")?,
                teacher_id: row.get("teacher_id")?,
                student_id: row.get("student_id")?,
                span: Interval {
                    start: row.get("starts_at")?,
                    end: row.get("ends_at")?,
                },
                room: row.get("room")?,
            };
            out.add(
                appointment,
                teacher_id,
                row.get::<_, i64>("in_family")? == 1,
            );
        }
        Ok(out)
    }

    /// [`bookings::insert`]: the new booking's id.
    pub fn insert_booking(&self, booking: &NewBooking<'_>, now: i64) -> rusqlite::Result<i64> {
        let sql = format!("{} RETURNING id", bookings::INSERT_SQL);
        self.tx.prepare_cached(&sql)?.query_row(
            &[
                ("$1", &booking.school_id as &dyn ToSql),
                ("$2", &booking.evening_id),
                ("$3", &booking.teacher_id),
                ("$4", &booking.student_id),
                ("$5", &booking.booked_by),
                ("$6", &booking.span.start),
                ("$7", &booking.span.end),
                ("$8", &booking.room),
                ("$9", &booking.household),
                ("$10", &"booked"),
                ("$11", &now),
            ],
            |row| row.get(0),
        )
    }

    /// [`notices::insert`], without a dedupe key.
    pub fn insert_notice(
        &self,
        school_id: i64,
        kind: &str,
        booking_id: i64,
        details: &str,
        now: i64,
    ) -> rusqlite::Result<()> {
        self.execute(
            notices::INSERT_SQL,
            &[
                ("$1", &school_id),
                ("$2", &kind),
                ("$3", &booking_id),
                ("$4", &details),
                ("$5", &None::<String>),
                ("$6", &now),
            ],
        )
        .map(|_| ())
    }

    /// [`bookings::remember_answer`].
    pub fn remember_answer(
        &self,
        person_id: i64,
        key: &str,
        answer: &Answer,
        now: i64,
    ) -> rusqlite::Result<()> {
        self.execute(
            bookings::REMEMBER_SQL,
            &[
                ("$1", &person_id),
                ("$2", &key),
                ("$3", &i64::from(answer.status)),
                ("$4", &answer.body),
                ("$5", &answer.fingerprint),
                ("$6", &now),
            ],
        )
        .map(|_| ())
    }

    pub fn commit(self) -> rusqlite::Result<()> {
        self.tx.commit()
    }
}

/// The message of a unique-index violation (the rule it enforces is in it).
pub fn unique_violation(error: &rusqlite::Error) -> Option<&str> {
    match error {
        rusqlite::Error::SqliteFailure(failure, message)
            if failure.code == ErrorCode::ConstraintViolation
                && failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            Some(message.as_deref().unwrap_or_default())
        }
        _ => None,
    }
}

/// Any other failure, as the sqlx error the rest of the API reports. An
/// SQLite failure keeps its (extended) code, as sqlx's own SQLite errors do,
/// so a busy database is still retried (`storage::is_transient`) and
/// answered 503, and a constraint is still a constraint.
pub fn database_error(error: rusqlite::Error) -> sqlx::Error {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            sqlx::Error::Database(Box::new(WriterError {
                code: failure.extended_code,
                message: message.unwrap_or_else(|| failure.to_string()),
            }))
        }
        other => sqlx::Error::Protocol(format!("the SQLite writer: {other}")),
    }
}

/// An SQLite failure on the writer thread.
#[derive(Debug)]
struct WriterError {
    /// The extended result code.
    code: i32,
    message: String,
}

impl std::fmt::Display for WriterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (SQLite code {})", self.message, self.code)
    }
}

impl std::error::Error for WriterError {}

impl sqlx::error::DatabaseError for WriterError {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(self.code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
                sqlx::error::ErrorKind::UniqueViolation
            }
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => sqlx::error::ErrorKind::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => sqlx::error::ErrorKind::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => sqlx::error::ErrorKind::CheckViolation,
            _ => sqlx::error::ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_database_stays_transient_and_a_unique_index_a_violation() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        assert!(super::super::is_transient(&database_error(busy)));
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k INTEGER UNIQUE); INSERT INTO t VALUES (1);")
            .unwrap();
        let duplicate = conn.execute("INSERT INTO t VALUES (1)", []).unwrap_err();
        assert!(unique_violation(&duplicate).is_some_and(|m| m.contains("t.k")));
        let sqlx::Error::Database(error) = database_error(duplicate) else {
            panic!("a database error");
        };
        assert!(error.is_unique_violation());
    }
}
