//! Who an evening is for: its year groups and classes. An evening with
//! neither is for the whole school, unless it was for some (its
//! `audience_restricted` flag) and its classes have since left the roster:
//! then it is for no one until the office chooses again. The rule "a child is invited when in one
//! of the year groups or enrolled in one of the classes" is written once, in
//! [`invited`], and used by every query here.

use confero_core::dto::{AudienceClass, EveningAudience, EveningChoices, TeacherChoice};
use sqlx::{AnyConnection, Row as _};

use super::reads::Arg;
use super::Db;

/// SQL true when the student `student` (an expression) is invited to the
/// evening `evening` (an expression). Only meaningful for an evening with an
/// audience: callers check [`EveningAudience::is_everyone`] first.
pub(super) fn invited(evening: &str, student: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM evening_year_groups ay JOIN students ays ON ays.year_group = ay.year_group
                   WHERE ay.evening_id = {evening} AND ays.id = {student})
          OR EXISTS (SELECT 1 FROM evening_classes ac JOIN enrolments ae ON ae.class_id = ac.class_id
                   WHERE ac.evening_id = {evening} AND ae.student_id = {student}))"
    )
}

fn audience_class(row: &sqlx::any::AnyRow) -> Result<AudienceClass, sqlx::Error> {
    Ok(AudienceClass {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
    })
}

/// The evening's audience (empty and not restricted: the whole school);
/// `restricted` is its `audience_restricted` flag, read with the evening.
pub async fn load(
    conn: &mut AnyConnection,
    evening_id: i64,
    restricted: bool,
) -> Result<EveningAudience, sqlx::Error> {
    let mut year_groups: Vec<String> =
        sqlx::query_scalar("SELECT year_group FROM evening_year_groups WHERE evening_id = $1")
            .bind(evening_id)
            .fetch_all(&mut *conn)
            .await?;
    year_groups.sort_by_cached_key(|name| natural_key(name));
    let classes = sqlx::query(
        "SELECT c.id, c.name FROM evening_classes ec JOIN classes c ON c.id = ec.class_id
          WHERE ec.evening_id = $1 ORDER BY c.name",
    )
    .bind(evening_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(audience_class)
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(EveningAudience {
        year_groups,
        classes,
        restricted,
    })
}

/// Whether the evening is for some year groups or classes only (its
/// `audience_restricted` flag: set so even if none of its classes is left).
pub async fn is_restricted(conn: &mut AnyConnection, evening_id: i64) -> Result<bool, sqlx::Error> {
    let flag: Option<i64> =
        sqlx::query_scalar("SELECT audience_restricted FROM evenings WHERE id = $1")
            .bind(evening_id)
            .fetch_optional(conn)
            .await?;
    Ok(flag == Some(1))
}

/// Replaces the evening's audience.
pub async fn set(
    conn: &mut AnyConnection,
    evening_id: i64,
    year_groups: &[String],
    class_ids: &[i64],
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE evenings SET audience_restricted = $2 WHERE id = $1")
        .bind(evening_id)
        .bind(i64::from(!(year_groups.is_empty() && class_ids.is_empty())))
        .execute(&mut *conn)
        .await?;
    for table in ["evening_year_groups", "evening_classes"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE evening_id = $1"))
            .bind(evening_id)
            .execute(&mut *conn)
            .await?;
    }
    for year_group in year_groups {
        sqlx::query("INSERT INTO evening_year_groups (evening_id, year_group) VALUES ($1, $2)")
            .bind(evening_id)
            .bind(year_group)
            .execute(&mut *conn)
            .await?;
    }
    for class_id in class_ids {
        sqlx::query("INSERT INTO evening_classes (evening_id, class_id) VALUES ($1, $2)")
            .bind(evening_id)
            .bind(class_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Whether the evening (which has an audience) is for the student.
pub async fn student_invited(
    conn: &mut AnyConnection,
    evening_id: i64,
    student_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(&student_invited_sql())
        .bind(evening_id)
        .bind(student_id)
        .fetch_optional(conn)
        .await?;
    Ok(found.is_some())
}

/// [`student_invited`]'s statement: `$1` evening, `$2` student.
pub(super) fn student_invited_sql() -> String {
    format!("SELECT CAST(1 AS BIGINT) WHERE {}", invited("$1", "$2"))
}

/// Whether the evening (which has an audience) is for any of the guardian's children.
pub async fn guardian_invited(
    db: &Db,
    evening_id: i64,
    guardian_id: i64,
) -> Result<bool, sqlx::Error> {
    let found = db
        .read_optional(
            &format!(
                "SELECT CAST(1 AS BIGINT) AS found FROM guardianships g WHERE g.guardian_id = $2 AND {} LIMIT 1",
                invited("$1", "g.student_id")
            ),
            &[Arg::Int(evening_id), Arg::Int(guardian_id)],
            |row| row.int("found"),
        )
        .await?;
    Ok(found.is_some())
}

/// The evening's booked (or held) appointments whose child the evening (which
/// has an audience) is no longer for.
pub async fn booked_outside(
    conn: &mut AnyConnection,
    evening_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT b.id FROM bookings b
          WHERE b.evening_id = $1 AND b.status = 'booked' AND NOT {}
          ORDER BY b.id",
        invited("$1", "b.student_id")
    ))
    .bind(evening_id)
    .fetch_all(conn)
    .await
}

/// A time held for a family from a waiting list, released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Released {
    pub booking_id: i64,
    pub teacher_id: i64,
    pub start: i64,
}

/// Takes the families whose child the evening (which has an audience) is no
/// longer for out of its waiting lists. An offer made to one is withdrawn and
/// the time it held freed; returns those times, for the caller to tell the
/// family and announce.
pub async fn leave_waitlists_outside(
    conn: &mut AnyConnection,
    evening_id: i64,
    now: i64,
) -> Result<Vec<Released>, sqlx::Error> {
    // One statement: a family accepting the offer meanwhile either commits
    // first (and the hold is no longer 'held') or waits for this one.
    let released = sqlx::query(&format!(
        "UPDATE bookings SET status = 'cancelled', updated_at = $2
          WHERE status = 'held' AND id IN (
                SELECT booking_id FROM waitlist
                 WHERE evening_id = $1 AND status = 'offered' AND booking_id IS NOT NULL AND NOT {})
          RETURNING id, teacher_id, starts_at",
        invited("$1", "waitlist.student_id")
    ))
    .bind(evening_id)
    .bind(now)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(Released {
            booking_id: row.try_get("id")?,
            teacher_id: row.try_get("teacher_id")?,
            start: row.try_get("starts_at")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    sqlx::query(&format!(
        "UPDATE waitlist SET status = 'left', offer_expires_at = NULL, updated_at = $2
          WHERE evening_id = $1 AND status IN ('waiting', 'offered') AND NOT {}",
        invited("$1", "waitlist.student_id")
    ))
    .bind(evening_id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(released)
}

/// The teachers, year groups and classes of the school, for setting up an evening.
pub async fn choices(db: &Db, school_id: i64) -> Result<EveningChoices, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    let year_groups = year_groups(&mut conn, school_id).await?;
    let classes = sqlx::query("SELECT id, name FROM classes WHERE school_id = $1 ORDER BY name")
        .bind(school_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(audience_class)
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let teachers = sqlx::query(
        "SELECT p.id, p.title, p.given_name, p.family_name,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM classes c WHERE c.teacher_id = p.id)
                          THEN 1 ELSE 0 END AS BIGINT) AS teaches
           FROM people p JOIN person_roles r ON r.person_id = p.id AND r.role = 'teacher'
          WHERE p.school_id = $1 AND p.disabled_at IS NULL
          ORDER BY p.family_name, p.given_name, p.id",
    )
    .bind(school_id)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| {
        let title: Option<String> = row.try_get("title")?;
        let given: String = row.try_get("given_name")?;
        let family: String = row.try_get("family_name")?;
        let teaches: i64 = row.try_get("teaches")?;
        Ok(TeacherChoice {
            id: row.try_get("id")?,
            name: super::people::staff_name(title.as_deref(), &given, &family),
            teaches_classes: teaches == 1,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(EveningChoices {
        year_groups,
        classes,
        teachers,
    })
}

/// Every year group with at least one pupil in the school, in order.
pub async fn year_groups(
    conn: &mut AnyConnection,
    school_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let mut found: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT year_group FROM students WHERE school_id = $1 AND year_group <> ''",
    )
    .bind(school_id)
    .fetch_all(conn)
    .await?;
    // "Year 7" before "Year 10": compare the numbers in the names as numbers.
    found.sort_by_cached_key(|name| natural_key(name));
    Ok(found)
}

/// Which of `ids` are classes of the school.
pub async fn known_classes(
    conn: &mut AnyConnection,
    school_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut known = Vec::new();
    for id in ids {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM classes WHERE id = $1 AND school_id = $2")
                .bind(id)
                .bind(school_id)
                .fetch_optional(&mut *conn)
                .await?;
        known.extend(found);
    }
    Ok(known)
}

/// A sort key that orders runs of digits by their value.
pub fn natural_key(name: &str) -> Vec<(u8, u64, String)> {
    let mut key = Vec::new();
    let mut chars = name.chars().peekable();
    while let Some(&c) = chars.peek() {
        let digits = c.is_ascii_digit();
        let mut run = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() != digits {
                break;
            }
            run.push(c);
            chars.next();
        }
        if digits {
            key.push((1, run.parse().unwrap_or(u64::MAX), String::new()));
        } else {
            key.push((0, 0, run.to_lowercase()));
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn year_groups_sort_by_their_numbers() {
        let mut names = vec!["Year 10", "Year 7", "Reception", "Year 11", "Year 8"];
        names.sort_by_cached_key(|n| natural_key(n));
        assert_eq!(
            names,
            ["Reception", "Year 7", "Year 8", "Year 10", "Year 11"]
        );
    }
}
