//! People (accounts) and their roles.

use confero_core::dto::{Child, ChildTeacher, ClassSummary};
use confero_core::Role;
use sqlx::{AnyConnection, Row as _};

use super::Db;

/// A person to create. `password_hash` is `None` for someone who cannot sign in yet.
#[derive(Debug)]
pub struct NewPerson<'a> {
    pub school_id: i64,
    pub email: &'a str,
    pub password_hash: Option<&'a str>,
    pub title: Option<&'a str>,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub phone: Option<&'a str>,
    pub address: Option<&'a str>,
}

/// Creates a person with the given roles and returns their id.
pub async fn insert(
    conn: &mut AnyConnection,
    person: &NewPerson<'_>,
    roles: &[Role],
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people
            (school_id, email, password_hash, title, given_name, family_name, phone, address, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id",
    )
    .bind(person.school_id)
    .bind(person.email)
    .bind(person.password_hash)
    .bind(person.title)
    .bind(person.given_name)
    .bind(person.family_name)
    .bind(person.phone)
    .bind(person.address)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    for role in roles {
        sqlx::query("INSERT INTO person_roles (person_id, role) VALUES ($1, $2)")
            .bind(id)
            .bind(role.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// What signing in needs to know about an account.
#[derive(Debug)]
pub struct LoginRecord {
    pub id: i64,
    pub school_id: i64,
    pub password_hash: Option<String>,
    pub disabled: bool,
}

/// Looks an account up by its (normalised) email.
pub async fn find_login(db: &Db, email: &str) -> Result<Option<LoginRecord>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, school_id, password_hash, disabled_at FROM people WHERE email = $1",
    )
    .bind(email)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(LoginRecord {
            id: row.try_get("id")?,
            school_id: row.try_get("school_id")?,
            password_hash: row.try_get("password_hash")?,
            disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
        })
    })
    .transpose()
}

/// The stored password hash of a person in a school.
pub async fn password_hash(
    db: &Db,
    school_id: i64,
    person_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1 AND school_id = $2")
        .bind(person_id)
        .bind(school_id)
        .fetch_optional(&db.pool)
        .await
        .map(Option::flatten)
}

/// Replaces a person's password hash.
pub async fn set_password_hash(
    conn: &mut AnyConnection,
    school_id: i64,
    person_id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2 AND school_id = $3")
        .bind(hash)
        .bind(person_id)
        .bind(school_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// A person's own profile fields.
#[derive(Debug)]
pub struct Profile {
    pub id: i64,
    pub email: String,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
}

/// A person's profile, scoped to their school.
pub async fn profile(
    db: &Db,
    school_id: i64,
    person_id: i64,
) -> Result<Option<Profile>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, email, title, given_name, family_name FROM people WHERE id = $1 AND school_id = $2",
    )
    .bind(person_id)
    .bind(school_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|row| {
        Ok(Profile {
            id: row.try_get("id")?,
            email: row.try_get("email")?,
            title: row.try_get("title")?,
            given_name: row.try_get("given_name")?,
            family_name: row.try_get("family_name")?,
        })
    })
    .transpose()
}

/// A person's roles, in a stable order.
pub async fn roles(db: &Db, person_id: i64) -> Result<Vec<Role>, sqlx::Error> {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT role FROM person_roles WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(&db.pool)
            .await?;
    let mut roles: Vec<Role> = names.iter().filter_map(|name| Role::parse(name)).collect();
    roles.sort();
    Ok(roles)
}

/// The children a guardian is linked to, each with their teachers.
pub async fn children(
    db: &Db,
    school_id: i64,
    guardian_id: i64,
) -> Result<Vec<Child>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT s.id, s.given_name, s.family_name, s.year_group, g.relationship,
                c.name AS class_name, c.subject, c.teacher_id, t.title, t.given_name AS t_given, t.family_name AS t_family
           FROM guardianships g
           JOIN students s ON s.id = g.student_id AND s.school_id = $2
           LEFT JOIN enrolments e ON e.student_id = s.id
           LEFT JOIN classes c ON c.id = e.class_id
           LEFT JOIN people t ON t.id = c.teacher_id
          WHERE g.guardian_id = $1
          ORDER BY s.given_name, s.id, c.subject, c.name",
    )
    .bind(guardian_id)
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    // Rows come ordered by child, so each child's rows are adjacent.
    let mut children: Vec<Child> = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        if children.last().map(|child| child.id) != Some(id) {
            children.push(Child {
                id,
                given_name: row.try_get("given_name")?,
                family_name: row.try_get("family_name")?,
                year_group: row.try_get("year_group")?,
                relationship: row.try_get("relationship")?,
                teachers: Vec::new(),
            });
        }
        let class_name: Option<String> = row.try_get("class_name")?;
        if let (Some(class_name), Some(child)) = (class_name, children.last_mut()) {
            let title: Option<String> = row.try_get("title")?;
            let given: String = row.try_get("t_given")?;
            let family: String = row.try_get("t_family")?;
            child.teachers.push(ChildTeacher {
                teacher_id: row.try_get("teacher_id")?,
                class_name,
                subject: row.try_get("subject")?,
                teacher_name: staff_name(title.as_deref(), &given, &family),
            });
        }
    }
    Ok(children)
}

/// The classes a teacher teaches, with their sizes.
pub async fn classes_taught(
    db: &Db,
    school_id: i64,
    teacher_id: i64,
) -> Result<Vec<ClassSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.id, c.name, c.subject, COUNT(e.student_id) AS student_count
           FROM classes c
           LEFT JOIN enrolments e ON e.class_id = c.id
          WHERE c.teacher_id = $1 AND c.school_id = $2
          GROUP BY c.id, c.name, c.subject
          ORDER BY c.name",
    )
    .bind(teacher_id)
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(ClassSummary {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                subject: row.try_get("subject")?,
                student_count: row.try_get("student_count")?,
            })
        })
        .collect()
}

/// How a member of staff is addressed: "Mr Okafor", or their full name without a title.
pub fn staff_name(title: Option<&str>, given_name: &str, family_name: &str) -> String {
    match title {
        Some(title) if !title.is_empty() => format!("{title} {family_name}"),
        _ => format!("{given_name} {family_name}"),
    }
}

/// Disables an account: it can no longer sign in and its sessions stop working.
pub async fn disable(
    db: &Db,
    school_id: i64,
    person_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.writer.begin().await?;
    let done = sqlx::query("UPDATE people SET disabled_at = $1 WHERE id = $2 AND school_id = $3 AND disabled_at IS NULL")
        .bind(now)
        .bind(person_id)
        .bind(school_id)
        .execute(&mut *tx)
        .await?;
    super::sessions::revoke_all_except(&mut tx, person_id, "", now).await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// A guardian with contact details and a child, for the portability export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianOfStudent {
    pub guardian_id: i64,
    pub guardian_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub relationship: String,
    pub student_sis_id: String,
    pub student_name: String,
    pub year_group: String,
}

/// Every guardian–student link of the school.
pub async fn guardians_with_students(
    db: &Db,
    school_id: i64,
) -> Result<Vec<GuardianOfStudent>, sqlx::Error> {
    sqlx::query(
        "SELECT p.id, p.title, p.given_name, p.family_name, p.email, p.phone, p.address, g.relationship,
                s.sis_id, s.given_name AS s_given, s.family_name AS s_family, s.year_group
           FROM guardianships g
           JOIN people p ON p.id = g.guardian_id
           JOIN students s ON s.id = g.student_id
          WHERE p.school_id = $1 AND s.school_id = $1
          ORDER BY p.family_name, p.given_name, p.id, s.family_name, s.given_name",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        let given: String = row.try_get("given_name")?;
        let family: String = row.try_get("family_name")?;
        let s_given: String = row.try_get("s_given")?;
        let s_family: String = row.try_get("s_family")?;
        Ok(GuardianOfStudent {
            guardian_id: row.try_get("id")?,
            guardian_name: format!("{given} {family}"),
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
            address: row.try_get("address")?,
            relationship: row.try_get("relationship")?,
            student_sis_id: row.try_get("sis_id")?,
            student_name: format!("{s_given} {s_family}"),
            year_group: row.try_get("year_group")?,
        })
    })
    .collect()
}

/// A guardian's name and contact details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianContact {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
}

/// Contact details of the guardians of a student, for the bookings export.
pub async fn guardian_contacts(
    db: &Db,
    student_id: i64,
) -> Result<Vec<GuardianContact>, sqlx::Error> {
    sqlx::query(
        "SELECT p.given_name, p.family_name, p.email, p.phone FROM guardianships g JOIN people p ON p.id = g.guardian_id
          WHERE g.student_id = $1 ORDER BY p.family_name, p.given_name, p.id",
    )
    .bind(student_id)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        let given: String = row.try_get("given_name")?;
        let family: String = row.try_get("family_name")?;
        Ok(GuardianContact { name: format!("{given} {family}"), email: row.try_get("email")?, phone: row.try_get("phone")? })
    })
    .collect()
}

/// Someone a message goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub person_id: i64,
    pub email: String,
    /// How a message greets them: "Mr Okafor", or their full name.
    pub name: String,
    pub disabled: bool,
}

fn contact(row: &sqlx::any::AnyRow) -> Result<Contact, sqlx::Error> {
    let title: Option<String> = row.try_get("title")?;
    let given: String = row.try_get("given_name")?;
    let family: String = row.try_get("family_name")?;
    Ok(Contact {
        person_id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: staff_name(title.as_deref(), &given, &family),
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

/// A person of the school, as a recipient.
pub async fn contact_of(
    db: &Db,
    school_id: i64,
    person_id: i64,
) -> Result<Option<Contact>, sqlx::Error> {
    sqlx::query(
        "SELECT id, email, title, given_name, family_name, disabled_at FROM people WHERE id = $1 AND school_id = $2",
    )
    .bind(person_id)
    .bind(school_id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(contact)
    .transpose()
}

/// The guardians of a student, as recipients.
pub async fn guardians_of(
    db: &Db,
    school_id: i64,
    student_id: i64,
) -> Result<Vec<Contact>, sqlx::Error> {
    sqlx::query(
        "SELECT p.id, p.email, p.title, p.given_name, p.family_name, p.disabled_at
           FROM guardianships g JOIN people p ON p.id = g.guardian_id
          WHERE g.student_id = $1 AND p.school_id = $2 ORDER BY p.id",
    )
    .bind(student_id)
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(contact)
    .collect()
}

/// What inviting or resetting needs to know about a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub school_id: i64,
    pub email: String,
    /// How messages greet them.
    pub name: String,
    pub has_password: bool,
    pub disabled: bool,
}

fn account(row: &sqlx::any::AnyRow) -> Result<Account, sqlx::Error> {
    let title: Option<String> = row.try_get("title")?;
    let given: String = row.try_get("given_name")?;
    let family: String = row.try_get("family_name")?;
    Ok(Account {
        id: row.try_get("id")?,
        school_id: row.try_get("school_id")?,
        email: row.try_get("email")?,
        name: staff_name(title.as_deref(), &given, &family),
        has_password: row.try_get::<Option<String>, _>("password_hash")?.is_some(),
        disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
    })
}

const ACCOUNT_COLUMNS: &str =
    "id, school_id, email, title, given_name, family_name, password_hash, disabled_at";

/// A person of the school, as an account.
pub async fn account_of(
    db: &Db,
    school_id: i64,
    person_id: i64,
) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM people WHERE id = $1 AND school_id = $2"
    ))
    .bind(person_id)
    .bind(school_id)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(account)
    .transpose()
}

/// The account with this (normalised) email, in whichever school.
pub async fn account_by_email(db: &Db, email: &str) -> Result<Option<Account>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM people WHERE email = $1"
    ))
    .bind(email)
    .fetch_optional(&db.pool)
    .await?
    .as_ref()
    .map(account)
    .transpose()
}

/// People of the school who cannot sign in yet, are not disabled, and have
/// no open invitation: whom "invite everyone" invites.
pub async fn uninvited(db: &Db, school_id: i64, now: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT p.id FROM people p
          WHERE p.school_id = $1 AND p.password_hash IS NULL AND p.disabled_at IS NULL
            AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id)
            AND NOT EXISTS (SELECT 1 FROM one_time_codes c
                             WHERE c.person_id = p.id AND c.purpose = 'invitation'
                               AND c.used_at IS NULL AND c.revoked_at IS NULL AND c.expires_at > $2)
          ORDER BY p.id",
    )
    .bind(school_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await
}

/// Sets a person's password by id (after an invitation or a reset proved who they are).
pub async fn set_password(
    conn: &mut AnyConnection,
    person_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(person_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Lets a disabled person sign in again.
pub async fn enable(db: &Db, school_id: i64, person_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE people SET disabled_at = NULL WHERE id = $1 AND school_id = $2 AND disabled_at IS NOT NULL",
    )
    .bind(person_id)
    .bind(school_id)
    .execute(&db.writer)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Which people an admin's list shows.
#[derive(Clone, Debug, Default)]
pub struct PeopleFilter {
    /// Part of a name or email, any case.
    pub search: Option<String>,
    pub role: Option<Role>,
    /// `active`, `invited`, `not_invited` or `disabled`.
    pub state: Option<String>,
}

/// A person in an admin's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: i64,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub roles: Vec<Role>,
    pub has_password: bool,
    pub disabled: bool,
    /// When their open invitation runs out.
    pub invited_until: Option<i64>,
    /// When they asked the school to erase their data.
    pub erasure_requested_at: Option<i64>,
}

const STATE_SQL: &str = "CASE WHEN p.disabled_at IS NOT NULL THEN 'disabled'
                              WHEN p.password_hash IS NOT NULL THEN 'active'
                              WHEN inv.expires_at IS NOT NULL THEN 'invited'
                              ELSE 'not_invited' END";

/// One page of the school's people (who hold a role), by family name, and how many match in all.
pub async fn list(
    db: &Db,
    school_id: i64,
    filter: &PeopleFilter,
    now: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Listed>, i64), sqlx::Error> {
    let pattern = filter
        .search
        .as_deref()
        .map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")))
        .unwrap_or_else(|| "%".to_owned());
    let from = format!(
        "FROM people p
         LEFT JOIN (SELECT person_id, MAX(expires_at) AS expires_at FROM one_time_codes
                     WHERE purpose = 'invitation' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
                     GROUP BY person_id) inv ON inv.person_id = p.id
        WHERE p.school_id = $1
          AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND ($3 = '' OR r.role = $3))
          AND (LOWER(p.given_name || ' ' || p.family_name) LIKE $4 OR LOWER(p.email) LIKE $4)
          AND ($5 = '' OR {STATE_SQL} = $5)"
    );
    let role = filter.role.map(Role::as_str).unwrap_or("");
    let state = filter.state.as_deref().unwrap_or("");
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {from}"))
        .bind(school_id)
        .bind(now)
        .bind(role)
        .bind(&pattern)
        .bind(state)
        .fetch_one(&db.pool)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.title, p.given_name, p.family_name, p.email, p.password_hash, p.disabled_at, p.erasure_requested_at,
                inv.expires_at AS invited_until,
                (SELECT MAX(CASE r.role WHEN 'admin' THEN 4 ELSE 0 END) + MAX(CASE r.role WHEN 'teacher' THEN 2 ELSE 0 END)
                      + MAX(CASE r.role WHEN 'guardian' THEN 1 ELSE 0 END)
                   FROM person_roles r WHERE r.person_id = p.id) AS role_bits
         {from}
         ORDER BY p.family_name, p.given_name, p.id LIMIT $6 OFFSET $7"
    ))
    .bind(school_id)
    .bind(now)
    .bind(role)
    .bind(&pattern)
    .bind(state)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    let people = rows
        .into_iter()
        .map(|row| {
            let bits: i64 = row.try_get("role_bits")?;
            let roles = [(4, Role::Admin), (2, Role::Teacher), (1, Role::Guardian)]
                .into_iter()
                .filter(|(bit, _)| bits & bit != 0)
                .map(|(_, role)| role)
                .collect();
            Ok(Listed {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                given_name: row.try_get("given_name")?,
                family_name: row.try_get("family_name")?,
                email: row.try_get("email")?,
                roles,
                has_password: row.try_get::<Option<String>, _>("password_hash")?.is_some(),
                disabled: row.try_get::<Option<i64>, _>("disabled_at")?.is_some(),
                invited_until: row.try_get("invited_until")?,
                erasure_requested_at: row.try_get("erasure_requested_at")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok((people, total))
}

/// Guardians of the school who cannot sign in yet, whose email is `email` or
/// whose family name is `family_name` (lower case): the records a join
/// request may be about.
pub async fn unclaimed_guardians(
    db: &Db,
    school_id: i64,
    email: &str,
    family_name: &str,
) -> Result<Vec<Account>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM people p
          WHERE p.school_id = $1 AND p.password_hash IS NULL AND p.disabled_at IS NULL
            AND (p.email = $2 OR LOWER(p.family_name) = $3)
            AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = 'guardian')
          ORDER BY p.id LIMIT 20"
    ))
    .bind(school_id)
    .bind(email)
    .bind(family_name)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(account)
    .collect()
}

/// Gives a person another email address (a join request claiming their record).
pub async fn set_email(
    conn: &mut AnyConnection,
    person_id: i64,
    email: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE people SET email = $1 WHERE id = $2")
        .bind(email)
        .bind(person_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// The school's first admin (the operator's commands record their actions under them).
pub async fn first_admin(db: &Db, school_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT p.id FROM people p JOIN person_roles r ON r.person_id = p.id AND r.role = 'admin'
          WHERE p.school_id = $1 ORDER BY p.id LIMIT 1",
    )
    .bind(school_id)
    .fetch_optional(&db.pool)
    .await
}
