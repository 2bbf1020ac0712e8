//! Schools: the tenants.

use confero_core::dto::{SchoolInfo, SchoolSummary};
use sqlx::{AnyConnection, Row as _};

use super::Db;

/// Creates a school and returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    name: &str,
    time_zone: &str,
    is_demo: bool,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO schools (name, time_zone, is_demo, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(time_zone)
    .bind(i64::from(is_demo))
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The demo school's id, if it has been seeded.
pub async fn demo_school(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM schools WHERE is_demo = 1 ORDER BY id LIMIT 1")
        .fetch_optional(&db.pool)
        .await
}

/// A school's public face.
pub async fn info(db: &Db, school_id: i64) -> Result<Option<SchoolInfo>, sqlx::Error> {
    let row = sqlx::query("SELECT id, name, time_zone FROM schools WHERE id = $1")
        .bind(school_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| {
        Ok(SchoolInfo {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            time_zone: row.try_get("time_zone")?,
        })
    })
    .transpose()
}

/// Head counts for the admin's overview.
pub async fn summary(db: &Db, school: SchoolInfo) -> Result<SchoolSummary, sqlx::Error> {
    let row = sqlx::query(
        "SELECT
            (SELECT COUNT(*) FROM person_roles r JOIN people p ON p.id = r.person_id
              WHERE p.school_id = $1 AND r.role = 'admin') AS admins,
            (SELECT COUNT(*) FROM person_roles r JOIN people p ON p.id = r.person_id
              WHERE p.school_id = $1 AND r.role = 'teacher') AS teachers,
            (SELECT COUNT(*) FROM person_roles r JOIN people p ON p.id = r.person_id
              WHERE p.school_id = $1 AND r.role = 'guardian') AS guardians,
            (SELECT COUNT(*) FROM students WHERE school_id = $1) AS students,
            (SELECT COUNT(*) FROM classes WHERE school_id = $1) AS classes",
    )
    .bind(school.id)
    .fetch_one(&db.pool)
    .await?;
    Ok(SchoolSummary {
        admins: row.try_get("admins")?,
        teachers: row.try_get("teachers")?,
        guardians: row.try_get("guardians")?,
        students: row.try_get("students")?,
        classes: row.try_get("classes")?,
        school,
    })
}

/// What messages and calendar files say about a school.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    pub name: String,
    pub address: Option<String>,
    pub time_zone: String,
}

/// A school's name, address and zone.
pub async fn card(db: &Db, school_id: i64) -> Result<Option<Card>, sqlx::Error> {
    let row = sqlx::query("SELECT name, address, time_zone FROM schools WHERE id = $1")
        .bind(school_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| {
        Ok(Card {
            name: row.try_get("name")?,
            address: row.try_get("address")?,
            time_zone: row.try_get("time_zone")?,
        })
    })
    .transpose()
}

/// A school's email settings: address and reminder lead time in hours.
pub async fn settings(
    db: &Db,
    school_id: i64,
) -> Result<Option<(Option<String>, i64)>, sqlx::Error> {
    let row = sqlx::query("SELECT address, reminder_hours FROM schools WHERE id = $1")
        .bind(school_id)
        .fetch_optional(&db.pool)
        .await?;
    row.map(|row| Ok((row.try_get("address")?, row.try_get("reminder_hours")?)))
        .transpose()
}

/// Sets a school's email settings.
pub async fn set_settings(
    conn: &mut AnyConnection,
    school_id: i64,
    address: Option<&str>,
    reminder_hours: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE schools SET address = $1, reminder_hours = $2 WHERE id = $3")
        .bind(address)
        .bind(reminder_hours)
        .bind(school_id)
        .execute(conn)
        .await
        .map(|_| ())
}
