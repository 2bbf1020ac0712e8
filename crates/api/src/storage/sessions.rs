//! Bearer sessions. Only the SHA-256 of a token is ever stored.

use std::sync::LazyLock;

use confero_core::Role;
use sqlx::{AnyConnection, Row as _};

use super::bookings::{
    teaches_and_taken_columns, teaches_and_taken_of, SlotAsked, TeachesAndTaken,
};
use super::reads::{Arg, Columns};
use super::Db;

/// A session to record.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    /// Names the session in the account's list of devices; never the token.
    pub public_id: &'a str,
    pub person_id: i64,
    pub school_id: i64,
    pub expires_at: i64,
    /// Kept on the device: no idle time-out.
    pub persistent: bool,
    pub device: &'a str,
}

/// Records a new session.
pub async fn insert(db: &Db, session: &NewSession<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, public_id, person_id, school_id, created_at, last_seen_at, expires_at, persistent, device)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
    )
    .bind(session.token_hash)
    .bind(session.public_id)
    .bind(session.person_id)
    .bind(session.school_id)
    .bind(now)
    .bind(session.expires_at)
    .bind(i64::from(session.persistent))
    .bind(session.device)
    .execute(&db.writer)
    .await?;
    // When they last signed in decides how long a leaver's account is kept.
    sqlx::query("UPDATE people SET last_sign_in_at = $1 WHERE id = $2")
        .bind(now)
        .bind(session.person_id)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// A stored session with what deciding its validity needs.
#[derive(Debug, PartialEq, Eq)]
pub struct StoredSession {
    pub person_id: i64,
    pub school_id: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub revoked: bool,
    pub person_disabled: bool,
    /// Kept on the device: no idle time-out.
    pub persistent: bool,
    /// The person's roles, read in the same query.
    pub roles: Vec<Role>,
    /// The children the person is a guardian of, read in the same query (a
    /// booking request needs them, and on PostgreSQL a query is a round trip).
    pub children: Vec<i64>,
}

/// The session's columns, one row per role and child of its person;
/// [`find`] and [`find_with_slot`] select them.
const SESSION_COLUMNS: &str =
    "s.person_id, s.school_id, s.last_seen_at, s.expires_at, s.revoked_at, s.persistent,
        p.disabled_at, r.role, g.student_id";

/// The session with its person, roles and children, by the token's hash `$1`.
const SESSION_FROM: &str = " FROM sessions s
   JOIN people p ON p.id = s.person_id
   LEFT JOIN person_roles r ON r.person_id = s.person_id
   LEFT JOIN guardianships g ON g.guardian_id = s.person_id
  WHERE s.token_hash = $1";

/// Finds a session by its token's hash, with its person's roles and
/// children: one query, since it runs on every authenticated request.
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<StoredSession>, sqlx::Error> {
    static SQL: LazyLock<String> =
        LazyLock::new(|| format!("SELECT {SESSION_COLUMNS}{SESSION_FROM}"));
    let rows = db
        .read_all(&SQL, &[Arg::Text(token_hash)], |row| {
            Ok((session_row(row)?, ()))
        })
        .await?;
    Ok(gather(rows).map(|(session, ())| session))
}

/// [`find`] and, in the same query, what `bookings::teaches` and `bookings::is_taken` read
/// for a booking asked for in the session's school: a guardian's booking
/// request is one round trip to the database fewer before its transaction.
/// (Read whoever the session's person is; it is used only once the session is
/// valid and the child theirs.)
pub async fn find_with_slot(
    db: &Db,
    token_hash: &str,
    asked: SlotAsked,
) -> Result<Option<(StoredSession, TeachesAndTaken)>, sqlx::Error> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT {SESSION_COLUMNS}, {}{SESSION_FROM}",
            teaches_and_taken_columns("s.school_id", ["$2", "$3", "$4", "$5"])
        )
    });
    let rows = db
        .read_all(
            &SQL,
            &[
                Arg::Text(token_hash),
                Arg::Int(asked.evening_id),
                Arg::Int(asked.teacher_id),
                Arg::Int(asked.student_id),
                Arg::Int(asked.start),
            ],
            |row| Ok((session_row(row)?, teaches_and_taken_of(row)?)),
        )
        .await?;
    Ok(gather(rows))
}

/// One row of [`SESSION_COLUMNS`]: the session, and the role and child the row carries.
type SessionRow = (StoredSession, Option<String>, Option<i64>);

fn session_row(row: &dyn Columns) -> Result<SessionRow, sqlx::Error> {
    Ok((
        StoredSession {
            person_id: row.int("person_id")?,
            school_id: row.int("school_id")?,
            last_seen_at: row.int("last_seen_at")?,
            expires_at: row.int("expires_at")?,
            revoked: row.opt_int("revoked_at")?.is_some(),
            person_disabled: row.opt_int("disabled_at")?.is_some(),
            persistent: row.int("persistent")? == 1,
            roles: Vec::new(),
            children: Vec::new(),
        },
        row.opt_text("role")?,
        row.opt_int("student_id")?,
    ))
}

/// The session of the rows (one per role and child), with every role and
/// child gathered, and what else the first row carries.
fn gather<T>(rows: Vec<(SessionRow, T)>) -> Option<(StoredSession, T)> {
    let mut roles: Vec<Role> = rows
        .iter()
        .filter_map(|((_, role, _), _)| role.as_deref().and_then(Role::parse))
        .collect();
    roles.sort();
    roles.dedup();
    let mut children: Vec<i64> = rows
        .iter()
        .filter_map(|((_, _, child), _)| *child)
        .collect();
    children.sort_unstable();
    children.dedup();
    rows.into_iter().next().map(|((session, _, _), more)| {
        (
            StoredSession {
                roles,
                children,
                ..session
            },
            more,
        )
    })
}

/// Marks a session as just used, which restarts its idle timer.
pub async fn touch(db: &Db, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2 AND last_seen_at < $1")
        .bind(now)
        .bind(token_hash)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// Ends one session.
pub async fn revoke(db: &Db, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(now)
        .bind(token_hash)
        .execute(&db.writer)
        .await
        .map(|_| ())
}

/// Ends every session of a person except the one kept (pass `""` to keep none).
pub async fn revoke_all_except(
    conn: &mut AnyConnection,
    person_id: i64,
    keep_token_hash: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query(
        "UPDATE sessions SET revoked_at = $1
          WHERE person_id = $2 AND token_hash <> $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(person_id)
    .bind(keep_token_hash)
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
}

/// Deletes sessions that ended before `cutoff`; they can never be used again.
pub async fn purge_ended(db: &Db, cutoff: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1")
        .bind(cutoff)
        .execute(&db.writer)
        .await
        .map(|done| done.rows_affected())
}

/// How many sessions of a person are still usable (not revoked, not past their lifetime).
pub async fn count_active(db: &Db, person_id: i64, now: i64) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM sessions WHERE person_id = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(person_id)
    .bind(now)
    .fetch_one(&db.pool)
    .await?;
    row.try_get("n")
}

/// A usable session of a person, as their list of devices shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed {
    pub public_id: String,
    pub token_hash: String,
    pub device: String,
    pub persistent: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

/// A person's sessions that are not revoked or past their lifetime, most
/// recently used first. (Sessions from before devices were named have no
/// public id and are left out; they end within hours.)
pub async fn list_for(db: &Db, person_id: i64, now: i64) -> Result<Vec<Listed>, sqlx::Error> {
    sqlx::query(
        "SELECT public_id, token_hash, device, persistent, created_at, last_seen_at, expires_at FROM sessions
          WHERE person_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND public_id IS NOT NULL
          ORDER BY last_seen_at DESC",
    )
    .bind(person_id)
    .bind(now)
    .fetch_all(&db.pool)
    .await?
    .into_iter()
    .map(|row| {
        Ok(Listed {
            public_id: row.try_get("public_id")?,
            token_hash: row.try_get("token_hash")?,
            device: row.try_get::<Option<String>, _>("device")?.unwrap_or_default(),
            persistent: row.try_get::<i64, _>("persistent")? == 1,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
            expires_at: row.try_get("expires_at")?,
        })
    })
    .collect()
}

/// Ends one of a person's sessions by its public id; false when there is no such session.
pub async fn revoke_listed(
    db: &Db,
    person_id: i64,
    public_id: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE sessions SET revoked_at = $1 WHERE person_id = $2 AND public_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(person_id)
    .bind(public_id)
    .execute(&db.writer)
    .await?;
    Ok(done.rows_affected() == 1)
}
