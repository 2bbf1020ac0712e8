//! All SQL lives in this module and its children.
//!
//! One `sqlx::AnyPool` serves both engines: the engine is chosen by the
//! database URL (`sqlite:` or `postgres:`), each engine has its own embedded
//! migrations folder, and every query is written once in the SQL both engines
//! share (`$n` placeholders, `RETURNING`, `ON CONFLICT`). Instants are stored
//! as Unix seconds in 64-bit integers and ids are 64-bit integers, the types
//! the `Any` driver carries faithfully on both.

pub mod audiences;
pub mod audit;
pub mod booking_tx;
pub mod bookings;
pub mod codes;
pub mod erasure;
pub mod evenings;
pub mod households;
pub mod join_requests;
pub mod notices;
pub mod outbox;
pub mod overview;
pub mod people;
pub mod profiles;
pub mod reads;
pub mod retention;
pub mod roster;
pub mod roster_sync;
pub mod schools;
pub mod sessions;
pub mod sqlite_writer;
pub mod throttle;
pub mod waitlist;

use anyhow::Context as _;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor as _};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The database engines Confero runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// Which engine a database URL names.
    pub fn from_url(url: &str) -> anyhow::Result<Engine> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Engine::Postgres)
        } else {
            anyhow::bail!("the database URL must start with sqlite: or postgres:")
        }
    }

    /// The engine's name, as reported by `/api/health`.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// Whether an error only says "try the transaction again": a deadlock or a
/// serialisation failure on PostgreSQL, a busy database on SQLite. Nothing
/// of the failed transaction was kept.
pub fn is_transient(error: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = error else {
        return false;
    };
    // PostgreSQL: deadlock_detected, serialization_failure, lock_not_available.
    // SQLite: SQLITE_BUSY and its extended codes for a stale snapshot and recovery.
    matches!(
        db.code().as_deref(),
        Some("40P01" | "40001" | "55P03" | "5" | "261" | "517")
    )
}

/// A handle on the database: cheap to clone, shared by every request.
///
/// Reads use `pool`; every write uses `writer`. On SQLite the writer is a
/// single connection, so writes queue in order inside the process instead of
/// spinning on SQLite's busy handler; on PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub writer: AnyPool,
    pub engine: Engine,
    /// SQLite (a file): the thread that runs a booking's transaction as one
    /// job ([`sqlite_writer`]), used while holding `writer`.
    pub sqlite_writer: Option<std::sync::Arc<sqlite_writer::SqliteWriter>>,
    /// SQLite (a file): connections for the hot reads, run inline ([`reads`]).
    pub sqlite_reads: Option<std::sync::Arc<reads::SqliteReads>>,
}

impl Db {
    /// Connects, creating an SQLite file (and its folder) when missing, and
    /// runs the engine's migrations.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)?;
        if engine == Engine::Sqlite {
            create_sqlite_parent_dir(url)?;
        }
        let url = match engine {
            // `mode=rwc` creates the file on first start.
            Engine::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url).context("parsing the database URL")?;
        let pool = pool_options(engine, max_connections.max(1))
            .connect_with(options.clone())
            .await
            .context("connecting to the database")?;
        let writer = match engine {
            Engine::Sqlite => pool_options(engine, 1)
                .connect_with(options)
                .await
                .context("connecting to the database")?,
            Engine::Postgres => pool.clone(),
        };
        let migrator = match engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&writer)
            .await
            .context("running database migrations")?;
        let sqlite_writer = match (engine, sqlite_path(&url)) {
            (Engine::Sqlite, Some(path)) => Some(std::sync::Arc::new(
                sqlite_writer::SqliteWriter::open(std::path::Path::new(path), writer.clone())
                    .context("opening the SQLite booking writer")?,
            )),
            _ => None,
        };
        let sqlite_reads = match (engine, sqlite_path(&url)) {
            (Engine::Sqlite, Some(path)) => Some(std::sync::Arc::new(reads::SqliteReads::new(
                std::path::Path::new(path),
            ))),
            _ => None,
        };
        Ok(Db {
            pool,
            writer,
            engine,
            sqlite_writer,
            sqlite_reads,
        })
    }

    /// Answers whether the database responds.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Closes every connection, letting SQLite checkpoint its WAL.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
        if let Some(writer) = &self.sqlite_writer {
            writer.close();
        }
        if let Some(reads) = &self.sqlite_reads {
            reads.close();
        }
    }
}

fn pool_options(engine: Engine, max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        // An SQLite connection is a file handle that does not drop out, and
        // each ping is a hand-off to its worker thread and back: on two cores
        // those thread switches, not SQLite, were most of a booking's CPU.
        // A PostgreSQL connection can be cut (a restart, a proxy), so it is
        // still tried before it is handed out.
        .test_before_acquire(engine == Engine::Postgres)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if engine == Engine::Sqlite {
                    // WAL lets readers run beside the writer; foreign keys are
                    // off by default in SQLite; the busy timeout turns brief
                    // lock contention into a wait instead of an error.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        conn.execute(pragma).await?;
                    }
                }
                Ok(())
            })
        })
}

/// The file of an `sqlite:` URL; `None` for an in-memory database.
fn sqlite_path(url: &str) -> Option<&str> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then_some(path)
}

fn create_sqlite_parent_dir(url: &str) -> anyhow::Result<()> {
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating the database folder {}", parent.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_migration_sql() -> String {
        SQLITE_MIGRATIONS
            .iter()
            .chain(POSTGRES_MIGRATIONS.iter())
            .map(|m| m.sql.to_lowercase())
            .collect()
    }

    /// Privacy promise 15: there is nowhere to store payment card data.
    #[test]
    fn no_payment_card_data_can_be_stored() {
        let sql = all_migration_sql();
        for word in ["card", "cvv", "cvc", "pan ", "iban", "expiry"] {
            assert!(!sql.contains(word), "a migration mentions {word:?}");
        }
    }

    /// Privacy promise 14: students are records, never users: the students
    /// table has no credential or contact column.
    #[test]
    fn students_have_no_way_to_sign_in() {
        for migration in SQLITE_MIGRATIONS.iter().chain(POSTGRES_MIGRATIONS.iter()) {
            let sql = migration.sql.to_lowercase();
            let Some(start) = sql.find("create table students") else {
                continue;
            };
            let table = &sql[start..start + sql[start..].find(");").expect("the table ends")];
            for column in ["password", "email", "token", "login"] {
                assert!(!table.contains(column), "students has a {column} column");
            }
        }
        assert!(all_migration_sql().contains("create table students"));
    }

    #[test]
    fn engine_follows_the_url() {
        assert_eq!(
            Engine::from_url("sqlite://data/x.db").unwrap(),
            Engine::Sqlite
        );
        assert_eq!(
            Engine::from_url("postgres://u@h/db").unwrap(),
            Engine::Postgres
        );
        assert_eq!(
            Engine::from_url("postgresql://u@h/db").unwrap(),
            Engine::Postgres
        );
        assert!(Engine::from_url("mysql://u@h/db").is_err());
    }
}
