//! Booking several appointments in one transaction, all or nothing: what
//! "Plan my evening" sends. Every rule is checked for each booking in turn,
//! inside the transaction, against the family's timeline including the
//! bookings made before it in the same batch; the first refusal names its
//! booking and rolls back the whole batch.

use std::sync::Arc;

use super::{
    bookings, event, retrying, Actor, Attempt, Booker, BookingError, BookingResult, Idempotency,
    Refusal,
};
use crate::cache::EveningSnapshot;
use crate::mail::worker::BookingNoticeDetails;
use crate::storage::notices::kind;

/// One booking of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub teacher_id: i64,
    pub student_id: i64,
    pub start: i64,
}

/// The answer stored under a batch's idempotency key: its bookings' ids.
pub fn ids_answer(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

impl Booker<'_> {
    /// Books every one of `wanted` or none of them, and returns the
    /// bookings' ids in the order asked. A failure names its booking
    /// ([`BookingError::At`]). With an idempotency key, the ids are stored
    /// under it in the same transaction.
    pub async fn book_all(
        &self,
        actor: &Actor,
        snapshot: &Arc<EveningSnapshot>,
        wanted: &[Wanted],
        idempotency: Option<Idempotency<'_>>,
    ) -> BookingResult<Vec<i64>> {
        retrying(|| self.book_all_once(actor, snapshot, wanted, idempotency)).await
    }

    async fn book_all_once(
        &self,
        actor: &Actor,
        snapshot: &Arc<EveningSnapshot>,
        wanted: &[Wanted],
        idempotency: Option<Idempotency<'_>>,
    ) -> BookingResult<Vec<i64>> {
        let mut attempts = Vec::with_capacity(wanted.len());
        for (index, one) in wanted.iter().enumerate() {
            let at = BookingError::at(index);
            if snapshot.teacher(one.teacher_id).is_none() {
                return Err(at(BookingError::Invalid {
                    field: "teacher_id",
                    message: "is not taking part in this evening",
                }));
            }
            let teaches = self
                .may_act(actor, one.teacher_id, one.student_id)
                .await
                .map_err(&at)?;
            // Decided again in the transaction; this only spares the write lock.
            if bookings::is_taken(self.db, snapshot.id, one.teacher_id, one.start).await? {
                return Err(at(BookingError::Refused(Refusal::SlotTaken)));
            }
            attempts.push(Attempt {
                teacher_id: one.teacher_id,
                student_id: one.student_id,
                start: one.start,
                moving: None,
                teaches,
                household: None,
            });
        }
        let mut students: Vec<i64> = wanted.iter().map(|w| w.student_id).collect();
        students.sort_unstable();
        students.dedup();
        let mut tx = self.db.writer.begin().await?;
        bookings::lock_families(&mut tx, self.db.engine, &students).await?;
        let evening = self.as_it_stands(&mut tx, snapshot).await?;
        let now = self.now();
        let mut ids = Vec::with_capacity(attempts.len());
        let mut events = Vec::with_capacity(attempts.len());
        for (index, attempt) in attempts.iter().enumerate() {
            let at = BookingError::at(index);
            let decided = self
                .decide(&mut tx, actor, &evening, attempt)
                .await
                .map_err(&at)?;
            let slot = decided.slot;
            let id = self
                .insert_quietly(&mut tx, actor, &evening, attempt, decided, now)
                .await
                .map_err(&at)?;
            events.push(event(
                actor.school_id,
                &evening,
                attempt.teacher_id,
                slot.start,
                true,
            ));
            ids.push(id);
        }
        // One message tells the family of the whole plan.
        if let Some((&first, rest)) = ids.split_first() {
            let together = BookingNoticeDetails {
                with: rest.to_vec(),
                ..BookingNoticeDetails::default()
            };
            self.notice(&mut tx, actor, kind::BOOKING_MADE, first, together)
                .await?;
        }
        if let Some(idempotency) = idempotency {
            self.remember(&mut tx, actor, idempotency, ids_answer(&ids), now)
                .await?;
        }
        self.commit_and_tell(tx, events).await?;
        Ok(ids)
    }
}
