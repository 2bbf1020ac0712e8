//! The waitlist, decided in the same transactions as bookings.
//!
//! A family waits in a teacher's line for a time within the part of the
//! evening it can attend. Whenever a time of that teacher frees (a
//! cancellation, a move, an offer declined or run out, a time unblocked or
//! added), the first waiting family whose evening it fits has it held for
//! [`OFFER_HOLD_SECS`]: the hold is a booking row with status `held`, so the
//! unique index on the slot keeps it from everyone else on both engines,
//! and it is made in the transaction that freed the time, so nobody can take
//! the freed time first. The family accepts (the hold becomes their booking,
//! every rule checked again) or declines; an offer left unanswered is
//! released by [`Booker::expire_offers`], and each release offers the time
//! to the next family in line.

use confero_core::dto::OFFER_HOLD_SECS;
use confero_core::rules::{self, BookingContext, BookingRequest};
use confero_core::Interval;
use sqlx::AnyConnection;

use super::{bookings, event, retrying, window, Actor, Booker, BookingError, BookingResult};
use crate::cache::EveningSnapshot;
use crate::live::LiveEvent;
use crate::mail::worker::BookingNoticeDetails;
use crate::storage::audiences;
use crate::storage::notices::kind;
use crate::storage::waitlist::{self, EntryRow, NewEntry};

/// A child to put in a teacher's line.
#[derive(Clone, Copy, Debug)]
pub struct Join {
    pub teacher_id: i64,
    pub student_id: i64,
    /// The part of the evening the family can attend; `None` for all of it.
    pub window: Option<Interval>,
}

impl Booker<'_> {
    /// Puts a child in a teacher's line (or finds their open place in it)
    /// and returns the place's id. Only the child's guardians may; a time
    /// that fits already is offered at once.
    pub async fn join_waitlist(
        &self,
        actor: &Actor,
        snapshot: &std::sync::Arc<EveningSnapshot>,
        join: Join,
    ) -> BookingResult<i64> {
        retrying(|| self.join_once(actor, snapshot, join)).await
    }

    async fn join_once(
        &self,
        actor: &Actor,
        snapshot: &std::sync::Arc<EveningSnapshot>,
        join: Join,
    ) -> BookingResult<i64> {
        if !actor.viewer.children.contains(&join.student_id) {
            return Err(BookingError::NotFound);
        }
        let slots = snapshot.teacher_slots(join.teacher_id);
        let (Some(first), Some(last)) = (slots.first(), slots.last()) else {
            return Err(BookingError::Invalid {
                field: "teacher_id",
                message: "is not taking part in this evening",
            });
        };
        let evening_span = Interval {
            start: first.start,
            end: last.end,
        };
        let span = join.window.unwrap_or(evening_span);
        if span.start >= span.end {
            return Err(BookingError::Invalid {
                field: "until",
                message: "must be after from",
            });
        }
        if evening_span.intersect(&span).is_none() {
            return Err(BookingError::Invalid {
                field: "from",
                message: "leaves no time of this teacher's evening",
            });
        }
        let now = self.now();
        if snapshot.status != "published" {
            return Err(BookingError::Refused(confero_core::Refusal::EveningNotOpen));
        }
        if !(snapshot.fields.booking_opens_at..snapshot.fields.booking_closes_at).contains(&now) {
            return Err(BookingError::Refused(confero_core::Refusal::OutsideWindow));
        }
        if !bookings::teaches(self.db, actor.school_id, join.teacher_id, join.student_id).await? {
            return Err(BookingError::Refused(
                confero_core::Refusal::NotTheirTeacher,
            ));
        }
        let mut tx = self.db.writer.begin().await?;
        let evening = self
            .lock_and_read(&mut tx, join.student_id, snapshot)
            .await?;
        if !evening.audience.is_everyone()
            && !audiences::student_invited(&mut tx, evening.id, join.student_id).await?
        {
            return Err(BookingError::Refused(confero_core::Refusal::NotInvited));
        }
        let household =
            bookings::household_for(&mut tx, join.student_id, Some(actor.viewer.person_id)).await?;
        let timelines = bookings::timelines(
            &mut tx,
            evening.id,
            join.teacher_id,
            join.student_id,
            household,
        )
        .await?;
        let booked = timelines
            .family
            .iter()
            .any(|a| a.teacher_id == join.teacher_id && a.student_id == join.student_id);
        if booked {
            return Err(BookingError::Refused(
                confero_core::Refusal::AlreadyBookedWithTeacher,
            ));
        }
        if let Some(open) = waitlist::open_for(
            &mut tx,
            evening.id,
            join.teacher_id,
            join.student_id,
            household,
        )
        .await?
        {
            return Ok(open.id);
        }
        let entry = NewEntry {
            school_id: actor.school_id,
            evening_id: evening.id,
            teacher_id: join.teacher_id,
            student_id: join.student_id,
            guardian_id: actor.viewer.person_id,
            household,
            window: span,
        };
        let Some(id) = waitlist::insert(&mut tx, &entry, now).await? else {
            // Another tap of the same family got there first in this instant.
            return Err(BookingError::Conflict("already waiting for this teacher"));
        };
        let events = self
            .offer_free_times(&mut tx, &evening, join.teacher_id)
            .await?;
        self.commit_and_tell(tx, events).await?;
        Ok(id)
    }

    /// Offers the teacher's free times to the families waiting for them, in
    /// line order, each the earliest free time that fits their window and
    /// their evening. Runs inside the transaction that freed the time(s).
    pub(super) async fn offer_free_times(
        &self,
        conn: &mut AnyConnection,
        evening: &EveningSnapshot,
        teacher_id: i64,
    ) -> BookingResult<Vec<LiveEvent>> {
        let now = self.now();
        let mut events = Vec::new();
        let open = evening.status == "published"
            && (evening.fields.booking_opens_at..evening.fields.booking_closes_at).contains(&now);
        let Some(teacher) = evening.teacher(teacher_id).filter(|_| open) else {
            return Ok(events);
        };
        let line = waitlist::line(conn, evening.id, teacher_id).await?;
        for entry in line {
            bookings::lock_family(conn, self.db.engine, entry.student_id).await?;
            let household = entry.household;
            let mut timelines =
                bookings::timelines(conn, evening.id, teacher_id, entry.student_id, household)
                    .await?;
            let teaches =
                bookings::teaches(self.db, entry.school_id, teacher_id, entry.student_id).await?;
            let candidates: Vec<_> = evening
                .teacher_slots(teacher_id)
                .iter()
                .filter(|slot| {
                    !slot.blocked
                        && slot.start > now
                        && entry.window.contains(&slot.interval())
                        && !timelines.taken.contains(&slot.start)
                })
                .copied()
                .collect();
            for slot in candidates {
                let ctx = BookingContext {
                    now,
                    staff: false,
                    published: true,
                    window: window(evening),
                    teaches_child: teaches,
                    teacher_slots: evening.teacher_slots(teacher_id),
                    taken: &timelines.taken,
                    family: &timelines.family,
                    travel_buffer_secs: evening.fields.travel_buffer_secs,
                    moving: None,
                };
                let request = BookingRequest {
                    teacher_id,
                    student_id: entry.student_id,
                    slot_start: slot.start,
                    room: teacher.room.as_deref(),
                };
                if rules::check_booking(&request, &ctx).is_err() {
                    continue;
                }
                let hold = bookings::NewBooking {
                    school_id: entry.school_id,
                    evening_id: evening.id,
                    teacher_id,
                    student_id: entry.student_id,
                    booked_by: entry.guardian_id,
                    span: slot.interval(),
                    room: teacher.room.as_deref(),
                    household,
                };
                // Taken meanwhile (only a time that was free before this
                // transaction can be): try the next.
                let Some(booking_id) = bookings::insert_hold(conn, &hold, now).await? else {
                    timelines.taken.push(slot.start);
                    continue;
                };
                let until = now + OFFER_HOLD_SECS;
                waitlist::set_offered(conn, entry.id, booking_id, until, now).await?;
                self.offer_notice(conn, &entry, booking_id, until).await?;
                events.push(event(
                    entry.school_id,
                    evening,
                    teacher_id,
                    slot.start,
                    true,
                ));
                break;
            }
        }
        Ok(events)
    }

    async fn offer_notice(
        &self,
        conn: &mut AnyConnection,
        entry: &EntryRow,
        booking_id: i64,
        until: i64,
    ) -> BookingResult<()> {
        let details = BookingNoticeDetails {
            until: Some(until),
            ..BookingNoticeDetails::default()
        };
        crate::storage::notices::insert(
            conn,
            entry.school_id,
            kind::WAITLIST_OFFER,
            Some(booking_id),
            &serde_json::to_string(&details).unwrap_or_default(),
            None,
            self.now(),
        )
        .await?;
        Ok(())
    }

    /// A place in a line the actor's family holds, read in a transaction
    /// after locking the family.
    async fn own_entry(
        &self,
        actor: &Actor,
        id: i64,
    ) -> BookingResult<(EntryRow, std::sync::Arc<EveningSnapshot>)> {
        let mut conn = self.db.pool.acquire().await?;
        let entry = waitlist::find_in(&mut conn, actor.school_id, id)
            .await?
            .filter(|entry| actor.viewer.family_holds(entry.student_id, entry.household))
            .ok_or(BookingError::NotFound)?;
        drop(conn);
        let snapshot = self
            .caches
            .evening(self.db, actor.school_id, entry.evening_id)
            .await?
            .ok_or(BookingError::NotFound)?;
        Ok((entry, snapshot))
    }

    /// Accepts the time held for the family: it becomes their booking, with
    /// every rule checked again. Accepting twice answers the same booking.
    pub async fn accept_offer(&self, actor: &Actor, id: i64) -> BookingResult<i64> {
        retrying(|| self.accept_once(actor, id)).await
    }

    async fn accept_once(&self, actor: &Actor, id: i64) -> BookingResult<i64> {
        let (entry, snapshot) = self.own_entry(actor, id).await?;
        let teaches =
            bookings::teaches(self.db, actor.school_id, entry.teacher_id, entry.student_id).await?;
        let mut tx = self.db.writer.begin().await?;
        let evening = self
            .lock_and_read(&mut tx, entry.student_id, &snapshot)
            .await?;
        let entry = waitlist::find_in(&mut tx, actor.school_id, id)
            .await?
            .ok_or(BookingError::NotFound)?;
        let now = self.now();
        let booking_id = match (entry.status.as_str(), entry.booking_id) {
            ("booked", Some(booking_id)) => return Ok(booking_id),
            ("offered", Some(booking_id))
                if entry.offer_expires_at.is_some_and(|until| until > now) =>
            {
                booking_id
            }
            _ => return Err(BookingError::Conflict("this offer has ended")),
        };
        let held = bookings::find_in(&mut tx, actor.school_id, booking_id)
            .await?
            .ok_or(BookingError::NotFound)?;
        // Decided as the held booking moving onto its own time: the hold
        // itself is neither taken nor in the family's way.
        let attempt = super::Attempt {
            teacher_id: entry.teacher_id,
            student_id: entry.student_id,
            start: held.span.start,
            moving: Some(booking_id),
            teaches,
            household: Some(held.household),
        };
        self.decide(&mut tx, actor, &evening, &attempt).await?;
        if !waitlist::confirm_hold(&mut tx, booking_id, actor.viewer.person_id, now).await? {
            return Err(BookingError::Conflict("this offer has ended"));
        }
        waitlist::close(&mut tx, entry.id, "booked", now).await?;
        self.notice(
            &mut tx,
            actor,
            kind::BOOKING_MADE,
            booking_id,
            BookingNoticeDetails::default(),
        )
        .await?;
        let events = vec![event(
            actor.school_id,
            &evening,
            entry.teacher_id,
            held.span.start,
            true,
        )];
        self.commit_and_tell(tx, events).await?;
        Ok(booking_id)
    }

    /// Leaves a teacher's line; an offer held is declined, and its time
    /// goes to the next family at once. Leaving twice changes nothing.
    pub async fn leave_waitlist(&self, actor: &Actor, id: i64) -> BookingResult<()> {
        retrying(|| self.leave_once(actor, id)).await
    }

    async fn leave_once(&self, actor: &Actor, id: i64) -> BookingResult<()> {
        let (entry, snapshot) = self.own_entry(actor, id).await?;
        self.end_entry(entry.school_id, entry.student_id, id, &snapshot, None)
            .await
    }

    /// Ends an open place (declined or left; or, with `expired_by`, an offer
    /// run out by then) and offers a released time to the next family.
    async fn end_entry(
        &self,
        school_id: i64,
        student_id: i64,
        id: i64,
        snapshot: &std::sync::Arc<EveningSnapshot>,
        expired_by: Option<i64>,
    ) -> BookingResult<()> {
        let mut tx = self.db.writer.begin().await?;
        let evening = self.lock_and_read(&mut tx, student_id, snapshot).await?;
        let Some(entry) = waitlist::find_in(&mut tx, school_id, id).await? else {
            return Ok(());
        };
        let now = self.now();
        let offered = entry.status == "offered";
        let status = match expired_by {
            Some(by) if offered && entry.offer_expires_at.is_some_and(|until| until <= by) => {
                "expired"
            }
            Some(_) => return Ok(()),
            None if offered => "declined",
            None => "left",
        };
        if !waitlist::close(&mut tx, entry.id, status, now).await? {
            return Ok(());
        }
        let mut events = Vec::new();
        if let (true, Some(booking_id)) = (offered, entry.booking_id) {
            let held = bookings::find_in(&mut tx, school_id, booking_id).await?;
            if waitlist::release_hold(&mut tx, booking_id, now).await? {
                if let Some(held) = held {
                    events.push(event(
                        school_id,
                        &evening,
                        entry.teacher_id,
                        held.span.start,
                        false,
                    ));
                }
                events.extend(
                    self.offer_free_times(&mut tx, &evening, entry.teacher_id)
                        .await?,
                );
            }
        }
        self.commit_and_tell(tx, events).await
    }

    /// Releases every offer that ran out by now, each time going to the
    /// next family in line; returns how many. The server runs it every few
    /// seconds.
    pub async fn expire_offers(&self) -> BookingResult<usize> {
        let now = self.now();
        let due = waitlist::offers_due(self.db, now).await?;
        for &(school_id, id) in &due {
            let mut conn = self.db.pool.acquire().await?;
            let Some(entry) = waitlist::find_in(&mut conn, school_id, id).await? else {
                continue;
            };
            drop(conn);
            let Some(snapshot) = self
                .caches
                .evening(self.db, school_id, entry.evening_id)
                .await?
            else {
                continue;
            };
            retrying(|| self.end_entry(school_id, entry.student_id, id, &snapshot, Some(now)))
                .await?;
        }
        Ok(due.len())
    }

    /// Offers the free times of every teacher families are waiting for, in
    /// a transaction of its own: after a change that may have freed or
    /// added times outside a booking transaction (a teacher's hours or
    /// blocked times, the evening's settings, a roster import).
    pub async fn offer_waiting_times(&self, school_id: i64, evening_id: i64) -> BookingResult<()> {
        let teachers = waitlist::teachers_waited_for(self.db, evening_id).await?;
        if teachers.is_empty() {
            return Ok(());
        }
        retrying(|| async {
            self.caches.forget_evening(school_id, evening_id);
            let Some(snapshot) = self.caches.evening(self.db, school_id, evening_id).await? else {
                return Ok(());
            };
            let mut tx = self.db.writer.begin().await?;
            let evening = self.as_it_stands(&mut tx, &snapshot).await?;
            let mut events = Vec::new();
            for &teacher_id in &teachers {
                events.extend(self.offer_free_times(&mut tx, &evening, teacher_id).await?);
            }
            self.commit_and_tell(tx, events).await
        })
        .await
    }
}
