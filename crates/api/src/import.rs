//! A roster import, end to end: read and check the files, plan against the
//! school's roster, and — once an admin has seen the preview — apply the plan
//! in one transaction.
//!
//! Nothing is left dangling: the future bookings of a student leaving the
//! roster, of a guardian leaving (or no longer linked to the child they
//! booked for), with a teacher who is no longer one, and of a student no
//! longer in a year group or class their evening is for, are cancelled in the
//! same transaction; the families and teachers concerned are emailed, and
//! the freed slots are announced live. The preview counts them first, and
//! waiting lists lose the families an evening is no longer for.

use std::sync::Arc;

use confero_core::dto::{RosterApplied, RosterError, RosterPreview};
use tokio::sync::Notify;

use crate::booking::Booker;
use crate::clock::Clock;
use crate::live::{Live, LiveEvent, SlotEvent};
use crate::mail::worker::{BookingNoticeDetails, Worker};
use crate::mail::MailSettings;
use crate::roster::{self, CurrentRoster, Plan, RosterFiles};
use crate::storage::outbox::{self, NewMessage};
use crate::storage::roster_sync::{self, Affected};
use crate::storage::{audit, bookings, waitlist, Db};
use crate::stranding;

/// Why an import did not go ahead.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The files have problems; nothing was changed.
    #[error("the files have {} problem(s)", .0.len())]
    Problems(Vec<RosterError>),
    /// The roster (or the files) changed since the preview the admin confirmed.
    #[error("the roster changed since the preview: look at it again")]
    Stale,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What an import needs from the running server.
pub struct Importer<'a> {
    pub db: &'a Db,
    pub clock: &'a Arc<dyn Clock>,
    pub live: &'a Live,
    pub mail: &'a Arc<MailSettings>,
    pub mail_wake: &'a Arc<Notify>,
}

impl Importer<'_> {
    /// Parses, checks and plans: the dry run. `by` is the admin importing,
    /// who may not take away their own admin role.
    pub async fn plan(
        &self,
        school_id: i64,
        by: i64,
        files: &RosterFiles,
    ) -> Result<(Plan, CurrentRoster), ImportError> {
        let parsed = roster::parse(files).map_err(ImportError::Problems)?;
        let mut current = roster_sync::load_current(self.db, school_id).await?;
        current.emails_elsewhere =
            roster_sync::emails_elsewhere(self.db, school_id, &roster::emails_in(&parsed)).await?;
        let plan = roster::plan(&parsed, &current).map_err(ImportError::Problems)?;
        let loses_admin = plan
            .role_changes
            .iter()
            .any(|c| c.person_id == by && c.removed.contains(&confero_core::Role::Admin));
        if loses_admin {
            return Err(ImportError::Problems(vec![RosterError {
                file: "staff.csv".into(),
                line: None,
                column: None,
                reason: "you would lose your own admin role: list yourself in staff.csv with the admin role".into(),
            }]));
        }
        Ok((plan, current))
    }

    /// The preview of what importing `files` would change, with the future
    /// appointments it would cancel as the bookings stand now.
    pub async fn preview(
        &self,
        school_id: i64,
        by: i64,
        files: &RosterFiles,
    ) -> Result<RosterPreview, ImportError> {
        let (plan, current) = self.plan(school_id, by, files).await?;
        let now = self.clock.now().timestamp();
        let affected =
            roster_sync::affected_bookings(self.db, school_id, &plan, &current, now).await?;
        let mut preview = roster::preview(&plan);
        preview.cancels = affected.counts();
        Ok(preview)
    }

    /// Applies the import whose preview carried `token`; refuses if the plan
    /// is not the one previewed.
    pub async fn apply(
        &self,
        school_id: i64,
        by: i64,
        files: &RosterFiles,
        token: &str,
    ) -> Result<RosterApplied, ImportError> {
        let (plan, current) = self.plan(school_id, by, files).await?;
        let mut preview = roster::preview(&plan);
        if preview.token != token {
            return Err(ImportError::Stale);
        }
        let now = self.clock.now().timestamp();
        let affected =
            roster_sync::affected_bookings(self.db, school_id, &plan, &current, now).await?;
        preview.cancels = affected.counts();
        let cancelled = self.cancellations(school_id, &affected).await?;
        let messages = self.tell(school_id, &cancelled).await?;
        let ids: Vec<i64> = cancelled.iter().map(|c| c.detail.row.id).collect();

        let mut tx = self.db.writer.begin().await?;
        roster_sync::cancel_bookings(&mut tx, &ids, now).await?;
        roster_sync::apply(&mut tx, school_id, &plan, now).await?;
        let mut offers_withdrawn = Vec::new();
        for evening in roster_sync::restricted_evenings(&mut tx, school_id, now).await? {
            for released in
                stranding::withdraw_offers_outside(&mut tx, school_id, evening, now).await?
            {
                offers_withdrawn.push(LiveEvent::Slot(SlotEvent {
                    school_id,
                    evening_id: evening,
                    teacher_id: released.teacher_id,
                    start: released.start,
                    taken: false,
                }));
            }
        }
        outbox::enqueue_all(&mut tx, &messages, now).await?;
        let withdrawn = offers_withdrawn.len();
        let events: Vec<LiveEvent> = cancelled
            .iter()
            .map(|c| {
                LiveEvent::Slot(SlotEvent {
                    school_id,
                    evening_id: c.detail.row.evening_id,
                    teacher_id: c.detail.row.teacher_id,
                    start: c.detail.row.span.start,
                    taken: false,
                })
            })
            .chain(offers_withdrawn)
            .collect();
        self.live
            .notify_in(&mut tx, self.db.engine, &events)
            .await?;
        tx.commit().await?;
        self.live.publish(events);
        self.mail_wake.notify_one();
        audit::record(
            self.db,
            school_id,
            by,
            "roster_import",
            &summary(&preview, ids.len(), withdrawn),
            now,
        )
        .await?;
        Ok(RosterApplied {
            preview,
            cancelled_bookings: u64::try_from(ids.len()).unwrap_or(u64::MAX),
        })
    }

    async fn cancellations(
        &self,
        school_id: i64,
        affected: &Affected,
    ) -> Result<Vec<Cancellation>, sqlx::Error> {
        let mut out = Vec::new();
        let reasons = affected
            .of_leaving_students
            .iter()
            .map(|id| (*id, "The school's roster no longer lists this pupil, so the appointment is cancelled.", None))
            .chain(affected.by_leaving_guardians.iter().map(|(id, guardian)| {
                (*id, "The school's roster no longer lists the parent or carer who booked it, so the appointment is cancelled.", Some(*guardian))
            }))
            .chain(affected.with_leaving_teachers.iter().map(|id| {
                (*id, "The teacher is no longer taking appointments at the school, so the appointment is cancelled.", None)
            }))
            .chain(affected.no_longer_invited.iter().map(|id| {
                (*id, "The pupil is no longer in a year group or class the evening is for, after the school updated its records, so the appointment is cancelled.", None)
            }));
        for (id, why, guardian) in reasons {
            if let Some(detail) = bookings::detail_of(self.db, school_id, id).await? {
                out.push(Cancellation {
                    detail,
                    why,
                    guardian,
                });
            }
        }
        Ok(out)
    }

    /// The emails, rendered now, while everyone concerned is still on the roster.
    async fn tell(
        &self,
        school_id: i64,
        cancelled: &[Cancellation],
    ) -> Result<Vec<NewMessage>, sqlx::Error> {
        let worker = Worker {
            db: self.db.clone(),
            clock: self.clock.clone(),
            settings: self.mail.clone(),
            wake: self.mail_wake.clone(),
        };
        let mut messages = Vec::new();
        for c in cancelled {
            let details = BookingNoticeDetails {
                why: Some(c.why.to_owned()),
                also: c.guardian.into_iter().collect(),
                ..BookingNoticeDetails::default()
            };
            let key = format!("import-cancel:{}", c.detail.row.id);
            messages.extend(
                worker
                    .cancellation_messages(school_id, c.detail.row.id, &details, &key)
                    .await?,
            );
        }
        Ok(messages)
    }
}

/// After an import: the times it freed (leavers' bookings, offers withdrawn
/// from families an evening is no longer for) go to the families waiting for
/// them. An evening that fails is logged and the others still offered.
pub async fn offer_freed_times(booker: &Booker<'_>, school_id: i64) -> Result<(), sqlx::Error> {
    for evening_id in waitlist::evenings_waited_in(booker.db, school_id).await? {
        if let Err(error) = booker.offer_waiting_times(school_id, evening_id).await {
            tracing::warn!(%error, evening_id, "offering freed times to the waitlist failed");
        }
    }
    Ok(())
}

/// A booking an import cancels, and why.
struct Cancellation {
    detail: bookings::BookingDetail,
    why: &'static str,
    /// The guardian who booked it, when they are the one leaving.
    guardian: Option<i64>,
}

/// "students +12 ~3 -1; guardians …; 2 bookings cancelled; 1 waiting-list
/// offers withdrawn", for the audit log.
fn summary(preview: &RosterPreview, cancelled: usize, withdrawn: usize) -> String {
    let kinds = [
        ("students", &preview.students),
        ("guardians", &preview.guardians),
        ("staff", &preview.staff),
        ("classes", &preview.classes),
    ];
    let mut parts: Vec<String> = kinds
        .iter()
        .map(|(name, diff)| {
            format!(
                "{name} +{} ~{} -{}",
                diff.added.len(),
                diff.updated.len(),
                diff.removed.len()
            )
        })
        .collect();
    parts.push(format!("{cancelled} bookings cancelled"));
    parts.push(format!("{withdrawn} waiting-list offers withdrawn"));
    parts.join("; ")
}
