//! Students, guardianships, classes and enrolments.

use confero_core::dto::RosterStudent;
use sqlx::{AnyConnection, Row as _};

use super::people::staff_name;
use super::Db;

/// Creates a student record and returns its id.
pub async fn insert_student(
    conn: &mut AnyConnection,
    school_id: i64,
    sis_id: &str,
    given_name: &str,
    family_name: &str,
    year_group: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO students (school_id, sis_id, given_name, family_name, year_group)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(school_id)
    .bind(sis_id)
    .bind(given_name)
    .bind(family_name)
    .bind(year_group)
    .fetch_one(conn)
    .await
}

/// Links a guardian to a student.
pub async fn link_guardian(
    conn: &mut AnyConnection,
    student_id: i64,
    guardian_id: i64,
    relationship: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO guardianships (student_id, guardian_id, relationship) VALUES ($1, $2, $3)
         ON CONFLICT (student_id, guardian_id) DO NOTHING",
    )
    .bind(student_id)
    .bind(guardian_id)
    .bind(relationship)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Creates a class and returns its id.
pub async fn insert_class(
    conn: &mut AnyConnection,
    school_id: i64,
    name: &str,
    subject: &str,
    teacher_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO classes (school_id, name, subject, teacher_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(school_id)
    .bind(name)
    .bind(subject)
    .bind(teacher_id)
    .fetch_one(conn)
    .await
}

/// Puts a student in a class.
pub async fn enrol(
    conn: &mut AnyConnection,
    class_id: i64,
    student_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO enrolments (class_id, student_id) VALUES ($1, $2)")
        .bind(class_id)
        .bind(student_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A class with its teacher and students.
#[derive(Debug)]
pub struct ClassWithStudents {
    pub id: i64,
    pub name: String,
    pub subject: String,
    pub teacher_id: i64,
    pub teacher_name: String,
    pub students: Vec<RosterStudent>,
}

/// A class of the given school, or `None` when no such class is in that school.
pub async fn class_with_students(
    db: &Db,
    school_id: i64,
    class_id: i64,
) -> Result<Option<ClassWithStudents>, sqlx::Error> {
    let Some(class) = sqlx::query(
        "SELECT c.id, c.name, c.subject, c.teacher_id, t.title, t.given_name, t.family_name
           FROM classes c JOIN people t ON t.id = c.teacher_id
          WHERE c.id = $1 AND c.school_id = $2",
    )
    .bind(class_id)
    .bind(school_id)
    .fetch_optional(&db.pool)
    .await?
    else {
        return Ok(None);
    };
    let students = sqlx::query(
        "SELECT s.id, s.given_name, s.family_name, s.year_group
           FROM enrolments e JOIN students s ON s.id = e.student_id
          WHERE e.class_id = $1 AND s.school_id = $2
          ORDER BY s.family_name, s.given_name, s.id",
    )
    .bind(class_id)
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(RosterStudent {
            id: row.try_get("id")?,
            given_name: row.try_get("given_name")?,
            family_name: row.try_get("family_name")?,
            year_group: row.try_get("year_group")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let title: Option<String> = class.try_get("title")?;
    let given: String = class.try_get("given_name")?;
    let family: String = class.try_get("family_name")?;
    Ok(Some(ClassWithStudents {
        id: class.try_get("id")?,
        name: class.try_get("name")?,
        subject: class.try_get("subject")?,
        teacher_id: class.try_get("teacher_id")?,
        teacher_name: staff_name(title.as_deref(), &given, &family),
        students,
    }))
}

/// A student of the school as gatekeepers match join requests against: id, name, year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudentName {
    pub id: i64,
    pub given_name: String,
    pub family_name: String,
    pub year_group: String,
}

/// Students of the school whose family name is one of `family_names` (lower case).
pub async fn students_named(
    db: &Db,
    school_id: i64,
    family_names: &[String],
) -> Result<Vec<StudentName>, sqlx::Error> {
    let mut found = Vec::new();
    for family in family_names {
        let rows = sqlx::query(
            "SELECT id, given_name, family_name, year_group FROM students
              WHERE school_id = $1 AND LOWER(family_name) = $2 ORDER BY given_name, id LIMIT 50",
        )
        .bind(school_id)
        .bind(family)
        .fetch_all(&db.pool)
        .await?;
        for row in rows {
            found.push(StudentName {
                id: row.try_get("id")?,
                given_name: row.try_get("given_name")?,
                family_name: row.try_get("family_name")?,
                year_group: row.try_get("year_group")?,
            });
        }
    }
    Ok(found)
}

/// Which of `ids` are students of the school.
pub async fn students_in_school(
    db: &Db,
    school_id: i64,
    ids: &[i64],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut known = Vec::new();
    for id in ids {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM students WHERE id = $1 AND school_id = $2")
                .bind(id)
                .bind(school_id)
                .fetch_optional(&db.pool)
                .await?;
        known.extend(found);
    }
    Ok(known)
}
