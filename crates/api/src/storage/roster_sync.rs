//! The SQL of a roster import: loading the school's roster as it stands, and
//! executing a plan in one transaction, in the plan's order.
//!
//! Rows are written many to a statement: a 5,000-student school is tens of
//! thousands of rows, and one round trip per row would take most of the time.

use std::collections::{HashMap, HashSet};

use confero_core::dto::AppointmentsCancelled;
use confero_core::Role;
use sqlx::{AnyConnection, Row as _};

use super::Db;
use crate::roster::{
    Audience, ClassRef, CurrentClass, CurrentGuardianship, CurrentPerson, CurrentRoster,
    CurrentStudent, Membership, PersonRef, Plan, StudentRef,
};

/// Rows per multi-row statement (each row binds at most 8 values: well under
/// both engines' limits on parameters).
const BATCH: usize = 500;

/// `($1, $2, $3), ($4, $5, $6)` for `rows` rows of `columns` values,
/// numbered from `$first`: placeholders both engines read (sqlx's own query
/// builder writes `?` for the `Any` driver, which PostgreSQL does not take).
fn values(rows: usize, columns: usize, first: usize) -> String {
    (0..rows)
        .map(|row| {
            let numbers: Vec<String> = (0..columns)
                .map(|column| format!("${}", first + row * columns + column))
                .collect();
            format!("({})", numbers.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$first, $first+1, …` for a list of `count` values.
fn list(count: usize, first: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The school's roster as it stands (`emails_elsewhere` left empty).
pub async fn load_current(db: &Db, school_id: i64) -> Result<CurrentRoster, sqlx::Error> {
    let students = sqlx::query(
        "SELECT id, sis_id, given_name, family_name, year_group FROM students WHERE school_id = $1 ORDER BY id",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(CurrentStudent {
            id: row.try_get("id")?,
            sis_id: row.try_get("sis_id")?,
            given_name: row.try_get("given_name")?,
            family_name: row.try_get("family_name")?,
            year_group: row.try_get("year_group")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut roles: HashMap<i64, Vec<Role>> = HashMap::new();
    for row in sqlx::query(
        "SELECT r.person_id, r.role FROM person_roles r JOIN people p ON p.id = r.person_id WHERE p.school_id = $1",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    {
        let role: String = row.try_get("role")?;
        if let Some(role) = Role::parse(&role) {
            roles.entry(row.try_get("person_id")?).or_default().push(role);
        }
    }
    let people = sqlx::query(
        "SELECT id, staff_ref, guardian_ref, email, title, given_name, family_name, phone
           FROM people WHERE school_id = $1 ORDER BY id",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        let id: i64 = row.try_get("id")?;
        let mut person_roles = roles.remove(&id).unwrap_or_default();
        person_roles.sort();
        Ok(CurrentPerson {
            id,
            staff_ref: row.try_get("staff_ref")?,
            guardian_ref: row.try_get("guardian_ref")?,
            email: row.try_get("email")?,
            title: row.try_get("title")?,
            given_name: row.try_get("given_name")?,
            family_name: row.try_get("family_name")?,
            phone: row.try_get("phone")?,
            roles: person_roles,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let guardianships = sqlx::query(
        "SELECT g.student_id, g.guardian_id, g.relationship FROM guardianships g
           JOIN students s ON s.id = g.student_id WHERE s.school_id = $1",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(CurrentGuardianship {
            student_id: row.try_get("student_id")?,
            guardian_id: row.try_get("guardian_id")?,
            relationship: row.try_get("relationship")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut enrolled: HashMap<i64, Vec<i64>> = HashMap::new();
    for row in sqlx::query(
        "SELECT e.class_id, e.student_id FROM enrolments e JOIN classes c ON c.id = e.class_id WHERE c.school_id = $1",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    {
        enrolled
            .entry(row.try_get("class_id")?)
            .or_default()
            .push(row.try_get("student_id")?);
    }
    let classes = sqlx::query(
        "SELECT id, name, subject, teacher_id FROM classes WHERE school_id = $1 ORDER BY id",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        let id: i64 = row.try_get("id")?;
        let mut student_ids = enrolled.remove(&id).unwrap_or_default();
        student_ids.sort_unstable();
        Ok(CurrentClass {
            id,
            name: row.try_get("name")?,
            subject: row.try_get("subject")?,
            teacher_id: row.try_get("teacher_id")?,
            student_ids,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(CurrentRoster {
        students,
        people,
        guardianships,
        classes,
        emails_elsewhere: HashSet::new(),
    })
}

/// Which of `emails` belong to people of other schools.
pub async fn emails_elsewhere(
    db: &Db,
    school_id: i64,
    emails: &[String],
) -> Result<HashSet<String>, sqlx::Error> {
    let mut found = HashSet::new();
    for chunk in emails.chunks(BATCH) {
        let sql = format!(
            "SELECT email FROM people WHERE school_id <> $1 AND email IN ({})",
            list(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql).bind(school_id);
        for email in chunk {
            query = query.bind(email.as_str());
        }
        for row in query.fetch_all(&db.pool).await? {
            found.insert(row.try_get("email")?);
        }
    }
    Ok(found)
}

/// Future active bookings an import ends, and whom they belong to. Each
/// booking is in one list: the first of these that applies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Affected {
    /// Bookings of students leaving the roster (they are deleted with the student).
    pub of_leaving_students: Vec<i64>,
    /// Bookings made by guardians losing the child they booked for, or by
    /// someone leaving: (booking, the guardian who booked).
    pub by_leaving_guardians: Vec<(i64, i64)>,
    /// Bookings with a teacher who is no longer one.
    pub with_leaving_teachers: Vec<i64>,
    /// Bookings at an evening for some year groups or classes, of a student
    /// who was in one of them and no longer is.
    pub no_longer_invited: Vec<i64>,
}

impl Affected {
    /// How many, by why, for the preview.
    pub fn counts(&self) -> AppointmentsCancelled {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        AppointmentsCancelled {
            pupils_leaving: count(self.of_leaving_students.len()),
            carers_leaving: count(self.by_leaving_guardians.len()),
            teachers_leaving: count(self.with_leaving_teachers.len()),
            no_longer_invited: count(self.no_longer_invited.len()),
        }
    }
}

/// The future active bookings a plan would leave dangling, against the
/// roster `current` the plan was made from.
pub async fn affected_bookings(
    db: &Db,
    school_id: i64,
    plan: &Plan,
    current: &CurrentRoster,
    now: i64,
) -> Result<Affected, sqlx::Error> {
    let future =
        |b: &str| format!("{b}.school_id = $1 AND {b}.status = 'booked' AND {b}.starts_at > $2");
    let rows = sqlx::query(&format!(
        "SELECT b.id, b.student_id, b.teacher_id, b.booked_by, b.evening_id FROM bookings b WHERE {}",
        future("b")
    ))
    .bind(school_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let audiences = audiences_of(db, school_id, now).await?;
    let before = Membership::of(current);
    let after = before.after(plan);
    let leaving_students: HashSet<i64> = plan.student_removals.iter().copied().collect();
    let leaving_people: HashSet<i64> = plan.person_removals.iter().copied().collect();
    let unlinked: HashSet<(i64, i64)> = plan
        .guardianships_removed
        .iter()
        .map(|g| (g.student_id, g.guardian_id))
        .collect();
    let former_teachers: HashSet<i64> = plan
        .role_changes
        .iter()
        .filter(|c| c.removed.contains(&Role::Teacher))
        .map(|c| c.person_id)
        .chain(leaving_people.iter().copied())
        .collect();
    let uninvited = |evening: i64, student: i64| {
        audiences.get(&evening).is_some_and(|audience| {
            before.invited(audience, student) && !after.invited(audience, student)
        })
    };
    let mut affected = Affected::default();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let student: i64 = row.try_get("student_id")?;
        let teacher: i64 = row.try_get("teacher_id")?;
        let booked_by: i64 = row.try_get("booked_by")?;
        let evening: i64 = row.try_get("evening_id")?;
        if leaving_students.contains(&student) {
            affected.of_leaving_students.push(id);
        } else if leaving_people.contains(&booked_by) || unlinked.contains(&(student, booked_by)) {
            affected.by_leaving_guardians.push((id, booked_by));
        } else if former_teachers.contains(&teacher) {
            affected.with_leaving_teachers.push(id);
        } else if uninvited(evening, student) {
            affected.no_longer_invited.push(id);
        }
    }
    Ok(affected)
}

/// The audiences of the school's evenings, not yet over, that are for some
/// year groups or classes (or, their classes gone, for no one).
async fn audiences_of(
    db: &Db,
    school_id: i64,
    now: i64,
) -> Result<HashMap<i64, Audience>, sqlx::Error> {
    let mut conn = db.pool.acquire().await?;
    let mut audiences = HashMap::new();
    for evening in restricted_evenings(&mut conn, school_id, now).await? {
        let audience = super::audiences::load(&mut conn, evening, true).await?;
        audiences.insert(
            evening,
            Audience {
                year_groups: audience.year_groups.into_iter().collect(),
                class_ids: audience.classes.iter().map(|c| c.id).collect(),
            },
        );
    }
    Ok(audiences)
}

/// The school's evenings for some year groups or classes that have not
/// ended by `now`.
pub async fn restricted_evenings(
    conn: &mut AnyConnection,
    school_id: i64,
    now: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM evenings e WHERE school_id = $1 AND audience_restricted = 1
            AND EXISTS (SELECT 1 FROM evening_sessions s WHERE s.evening_id = e.id AND s.ends_at > $2)
          ORDER BY id",
    )
    .bind(school_id)
    .bind(now)
    .fetch_all(conn)
    .await
}

/// Cancels bookings (in the import's transaction).
pub async fn cancel_bookings(
    conn: &mut AnyConnection,
    ids: &[i64],
    now: i64,
) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(BATCH) {
        let sql = format!(
            "UPDATE bookings SET status = 'cancelled', updated_at = $1 WHERE status = 'booked' AND id IN ({})",
            list(chunk.len(), 2)
        );
        let mut query = sqlx::query(&sql).bind(now);
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The ids of what a plan created, for its `New(i)` references.
#[derive(Debug, Default)]
struct Created {
    people: Vec<i64>,
    students: Vec<i64>,
    classes: Vec<i64>,
}

impl Created {
    fn person(&self, person: PersonRef) -> i64 {
        match person {
            PersonRef::Existing(id) => id,
            PersonRef::New(i) => self.people[i],
        }
    }
    fn student(&self, student: StudentRef) -> i64 {
        match student {
            StudentRef::Existing(id) => id,
            StudentRef::New(i) => self.students[i],
        }
    }
    fn class(&self, class: ClassRef) -> i64 {
        match class {
            ClassRef::Existing(id) => id,
            ClassRef::New(i) => self.classes[i],
        }
    }
}

/// Executes a plan in the given transaction, in the plan's order. People
/// removed are disabled (their rows stay, for their bookings' history) and
/// their sessions end; students and classes removed are deleted with their
/// links. Call [`cancel_bookings`] first for what [`affected_bookings`] found.
pub async fn apply(
    conn: &mut AnyConnection,
    school_id: i64,
    plan: &Plan,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut created = Created::default();
    for update in &plan.person_updates {
        sqlx::query(
            "UPDATE people SET staff_ref = $1, guardian_ref = $2, email = $3, title = $4, given_name = $5,
                    family_name = $6, phone = $7
              WHERE id = $8 AND school_id = $9",
        )
        .bind(update.staff_ref.as_deref())
        .bind(update.guardian_ref.as_deref())
        .bind(update.email.as_str())
        .bind(update.title.as_deref())
        .bind(&update.given_name)
        .bind(&update.family_name)
        .bind(update.phone.as_deref())
        .bind(update.id)
        .bind(school_id)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.new_people.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO people (school_id, staff_ref, guardian_ref, email, title, given_name, family_name, phone, created_at)
             VALUES {} RETURNING id, email",
            values(chunk.len(), 9, 1)
        );
        let mut query = sqlx::query(&sql);
        for person in chunk {
            query = query
                .bind(school_id)
                .bind(person.staff_ref.as_deref())
                .bind(person.guardian_ref.as_deref())
                .bind(person.email.as_str())
                .bind(person.title.as_deref())
                .bind(person.given_name.as_str())
                .bind(person.family_name.as_str())
                .bind(person.phone.as_deref())
                .bind(now);
        }
        let ids: HashMap<String, i64> = query
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|row| Ok((row.try_get("email")?, row.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        created.people.extend(
            chunk
                .iter()
                .map(|p| ids.get(p.email.as_str()).copied().unwrap_or_default()),
        );
    }
    let new_roles: Vec<(i64, Role)> = plan
        .new_people
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.roles.iter().map(move |role| (i, *role)))
        .map(|(i, role)| (created.people[i], role))
        .chain(
            plan.role_changes
                .iter()
                .flat_map(|c| c.added.iter().map(|role| (c.person_id, *role))),
        )
        .collect();
    for chunk in new_roles.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO person_roles (person_id, role) VALUES {} ON CONFLICT (person_id, role) DO NOTHING",
            values(chunk.len(), 2, 1)
        );
        let mut query = sqlx::query(&sql);
        for (person, role) in chunk {
            query = query.bind(*person).bind(role.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    for change in &plan.role_changes {
        for role in &change.removed {
            sqlx::query("DELETE FROM person_roles WHERE person_id = $1 AND role = $2")
                .bind(change.person_id)
                .bind(role.as_str())
                .execute(&mut *conn)
                .await?;
        }
    }
    for id in &plan.person_reinstatements {
        sqlx::query("UPDATE people SET disabled_at = NULL WHERE id = $1 AND school_id = $2")
            .bind(id)
            .bind(school_id)
            .execute(&mut *conn)
            .await?;
    }
    for id in &plan.person_removals {
        sqlx::query("DELETE FROM person_roles WHERE person_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM guardianships WHERE guardian_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE people SET disabled_at = $1 WHERE id = $2 AND school_id = $3 AND disabled_at IS NULL")
            .bind(now)
            .bind(id)
            .bind(school_id)
            .execute(&mut *conn)
            .await?;
        super::sessions::revoke_all_except(conn, *id, "", now).await?;
    }
    for update in &plan.student_updates {
        sqlx::query(
            "UPDATE students SET given_name = $1, family_name = $2, year_group = $3 WHERE id = $4 AND school_id = $5",
        )
        .bind(&update.given_name)
        .bind(&update.family_name)
        .bind(&update.year_group)
        .bind(update.id)
        .bind(school_id)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.new_students.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO students (school_id, sis_id, given_name, family_name, year_group) VALUES {} RETURNING id, sis_id",
            values(chunk.len(), 5, 1)
        );
        let mut query = sqlx::query(&sql);
        for student in chunk {
            query = query
                .bind(school_id)
                .bind(student.sis_id.as_str())
                .bind(student.given_name.as_str())
                .bind(student.family_name.as_str())
                .bind(student.year_group.as_str());
        }
        let ids: HashMap<String, i64> = query
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|row| Ok((row.try_get("sis_id")?, row.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        created.students.extend(
            chunk
                .iter()
                .map(|s| ids.get(&s.sis_id).copied().unwrap_or_default()),
        );
    }
    for update in &plan.class_updates {
        sqlx::query(
            "UPDATE classes SET subject = $1, teacher_id = $2 WHERE id = $3 AND school_id = $4",
        )
        .bind(&update.subject)
        .bind(created.person(update.teacher))
        .bind(update.id)
        .bind(school_id)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.new_classes.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO classes (school_id, name, subject, teacher_id) VALUES {} RETURNING id, name",
            values(chunk.len(), 4, 1)
        );
        let mut query = sqlx::query(&sql);
        for class in chunk {
            query = query
                .bind(school_id)
                .bind(class.name.as_str())
                .bind(class.subject.as_str())
                .bind(created.person(class.teacher));
        }
        let ids: HashMap<String, i64> = query
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .map(|row| Ok((row.try_get("name")?, row.try_get("id")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        created.classes.extend(
            chunk
                .iter()
                .map(|c| ids.get(&c.name).copied().unwrap_or_default()),
        );
    }
    for key in &plan.guardianships_removed {
        sqlx::query("DELETE FROM guardianships WHERE student_id = $1 AND guardian_id = $2")
            .bind(key.student_id)
            .bind(key.guardian_id)
            .execute(&mut *conn)
            .await?;
    }
    for change in &plan.guardianships_changed {
        sqlx::query(
            "UPDATE guardianships SET relationship = $1 WHERE student_id = $2 AND guardian_id = $3",
        )
        .bind(&change.relationship)
        .bind(change.student_id)
        .bind(change.guardian_id)
        .execute(&mut *conn)
        .await?;
    }
    for chunk in plan.guardianships_added.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO guardianships (student_id, guardian_id, relationship) VALUES {}",
            values(chunk.len(), 3, 1)
        );
        let mut query = sqlx::query(&sql);
        for link in chunk {
            query = query
                .bind(created.student(link.student))
                .bind(created.person(link.guardian))
                .bind(link.relationship.as_str());
        }
        query.execute(&mut *conn).await?;
    }
    for key in &plan.enrolments_removed {
        sqlx::query("DELETE FROM enrolments WHERE class_id = $1 AND student_id = $2")
            .bind(key.class_id)
            .bind(key.student_id)
            .execute(&mut *conn)
            .await?;
    }
    for chunk in plan.enrolments_added.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO enrolments (class_id, student_id) VALUES {}",
            values(chunk.len(), 2, 1)
        );
        let mut query = sqlx::query(&sql);
        for enrolment in chunk {
            query = query
                .bind(created.class(enrolment.class))
                .bind(created.student(enrolment.student));
        }
        query.execute(&mut *conn).await?;
    }
    for id in &plan.class_removals {
        sqlx::query("DELETE FROM classes WHERE id = $1 AND school_id = $2")
            .bind(id)
            .bind(school_id)
            .execute(&mut *conn)
            .await?;
    }
    for id in &plan.student_removals {
        sqlx::query("DELETE FROM students WHERE id = $1 AND school_id = $2")
            .bind(id)
            .bind(school_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_for_both_engines() {
        assert_eq!(values(2, 3, 1), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(list(3, 2), "$2, $3, $4");
    }
}
