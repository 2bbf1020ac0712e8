//! The mail worker: queues reminders when an evening is near, expands notices
//! into messages, and sends the outbox over SMTP.
//!
//! A message is claimed for a lease before it is handed to the server and
//! marked sent as soon as the server has accepted it. A process that dies
//! mid-send leaves a claim whose lease runs out, and the message is sent
//! again then; one the server had not accepted is neither lost nor doubled.
//! A failed attempt is retried with a doubling back-off; after
//! [`MAX_ATTEMPTS`] the message is marked failed, and admins see it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone as _, Utc};
use chrono_tz::Tz;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use super::compose::{self, AppointmentLine, BookingChange, Rendered};
use super::ics::{self, Appointment, SchoolCard};
use super::MailSettings;
use crate::clock::Clock;
use crate::storage::bookings::{self, BookingDetail};
use crate::storage::notices::{self, kind, Notice};
use crate::storage::outbox::{self, Claimed, NewMessage};
use crate::storage::people::{self, Contact};
use crate::storage::{overview, schools, Db};

/// Attempts before a message is marked failed.
pub const MAX_ATTEMPTS: i64 = 8;

/// The wait before attempt `n + 1` after `n` failed ones: 30 s, doubling, at most an hour.
pub fn backoff_secs(failed_attempts: i64) -> i64 {
    let doublings = u32::try_from(failed_attempts.clamp(1, 8) - 1).unwrap_or(0);
    (30i64 << doublings).min(3600)
}

/// What a booking notice carries besides the booking.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingNoticeDetails {
    /// A moved booking's previous start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<i64>,
    /// Why it was cancelled, when not by the family.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// Who acted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<i64>,
    /// The other bookings made in the same request (a plan booked at once):
    /// told in one message with this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub with: Vec<i64>,
    /// How many minutes late the teacher is running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late: Option<u32>,
    /// Until when a time offered from the waitlist is held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<i64>,
    /// Others to tell besides the child's current guardians (a guardian
    /// leaving the roster, whose own booking this was).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<i64>,
    /// The booking cancelled was a time held for the family from a waiting
    /// list, not yet theirs: told to the family only.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub held_offer: bool,
}

/// What a reminder notice is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReminderDetails {
    pub evening_id: i64,
    pub guardian_id: i64,
}

/// The worker's handles.
pub struct Worker {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<MailSettings>,
    pub wake: Arc<Notify>,
}

/// "Thursday 3 December, 16:20–16:30", in the school's zone.
pub fn when(zone: Tz, start: i64, end: i64) -> String {
    let at = |t: i64| {
        Utc.timestamp_opt(t, 0)
            .single()
            .unwrap_or_default()
            .with_timezone(&zone)
    };
    format!(
        "{}–{}",
        at(start).format("%A %-d %B, %H:%M"),
        at(end).format("%H:%M")
    )
}

/// Where an appointment happens, in words.
fn place(detail: &BookingDetail) -> Option<String> {
    match (detail.mode.as_str(), &detail.video_link, &detail.row.room) {
        ("video", Some(link), _) => Some(format!("video call: {link}")),
        ("phone", _, _) => Some("the teacher will phone you".to_owned()),
        (_, _, Some(room)) => Some(room.clone()),
        _ => None,
    }
}

/// A booking as a calendar event.
pub fn appointment(detail: &BookingDetail) -> Appointment {
    Appointment {
        booking_id: detail.row.id,
        start: detail.row.span.start,
        end: detail.row.span.end,
        evening_name: detail.evening_name.clone(),
        teacher_name: detail.teacher_name.clone(),
        student_name: detail.student_name.clone(),
        place: place(detail),
        url: (detail.mode == "video")
            .then(|| detail.video_link.clone())
            .flatten(),
    }
}

fn line(zone: Tz, detail: &BookingDetail) -> AppointmentLine {
    AppointmentLine {
        when: when(zone, detail.row.span.start, detail.row.span.end),
        teacher_name: detail.teacher_name.clone(),
        student_name: detail.student_name.clone(),
        place: place(detail),
    }
}

/// A message for the outbox; `key` makes it once-only (with the recipient).
fn outgoing(
    notice: &Notice,
    key: &str,
    to: &Contact,
    kind: &str,
    rendered: Rendered,
) -> NewMessage {
    NewMessage {
        school_id: notice.school_id,
        person_id: Some(to.person_id),
        kind: kind.to_owned(),
        to_email: to.email.clone(),
        to_name: to.name.clone(),
        subject: rendered.subject,
        text_body: rendered.text,
        html_body: rendered.html,
        attachment: rendered.attachment,
        dedupe_key: Some(format!("{key}:{}", to.person_id)),
    }
}

impl Worker {
    /// Runs for as long as the server does.
    pub async fn run(self) {
        let transport = match &self.settings.smtp_url {
            None => None,
            Some(url) => match AsyncSmtpTransport::<Tokio1Executor>::from_url(url) {
                Ok(builder) => Some(builder.timeout(Some(Duration::from_secs(20))).build()),
                Err(error) => {
                    tracing::error!(%error, "CONFERO_SMTP_URL is not usable: mail stays in the outbox");
                    None
                }
            },
        };
        // Reminders are looked for once a minute of the server's clock.
        let mut last_reminders: Option<i64> = None;
        loop {
            if last_reminders.is_none_or(|at| self.now() - at >= 60) {
                last_reminders = Some(self.now());
                if let Err(error) = self.queue_reminders().await {
                    tracing::warn!(%error, "queueing reminders failed");
                }
            }
            if let Err(error) = self.expand_notices().await {
                tracing::warn!(%error, "expanding notices failed");
            }
            if let Some(transport) = &transport {
                if let Err(error) = self.send_due(transport).await {
                    tracing::warn!(%error, "sending mail failed");
                }
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    /// One reminder notice per family and evening, once.
    pub async fn queue_reminders(&self) -> Result<usize, sqlx::Error> {
        let due = notices::due_reminders(&self.db, self.now()).await?;
        let mut conn = self.db.writer.acquire().await?;
        let mut queued = 0;
        for (school_id, evening_id, guardian_id) in due {
            let details = serde_json::to_string(&ReminderDetails {
                evening_id,
                guardian_id,
            })
            .unwrap_or_default();
            let key = format!("reminder:{evening_id}:{guardian_id}");
            if notices::insert(
                &mut conn,
                school_id,
                kind::REMINDER,
                None,
                &details,
                Some(&key),
                self.now(),
            )
            .await?
            {
                queued += 1;
            }
        }
        Ok(queued)
    }

    /// Turns pending notices into messages; returns how many notices.
    ///
    /// The messages of a batch (up to 100 notices) are rendered first, from
    /// the readers, then queued and the notices marked in one short write
    /// transaction: at 18:00 the one writer is the bookings', and one
    /// transaction per notice would take it once more for every booking.
    pub async fn expand_notices(&self) -> Result<usize, sqlx::Error> {
        let pending = notices::pending(&self.db, 100).await?;
        if pending.is_empty() {
            return Ok(0);
        }
        let mut messages = Vec::new();
        for notice in &pending {
            messages.extend(self.messages_for(notice).await?);
        }
        let ids: Vec<i64> = pending.iter().map(|notice| notice.id).collect();
        let now = self.now();
        let mut tx = self.db.writer.begin().await?;
        outbox::enqueue_all(&mut tx, &messages, now).await?;
        notices::mark_expanded(&mut tx, &ids, now).await?;
        tx.commit().await?;
        Ok(pending.len())
    }

    async fn messages_for(&self, notice: &Notice) -> Result<Vec<NewMessage>, sqlx::Error> {
        self.render(notice, &format!("notice:{}", notice.id)).await
    }

    /// The messages telling the family (and the teacher) that a booking was
    /// cancelled, rendered now: for a booking about to be deleted with its
    /// student, or cancelled by a roster import. `key` makes them once-only.
    pub async fn cancellation_messages(
        &self,
        school_id: i64,
        booking_id: i64,
        details: &BookingNoticeDetails,
        key: &str,
    ) -> Result<Vec<NewMessage>, sqlx::Error> {
        let notice = Notice {
            id: 0,
            school_id,
            kind: kind::BOOKING_CANCELLED.to_owned(),
            booking_id: Some(booking_id),
            details: serde_json::to_string(details).unwrap_or_default(),
        };
        self.render(&notice, key).await
    }

    async fn render(&self, notice: &Notice, key: &str) -> Result<Vec<NewMessage>, sqlx::Error> {
        let Some(card) = schools::card(&self.db, notice.school_id).await? else {
            return Ok(Vec::new());
        };
        let zone: Tz = card.time_zone.parse().unwrap_or(chrono_tz::UTC);
        let school = SchoolCard {
            name: card.name.clone(),
            address: card.address.clone(),
        };
        if notice.kind == kind::REMINDER {
            return self.reminder(notice, key, zone, &school).await;
        }
        if notice.kind == kind::BOOKING_NUDGE {
            return self.nudge(notice, key, zone, &school).await;
        }
        let Some(booking_id) = notice.booking_id else {
            return Ok(Vec::new());
        };
        // A booking deleted since (its student left the roster) was told of then.
        let Some(detail) = bookings::detail_of(&self.db, notice.school_id, booking_id).await?
        else {
            return Ok(Vec::new());
        };
        let details: BookingNoticeDetails =
            serde_json::from_str(&notice.details).unwrap_or_default();
        // An offer answered or run out before its email went is not sent.
        if notice.kind == kind::WAITLIST_OFFER && detail.row.status != "held" {
            return Ok(Vec::new());
        }
        let change = match notice.kind.as_str() {
            kind::BOOKING_MADE => BookingChange::Made,
            kind::RUNNING_LATE => BookingChange::Late {
                minutes: details.late.unwrap_or_default(),
            },
            kind::WAITLIST_OFFER => BookingChange::Offered {
                until: details
                    .until
                    .and_then(|until| Utc.timestamp_opt(until, 0).single())
                    .map(|until| until.with_timezone(&zone).format("%H:%M").to_string())
                    .unwrap_or_default(),
            },
            kind::BOOKING_MOVED => BookingChange::Moved {
                from_when: details
                    .from
                    .map(|from| {
                        when(
                            zone,
                            from,
                            from + (detail.row.span.end - detail.row.span.start),
                        )
                    })
                    .unwrap_or_default(),
            },
            _ => BookingChange::Cancelled {
                why: details.why.clone(),
            },
        };
        // A plan booked at once is told in one message, with every appointment.
        let mut plan = vec![detail.clone()];
        if matches!(change, BookingChange::Made) {
            for id in &details.with {
                if let Some(other) = bookings::detail_of(&self.db, notice.school_id, *id).await? {
                    plan.push(other);
                }
            }
        }
        let calendar = match change {
            BookingChange::Cancelled { .. }
            | BookingChange::Offered { .. }
            | BookingChange::Late { .. } => None,
            _ => Some(ics::calendar(
                zone,
                &school,
                &detail.evening_name,
                &plan.iter().map(appointment).collect::<Vec<_>>(),
                self.now(),
            )),
        };
        let mut family: Vec<Contact> =
            people::guardians_of(&self.db, notice.school_id, detail.row.student_id)
                .await?
                .into_iter()
                // A household's booking is told to that household only.
                .filter(|c| {
                    !c.disabled
                        && (detail.row.household == 0 || c.person_id == detail.row.household)
                })
                .collect();
        for person in &details.also {
            if let Some(contact) = people::contact_of(&self.db, notice.school_id, *person).await? {
                if !family.iter().any(|c| c.person_id == contact.person_id) {
                    family.push(contact);
                }
            }
        }
        let appointment_line = line(zone, &detail);
        // A teacher running late is told only while the appointment is still to come.
        if matches!(change, BookingChange::Late { .. }) && detail.row.status != "booked" {
            return Ok(Vec::new());
        }
        let family_link = if matches!(
            change,
            BookingChange::Offered { .. } | BookingChange::Late { .. }
        ) {
            self.settings
                .link(&format!("/parent/evenings/{}", detail.row.evening_id))
        } else {
            self.settings.link("/parent")
        };
        let lines: Vec<AppointmentLine> = plan.iter().map(|d| line(zone, d)).collect();
        let mut messages = Vec::new();
        for to in &family {
            let rendered = if lines.len() > 1 {
                compose::bookings_made(
                    &card.name,
                    &to.name,
                    &detail.evening_name,
                    &lines,
                    calendar.clone(),
                    &family_link,
                )
            } else {
                compose::booking(
                    &card.name,
                    &to.name,
                    &detail.evening_name,
                    &appointment_line,
                    &change,
                    calendar.clone(),
                    &family_link,
                )
            };
            messages.push(outgoing(notice, key, to, &notice.kind, rendered));
        }
        let teacher_acted = details.by == Some(detail.row.teacher_id);
        if matches!(change, BookingChange::Cancelled { .. })
            && !teacher_acted
            && !details.held_offer
        {
            if let Some(teacher) =
                people::contact_of(&self.db, notice.school_id, detail.row.teacher_id).await?
            {
                if !teacher.disabled {
                    let rendered = compose::booking(
                        &card.name,
                        &teacher.name,
                        &detail.evening_name,
                        &appointment_line,
                        &change,
                        None,
                        &self.settings.link("/teacher"),
                    );
                    messages.push(outgoing(notice, key, &teacher, &notice.kind, rendered));
                }
            }
        }
        Ok(messages)
    }

    /// Who a reminder notice (the evening's, or the office's to book) is
    /// for: its details and the guardian, unless the account is gone or disabled.
    async fn reminded(
        &self,
        notice: &Notice,
    ) -> Result<Option<(ReminderDetails, Contact)>, sqlx::Error> {
        let Ok(details) = serde_json::from_str::<ReminderDetails>(&notice.details) else {
            return Ok(None);
        };
        let guardian = people::contact_of(&self.db, notice.school_id, details.guardian_id).await?;
        Ok(guardian
            .filter(|g| !g.disabled)
            .map(|guardian| (details, guardian)))
    }

    async fn reminder(
        &self,
        notice: &Notice,
        key: &str,
        zone: Tz,
        school: &SchoolCard,
    ) -> Result<Vec<NewMessage>, sqlx::Error> {
        let Some((details, guardian)) = self.reminded(notice).await? else {
            return Ok(Vec::new());
        };
        let booked = bookings::family_at_evening(
            &self.db,
            notice.school_id,
            details.evening_id,
            details.guardian_id,
        )
        .await?;
        let Some(first) = booked.first() else {
            return Ok(Vec::new());
        };
        let lines: Vec<AppointmentLine> = booked.iter().map(|d| line(zone, d)).collect();
        let appointments: Vec<Appointment> = booked.iter().map(appointment).collect();
        let calendar = ics::calendar(zone, school, &first.evening_name, &appointments, self.now());
        let rendered = compose::reminder(
            &school.name,
            &guardian.name,
            &first.evening_name,
            &lines,
            calendar,
            &self.settings.link("/parent"),
        );
        Ok(vec![outgoing(
            notice,
            key,
            &guardian,
            kind::REMINDER,
            rendered,
        )])
    }

    /// The office's reminder to book: the guardian's children the evening is
    /// for that still have no appointment (none left: nothing is sent).
    async fn nudge(
        &self,
        notice: &Notice,
        key: &str,
        zone: Tz,
        school: &SchoolCard,
    ) -> Result<Vec<NewMessage>, sqlx::Error> {
        let Some((details, guardian)) = self.reminded(notice).await? else {
            return Ok(Vec::new());
        };
        let Some((evening, closes)) =
            overview::evening_card(&self.db, notice.school_id, details.evening_id).await?
        else {
            return Ok(Vec::new());
        };
        let restricted = overview::restricted(&self.db, details.evening_id).await?;
        let filter = overview::PupilFilter {
            guardian: Some(details.guardian_id),
            ..overview::PupilFilter::default()
        };
        let children: Vec<String> = overview::pupils(
            &self.db,
            notice.school_id,
            details.evening_id,
            restricted,
            filter,
        )
        .await?
        .into_iter()
        .filter(|p| p.appointments == 0)
        .map(|p| format!("{} ({})", p.name, p.year_group))
        .collect();
        if children.is_empty() {
            return Ok(Vec::new());
        }
        let closes = Utc
            .timestamp_opt(closes, 0)
            .single()
            .unwrap_or_default()
            .with_timezone(&zone)
            .format("%A %-d %B at %H:%M")
            .to_string();
        let rendered = compose::booking_nudge(
            &school.name,
            &guardian.name,
            &evening,
            &children,
            &closes,
            &self
                .settings
                .link(&format!("/parent/evenings/{}", details.evening_id)),
        );
        Ok(vec![outgoing(
            notice,
            key,
            &guardian,
            kind::BOOKING_NUDGE,
            rendered,
        )])
    }

    /// Sends what is due; returns how many were accepted by the server.
    pub async fn send_due(
        &self,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
    ) -> Result<usize, sqlx::Error> {
        let now = self.now();
        let lease = i64::try_from(self.settings.lease.as_secs()).unwrap_or(60);
        let claimed = outbox::claim_due(&self.db, now, now + lease, 20).await?;
        let mut sent = 0;
        for message in claimed {
            match self.send(transport, &message).await {
                Ok(()) => {
                    outbox::mark_sent(&self.db, message.id, self.now()).await?;
                    sent += 1;
                }
                Err((error, permanent)) => {
                    let next = (!permanent && message.attempts < MAX_ATTEMPTS)
                        .then(|| self.now() + backoff_secs(message.attempts));
                    tracing::warn!(message_id = message.id, attempts = message.attempts, error = %error, "a message was not sent");
                    outbox::mark_failed_attempt(&self.db, message.id, next, &error).await?;
                }
            }
        }
        Ok(sent)
    }

    /// Hands one message to the server; on failure, the reason and whether
    /// retrying is pointless.
    async fn send(
        &self,
        transport: &AsyncSmtpTransport<Tokio1Executor>,
        message: &Claimed,
    ) -> Result<(), (String, bool)> {
        let email = build(&self.settings, message).map_err(|error| (error, true))?;
        transport.send(email).await.map(|_| ()).map_err(|error| {
            let permanent = error.is_permanent();
            (error.to_string(), permanent)
        })
    }
}

/// The email for an outbox message: text and HTML alternatives, and the
/// calendar file when there is one.
pub fn build(settings: &MailSettings, message: &Claimed) -> Result<Message, String> {
    let from: Mailbox = settings
        .from
        .parse()
        .map_err(|error| format!("the From address is not usable: {error}"))?;
    let address = message
        .to_email
        .parse()
        .map_err(|error| format!("the recipient's address is not usable: {error}"))?;
    let builder = Message::builder()
        .from(from)
        .to(Mailbox::new(Some(message.to_name.clone()), address))
        .subject(message.subject.clone())
        .message_id(Some(format!("<outbox-{}@{}>", message.id, settings.host())));
    let body =
        MultiPart::alternative_plain_html(message.text_body.clone(), message.html_body.clone());
    let email = match &message.attachment {
        Some((name, text)) => {
            let calendar = ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH")
                .map_err(|error| error.to_string())?;
            builder.multipart(
                MultiPart::mixed()
                    .multipart(body)
                    .singlepart(Attachment::new(name.clone()).body(text.clone(), calendar)),
            )
        }
        None => builder.multipart(body),
    };
    email.map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_stop() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(5), 480);
        assert_eq!(backoff_secs(8), 3600);
        assert_eq!(backoff_secs(100), 3600);
    }

    #[test]
    fn times_read_as_people_say_them() {
        // 2026-12-03 16:20 GMT.
        assert_eq!(
            when(chrono_tz::Europe::London, 1_796_314_800, 1_796_315_400),
            "Thursday 3 December, 16:20–16:30"
        );
    }

    #[test]
    fn an_email_has_both_alternatives_and_its_calendar() {
        let settings = MailSettings {
            smtp_url: None,
            from: "Hollowbrook via Confero <no-reply@confero.example>".into(),
            public_url: "https://confero.example".into(),
            lease: Duration::from_secs(60),
        };
        let message = Claimed {
            id: 42,
            to_email: "parent@example.org".into(),
            to_name: "Mrs Patel".into(),
            subject: "Booked".into(),
            text_body: "Plain words".into(),
            html_body: "<p>Plain words</p>".into(),
            attachment: Some((
                "appointment.ics".into(),
                "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into(),
            )),
            attempts: 1,
        };
        let raw = String::from_utf8(build(&settings, &message).unwrap().formatted()).unwrap();
        assert!(
            raw.contains("Message-ID: <outbox-42@confero.example>"),
            "{raw}"
        );
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/calendar"));
        assert!(raw.contains("appointment.ics"));
        let mut bad = message.clone();
        bad.to_email = "not an address".into();
        assert!(build(&settings, &bad).is_err());
    }
}
