//! Configuration from flags and `CONFERO_*` environment variables.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// How the API server runs.
#[derive(clap::Args, Clone)]
pub struct Config {
    /// Database URL: `sqlite://PATH` (created if missing) or `postgres://…`.
    #[arg(
        long,
        global = true,
        env = "CONFERO_DATABASE_URL",
        default_value = "sqlite://data/confero.db"
    )]
    pub database_url: String,

    /// Most database connections held open at once.
    #[arg(
        long,
        global = true,
        env = "CONFERO_DB_MAX_CONNECTIONS",
        default_value_t = 8
    )]
    pub db_max_connections: u32,

    /// Address to listen on.
    #[arg(
        long,
        global = true,
        env = "CONFERO_BIND",
        default_value = "127.0.0.1:8080"
    )]
    pub bind: SocketAddr,

    /// Folder with the built SPA (Trunk's `dist/`), served from the same origin.
    #[arg(
        long,
        global = true,
        env = "CONFERO_STATIC_DIR",
        default_value = "dist"
    )]
    pub static_dir: PathBuf,

    /// Minutes of inactivity after which a session ends.
    #[arg(
        long,
        global = true,
        env = "CONFERO_SESSION_IDLE_MINUTES",
        default_value_t = 30
    )]
    pub session_idle_minutes: u32,

    /// Hours after sign-in at which a session ends, however active.
    #[arg(
        long,
        global = true,
        env = "CONFERO_SESSION_LIFETIME_HOURS",
        default_value_t = 12
    )]
    pub session_lifetime_hours: u32,

    /// Send `Strict-Transport-Security`: set it when Confero is reached over HTTPS
    /// (directly or behind a TLS-terminating proxy).
    #[arg(long, global = true, env = "CONFERO_HSTS", default_value_t = false)]
    pub hsts: bool,

    /// Largest request body accepted, in bytes.
    #[arg(long, global = true, env = "CONFERO_BODY_LIMIT_BYTES", default_value_t = 64 * 1024)]
    pub body_limit_bytes: usize,
}

impl Config {
    /// Idle time-out in seconds.
    pub fn idle_timeout_secs(&self) -> i64 {
        i64::from(self.session_idle_minutes.max(1)) * 60
    }

    /// Absolute session lifetime in seconds.
    pub fn lifetime_secs(&self) -> i64 {
        i64::from(self.session_lifetime_hours.max(1)) * 3600
    }
}

/// The database URL may hold a password: never print it.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field(
                "database",
                &crate::storage::Engine::from_url(&self.database_url).ok(),
            )
            .field("bind", &self.bind)
            .field("static_dir", &self.static_dir)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_lifetime_hours", &self.session_lifetime_hours)
            .field("hsts", &self.hsts)
            .finish_non_exhaustive()
    }
}
