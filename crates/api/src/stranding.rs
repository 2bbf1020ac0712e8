//! No change to an evening strands a booking silently. A change to a
//! teacher's hours, appointment length or blocked times, or to the evening's
//! own times or the year groups and classes it is for, is checked inside its transaction, against the evening as it
//! would be: a booked appointment whose time no longer exists (or is now
//! blocked) makes the change a 409 listing them, and nothing changes, unless
//! the request names exactly those bookings to cancel with it. Then they are
//! cancelled in the same transaction, each family told by email.

use confero_core::dto::StrandedBooking;
use confero_core::slots::Slot;
use confero_core::Interval;
use sqlx::AnyConnection;

use crate::cache::EveningSnapshot;
use crate::http::error::{ApiError, ApiResult};
use crate::mail::worker::BookingNoticeDetails;
use crate::storage::audiences;
use crate::storage::bookings::{self, BookingDetail};
use crate::storage::notices::{self, kind};
use crate::storage::roster_sync;
use crate::zone::SchoolZone;

/// Who changed what, and the words the families are sent.
pub struct Change<'a> {
    pub school_id: i64,
    pub evening_id: i64,
    /// Only this teacher's bookings can be affected (a change to their hours).
    pub teacher_id: Option<i64>,
    /// The bookings the request agreed to cancel.
    pub agreed: &'a [i64],
    pub actor: i64,
    pub now: i64,
    /// Why, as the families' email says it.
    pub why: &'a str,
}

/// Settles a change made (not yet committed) on `conn`: returns how many
/// bookings it cancelled, or [`ApiError::WouldStrand`], which must roll the
/// change back.
pub async fn settle(
    conn: &mut AnyConnection,
    zone: &SchoolZone,
    change: &Change<'_>,
) -> ApiResult<usize> {
    let snapshot = EveningSnapshot::load(conn, change.school_id, change.evening_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let booked =
        bookings::booked_details_in(conn, change.school_id, change.evening_id, change.teacher_id)
            .await?;
    // A child the evening is no longer for loses their appointments too.
    let uninvited = if snapshot.audience.is_everyone() {
        Vec::new()
    } else {
        audiences::booked_outside(conn, change.evening_id).await?
    };
    let stranded: Vec<BookingDetail> = booked
        .into_iter()
        .filter(|b| {
            !keeps_its_time(snapshot.teacher_slots(b.row.teacher_id), &b.row.span)
                || uninvited.contains(&b.row.id)
        })
        .collect();
    if stranded.is_empty() {
        return Ok(0);
    }
    let mut ids: Vec<i64> = stranded.iter().map(|b| b.row.id).collect();
    ids.sort_unstable();
    let mut agreed = change.agreed.to_vec();
    agreed.sort_unstable();
    agreed.dedup();
    if ids != agreed {
        return Err(ApiError::WouldStrand(
            stranded.iter().map(|b| view(zone, b)).collect(),
        ));
    }
    roster_sync::cancel_bookings(conn, &ids, change.now).await?;
    let details = serde_json::to_string(&BookingNoticeDetails {
        why: Some(change.why.to_owned()),
        by: Some(change.actor),
        ..BookingNoticeDetails::default()
    })
    .unwrap_or_default();
    for id in &ids {
        notices::insert(
            conn,
            change.school_id,
            kind::BOOKING_CANCELLED,
            Some(*id),
            &details,
            None,
            change.now,
        )
        .await?;
    }
    Ok(ids.len())
}

/// Takes the families whose child the evening (which has an audience) is no
/// longer for out of its waiting lists, in the caller's transaction; a time
/// held for one of them is released and the family told why. Returns the
/// released times, for the caller to announce.
pub async fn withdraw_offers_outside(
    conn: &mut AnyConnection,
    school_id: i64,
    evening_id: i64,
    now: i64,
) -> Result<Vec<audiences::Released>, sqlx::Error> {
    let released = audiences::leave_waitlists_outside(conn, evening_id, now).await?;
    let details = serde_json::to_string(&BookingNoticeDetails {
        why: Some(
            "The evening is no longer for this pupil's year group or class, so the time held for you from the waiting list is released.".to_owned(),
        ),
        held_offer: true,
        ..BookingNoticeDetails::default()
    })
    .unwrap_or_default();
    for time in &released {
        notices::insert(
            conn,
            school_id,
            kind::BOOKING_CANCELLED,
            Some(time.booking_id),
            &details,
            None,
            now,
        )
        .await?;
    }
    Ok(released)
}

/// Whether a booked time still exists, unblocked, among a teacher's slots.
pub fn keeps_its_time(slots: &[Slot], span: &Interval) -> bool {
    slots
        .iter()
        .any(|s| s.start == span.start && s.end == span.end && !s.blocked)
}

fn view(zone: &SchoolZone, b: &BookingDetail) -> StrandedBooking {
    StrandedBooking {
        booking_id: b.row.id,
        teacher_id: b.row.teacher_id,
        teacher_name: b.teacher_name.clone(),
        student_name: b.student_name.clone(),
        start: zone.rfc3339(b.row.span.start),
        end: zone.rfc3339(b.row.span.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booking_keeps_its_time_only_if_the_same_slot_is_there_unblocked() {
        let slot = |start: i64, blocked: bool| Slot {
            start,
            end: start + 600,
            blocked,
        };
        let span = Interval {
            start: 600,
            end: 1200,
        };
        assert!(keeps_its_time(&[slot(0, false), slot(600, false)], &span));
        assert!(!keeps_its_time(&[slot(600, true)], &span), "blocked");
        assert!(!keeps_its_time(&[slot(0, false)], &span), "hours narrowed");
        let longer = Slot {
            start: 600,
            end: 1500,
            blocked: false,
        };
        assert!(
            !keeps_its_time(&[longer], &span),
            "appointment length changed"
        );
    }
}
