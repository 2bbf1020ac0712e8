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

/// A job's turn: run on the connection, or answered without running.
pub enum Turn<'a> {
    Run(&'a mut Connection),
    /// The batch could not be run (the write lock or the writer connection
    /// could not be had, or the queue closed): nothing of the job was written.
    Skip(sqlx::Error),
}

/// What a job that ran leaves to do once its batch's transaction has ended.
type Reply = Box<dyn FnOnce(Committed<'_>) + Send>;

type Job = Box<dyn for<'a> FnOnce(Turn<'a>) -> Option<Reply> + Send>;

/// How a batch's transaction ended: `Err` if it did not commit (nothing of
/// the batch was written).
pub type Committed<'a> = Result<(), &'a rusqlite::Error>;

/// What a job leaves to do once its batch's transaction has ended: its answer.
pub type Then<T> = Box<dyn FnOnce(Committed<'_>) -> T + Send>;

enum Message {
    /// Jobs to run as one transaction, and the writer connection held meanwhile.
    Batch(Vec<Job>, Held),
    /// Closes the connection (letting SQLite checkpoint its WAL) and ends the thread.
    Close,
}

/// The sqlx writer connection, held while a batch runs. Given back (which
/// needs the runtime) wherever it is dropped, even on the writer thread.
struct Held {
    conn: Option<sqlx::pool::PoolConnection<sqlx::Any>>,
    runtime: tokio::runtime::Handle,
    done: Option<oneshot::Sender<()>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        let _runtime = self.runtime.enter();
        drop(self.conn.take());
        if let Some(done) = self.done.take() {
            let _ = done.send(());
        }
    }
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
    /// Set when nothing will run the jobs any more.
    closed: AtomicBool,
}

impl Queue {
    fn take(&self) -> Vec<Job> {
        std::mem::take(&mut *self.jobs.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Answers every waiting job with `error`, without running it.
    fn skip_waiting(&self, error: impl Fn() -> sqlx::Error) {
        for job in self.take() {
            let _ = job(Turn::Skip(error()));
        }
    }

    /// No job will run any more: the waiting ones, and any submitted from
    /// now, are answered "closed" instead of waiting.
    fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.skip_waiting(|| sqlx::Error::PoolClosed);
    }
}

/// Closes the queue when the task that runs it ends, however it ends (its
/// runtime shutting down included).
struct CloseOnDrop(Arc<Queue>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.close();
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
                while let Ok(Message::Batch(batch, held)) = queue.recv() {
                    run_batch(&mut conn, batch);
                    drop(held);
                }
            })?;
        let queued = Arc::new(Queue::default());
        tokio::spawn(hand_over(queued.clone(), jobs.clone(), pool));
        Ok(SqliteWriter { jobs, queued })
    }

    /// Runs `job` on the writer thread, after the jobs submitted before it,
    /// inside a savepoint of its batch's transaction (see the module's
    /// comment); its [`Then`] gives the answer once that transaction has
    /// ended. An error if the job could not be run (nothing was written; a
    /// busy database is an error that is retried), or if it panicked. The
    /// job runs even if the caller stops waiting.
    pub async fn submit<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Connection) -> Then<T> + Send + 'static,
    ) -> Result<T, sqlx::Error> {
        let (done, answer) = oneshot::channel();
        let job: Job = Box::new(move |turn: Turn<'_>| match turn {
            Turn::Run(conn) => {
                let then = job(conn);
                let reply: Reply = Box::new(move |committed| {
                    let _ = done.send(Ok(then(committed)));
                });
                Some(reply)
            }
            Turn::Skip(error) => {
                let _ = done.send(Err(error));
                None
            }
        });
        self.queued
            .jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(job);
        if self.queued.closed.load(Ordering::SeqCst) {
            self.queued.skip_waiting(|| sqlx::Error::PoolClosed);
        }
        self.queued.wake.notify_one();
        answer.await.unwrap_or_else(|_| {
            Err(sqlx::Error::Protocol(
                "the SQLite writer did not answer (the job panicked)".into(),
            ))
        })
    }

    /// Ends the thread once the jobs before this are done.
    pub fn close(&self) {
        let _ = self.jobs.send(Message::Close);
    }
}

/// Hands the queued jobs to the thread in batches, each while holding the
/// pool's connection. Ends with the pool or the thread, closing the queue.
async fn hand_over(queued: Arc<Queue>, thread: mpsc::Sender<Message>, pool: AnyPool) {
    let _close = CloseOnDrop(queued.clone());
    loop {
        queued.wake.notified().await;
        loop {
            let conn = match pool.acquire().await {
                Ok(conn) => conn,
                Err(_) if pool.is_closed() => return,
                // Held elsewhere for the whole acquire timeout: the jobs
                // waiting now are answered as any write would be; the queue
                // stays open for the next ones.
                Err(error) => {
                    let message = error.to_string();
                    queued.skip_waiting(|| match &error {
                        sqlx::Error::PoolTimedOut => sqlx::Error::PoolTimedOut,
                        _ => sqlx::Error::Protocol(message.clone()),
                    });
                    break;
                }
            };
            let batch = queued.take();
            if batch.is_empty() {
                break;
            }
            let (done, finished) = oneshot::channel::<()>();
            let held = Held {
                conn: Some(conn),
                runtime: tokio::runtime::Handle::current(),
                done: Some(done),
            };
            if let Err(mpsc::SendError(Message::Batch(batch, _))) =
                thread.send(Message::Batch(batch, held))
            {
                for job in batch {
                    let _ = job(Turn::Skip(sqlx::Error::PoolClosed));
                }
                return;
            }
            let _ = finished.await;
        }
    }
}

/// Runs a batch as one transaction, each job in a savepoint, then gives every
/// job that ran its answer.
fn run_batch(conn: &mut Connection, batch: Vec<Job>) {
    if !conn.is_autocommit() {
        // Left open by a failure before: never let a batch join it.
        let _ = conn.execute_batch("ROLLBACK");
    }
    // The write lock could not be had (another process held it for the whole
    // busy timeout): no job runs, each answers busy and is retried by its caller.
    if let Err(error) = conn.execute_batch("BEGIN IMMEDIATE") {
        for job in batch {
            let _ = job(Turn::Skip(database_error_of(&error)));
        }
        return;
    }
    let mut replies = Vec::with_capacity(batch.len());
    let mut lost = None;
    for job in batch {
        if lost.is_some() {
            let _ = job(Turn::Skip(batch_lost()));
            continue;
        }
        // The batch's own savepoint around the job: whatever the job did,
        // even after releasing a savepoint of its own, goes if it panics.
        if let Err(error) = conn.execute_batch("SAVEPOINT batch_job") {
            let _ = job(Turn::Skip(database_error_of(&error)));
            continue;
        }
        match std::panic::catch_unwind(AssertUnwindSafe(|| job(Turn::Run(conn)))) {
            Ok(reply) => {
                let _ = conn.execute_batch("RELEASE batch_job");
                replies.extend(reply);
            }
            // Its caller hears nothing and fails; the others go on.
            Err(_) => {
                let _ = conn.execute_batch("ROLLBACK TO batch_job; RELEASE batch_job");
            }
        }
        // SQLite may roll a whole transaction back on its own (a full disk,
        // an I/O error): the jobs after it must not run outside it.
        if conn.is_autocommit() {
            lost = Some(lost_error());
        }
    }
    let committed = match lost {
        Some(error) => Err(error),
        None => conn.execute_batch("COMMIT"),
    };
    if committed.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for reply in replies {
        // As a job's panic: its caller hears nothing; the others are answered.
        let _ =
            std::panic::catch_unwind(AssertUnwindSafe(|| reply(committed.as_ref().map(|_| ()))));
    }
}

/// The batch's transaction ended before its `COMMIT`.
fn lost_error() -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ABORT),
        Some("the batch's transaction was rolled back by SQLite".into()),
    )
}

fn batch_lost() -> sqlx::Error {
    database_error_of(&lost_error())
}

/// The failure of a batch's `COMMIT`, as the sqlx error every job of the batch answers with.
pub fn commit_failed(error: &rusqlite::Error) -> sqlx::Error {
    database_error_of(error)
}

/// [`database_error`] of a borrowed error.
fn database_error_of(error: &rusqlite::Error) -> sqlx::Error {
    match error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            database_error(rusqlite::Error::SqliteFailure(*failure, message.clone()))
        }
        other => sqlx::Error::Protocol(format!("the SQLite writer: {other}")),
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

    /// The writer connection held elsewhere for longer than the pool's
    /// acquire timeout costs the jobs waiting then an answer that says so,
    /// nothing more: the queue stays open and the next job runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_writer_held_too_long_fails_the_waiting_jobs_not_the_queue() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("held.db");
        let url = format!("sqlite://{}", path.display());
        let db = super::super::Db::connect(&url, 2)
            .await
            .expect("a database");
        let pool = sqlx::any::AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_millis(200))
            .connect(&url)
            .await
            .expect("a pool of one");
        let writer = SqliteWriter::open(&path, pool.clone()).expect("a writer");
        let job = |conn: &mut Connection| -> Then<i64> {
            let one = conn
                .query_row("SELECT 1", [], |row| row.get(0))
                .unwrap_or(0);
            Box::new(move |_| one)
        };
        let held = pool.acquire().await.expect("the connection");
        let waited = writer.submit(job).await;
        assert!(
            matches!(waited, Err(sqlx::Error::PoolTimedOut)),
            "{waited:?}"
        );
        drop(held);
        assert_eq!(writer.submit(job).await.ok(), Some(1));
        pool.close().await;
        assert!(
            matches!(writer.submit(job).await, Err(sqlx::Error::PoolClosed)),
            "a closed pool closes the queue"
        );
        db.close().await;
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
                        let job = conn.savepoint().expect("a savepoint");
                        job.execute("INSERT INTO t VALUES (?1)", [n])
                            .expect("a row");
                        let seen: i64 = job
                            .query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))
                            .expect("a count");
                        if n != rolls_back {
                            job.commit().expect("kept");
                        }
                        // After keeping its row: the batch still takes it back.
                        assert_ne!(n, panics, "this job fails");
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
            assert_eq!(answer.ok(), expected, "job {n}");
        }
        let order: Vec<i64> = sqlx::query_scalar("SELECT n FROM t ORDER BY rowid")
            .fetch_all(&db.pool)
            .await
            .expect("the rows");
        assert_eq!(order, (0..20).filter(|n| kept(*n)).collect::<Vec<i64>>());
        db.close().await;
    }
}
