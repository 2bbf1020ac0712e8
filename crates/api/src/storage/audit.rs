//! The audit log: who exported, imported, erased or looked at personal
//! data, when, and from which request.

use sqlx::Row as _;

use super::Db;

/// Records one action.
pub async fn record(
    db: &Db,
    school_id: i64,
    person_id: i64,
    action: &str,
    subject: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (school_id, person_id, action, subject, request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(school_id)
        .bind(person_id)
        .bind(action)
        .bind(subject)
        .bind(crate::telemetry::current_request_id())
        .bind(now)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// Records an action on one person's data, so that person can see it.
/// Like [`record`], it notes the request that did it.
pub async fn record_about(
    db: &Db,
    school_id: i64,
    person_id: i64,
    action: &str,
    subject: &str,
    target_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (school_id, person_id, action, subject, target_id, request_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(school_id)
        .bind(person_id)
        .bind(action)
        .bind(subject)
        .bind(target_id)
        .bind(crate::telemetry::current_request_id())
        .bind(now)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// One entry of the log, with the names of who did it and whose data it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub person_id: i64,
    pub actor: Option<(Option<String>, String, String)>,
    pub action: String,
    pub subject: String,
    pub target_id: Option<i64>,
    pub target: Option<(String, String)>,
    pub request_id: Option<String>,
    pub created_at: i64,
}

/// Which entries to read.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Exactly this action.
    pub action: Option<String>,
    /// Done by, or about, this person.
    pub person_id: Option<i64>,
    /// Not before this instant.
    pub since: Option<i64>,
}

/// The school's log, newest first, filtered.
pub async fn entries(
    db: &Db,
    school_id: i64,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query(
        "SELECT a.person_id, a.action, a.subject, a.target_id, a.request_id, a.created_at,
                p.title, p.given_name, p.family_name, t.given_name AS t_given, t.family_name AS t_family
           FROM audit_log a
           LEFT JOIN people p ON p.id = a.person_id
           LEFT JOIN people t ON t.id = a.target_id
          WHERE a.school_id = $1
            AND ($2 = '' OR a.action = $2)
            AND ($3 = 0 OR a.person_id = $3 OR a.target_id = $3)
            AND a.created_at >= $4
          ORDER BY a.id DESC LIMIT $5",
    )
    .bind(school_id)
    .bind(filter.action.as_deref().unwrap_or(""))
    .bind(filter.person_id.unwrap_or(0))
    .bind(filter.since.unwrap_or(0))
    .bind(limit)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        let given: Option<String> = row.try_get("given_name")?;
        let family: Option<String> = row.try_get("family_name")?;
        let t_given: Option<String> = row.try_get("t_given")?;
        let t_family: Option<String> = row.try_get("t_family")?;
        Ok(Entry {
            person_id: row.try_get("person_id")?,
            actor: given
                .zip(family)
                .map(|(g, f)| (row.try_get("title").ok().flatten(), g, f)),
            action: row.try_get("action")?,
            subject: row.try_get("subject")?,
            target_id: row.try_get("target_id")?,
            target: t_given.zip(t_family),
            request_id: row.try_get("request_id")?,
            created_at: row.try_get("created_at")?,
        })
    })
    .collect()
}

/// An entry about one person's data, with who did it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct About {
    pub action: String,
    pub subject: String,
    pub created_at: i64,
    pub actor_title: Option<String>,
    pub actor_given_name: Option<String>,
    pub actor_family_name: Option<String>,
}

/// What was done with a person's data: actions on them by name, and the
/// bulk exports that included them (every guardians export, for a
/// guardian; a bookings export of an evening they booked in). Newest first.
pub async fn about(
    db: &Db,
    school_id: i64,
    person_id: i64,
    guardian: bool,
    booked_evenings: &[i64],
) -> Result<Vec<About>, sqlx::Error> {
    let subjects: Vec<String> = booked_evenings
        .iter()
        .map(|id| format!("'evening {id}'"))
        .collect();
    let booked = if subjects.is_empty() {
        "FALSE".to_owned()
    } else {
        format!(
            "(a.action = 'export_bookings' AND a.subject IN ({}))",
            subjects.join(", ")
        )
    };
    let sql = format!(
        "SELECT a.action, a.subject, a.created_at, p.title, p.given_name, p.family_name
           FROM audit_log a LEFT JOIN people p ON p.id = a.person_id
          WHERE a.school_id = $1
            AND (a.target_id = $2 OR ($3 = 1 AND a.action = 'export_guardians') OR {booked})
          ORDER BY a.id DESC LIMIT 500"
    );
    sqlx::query(&sql)
        .bind(school_id)
        .bind(person_id)
        .bind(i64::from(guardian))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|row| {
            Ok(About {
                action: row.try_get("action")?,
                subject: row.try_get("subject")?,
                created_at: row.try_get("created_at")?,
                actor_title: row.try_get("title")?,
                actor_given_name: row.try_get("given_name")?,
                actor_family_name: row.try_get("family_name")?,
            })
        })
        .collect()
}
