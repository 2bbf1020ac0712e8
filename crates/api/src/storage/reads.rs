//! The reads every booking and every grid request makes (the session, the
//! family's children and holdings, an idempotency answer, the booking's view
//! afterwards), written once for both engines.
//!
//! On an SQLite file they run inline, on the request's own thread, on a
//! connection taken from a small pool ([`SqliteReads`]): an indexed read of a
//! few rows is a few microseconds of SQLite, while sqlx's SQLite driver runs
//! each connection on a thread of its own, so every statement costs two
//! thread wake-ups (`docs/BENCHMARKS.md`: on two cores those hand-offs, not
//! SQLite, were most of a request's CPU). On PostgreSQL, and on an in-memory
//! SQLite database, they go through the sqlx pool as every other query does.
//!
//! Each connection reads in autocommit, so a read sees every transaction
//! committed before it started, by any connection: WAL's guarantee.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql};
use sqlx::Row as _;

use super::sqlite_writer::database_error;
use super::Db;

/// A value bound to a query's `$n` placeholder (`$1` is the first).
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    Int(i64),
    Text(&'a str),
}

impl ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Arg::Int(value) => ToSqlOutput::from(*value),
            Arg::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
        })
    }
}

/// The columns of one result row, by name, whichever engine read it.
pub trait Columns {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error>;
    fn text(&self, name: &str) -> Result<String, sqlx::Error>;
    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error>;
}

impl Columns for sqlx::any::AnyRow {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.try_get(name)
    }
    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        self.try_get(name)
    }
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        self.try_get(name)
    }
    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        self.try_get(name)
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, name: &str) -> Result<i64, sqlx::Error> {
        self.get(name).map_err(database_error)
    }
    fn opt_int(&self, name: &str) -> Result<Option<i64>, sqlx::Error> {
        self.get(name).map_err(database_error)
    }
    fn text(&self, name: &str) -> Result<String, sqlx::Error> {
        self.get(name).map_err(database_error)
    }
    fn opt_text(&self, name: &str) -> Result<Option<String>, sqlx::Error> {
        self.get(name).map_err(database_error)
    }
}

/// The placeholders' names, as SQLite numbers them.
const NAMES: [&str; 9] = ["$1", "$2", "$3", "$4", "$5", "$6", "$7", "$8", "$9"];

/// Idle read connections kept open; more are opened while more requests read
/// at once (at most one per runtime thread, since a read never waits).
const KEEP_IDLE: usize = 8;

/// SQLite read connections used inline, on the caller's thread.
pub struct SqliteReads {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteReads")
    }
}

impl SqliteReads {
    /// Reads from the database file (already migrated); connections open as needed.
    pub fn new(path: &Path) -> SqliteReads {
        SqliteReads {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let conn = Connection::open(&self.path)?;
        // Reads only. A short wait, not an error, while SQLite recovers its
        // WAL: short, since it would hold one of the runtime's threads.
        conn.execute_batch("PRAGMA query_only = ON;")?;
        conn.busy_timeout(std::time::Duration::from_secs(1))?;
        Ok(conn)
    }

    /// Closes the idle connections (a connection in use closes when returned).
    pub fn close(&self) {
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }

    /// Runs `read` on an idle connection (or a new one) and keeps the connection.
    fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, sqlx::Error>,
    ) -> Result<T, sqlx::Error> {
        let taken = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open().map_err(database_error)?,
        };
        let result = read(&conn);
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < KEEP_IDLE {
            idle.push(conn);
        }
        result
    }
}

/// The arguments by their placeholders' names; as sqlx, an error unless
/// there is one for each placeholder (SQLite would bind a missing one NULL).
fn named<'a>(
    statement: &rusqlite::Statement<'_>,
    args: &'a [Arg<'a>],
) -> Result<Vec<(&'static str, &'a dyn ToSql)>, sqlx::Error> {
    if statement.parameter_count() != args.len() {
        return Err(sqlx::Error::Protocol(format!(
            "{} arguments to an inline read of {} placeholders",
            args.len(),
            statement.parameter_count()
        )));
    }
    if args.len() > NAMES.len() {
        return Err(sqlx::Error::Protocol(format!(
            "{} arguments to an inline read, more than {}",
            args.len(),
            NAMES.len()
        )));
    }
    Ok(NAMES
        .iter()
        .zip(args)
        .map(|(name, arg)| (*name, arg as &dyn ToSql))
        .collect())
}

fn sqlx_query<'q>(
    sql: &'q str,
    args: &[Arg<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    args.iter().fold(sqlx::query(sql), |query, arg| match *arg {
        Arg::Int(value) => query.bind(value),
        Arg::Text(text) => query.bind(text),
    })
}

impl Db {
    /// Every row of `sql`, decoded.
    pub async fn read_all<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl Fn(&dyn Columns) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, sqlx::Error> {
        if let Some(reads) = &self.sqlite_reads {
            return reads.with(|conn| {
                let mut statement = conn.prepare_cached(sql).map_err(database_error)?;
                let params = named(&statement, args)?;
                let mut rows = statement.query(params.as_slice()).map_err(database_error)?;
                let mut out = Vec::new();
                while let Some(row) = rows.next().map_err(database_error)? {
                    out.push(decode(row)?);
                }
                Ok(out)
            });
        }
        let rows = sqlx_query(sql, args).fetch_all(&self.pool).await?;
        rows.iter().map(|row| decode(row)).collect()
    }

    /// The first row of `sql`, decoded, or `None`: for the queries of one
    /// row at most (a unique key, `LIMIT 1`), so [`Db::read_all`] it is.
    pub async fn read_optional<T>(
        &self,
        sql: &str,
        args: &[Arg<'_>],
        decode: impl Fn(&dyn Columns) -> Result<T, sqlx::Error>,
    ) -> Result<Option<T>, sqlx::Error> {
        Ok(self.read_all(sql, args, decode).await?.into_iter().next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both paths bind the same placeholders to the same values, including
    /// one used twice and numbers out of order, and see each other's writes.
    #[tokio::test]
    async fn inline_reads_answer_as_the_pool_does() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("reads.db").display());
        let db = Db::connect(&url, 2).await.expect("a database");
        assert!(db.sqlite_reads.is_some(), "a file database reads inline");
        sqlx::query("CREATE TABLE t (a BIGINT NOT NULL, b TEXT)")
            .execute(&db.writer)
            .await
            .expect("a table");
        sqlx::query("INSERT INTO t VALUES (1, 'one'), (2, NULL), (3, 'three')")
            .execute(&db.writer)
            .await
            .expect("rows");
        let sql = "SELECT a, b FROM t WHERE a >= $2 AND (b = $1 OR b IS NULL OR a = $2) ORDER BY a";
        let args = [Arg::Text("three"), Arg::Int(1)];
        let decode = |row: &dyn Columns| Ok((row.int("a")?, row.opt_text("b")?));
        let inline = db.read_all(sql, &args, decode).await.expect("inline");
        let pooled = Db {
            sqlite_reads: None,
            ..db.clone()
        }
        .read_all(sql, &args, decode)
        .await
        .expect("pooled");
        assert_eq!(
            inline,
            vec![
                (1, Some("one".into())),
                (2, None),
                (3, Some("three".into()))
            ]
        );
        assert_eq!(inline, pooled);
        let missing = db
            .read_optional("SELECT a FROM t WHERE a = $1", &[Arg::Int(9)], |r| {
                r.int("a")
            })
            .await
            .expect("a read");
        assert_eq!(missing, None);
        let wrong_type = db
            .read_optional("SELECT b FROM t WHERE a = $1", &[Arg::Int(1)], |r| {
                r.int("b")
            })
            .await;
        assert!(wrong_type.is_err(), "a text column is not an integer");
        let missing_argument = db
            .read_all(
                "SELECT a FROM t WHERE a = $1 OR a = $2",
                &[Arg::Int(1)],
                |r| r.int("a"),
            )
            .await;
        assert!(
            missing_argument.is_err(),
            "a placeholder without its argument is an error, not NULL"
        );
        // A connection used again sees what was committed since.
        sqlx::query("INSERT INTO t VALUES (4, 'four')")
            .execute(&db.writer)
            .await
            .expect("a row");
        let count = db
            .read_optional(
                "SELECT COUNT(*) AS n FROM t WHERE a >= $1",
                &[Arg::Int(0)],
                |r| r.int("n"),
            )
            .await
            .expect("a count");
        assert_eq!(count, Some(4));
        db.close().await;
    }
}
