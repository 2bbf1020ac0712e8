//! Separated households: which children's guardians live apart, and moving
//! their appointments and waiting places between households.

use sqlx::{AnyConnection, Row as _};

use super::Db;

/// A child with more than one guardian.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildRow {
    pub student_id: i64,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
    pub guardians: Vec<String>,
    pub separate: bool,
}

/// The school's children with more than one guardian whose name (or a
/// guardian's) contains `search`, by family name; at most 200. With
/// `only`, that child alone.
pub async fn children(
    db: &Db,
    school_id: i64,
    search: &str,
    only: Option<i64>,
) -> Result<Vec<ChildRow>, sqlx::Error> {
    let pattern = format!("%{}%", search.to_lowercase());
    let rows = sqlx::query(
        "SELECT s.id, s.given_name, s.family_name, s.year_group, s.separate_households,
                p.title, p.given_name AS g_given, p.family_name AS g_family
           FROM students s
           JOIN guardianships g ON g.student_id = s.id
           JOIN people p ON p.id = g.guardian_id
          WHERE s.school_id = $1 AND ($3 = 0 OR s.id = $3)
            AND (SELECT COUNT(*) FROM guardianships c WHERE c.student_id = s.id) > 1
            AND s.id IN (SELECT s2.id FROM students s2
                           JOIN guardianships g2 ON g2.student_id = s2.id
                           JOIN people p2 ON p2.id = g2.guardian_id
                          WHERE s2.school_id = $1
                            AND (LOWER(s2.given_name || ' ' || s2.family_name) LIKE $2
                                 OR LOWER(p2.given_name || ' ' || p2.family_name) LIKE $2))
          ORDER BY s.family_name, s.given_name, s.id, p.id",
    )
    .bind(school_id)
    .bind(pattern)
    .bind(only.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<ChildRow> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let title: Option<String> = row.try_get("title")?;
        let given: String = row.try_get("g_given")?;
        let family: String = row.try_get("g_family")?;
        let guardian = match title.filter(|t| !t.is_empty()) {
            Some(title) => format!("{title} {given} {family}"),
            None => format!("{given} {family}"),
        };
        match out.last_mut() {
            Some(last) if last.student_id == id => last.guardians.push(guardian),
            _ => {
                if out.len() == 200 {
                    break;
                }
                out.push(ChildRow {
                    student_id: id,
                    given_name: row.try_get("given_name")?,
                    family_name: row.try_get("family_name")?,
                    year_group: row.try_get("year_group")?,
                    guardians: vec![guardian],
                    separate: row.try_get::<i64, _>("separate_households")? == 1,
                });
            }
        }
    }
    Ok(out)
}

/// Marks a child's guardians as living apart (or not); false when the
/// child is not in the school.
pub async fn set_separate(
    conn: &mut AnyConnection,
    school_id: i64,
    student_id: i64,
    separate: bool,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE students SET separate_households = $1 WHERE id = $2 AND school_id = $3",
    )
    .bind(i64::from(separate))
    .bind(student_id)
    .bind(school_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives each active appointment and open waiting place of the child that
/// a guardian made to that guardian's household.
pub async fn split(conn: &mut AnyConnection, student_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE bookings SET household = booked_by, updated_at = $2
          WHERE student_id = $1 AND status <> 'cancelled' AND household = 0
            AND booked_by IN (SELECT guardian_id FROM guardianships WHERE student_id = $1)",
    )
    .bind(student_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE waitlist SET household = guardian_id, updated_at = $2
          WHERE student_id = $1 AND status IN ('waiting', 'offered') AND household = 0",
    )
    .bind(student_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Joins the child's households again: every active appointment and open
/// waiting place becomes the whole family's. A unique-index violation means
/// two households hold the same teacher (the caller refuses).
pub async fn join(conn: &mut AnyConnection, student_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE bookings SET household = 0, updated_at = $2
          WHERE student_id = $1 AND status <> 'cancelled' AND household <> 0",
    )
    .bind(student_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE waitlist SET household = 0, updated_at = $2
          WHERE student_id = $1 AND status IN ('waiting', 'offered') AND household <> 0",
    )
    .bind(student_id)
    .bind(now)
    .execute(conn)
    .await
    .map(|_| ())
}

/// How many pairs of the family's active appointments that share a
/// timeline (after [`join`]) overlap, or leave too little time between
/// rooms: a join that makes any is refused.
pub async fn clashes(conn: &mut AnyConnection, student_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings b1
           JOIN bookings b2 ON b2.evening_id = b1.evening_id AND b2.id <> b1.id
           JOIN evenings e ON e.id = b1.evening_id
          WHERE b1.student_id = $1 AND b1.status <> 'cancelled' AND b2.status <> 'cancelled'
            AND b2.student_id IN (SELECT g2.student_id FROM guardianships g1
                                    JOIN guardianships g2 ON g2.guardian_id = g1.guardian_id
                                   WHERE g1.student_id = $1)
            AND (b1.household = 0 OR b2.household = 0 OR b1.household = b2.household)
            AND b1.starts_at < b2.ends_at
                  + CASE WHEN COALESCE(b1.room, '') = COALESCE(b2.room, '') THEN 0 ELSE e.travel_buffer_secs END
            AND b2.starts_at < b1.ends_at
                  + CASE WHEN COALESCE(b1.room, '') = COALESCE(b2.room, '') THEN 0 ELSE e.travel_buffer_secs END",
    )
    .bind(student_id)
    .fetch_one(conn)
    .await
}
