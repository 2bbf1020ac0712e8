//! Evenings, their sessions and breaks, participating teachers and their availability.

use confero_core::dto::EveningAudience;
use confero_core::slots::{Availability, EveningPlan};
use confero_core::Interval;
use sqlx::{AnyConnection, Row as _};
use std::collections::HashMap;

use super::{Db, Engine};

/// An evening's own fields, as stored (instants in Unix seconds, lengths in seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EveningFields {
    pub name: String,
    pub slot_secs: i64,
    pub changeover_secs: i64,
    pub travel_buffer_secs: i64,
    pub booking_opens_at: i64,
    pub booking_closes_at: i64,
    pub cancel_until: i64,
    pub mode: String,
    pub video_link: Option<String>,
}

/// A participating teacher with their evening settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeacherRow {
    pub teacher_id: i64,
    pub name: String,
    pub room: Option<String>,
    pub slot_secs: Option<i64>,
    /// How far behind the teacher says they are (0: on time).
    pub late_minutes: i64,
}

/// A whole evening.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EveningRecord {
    pub id: i64,
    pub school_id: i64,
    /// Bumped by every change to the evening or its teachers' availability.
    pub version: i64,
    pub status: String,
    pub fields: EveningFields,
    pub sessions: Vec<Interval>,
    pub breaks: Vec<Interval>,
    pub teachers: Vec<TeacherRow>,
    /// Who the evening is for (empty: the whole school).
    pub audience: EveningAudience,
}

impl EveningRecord {
    /// What slot generation needs from the evening.
    pub fn plan(&self) -> EveningPlan {
        EveningPlan {
            sessions: self.sessions.clone(),
            breaks: self.breaks.clone(),
            slot_secs: self.fields.slot_secs,
            changeover_secs: self.fields.changeover_secs,
        }
    }

    /// The participating teacher, if `teacher_id` is one.
    pub fn teacher(&self, teacher_id: i64) -> Option<&TeacherRow> {
        self.teachers.iter().find(|t| t.teacher_id == teacher_id)
    }
}

/// Records how late a teacher is running tonight; false when the teacher
/// is not taking part in the evening.
pub async fn set_late(
    db: &Db,
    evening_id: i64,
    teacher_id: i64,
    minutes: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE evening_teachers SET late_minutes = $1, late_since = $2 WHERE evening_id = $3 AND teacher_id = $4",
    )
    .bind(minutes)
    .bind((minutes > 0).then_some(now))
    .bind(evening_id)
    .bind(teacher_id)
    .execute(&db.writer)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Creates an evening (as a draft) and returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    school_id: i64,
    fields: &EveningFields,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO evenings (school_id, name, status, slot_secs, changeover_secs, travel_buffer_secs,
                               booking_opens_at, booking_closes_at, cancel_until, mode, video_link, created_at, updated_at)
         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(school_id)
    .bind(&fields.name)
    .bind(fields.slot_secs)
    .bind(fields.changeover_secs)
    .bind(fields.travel_buffer_secs)
    .bind(fields.booking_opens_at)
    .bind(fields.booking_closes_at)
    .bind(fields.cancel_until)
    .bind(&fields.mode)
    .bind(&fields.video_link)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Replaces an evening's fields; false when no such evening is in the school.
pub async fn update(
    conn: &mut AnyConnection,
    school_id: i64,
    id: i64,
    fields: &EveningFields,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE evenings SET name = $1, slot_secs = $2, changeover_secs = $3, travel_buffer_secs = $4,
                booking_opens_at = $5, booking_closes_at = $6, cancel_until = $7, mode = $8, video_link = $9,
                updated_at = $10, version = version + 1
          WHERE id = $11 AND school_id = $12",
    )
    .bind(&fields.name)
    .bind(fields.slot_secs)
    .bind(fields.changeover_secs)
    .bind(fields.travel_buffer_secs)
    .bind(fields.booking_opens_at)
    .bind(fields.booking_closes_at)
    .bind(fields.cancel_until)
    .bind(&fields.mode)
    .bind(&fields.video_link)
    .bind(now)
    .bind(id)
    .bind(school_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the sessions and breaks of an evening.
pub async fn replace_times(
    conn: &mut AnyConnection,
    evening_id: i64,
    sessions: &[Interval],
    breaks: &[Interval],
) -> Result<(), sqlx::Error> {
    for table in ["evening_sessions", "evening_breaks"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE evening_id = $1"))
            .bind(evening_id)
            .execute(&mut *conn)
            .await?;
    }
    for (table, spans) in [("evening_sessions", sessions), ("evening_breaks", breaks)] {
        for span in spans {
            sqlx::query(&format!(
                "INSERT INTO {table} (evening_id, starts_at, ends_at) VALUES ($1, $2, $3)"
            ))
            .bind(evening_id)
            .bind(span.start)
            .bind(span.end)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Sets who participates: new teachers are added, absent ones removed with
/// their availability; those who stay keep theirs.
pub async fn set_teachers(
    conn: &mut AnyConnection,
    evening_id: i64,
    teacher_ids: &[i64],
) -> Result<(), sqlx::Error> {
    let current: Vec<i64> =
        sqlx::query_scalar("SELECT teacher_id FROM evening_teachers WHERE evening_id = $1")
            .bind(evening_id)
            .fetch_all(&mut *conn)
            .await?;
    for gone in current.iter().filter(|id| !teacher_ids.contains(id)) {
        for table in ["blocked_slots", "availability_windows", "evening_teachers"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE evening_id = $1 AND teacher_id = $2"
            ))
            .bind(evening_id)
            .bind(gone)
            .execute(&mut *conn)
            .await?;
        }
    }
    for new in teacher_ids.iter().filter(|id| !current.contains(id)) {
        sqlx::query("INSERT INTO evening_teachers (evening_id, teacher_id) VALUES ($1, $2)")
            .bind(evening_id)
            .bind(new)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Changes an evening's status; false when no such evening is in the school.
pub async fn set_status(
    conn: &mut AnyConnection,
    school_id: i64,
    id: i64,
    status: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE evenings SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND school_id = $4",
    )
    .bind(status)
    .bind(now)
    .bind(id)
    .bind(school_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The school's teachers who teach at least one class: the default participants.
pub async fn teachers_with_classes(
    conn: &mut AnyConnection,
    school_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT teacher_id FROM classes WHERE school_id = $1 ORDER BY teacher_id",
    )
    .bind(school_id)
    .fetch_all(conn)
    .await
}

/// Which of `ids` are teachers of the school.
pub async fn known_teachers(
    conn: &mut AnyConnection,
    school_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut known = Vec::new();
    for id in ids {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT p.id FROM people p JOIN person_roles r ON r.person_id = p.id AND r.role = 'teacher'
              WHERE p.id = $1 AND p.school_id = $2",
        )
        .bind(id)
        .bind(school_id)
        .fetch_optional(&mut *conn)
        .await?;
        known.extend(found);
    }
    Ok(known)
}

/// The ids of the school's evenings, newest first; drafts only when asked.
pub async fn list(db: &Db, school_id: i64, with_drafts: bool) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM evenings WHERE school_id = $1 AND ($2 = 1 OR status <> 'draft') ORDER BY booking_opens_at DESC, id DESC",
    )
    .bind(school_id)
    .bind(i64::from(with_drafts))
    .fetch_all(&db.pool)
    .await
}

/// Marks an evening as changed, as the first statement of a transaction that
/// changes its availability: bookings deciding at the same time wait for it
/// (PostgreSQL) or run before or after it (SQLite's single writer). False
/// when no such evening is in the school.
pub async fn bump_version(
    conn: &mut AnyConnection,
    school_id: i64,
    id: i64,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE evenings SET version = version + 1 WHERE id = $1 AND school_id = $2")
            .bind(id)
            .bind(school_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The evening's version, read inside a booking transaction. On PostgreSQL
/// the row is share-locked, so a change to the evening waits until the
/// booking commits, and a booking waits for a change under way, then sees it.
pub async fn version_for_booking(
    conn: &mut AnyConnection,
    engine: Engine,
    school_id: i64,
    id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let lock = match engine {
        Engine::Postgres => " FOR SHARE",
        Engine::Sqlite => "",
    };
    sqlx::query_scalar(&format!("{VERSION_SQL}{lock}"))
        .bind(id)
        .bind(school_id)
        .fetch_optional(conn)
        .await
}

/// [`version_for_booking`]'s statement, before any lock: `$1` evening, `$2` school.
pub(super) const VERSION_SQL: &str =
    "SELECT version FROM evenings WHERE id = $1 AND school_id = $2";

/// A whole evening of the school, or `None`. The version is read first, so
/// everything after it is at least as new as the version says.
pub async fn load(
    conn: &mut AnyConnection,
    school_id: i64,
    id: i64,
) -> Result<Option<EveningRecord>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT id, school_id, version, name, status, slot_secs, changeover_secs, travel_buffer_secs, booking_opens_at,
                booking_closes_at, cancel_until, mode, video_link, audience_restricted
           FROM evenings WHERE id = $1 AND school_id = $2",
    )
    .bind(id)
    .bind(school_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let mut spans = Vec::new();
    for table in ["evening_sessions", "evening_breaks"] {
        let found = sqlx::query(&format!(
            "SELECT starts_at, ends_at FROM {table} WHERE evening_id = $1 ORDER BY starts_at"
        ))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Interval {
                start: row.try_get("starts_at")?,
                end: row.try_get("ends_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
        spans.push(found);
    }
    let breaks = spans.pop().unwrap_or_default();
    let sessions = spans.pop().unwrap_or_default();
    let teachers = sqlx::query(
        "SELECT et.teacher_id, et.room, et.slot_secs, et.late_minutes, p.title, p.given_name, p.family_name
           FROM evening_teachers et JOIN people p ON p.id = et.teacher_id
          WHERE et.evening_id = $1
          ORDER BY p.family_name, p.given_name, p.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| {
        let title: Option<String> = row.try_get("title")?;
        let given: String = row.try_get("given_name")?;
        let family: String = row.try_get("family_name")?;
        Ok(TeacherRow {
            teacher_id: row.try_get("teacher_id")?,
            name: super::people::staff_name(title.as_deref(), &given, &family),
            room: row.try_get("room")?,
            slot_secs: row.try_get("slot_secs")?,
            late_minutes: row.try_get("late_minutes")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let restricted = row.try_get::<i64, _>("audience_restricted")? == 1;
    let audience = super::audiences::load(conn, id, restricted).await?;
    Ok(Some(EveningRecord {
        id: row.try_get("id")?,
        school_id: row.try_get("school_id")?,
        version: row.try_get("version")?,
        status: row.try_get("status")?,
        fields: EveningFields {
            name: row.try_get("name")?,
            slot_secs: row.try_get("slot_secs")?,
            changeover_secs: row.try_get("changeover_secs")?,
            travel_buffer_secs: row.try_get("travel_buffer_secs")?,
            booking_opens_at: row.try_get("booking_opens_at")?,
            booking_closes_at: row.try_get("booking_closes_at")?,
            cancel_until: row.try_get("cancel_until")?,
            mode: row.try_get("mode")?,
            video_link: row.try_get("video_link")?,
        },
        sessions,
        breaks,
        teachers,
        audience,
    }))
}

/// Every participating teacher's availability, keyed by teacher id.
pub async fn availabilities(
    conn: &mut AnyConnection,
    record: &EveningRecord,
) -> Result<HashMap<i64, Availability>, sqlx::Error> {
    let mut out: HashMap<i64, Availability> = record
        .teachers
        .iter()
        .map(|t| {
            (
                t.teacher_id,
                Availability {
                    slot_secs: t.slot_secs,
                    ..Availability::default()
                },
            )
        })
        .collect();
    let windows = sqlx::query(
        "SELECT teacher_id, starts_at, ends_at FROM availability_windows WHERE evening_id = $1",
    )
    .bind(record.id)
    .fetch_all(&mut *conn)
    .await?;
    for row in windows {
        let teacher: i64 = row.try_get("teacher_id")?;
        if let Some(availability) = out.get_mut(&teacher) {
            availability.windows.push(Interval {
                start: row.try_get("starts_at")?,
                end: row.try_get("ends_at")?,
            });
        }
    }
    let blocked =
        sqlx::query("SELECT teacher_id, starts_at FROM blocked_slots WHERE evening_id = $1")
            .bind(record.id)
            .fetch_all(&mut *conn)
            .await?;
    for row in blocked {
        let teacher: i64 = row.try_get("teacher_id")?;
        if let Some(availability) = out.get_mut(&teacher) {
            availability.blocked.push(row.try_get("starts_at")?);
        }
    }
    Ok(out)
}

/// Replaces one teacher's availability for the evening.
pub async fn set_availability(
    conn: &mut AnyConnection,
    evening_id: i64,
    teacher_id: i64,
    room: Option<&str>,
    slot_secs: Option<i64>,
    windows: &[Interval],
    blocked: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE evening_teachers SET room = $1, slot_secs = $2 WHERE evening_id = $3 AND teacher_id = $4")
        .bind(room)
        .bind(slot_secs)
        .bind(evening_id)
        .bind(teacher_id)
        .execute(&mut *conn)
        .await?;
    for table in ["availability_windows", "blocked_slots"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE evening_id = $1 AND teacher_id = $2"
        ))
        .bind(evening_id)
        .bind(teacher_id)
        .execute(&mut *conn)
        .await?;
    }
    for window in windows {
        sqlx::query("INSERT INTO availability_windows (evening_id, teacher_id, starts_at, ends_at) VALUES ($1, $2, $3, $4)")
            .bind(evening_id)
            .bind(teacher_id)
            .bind(window.start)
            .bind(window.end)
            .execute(&mut *conn)
            .await?;
    }
    for start in blocked {
        sqlx::query(
            "INSERT INTO blocked_slots (evening_id, teacher_id, starts_at) VALUES ($1, $2, $3)",
        )
        .bind(evening_id)
        .bind(teacher_id)
        .bind(start)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
