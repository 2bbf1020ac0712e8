//! The office's overview of an evening: the pupils it is for with how many
//! appointments each has, their guardians, reminders sent, and the pupils
//! the office can book for.

use std::collections::HashMap;

use sqlx::Row as _;

use super::audiences::invited;
use super::Db;

/// A pupil the evening is for (one with a teacher taking part).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PupilRow {
    pub student_id: i64,
    pub name: String,
    pub year_group: String,
    /// Booked appointments, attended and no-shows included.
    pub appointments: i64,
}

/// Which pupils to list.
#[derive(Clone, Copy, Debug, Default)]
pub struct PupilFilter<'a> {
    /// Only this guardian's children.
    pub guardian: Option<i64>,
    /// Only names containing this (lower case).
    pub name: Option<&'a str>,
    /// At most this many.
    pub limit: Option<i64>,
}

/// The pupils an evening is for, with a teacher taking part, by name.
/// `restricted`: the evening has an audience (else: the whole school).
pub async fn pupils(
    db: &Db,
    school_id: i64,
    evening_id: i64,
    restricted: bool,
    filter: PupilFilter<'_>,
) -> Result<Vec<PupilRow>, sqlx::Error> {
    let audience = if restricted {
        format!("AND {}", invited("$2", "s.id"))
    } else {
        String::new()
    };
    let limit = filter
        .limit
        .map(|n| format!(" LIMIT {n}"))
        .unwrap_or_default();
    let pattern = filter.name.map(|n| format!("%{n}%")).unwrap_or_default();
    sqlx::query(&format!(
        "SELECT s.id, s.given_name, s.family_name, s.year_group,
                (SELECT COUNT(*) FROM bookings b
                  WHERE b.evening_id = $2 AND b.student_id = s.id
                    AND b.status IN ('booked', 'attended', 'no_show')) AS appointments
           FROM students s
          WHERE s.school_id = $1 {audience}
            AND EXISTS (SELECT 1 FROM enrolments e
                          JOIN classes c ON c.id = e.class_id
                          JOIN evening_teachers et ON et.teacher_id = c.teacher_id AND et.evening_id = $2
                         WHERE e.student_id = s.id)
            AND ($3 = 0 OR s.id IN (SELECT student_id FROM guardianships WHERE guardian_id = $3))
            AND ($4 = '' OR LOWER(s.given_name || ' ' || s.family_name) LIKE $4)
          ORDER BY s.family_name, s.given_name, s.id{limit}"
    ))
    .bind(school_id)
    .bind(evening_id)
    .bind(filter.guardian.unwrap_or(0))
    .bind(pattern)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        let given: String = row.try_get("given_name")?;
        let family: String = row.try_get("family_name")?;
        Ok(PupilRow {
            student_id: row.try_get("id")?,
            name: format!("{given} {family}"),
            year_group: row.try_get("year_group")?,
            appointments: row.try_get("appointments")?,
        })
    })
    .collect()
}

/// A guardian of a pupil.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianOf {
    pub student_id: i64,
    pub guardian_id: i64,
    pub name: String,
}

/// The active guardians of the school's pupils, in id order.
pub async fn guardians(db: &Db, school_id: i64) -> Result<Vec<GuardianOf>, sqlx::Error> {
    sqlx::query(
        "SELECT g.student_id, p.id, p.given_name, p.family_name
           FROM guardianships g
           JOIN people p ON p.id = g.guardian_id
           JOIN students s ON s.id = g.student_id
          WHERE s.school_id = $1 AND p.disabled_at IS NULL
          ORDER BY p.id",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        let given: String = row.try_get("given_name")?;
        let family: String = row.try_get("family_name")?;
        Ok(GuardianOf {
            student_id: row.try_get("student_id")?,
            guardian_id: row.try_get("id")?,
            name: format!("{given} {family}"),
        })
    })
    .collect()
}

/// The dedupe key of the office's reminder to a guardian about an evening
/// on a day: a second reminder the same day is not sent.
pub fn nudge_key(evening_id: i64, guardian_id: i64, day: &str) -> String {
    format!("nudge:{evening_id}:{guardian_id}:{day}")
}

/// When each guardian was last reminded about the evening by the office.
pub async fn nudged(db: &Db, evening_id: i64) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let prefix = format!("nudge:{evening_id}:%");
    let rows = sqlx::query(
        "SELECT dedupe_key, created_at FROM notices WHERE kind = 'booking_nudge' AND dedupe_key LIKE $1",
    )
    .bind(prefix)
    .fetch_all(&db.pool)
    .await?;
    let mut last: HashMap<i64, i64> = HashMap::new();
    for row in rows {
        let key: String = row.try_get("dedupe_key")?;
        let at: i64 = row.try_get("created_at")?;
        if let Some(guardian) = key.split(':').nth(2).and_then(|g| g.parse().ok()) {
            let entry = last.entry(guardian).or_insert(at);
            *entry = (*entry).max(at);
        }
    }
    Ok(last)
}

/// A teacher of a pupil taking part in the evening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PupilTeacherRow {
    pub teacher_id: i64,
    pub subject: String,
    /// The start of the pupil's appointment with them, if booked.
    pub booked_at: Option<i64>,
}

/// The pupil's teachers taking part in the evening, by subject.
pub async fn teachers_of(
    db: &Db,
    evening_id: i64,
    student_id: i64,
) -> Result<Vec<PupilTeacherRow>, sqlx::Error> {
    sqlx::query(
        "SELECT c.teacher_id, MIN(c.subject) AS subject,
                (SELECT MIN(b.starts_at) FROM bookings b
                  WHERE b.evening_id = $1 AND b.student_id = $2 AND b.teacher_id = c.teacher_id
                    AND b.status IN ('booked', 'attended', 'no_show')) AS booked_at
           FROM enrolments e
           JOIN classes c ON c.id = e.class_id
           JOIN evening_teachers et ON et.teacher_id = c.teacher_id AND et.evening_id = $1
          WHERE e.student_id = $2
          GROUP BY c.teacher_id
          ORDER BY MIN(c.subject)",
    )
    .bind(evening_id)
    .bind(student_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(PupilTeacherRow {
            teacher_id: row.try_get("teacher_id")?,
            subject: row.try_get("subject")?,
            booked_at: row.try_get("booked_at")?,
        })
    })
    .collect()
}

/// An evening's name and when booking closes, for a reminder.
pub async fn evening_card(
    db: &Db,
    school_id: i64,
    evening_id: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query("SELECT name, booking_closes_at FROM evenings WHERE id = $1 AND school_id = $2")
        .bind(evening_id)
        .bind(school_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|row| Ok((row.try_get("name")?, row.try_get("booking_closes_at")?)))
        .transpose()
}

/// Whether the evening is for some year groups or classes only (set up so,
/// even if none of its classes is left).
pub async fn restricted(db: &Db, evening_id: i64) -> Result<bool, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    super::audiences::is_restricted(&mut conn, evening_id).await
}
