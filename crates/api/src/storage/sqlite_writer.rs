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
//! their `$n` names.
//!
//! Jobs queue ([`SqliteWriter::submit`]) and run in order, in batches: a task
//! takes the sqlx writer pool's only connection and hands every job queued by
//! then to the thread as one message. The thread runs the batch as one
//! transaction (`BEGIN IMMEDIATE` … `COMMIT`), each job inside a savepoint of
//! its own, so a job that fails or is refused leaves nothing behind, and the
//! jobs after it see what the ones before it wrote. Only after the `COMMIT`
//! does any job answer (and announce what it wrote): an answer is never given
//! for a write that could still be lost, and if the `COMMIT` fails every job
//! of the batch answers with that failure. The process still writes one
//! transaction at a time; a rush of bookings costs one hand-off and one
//! commit per batch, not a chain of wake-ups and a commit for each booking.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex, PoisonError};

use confero_core::rules::FamilyAppointment;
use confero_core::Interval;
use rusqlite::{Connection, ErrorCode, OptionalExtension as _, ToSql};
use sqlx::AnyPool;
use tokio::sync::{oneshot, Notify};

use super::bookings::{self, Answer, NewBooking, Timelines};
use super::{audiences, evenings, notices};

type Job = Box<dyn FnOnce(&mut Connection) -> Box<dyn FnOnce(Committed<'_>) + Send> + Send>;

/// How a batch's transaction ended: `Err` if its `COMMIT` failed (nothing of
/// the batch was written).
pub type Committed<'a> = Result<(), &'a rusqlite::Error>;

/// What a job leaves to do once its batch's transaction has ended: its answer.
pub type Then<T> = Box<dyn FnOnce(Committed<'_>) -> T + Send>;

enum Message {
    /// Jobs to run as one transaction, then what to do when they are done.
    Batch(Vec<Job>, Box<dyn FnOnce() + Send>),
    /// Closes the connection (letting SQLite checkpoint its WAL) and ends the thread.
    Close,
}

/// The writer thread, and the jobs waiting for it.
pub struct SqliteWriter {
    jobs: mpsc::Sender<Message>,
    queued: Arc<Queue>,
}

/// Jobs submitted and not yet handed to the thread.
#[derive(Default)]
struct Queue {
    jobs: Mutex<Vec<Job>>,
    /// Told of every submitted job.
    wake: Notify,
    /// Set when nothing will run the jobs any more (the pool closed).
    closed: AtomicBool,
}

impl Queue {
    fn take(&self) -> Vec<Job> {
        std::mem::take(&mut *self.jobs.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// No job will run any more: the waiting ones, and any submitted from
    /// now, are dropped, so their callers hear "no answer" instead of waiting.
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        drop(self.take());
    }
}

impl std::fmt::Debug for SqliteWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteWriter")
    }
}

impl SqliteWriter {
    /// Opens the database file (already migrated) on a new thread; jobs run
    /// while holding `pool`'s connection (the pool of one that every other
    /// write of the process uses). Needs a Tokio runtime.
    pub fn open(path: &Path, pool: AnyPool) -> anyhow::Result<SqliteWriter> {
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
                while let Ok(Message::Batch(batch, done)) = queue.recv() {
                    run_batch(&mut conn, batch);
                    done();
                }
            })?;
        let queued = Arc::new(Queue::default());
        tokio::spawn(hand_over(queued.clone(), jobs.clone(), pool));
        Ok(SqliteWriter { jobs, queued })
    }

    /// Runs `job` on the writer thread, after the jobs submitted before it,
    /// inside a savepoint of its batch's transaction (see the module's
    /// comment); its [`Then`] gives the answer once that transaction has
    /// ended. `None` if the thread is gone, the pool is closed or the job
    /// panicked. The job runs even if the caller stops waiting.
    pub async fn submit<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> Then<T> + Send + 'static,
    ) -> Option<T> {
        let (done, answer) = oneshot::channel();
        self.queued
            .jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Box::new(move |conn| {
                let then = job(conn);
                Box::new(move |committed| {
                    let _ = done.send(then(committed));
                })
            }));
        if self.queued.closed.load(Ordering::SeqCst) {
            drop(self.queued.take());
        }
        self.queued.wake.notify_one();
        answer.await.ok()
    }

    /// Ends the thread once the jobs before this are done.
    pub fn close(&self) {
        let _ = self.jobs.send(Message::Close);
    }
}

/// Hands the queued jobs to the thread in batches, each while holding the
/// pool's connection. Ends with the pool or the thread.
async fn hand_over(queued: Arc<Queue>, thread: mpsc::Sender<Message>, pool: AnyPool) {
    loop {
        queued.wake.notified().await;
        loop {
            let Ok(held) = pool.acquire().await else {
                queued.close();
                return;
            };
            let batch = queued.take();
            if batch.is_empty() {
                break;
            }
            let (done, finished) = oneshot::channel::<()>();
            let runtime = tokio::runtime::Handle::current();
            let sent = thread.send(Message::Batch(
                batch,
                Box::new(move || {
                    // The pool needs the runtime to take its connection back.
                    let _runtime = runtime.enter();
                    drop(held);
                    let _ = done.send(());
                }),
            ));
            if sent.is_err() {
                queued.close();
                return;
            }
            let _ = finished.await;
        }
    }
}

/// Runs a batch as one transaction, each job in a savepoint, then gives every
/// job that returned its answer.
fn run_batch(conn: &mut Connection, batch: Vec<Job>) {
    if !conn.is_autocommit() {
        // Left open by a failure before: never let a batch join it.
        let _ = conn.execute_batch("ROLLBACK");
    }
    // If the write lock cannot be had (another process held it for the whole
    // busy timeout), each job's savepoint is a transaction of its own, which
    // meets the same lock and fails as a busy database (retried by its caller).
    let began = conn.execute_batch("BEGIN IMMEDIATE").is_ok();
    let mut thens = Vec::with_capacity(batch.len());
    for job in batch {
        // A job that panicked is dropped (its caller hears nothing and
        // fails); its savepoint rolled back as it unwound.
        if let Ok(then) = std::panic::catch_unwind(AssertUnwindSafe(|| job(conn))) {
            thens.push(then);
        }
    }
    let committed = if began {
        conn.execute_batch("COMMIT")
    } else {
        Ok(())
    };
    if committed.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for then in thens {
        // As a job's panic: its caller hears nothing; the others are answered.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| then(committed.as_ref().map(|_| ()))));
    }
}

/// The failure of a batch's `COMMIT`, as the sqlx error every job of the batch answers with.
pub fn commit_failed(error: &rusqlite::Error) -> sqlx::Error {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            database_error(rusqlite::Error::SqliteFailure(*failure, message.clone()))
        }
        other => sqlx::Error::Protocol(format!("the SQLite writer's commit: {other}")),
    }
}

/// The booking transaction's statements, on the writer thread.
pub struct BookingTx<'c> {
    tx: rusqlite::Savepoint<'c>,
}

type Params<'a> = [(&'a str, &'a dyn ToSql)];

impl<'c> BookingTx<'c> {
    /// A savepoint in the batch's transaction (which holds the write lock
    /// from its `BEGIN IMMEDIATE`). Dropped without [`BookingTx::commit`],
    /// it rolls back to where it began.
    pub fn begin(conn: &'c mut Connection) -> rusqlite::Result<BookingTx<'c>> {
        Ok(BookingTx {
            tx: conn.savepoint()?,
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

    /// Keeps the job's writes (releases its savepoint): they are written
    /// when the batch commits.
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

    /// Jobs submitted at once run in order, one transaction at a time with
    /// the process's other writes; each sees what the jobs before it kept; a
    /// job that rolls back its savepoint leaves nothing behind; and a job that
    /// panics costs only its own answer: the jobs batched with it still run
    /// and are written.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queued_jobs_run_in_order_and_a_failed_job_stays_in_its_savepoint() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("queue.db").display());
        let db = super::super::Db::connect(&url, 2)
            .await
            .expect("a database");
        let writer = db
            .sqlite_writer
            .clone()
            .expect("a file database has a writer");
        sqlx::query("CREATE TABLE t (n BIGINT NOT NULL)")
            .execute(&db.writer)
            .await
            .expect("a table");
        // Held here, the pool's connection keeps the queue from starting, so
        // the jobs below land in one batch.
        let held = db.writer.acquire().await.expect("the writer connection");
        let (panics, rolls_back) = (7_i64, 11_i64);
        // Submitted in this order: `join_all` polls each once, in order,
        // and a job is queued when its submission is first polled.
        let mut submissions = Vec::new();
        for n in 0..20_i64 {
            let writer = writer.clone();
            submissions.push(async move {
                writer
                    .submit(move |conn| {
                        assert_ne!(n, panics, "this job fails");
                        let job = conn.savepoint().expect("a savepoint");
                        job.execute("INSERT INTO t VALUES (?1)", [n])
                            .expect("a row");
                        let seen: i64 = job
                            .query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))
                            .expect("a count");
                        if n != rolls_back {
                            job.commit().expect("kept");
                        }
                        Box::new(move |committed: Committed<'_>| committed.is_ok().then_some(seen))
                            as Then<Option<i64>>
                    })
                    .await
            });
        }
        let answers = tokio::spawn(futures_util::future::join_all(submissions));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&db.pool)
            .await
            .expect("a count");
        assert_eq!(
            before, 0,
            "nothing runs while another write holds the connection"
        );
        drop(held);
        let kept = |n: i64| n != panics && n != rolls_back;
        let answers = answers.await.expect("the task");
        for (n, answer) in (0..20_i64).zip(answers) {
            let expected = (n != panics).then(|| {
                let kept_before = (0..n).filter(|m| kept(*m)).count();
                Some(i64::try_from(kept_before).expect("small") + 1)
            });
            assert_eq!(answer, expected, "job {n}");
        }
        let order: Vec<i64> = sqlx::query_scalar("SELECT n FROM t ORDER BY rowid")
            .fetch_all(&db.pool)
            .await
            .expect("the rows");
        assert_eq!(order, (0..20).filter(|n| kept(*n)).collect::<Vec<i64>>());
        db.close().await;
    }
}
