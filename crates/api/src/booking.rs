//! The booking transaction: every rule checked by `confero_core::rules`, then
//! enforced inside one transaction that starts by locking the family, with
//! the unique partial indexes as the last line of defence.
//!
//! The evening is decided as it stands inside the transaction: the cached
//! snapshot is used only when its version is the evening's version, read (and
//! on PostgreSQL share-locked) in the transaction; otherwise the evening is
//! read afresh there. So a booking never lands in an evening that was closed,
//! archived, or had the slot blocked or the teacher removed before the
//! booking committed.
//!
//! This module knows nothing of HTTP: it fails with [`BookingError`], which
//! `http/error.rs` maps to a status.

use std::sync::Arc;

use confero_core::rules::{self, BookingContext, BookingRequest, BookingWindow};
use confero_core::slots;
use confero_core::{Interval, Refusal};
use sqlx::AnyConnection;

use crate::cache::{Caches, EveningSnapshot};
use crate::clock::Clock;
use crate::live::{self, Live, LiveEvent, SlotEvent};
use crate::mail::worker::BookingNoticeDetails;
use crate::privacy::Viewer;
use crate::storage::bookings::{self, BookingRow, NewBooking, SlotAsked, TeachesAndTaken};
use crate::storage::evenings::{self, EveningRecord};
use crate::storage::notices::{self, kind};
use crate::storage::sqlite_writer::{self, BookingTx, SqliteWriter};
use crate::storage::{self, Db, Engine};
use crate::storage::{audiences, booking_tx};

mod batch;
mod waitlist;
pub use batch::{ids_answer, Wanted};
pub use waitlist::Join;

/// Why a booking action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// A booking rule said no.
    #[error("{0}")]
    Refused(Refusal),
    /// No such booking, evening or student that the actor may see.
    #[error("not found")]
    NotFound,
    /// The actor may see the booking or child but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// A request field names something that cannot be booked.
    #[error("{field} {message}")]
    Invalid {
        field: &'static str,
        message: &'static str,
    },
    /// The booking is not in a state that allows this.
    #[error("{0}")]
    Conflict(&'static str),
    /// One booking of a batch failed (its index in the batch); nothing was booked.
    #[error("booking {index}: {error}")]
    At {
        index: usize,
        error: Box<BookingError>,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl BookingError {
    /// Names the booking of a batch that failed. A database failure says
    /// nothing about the booking, so it stays as it is (and may be retried).
    fn at(index: usize) -> impl Fn(BookingError) -> BookingError {
        move |error| match error {
            BookingError::Database(_) => error,
            error => BookingError::At {
                index,
                error: Box::new(error),
            },
        }
    }
}

/// The result of a booking action.
pub type BookingResult<T> = Result<T, BookingError>;

/// Who is acting, in which school.
#[derive(Clone, Debug)]
pub struct Actor {
    pub school_id: i64,
    pub viewer: Viewer,
}

/// What the booking transaction needs from the running server.
#[derive(Clone, Copy)]
pub struct Booker<'a> {
    pub db: &'a Db,
    pub clock: &'a Arc<dyn Clock>,
    pub live: &'a Live,
    pub caches: &'a Caches,
    /// Wakes the mail worker once a notice is committed.
    pub mail_wake: &'a Arc<tokio::sync::Notify>,
}

fn window(record: &EveningRecord) -> BookingWindow {
    BookingWindow {
        opens_at: record.fields.booking_opens_at,
        closes_at: record.fields.booking_closes_at,
        cancel_until: record.fields.cancel_until,
    }
}

/// The actor when they book for their own child (a guardian), else `None`.
fn guardian_of(actor: &Actor, student_id: i64) -> Option<i64> {
    actor
        .viewer
        .children
        .contains(&student_id)
        .then_some(actor.viewer.person_id)
}

/// The booking row a decided attempt inserts.
fn new_booking<'a>(
    actor: &Actor,
    evening: &'a EveningSnapshot,
    attempt: &Attempt,
    Decided { slot, household }: Decided,
) -> NewBooking<'a> {
    NewBooking {
        household,
        school_id: actor.school_id,
        evening_id: evening.id,
        teacher_id: attempt.teacher_id,
        student_id: attempt.student_id,
        booked_by: actor.viewer.person_id,
        span: slot.interval(),
        room: evening
            .teacher(attempt.teacher_id)
            .and_then(|t| t.room.as_deref()),
    }
}

/// A booking notice's details (JSON), naming the actor as who did it.
fn notice_details(actor: &Actor, details: BookingNoticeDetails) -> String {
    serde_json::to_string(&BookingNoticeDetails {
        by: Some(actor.viewer.person_id),
        ..details
    })
    .unwrap_or_default()
}

/// Staff acting for a family may override rules 4 and 5; a teacher who is
/// also a parent books for their own child as a parent.
fn acts_as_staff(actor: &Actor, student_id: i64) -> bool {
    actor.viewer.is_staff() && !actor.viewer.children.contains(&student_id)
}

/// Maps a unique-index violation to the rule it enforces.
fn refusal_from(error: sqlx::Error) -> BookingError {
    if let sqlx::Error::Database(db) = &error {
        if db.is_unique_violation() {
            let what = format!("{} {}", db.constraint().unwrap_or_default(), db.message());
            // A request's idempotency key stored twice says nothing of the booking.
            if !what.contains("idempotency_keys") {
                return BookingError::Refused(refusal_for_unique(&what));
            }
        }
    }
    BookingError::Database(error)
}

/// The rule a unique-index violation on `bookings` enforces, from the
/// index's name or its columns as the database names them in `what`.
fn refusal_for_unique(what: &str) -> Refusal {
    if what.contains("one_per_pair") || what.contains("student_id") {
        Refusal::AlreadyBookedWithTeacher
    } else {
        Refusal::SlotTaken
    }
}

/// How many times a booking transaction is tried when the database only
/// says "try again" (see [`storage::is_transient`]).
const TRIES: usize = 3;

/// Runs a whole booking transaction again when the database gave up on it
/// for a reason that says nothing about the booking (a deadlock detected
/// between two transactions, a busy database). Nothing of a failed attempt
/// was committed, so trying again is safe; the rules are checked afresh
/// (all but whether a teacher teaches the child, read once per request).
async fn retrying<T, F, Fut>(mut run: F) -> BookingResult<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = BookingResult<T>>,
{
    let mut tried = 1;
    loop {
        match run().await {
            Err(BookingError::Database(error))
                if tried < TRIES && storage::is_transient(&error) =>
            {
                tracing::info!(%error, tried, "booking transaction tried again");
                tried += 1;
            }
            other => return other,
        }
    }
}

/// One attempt to put a child with a teacher at a time.
#[derive(Clone, Copy, Debug)]
struct Attempt {
    teacher_id: i64,
    student_id: i64,
    start: i64,
    /// When moving a booking: its id.
    moving: Option<i64>,
    /// Whether the teacher teaches the child (class lists do not change in a rush,
    /// so this is read before the transaction).
    teaches: bool,
    /// The household it is for, when already known (a booking moving keeps
    /// its own); `None`: the actor's, read in the transaction.
    household: Option<i64>,
}

/// A booking the rules allowed: its slot, and whose household it is.
#[derive(Clone, Copy, Debug)]
struct Decided {
    slot: slots::Slot,
    household: i64,
}

/// What SQLite's writer thread needs to decide and write one booking.
struct WriterBooking {
    evening: Arc<EveningSnapshot>,
    attempt: Attempt,
    school_id: i64,
    /// Who books.
    person_id: i64,
    /// `person_id` when a guardian books for their own child.
    guardian: Option<i64>,
    staff: bool,
    /// The notice's details (JSON).
    details: String,
    /// The idempotency key and fingerprint, if sent.
    remember: Option<(String, String)>,
}

impl WriterBooking {
    /// The booking transaction, on the writer thread: the same steps as
    /// [`Booker::book_once`]'s. `None`: the evening is no longer the snapshot.
    fn write(
        self,
        conn: &mut rusqlite::Connection,
        now: i64,
    ) -> BookingResult<Option<(i64, slots::Slot)>> {
        let from_sqlite = |e| BookingError::Database(sqlite_writer::database_error(e));
        let WriterBooking {
            evening,
            attempt,
            school_id,
            person_id,
            guardian,
            staff,
            details,
            remember,
        } = self;
        let tx = BookingTx::begin(conn).map_err(from_sqlite)?;
        tx.lock_family(attempt.student_id).map_err(from_sqlite)?;
        match tx
            .evening_version(school_id, evening.id)
            .map_err(from_sqlite)?
        {
            None => return Err(BookingError::NotFound),
            Some(version) if version != evening.version => return Ok(None),
            Some(_) => {}
        }
        let Some(teacher) = evening.teacher(attempt.teacher_id) else {
            return Err(BookingError::Invalid {
                field: "teacher_id",
                message: "is not taking part in this evening",
            });
        };
        if !evening.audience.is_everyone()
            && !tx
                .student_invited(evening.id, attempt.student_id)
                .map_err(from_sqlite)?
        {
            return Err(BookingError::Refused(Refusal::NotInvited));
        }
        let household = tx
            .household_for(attempt.student_id, guardian)
            .map_err(from_sqlite)?;
        let timelines = tx
            .timelines(
                evening.id,
                attempt.teacher_id,
                attempt.student_id,
                household,
            )
            .map_err(from_sqlite)?;
        let ctx = BookingContext {
            now,
            staff,
            published: evening.status == "published",
            window: window(&evening),
            teaches_child: attempt.teaches,
            teacher_slots: evening.teacher_slots(attempt.teacher_id),
            taken: &timelines.taken,
            family: &timelines.family,
            travel_buffer_secs: evening.fields.travel_buffer_secs,
            moving: None,
        };
        let request = BookingRequest {
            teacher_id: attempt.teacher_id,
            student_id: attempt.student_id,
            slot_start: attempt.start,
            room: teacher.room.as_deref(),
        };
        let slot = rules::check_booking(&request, &ctx).map_err(BookingError::Refused)?;
        let new = NewBooking {
            household,
            school_id,
            evening_id: evening.id,
            teacher_id: attempt.teacher_id,
            student_id: attempt.student_id,
            booked_by: person_id,
            span: slot.interval(),
            room: teacher.room.as_deref(),
        };
        let id =
            tx.insert_booking(&new, now)
                .map_err(|error| match sqlite_writer::unique_violation(&error) {
                    Some(what) => BookingError::Refused(refusal_for_unique(what)),
                    None => from_sqlite(error),
                })?;
        tx.insert_notice(school_id, kind::BOOKING_MADE, id, &details, now)
            .map_err(from_sqlite)?;
        if let Some((key, fingerprint)) = remember {
            let answer = bookings::Answer {
                status: BOOKED,
                body: id.to_string(),
                fingerprint,
            };
            tx.remember_answer(person_id, &key, &answer, now)
                .map_err(from_sqlite)?;
        }
        tx.commit().map_err(from_sqlite)?;
        Ok(Some((id, slot)))
    }
}

fn event(
    school_id: i64,
    record: &EveningRecord,
    teacher_id: i64,
    start: i64,
    taken: bool,
) -> LiveEvent {
    LiveEvent::Slot(SlotEvent {
        school_id,
        evening_id: record.id,
        teacher_id,
        start,
        taken,
    })
}

/// The answer stored for a successful idempotent booking: the booking's id.
pub const BOOKED: u16 = 201;

/// An idempotency key with the fingerprint of the request it came with.
#[derive(Clone, Copy, Debug)]
pub struct Idempotency<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
}

impl Booker<'_> {
    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// Who may act for a student with a teacher: the child's guardians, a
    /// teacher who teaches the child (for their own slots), and admins.
    /// A child the actor may not see is not found, exactly like a child that
    /// does not exist, so ids cannot be walked. Returns whether the teacher
    /// teaches the child.
    async fn may_act(
        &self,
        actor: &Actor,
        teacher_id: i64,
        student_id: i64,
    ) -> BookingResult<bool> {
        let viewer = &actor.viewer;
        let teaches = bookings::teaches(self.db, actor.school_id, teacher_id, student_id).await?;
        if viewer.children.contains(&student_id) {
            return Ok(teaches);
        }
        if viewer.admin {
            return if bookings::student_in_school(self.db, actor.school_id, student_id).await? {
                Ok(teaches)
            } else {
                Err(BookingError::NotFound)
            };
        }
        if viewer.teacher {
            let own_pupil = if teacher_id == viewer.person_id {
                teaches
            } else {
                bookings::teaches(self.db, actor.school_id, viewer.person_id, student_id).await?
            };
            if !own_pupil {
                return Err(BookingError::NotFound);
            }
            // A teacher books their own pupils into their own slots only.
            return if teacher_id == viewer.person_id {
                Ok(teaches)
            } else {
                Err(BookingError::Forbidden)
            };
        }
        Err(BookingError::NotFound)
    }

    /// Locks the family (the transaction's first statement, a write) and
    /// returns the evening as it stands now.
    async fn lock_and_read(
        &self,
        conn: &mut AnyConnection,
        student_id: i64,
        snapshot: &Arc<EveningSnapshot>,
    ) -> BookingResult<Arc<EveningSnapshot>> {
        bookings::lock_family(conn, self.db.engine, student_id).await?;
        self.as_it_stands(conn, snapshot).await
    }

    /// Locks the family, then reads what deciding needs in one statement
    /// (`storage/booking_tx.rs`) and decides; when the evening is no longer
    /// the snapshot, decides from the evening read afresh.
    async fn lock_and_decide(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        snapshot: &Arc<EveningSnapshot>,
        attempt: &Attempt,
    ) -> BookingResult<(Arc<EveningSnapshot>, Decided)> {
        let engine = self.db.engine;
        let student_id = attempt.student_id;
        bookings::lock_family(conn, engine, student_id).await?;
        let of = booking_tx::ReadFor {
            school_id: actor.school_id,
            evening_id: snapshot.id,
            teacher_id: attempt.teacher_id,
            student_id,
            guardian: guardian_of(actor, student_id),
            restricted: !snapshot.audience.is_everyone(),
        };
        let read = booking_tx::read(conn, engine, of).await?;
        if read.version.ok_or(BookingError::NotFound)? == snapshot.version {
            let decided = self.rule_on(
                actor,
                snapshot,
                attempt,
                read.invited,
                read.household,
                &read.timelines,
            )?;
            return Ok((snapshot.clone(), decided));
        }
        // Changed since the snapshot: decided from the evening read afresh.
        let evening = self.as_it_stands(conn, snapshot).await?;
        let decided = self.decide(conn, actor, &evening, attempt).await?;
        Ok((evening, decided))
    }

    /// The evening as it stands inside the transaction (see the module docs).
    async fn as_it_stands(
        &self,
        conn: &mut AnyConnection,
        snapshot: &Arc<EveningSnapshot>,
    ) -> BookingResult<Arc<EveningSnapshot>> {
        let version =
            evenings::version_for_booking(conn, self.db.engine, snapshot.school_id, snapshot.id)
                .await?
                .ok_or(BookingError::NotFound)?;
        if version == snapshot.version {
            return Ok(snapshot.clone());
        }
        // Changed since the snapshot (by another process, or a change that
        // committed while this request waited): decide from the evening now.
        self.caches.forget_evening(snapshot.school_id, snapshot.id);
        EveningSnapshot::load(conn, snapshot.school_id, snapshot.id)
            .await?
            .map(Arc::new)
            .ok_or(BookingError::NotFound)
    }

    /// Checks every rule for an attempt, inside the transaction, after locking the family.
    async fn decide(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        evening: &EveningSnapshot,
        attempt: &Attempt,
    ) -> BookingResult<Decided> {
        let student_id = attempt.student_id;
        let invited = evening.audience.is_everyone()
            || audiences::student_invited(conn, evening.id, student_id).await?;
        let household = match attempt.household {
            Some(household) => household,
            None => {
                bookings::household_for(conn, student_id, guardian_of(actor, student_id)).await?
            }
        };
        let timelines =
            bookings::timelines(conn, evening.id, attempt.teacher_id, student_id, household)
                .await?;
        self.rule_on(actor, evening, attempt, invited, household, &timelines)
    }

    /// The rules for an attempt, given what the transaction read.
    fn rule_on(
        &self,
        actor: &Actor,
        evening: &EveningSnapshot,
        attempt: &Attempt,
        invited: bool,
        household: i64,
        timelines: &bookings::Timelines,
    ) -> BookingResult<Decided> {
        let Attempt {
            teacher_id,
            student_id,
            start,
            moving,
            teaches,
            household: _,
        } = *attempt;
        let Some(teacher) = evening.teacher(teacher_id) else {
            return Err(BookingError::Invalid {
                field: "teacher_id",
                message: "is not taking part in this evening",
            });
        };
        if !invited {
            return Err(BookingError::Refused(Refusal::NotInvited));
        }
        let ctx = BookingContext {
            now: self.now(),
            staff: acts_as_staff(actor, student_id),
            published: evening.status == "published",
            window: window(evening),
            teaches_child: teaches,
            teacher_slots: evening.teacher_slots(teacher_id),
            taken: &timelines.taken,
            family: &timelines.family,
            travel_buffer_secs: evening.fields.travel_buffer_secs,
            moving,
        };
        let request = BookingRequest {
            teacher_id,
            student_id,
            slot_start: start,
            room: teacher.room.as_deref(),
        };
        rules::check_booking(&request, &ctx)
            .map(|slot| Decided { slot, household })
            .map_err(BookingError::Refused)
    }

    /// Commits with the live events the change makes true, then tells this
    /// process's watchers.
    async fn commit_and_tell(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Any>,
        events: Vec<LiveEvent>,
    ) -> BookingResult<()> {
        self.live
            .notify_in(&mut tx, self.db.engine, &events)
            .await?;
        tx.commit().await.map_err(refusal_from)?;
        self.live.publish(events);
        self.mail_wake.notify_one();
        Ok(())
    }

    /// Records, in the booking's transaction, that the family must be told.
    async fn notice(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        kind: &str,
        booking_id: i64,
        details: BookingNoticeDetails,
    ) -> BookingResult<()> {
        let details = notice_details(actor, details);
        notices::insert(
            conn,
            actor.school_id,
            kind,
            Some(booking_id),
            &details,
            None,
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// Inserts a decided booking; the caller tells the family.
    async fn insert_quietly(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        evening: &EveningSnapshot,
        attempt: &Attempt,
        Decided { slot, household }: Decided,
        now: i64,
    ) -> BookingResult<i64> {
        let new = new_booking(actor, evening, attempt, Decided { slot, household });
        bookings::insert(conn, &new, now)
            .await
            .map_err(refusal_from)
    }

    /// Stores what a request booked under its idempotency key, in its transaction.
    async fn remember(
        &self,
        conn: &mut AnyConnection,
        actor: &Actor,
        Idempotency { key, fingerprint }: Idempotency<'_>,
        booked: String,
        now: i64,
    ) -> BookingResult<()> {
        let answer = bookings::Answer {
            status: BOOKED,
            body: booked,
            fingerprint: fingerprint.to_owned(),
        };
        bookings::remember_answer(conn, actor.viewer.person_id, key, &answer, now).await?;
        Ok(())
    }

    /// Books a slot and returns the booking's id. With an idempotency key, the
    /// booking's id is stored under the key in the same transaction, so a retry
    /// can never book twice. `known`: whether the teacher teaches the child and
    /// the slot is taken, as the request read them for `asked` with its session
    /// (`sessions::find_with_slot`); used for a guardian's own child only (staff
    /// are checked here). `asked` is for the snapshot's evening.
    pub async fn book(
        &self,
        actor: &Actor,
        snapshot: &Arc<EveningSnapshot>,
        asked: SlotAsked,
        idempotency: Option<Idempotency<'_>>,
        known: TeachesAndTaken,
    ) -> BookingResult<i64> {
        if asked.evening_id != snapshot.id {
            return Err(BookingError::NotFound);
        }
        retrying(|| self.book_once(actor, snapshot, asked, idempotency, known)).await
    }

    async fn book_once(
        &self,
        actor: &Actor,
        snapshot: &Arc<EveningSnapshot>,
        asked: SlotAsked,
        idempotency: Option<Idempotency<'_>>,
        known: TeachesAndTaken,
    ) -> BookingResult<i64> {
        let SlotAsked {
            teacher_id,
            student_id,
            start,
            ..
        } = asked;
        if snapshot.teacher(teacher_id).is_none() {
            return Err(BookingError::Invalid {
                field: "teacher_id",
                message: "is not taking part in this evening",
            });
        }
        // A taken slot is the commonest answer in a rush: decide it without
        // the write lock. A guardian's child needs no more than whether the
        // teacher teaches them, so both are one read.
        let (teaches, taken) = if actor.viewer.children.contains(&student_id) {
            (known.teaches, known.taken)
        } else {
            let teaches = self.may_act(actor, teacher_id, student_id).await?;
            (
                teaches,
                bookings::is_taken(self.db, snapshot.id, teacher_id, start).await?,
            )
        };
        if taken {
            return Err(BookingError::Refused(Refusal::SlotTaken));
        }
        let attempt = Attempt {
            teacher_id,
            student_id,
            start,
            moving: None,
            teaches,
            household: None,
        };
        if let Some(writer) = &self.db.sqlite_writer {
            if let Some(id) = self
                .book_on_sqlite_writer(writer, actor, snapshot, attempt, idempotency)
                .await?
            {
                return Ok(id);
            }
            // The evening changed since the snapshot: decided below, from a fresh read.
        }
        let stale = self.db.sqlite_writer.is_some();
        self.book_in_transaction(actor, snapshot, attempt, idempotency, stale)
            .await
    }

    /// [`Self::book_once`]'s transaction through the pool's writer: on
    /// PostgreSQL five statements (`storage/booking_tx.rs`). On an SQLite
    /// file it runs only when the writer thread found the snapshot `stale`:
    /// then the evening is read afresh first.
    async fn book_in_transaction(
        &self,
        actor: &Actor,
        snapshot: &Arc<EveningSnapshot>,
        attempt: Attempt,
        idempotency: Option<Idempotency<'_>>,
        stale: bool,
    ) -> BookingResult<i64> {
        let engine = self.db.engine;
        let (teacher_id, student_id) = (attempt.teacher_id, attempt.student_id);
        let mut tx = self.db.writer.begin().await?;
        let (evening, decided) = if stale {
            let evening = self.lock_and_read(&mut tx, student_id, snapshot).await?;
            let decided = self.decide(&mut tx, actor, &evening, &attempt).await?;
            (evening, decided)
        } else {
            self.lock_and_decide(&mut tx, actor, snapshot, &attempt)
                .await?
        };
        let slot = decided.slot;
        let now = self.now();
        let new = new_booking(actor, &evening, &attempt, decided);
        let details = notice_details(actor, BookingNoticeDetails::default());
        let told = event(actor.school_id, &evening, teacher_id, slot.start, true);
        let payload = (engine == Engine::Postgres).then(|| self.live.notify_payload(&told));
        let written = booking_tx::Written {
            notice: (kind::BOOKING_MADE, &details),
            remember: idempotency.map(|i| (i.key, i.fingerprint)),
            status: BOOKED,
            notify: payload.as_deref().map(|payload| (live::CHANNEL, payload)),
        };
        let id = booking_tx::write(&mut tx, engine, &new, written, now)
            .await
            .map_err(refusal_from)?;
        tx.commit().await.map_err(refusal_from)?;
        self.live.publish(vec![told]);
        self.mail_wake.notify_one();
        Ok(id)
    }

    /// [`Self::book_once`]'s transaction, with the same statements and rules,
    /// as one job on SQLite's writer thread (`storage/sqlite_writer.rs`).
    /// `None` when the evening's version is no longer the snapshot's: nothing
    /// was written, and the caller decides from a fresh read.
    ///
    /// The job tells watchers and the mail worker as soon as it is done: not
    /// when this task is next scheduled, and also if the request is dropped
    /// meanwhile (a submitted job runs regardless). It reads the clock when
    /// it runs.
    async fn book_on_sqlite_writer(
        &self,
        writer: &SqliteWriter,
        actor: &Actor,
        snapshot: &Arc<EveningSnapshot>,
        attempt: Attempt,
        idempotency: Option<Idempotency<'_>>,
    ) -> BookingResult<Option<i64>> {
        let person_id = actor.viewer.person_id;
        let booking = WriterBooking {
            evening: snapshot.clone(),
            attempt,
            school_id: actor.school_id,
            person_id,
            guardian: guardian_of(actor, attempt.student_id),
            staff: acts_as_staff(actor, attempt.student_id),
            details: notice_details(actor, BookingNoticeDetails::default()),
            remember: idempotency.map(|i| (i.key.to_owned(), i.fingerprint.to_owned())),
        };
        let live = self.live.clone();
        let mail_wake = self.mail_wake.clone();
        let clock = self.clock.clone();
        let decided = writer
            .submit(move |conn| {
                let evening = booking.evening.clone();
                let (school_id, teacher_id) = (booking.school_id, booking.attempt.teacher_id);
                let decided = booking.write(conn, clock.now().timestamp());
                Box::new(move |committed| {
                    // Decided on writes of the batch that are now lost: retried.
                    if let Err(error) = committed {
                        return Err(BookingError::Database(sqlite_writer::commit_failed(error)));
                    }
                    if let Ok(Some((_, slot))) = &decided {
                        live.publish(vec![event(
                            school_id, &evening, teacher_id, slot.start, true,
                        )]);
                        mail_wake.notify_one();
                    }
                    decided
                })
            })
            .await
            .map_err(BookingError::Database)??;
        let Some((id, _)) = decided else {
            self.caches.forget_evening(snapshot.school_id, snapshot.id);
            return Ok(None);
        };
        Ok(Some(id))
    }

    /// Loads a booking the actor may see, with its evening.
    pub async fn visible(
        &self,
        actor: &Actor,
        id: i64,
    ) -> BookingResult<(BookingRow, Arc<EveningSnapshot>)> {
        let row = bookings::find(self.db, actor.school_id, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        if !actor.viewer.may_see_booking(&row) {
            return Err(BookingError::NotFound);
        }
        let record = self
            .caches
            .evening(self.db, actor.school_id, row.evening_id)
            .await?
            .ok_or(BookingError::NotFound)?;
        Ok((row, record))
    }

    /// Cancels a booking: parents until the cut-off, staff at any time.
    pub async fn cancel(&self, actor: &Actor, id: i64) -> BookingResult<()> {
        retrying(|| self.cancel_once(actor, id)).await
    }

    async fn cancel_once(&self, actor: &Actor, id: i64) -> BookingResult<()> {
        let (row, snapshot) = self.visible(actor, id).await?;
        if row.status == "cancelled" {
            return Ok(());
        }
        let mut tx = self.db.writer.begin().await?;
        let evening = self
            .lock_and_read(&mut tx, row.student_id, &snapshot)
            .await?;
        // Re-read under the lock: a concurrent move or cancel may have won.
        let row = bookings::find_in(&mut tx, actor.school_id, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        if row.status == "cancelled" {
            return Ok(());
        }
        if row.status == "held" {
            return Err(BookingError::Conflict(
                "this time is held for you from the waiting list: accept or decline the offer",
            ));
        }
        rules::check_cancel(
            self.now(),
            acts_as_staff(actor, row.student_id),
            &window(&evening),
        )
        .map_err(BookingError::Refused)?;
        bookings::set_status(&mut tx, id, "cancelled", self.now()).await?;
        self.notice(
            &mut tx,
            actor,
            kind::BOOKING_CANCELLED,
            id,
            BookingNoticeDetails::default(),
        )
        .await?;
        let mut events = vec![event(
            actor.school_id,
            &evening,
            row.teacher_id,
            row.span.start,
            false,
        )];
        // The freed time goes to the first family waiting for it, before
        // anyone else can see it free.
        events.extend(
            self.offer_free_times(&mut tx, &evening, row.teacher_id)
                .await?,
        );
        self.commit_and_tell(tx, events).await
    }

    /// Moves a booking to another slot of the same teacher, as one atomic change:
    /// either it is at the new time or it stays where it was.
    pub async fn move_to(&self, actor: &Actor, id: i64, start: i64) -> BookingResult<()> {
        retrying(|| self.move_once(actor, id, start)).await
    }

    async fn move_once(&self, actor: &Actor, id: i64, start: i64) -> BookingResult<()> {
        let (row, snapshot) = self.visible(actor, id).await?;
        let teaches =
            bookings::teaches(self.db, actor.school_id, row.teacher_id, row.student_id).await?;
        let mut tx = self.db.writer.begin().await?;
        let evening = self
            .lock_and_read(&mut tx, row.student_id, &snapshot)
            .await?;
        let row = bookings::find_in(&mut tx, actor.school_id, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        if row.status != "booked" {
            return Err(BookingError::Conflict(
                "only a booked appointment can be moved",
            ));
        }
        // Moving gives up the old slot, so the cancellation cut-off applies too.
        rules::check_cancel(
            self.now(),
            acts_as_staff(actor, row.student_id),
            &window(&evening),
        )
        .map_err(BookingError::Refused)?;
        let attempt = Attempt {
            teacher_id: row.teacher_id,
            student_id: row.student_id,
            start,
            moving: Some(id),
            teaches,
            household: Some(row.household),
        };
        let slot = self.decide(&mut tx, actor, &evening, &attempt).await?.slot;
        if slot.start == row.span.start {
            return Ok(());
        }
        let span = Interval {
            start: slot.start,
            end: slot.end,
        };
        bookings::move_to(&mut tx, id, span, self.now())
            .await
            .map_err(refusal_from)?;
        let moved = BookingNoticeDetails {
            from: Some(row.span.start),
            ..BookingNoticeDetails::default()
        };
        self.notice(&mut tx, actor, kind::BOOKING_MOVED, id, moved)
            .await?;
        let mut events = vec![
            event(
                actor.school_id,
                &evening,
                row.teacher_id,
                row.span.start,
                false,
            ),
            event(actor.school_id, &evening, row.teacher_id, slot.start, true),
        ];
        events.extend(
            self.offer_free_times(&mut tx, &evening, row.teacher_id)
                .await?,
        );
        self.commit_and_tell(tx, events).await
    }

    /// The teacher (or an admin) records what happened.
    pub async fn mark(&self, actor: &Actor, id: i64, status: &str) -> BookingResult<()> {
        let (row, _) = self.visible(actor, id).await?;
        let may = actor.viewer.admin
            || (actor.viewer.teacher && row.teacher_id == actor.viewer.person_id);
        if !may {
            return Err(BookingError::Forbidden);
        }
        if row.status == "cancelled" || row.status == "held" {
            return Err(BookingError::Conflict(
                "only a booked appointment can be marked",
            ));
        }
        let mut tx = self.db.writer.begin().await?;
        bookings::set_status(&mut tx, id, status, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
