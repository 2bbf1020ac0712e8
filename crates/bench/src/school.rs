//! The generated school: every family has one child taught by five popular
//! teachers and three others; the evening is published and open.

use anyhow::Context as _;
use chrono::Utc;
use confero_api::auth::{password, token};
use confero_api::storage::evenings::{self, EveningFields};
use confero_api::storage::people::{self, NewPerson};
use confero_api::storage::{roster, schools, sessions, Db};
use confero_core::{Interval, Role};

/// Popular teachers (the first five) teach every child.
pub const POPULAR: usize = 5;
/// Appointment length.
pub const SLOT_SECS: i64 = 10 * 60;

/// One family of the generated school.
#[derive(Clone, Debug)]
pub struct Family {
    pub guardian_id: i64,
    pub token: String,
    pub student_id: i64,
    /// The child's teachers, popular ones first.
    pub teachers: Vec<i64>,
}

/// What the load needs to know.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub evening_id: i64,
    pub session_start: i64,
    pub slots: usize,
    pub families: Vec<Family>,
}

/// Writes the school into a fresh database.
pub async fn seed(
    db: &Db,
    families: usize,
    teachers: usize,
    slots: usize,
) -> anyhow::Result<Seeded> {
    anyhow::ensure!(
        teachers > POPULAR + 3,
        "need more than {} teachers",
        POPULAR + 3
    );
    let now = Utc::now().timestamp();
    let hash = password::hash("rush-benchmark").map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut tx = db.writer.begin().await?;
    let school = schools::insert(&mut tx, "Rush Test School", "UTC", false, now).await?;
    let mut teacher_ids = Vec::new();
    let mut class_ids = Vec::new();
    for t in 0..teachers {
        let email = format!("teacher{t}@rush.test");
        let person = NewPerson {
            school_id: school,
            email: &email,
            password_hash: Some(&hash),
            title: Some("Mx"),
            given_name: "Teacher",
            family_name: &format!("T{t:02}"),
            phone: None,
            address: None,
        };
        let id = people::insert(&mut tx, &person, &[Role::Teacher], now).await?;
        class_ids
            .push(roster::insert_class(&mut tx, school, &format!("C{t:02}"), "Subject", id).await?);
        teacher_ids.push(id);
    }
    // Tomorrow, 16:00 UTC, long enough for every slot back to back.
    let day = now - now.rem_euclid(86_400) + 86_400;
    let session = Interval::new(day + 16 * 3600, day + 16 * 3600 + SLOT_SECS * slots as i64)
        .context("session")?;
    let fields = EveningFields {
        name: "Rush evening".into(),
        slot_secs: SLOT_SECS,
        changeover_secs: 0,
        travel_buffer_secs: 5 * 60,
        booking_opens_at: now - 3600,
        booking_closes_at: now + 7 * 86_400,
        cancel_until: now + 7 * 86_400,
        mode: "in_person".into(),
        video_link: None,
    };
    let evening_id = evenings::insert(&mut tx, school, &fields, now).await?;
    evenings::replace_times(&mut tx, evening_id, &[session], &[]).await?;
    evenings::set_teachers(&mut tx, evening_id, &teacher_ids).await?;
    for (t, id) in teacher_ids.iter().enumerate() {
        evenings::set_availability(
            &mut tx,
            evening_id,
            *id,
            Some(&format!("Room {t}")),
            None,
            &[],
            &[],
        )
        .await?;
    }
    evenings::set_status(&mut tx, school, evening_id, "published", now).await?;

    let mut out = Vec::with_capacity(families);
    let others = teachers - POPULAR;
    for f in 0..families {
        let student = roster::insert_student(
            &mut tx,
            school,
            &format!("S{f:05}"),
            "Child",
            &format!("F{f:05}"),
            "Year 9",
        )
        .await?;
        let email = format!("family{f}@rush.test");
        let person = NewPerson {
            school_id: school,
            email: &email,
            password_hash: Some(&hash),
            title: None,
            given_name: "Parent",
            family_name: &format!("F{f:05}"),
            phone: None,
            address: None,
        };
        let guardian = people::insert(&mut tx, &person, &[Role::Guardian], now).await?;
        roster::link_guardian(&mut tx, student, guardian, "carer").await?;
        let mut mine: Vec<usize> = (0..POPULAR).collect();
        for k in 0..3 {
            mine.push(POPULAR + (f * 3 + k) % others);
        }
        for t in &mine {
            roster::enrol(&mut tx, class_ids[*t], student).await?;
        }
        let teachers = mine.iter().map(|t| teacher_ids[*t]).collect();
        out.push(Family {
            guardian_id: guardian,
            token: String::new(),
            student_id: student,
            teachers,
        });
    }
    tx.commit().await?;

    for family in &mut out {
        family.token = token::generate();
        let public_id = token::generate()[..16].to_owned();
        let session = sessions::NewSession {
            token_hash: &token::hash(&family.token),
            public_id: &public_id,
            person_id: family.guardian_id,
            school_id: school,
            expires_at: now + 86_400,
            persistent: false,
            device: "confero-bench",
        };
        sessions::insert(db, &session, now).await?;
    }
    Ok(Seeded {
        evening_id,
        session_start: session.start,
        slots,
        families: out,
    })
}
