//! Configuration from flags and `CONFERO_*` environment variables.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// How the API server runs.
#[derive(clap::Args, Clone, PartialEq, Eq)]
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

    /// Days a session kept on a device ("keep me signed in") lasts at most.
    #[arg(
        long,
        global = true,
        env = "CONFERO_REMEMBER_DAYS",
        default_value_t = 30
    )]
    pub remember_days: u32,

    /// Send `Strict-Transport-Security`: set it when Confero is reached over HTTPS
    /// (directly or behind a TLS-terminating proxy).
    #[arg(long, global = true, env = "CONFERO_HSTS", default_value_t = false)]
    pub hsts: bool,

    /// Largest request body accepted, in bytes.
    #[arg(long, global = true, env = "CONFERO_BODY_LIMIT_BYTES", default_value_t = 64 * 1024)]
    pub body_limit_bytes: usize,

    /// Password hashes (19 MiB each) computed at once; default: one per core.
    #[arg(long, global = true, env = "CONFERO_PASSWORD_HASHES")]
    pub password_hashes: Option<usize>,

    /// Milliseconds a sign-in waits for a free password-hashing slot before
    /// it is answered 503 with `Retry-After`.
    #[arg(
        long,
        global = true,
        env = "CONFERO_PASSWORD_HASH_WAIT_MS",
        default_value_t = 3000
    )]
    pub password_hash_wait_ms: u64,

    /// Seconds a client has to send a request's headers (and, on an idle
    /// connection, to start the next request) before the connection closes.
    #[arg(
        long,
        global = true,
        env = "CONFERO_HEADER_TIMEOUT_SECS",
        default_value_t = 10
    )]
    pub header_timeout_secs: u64,

    /// Seconds from a request's headers to its response, body upload
    /// included; past it the answer is 408.
    #[arg(
        long,
        global = true,
        env = "CONFERO_REQUEST_TIMEOUT_SECS",
        default_value_t = 30
    )]
    pub request_timeout_secs: u64,

    /// Most HTTP connections open at once, live-update sockets included;
    /// more wait to be accepted. Held within the open-files limit.
    #[arg(
        long,
        global = true,
        env = "CONFERO_MAX_CONNECTIONS",
        default_value_t = 16_384
    )]
    pub max_connections: usize,

    /// Most live-update sockets open at once, signed in or not yet.
    #[arg(
        long,
        global = true,
        env = "CONFERO_LIVE_MAX_SOCKETS",
        default_value_t = 10_000
    )]
    pub live_max_sockets: usize,

    /// Most live-update sockets of one session (one per open tab).
    #[arg(
        long,
        global = true,
        env = "CONFERO_LIVE_MAX_SOCKETS_PER_SESSION",
        default_value_t = 8
    )]
    pub live_max_sockets_per_session: usize,

    /// The SMTP server mail leaves through: `smtps://user:pass@host:465`
    /// (implicit TLS) or `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS). Unset, mail stays in the outbox, where admins can read it.
    #[arg(long, global = true, env = "CONFERO_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,

    /// The From address of every email.
    #[arg(
        long,
        global = true,
        env = "CONFERO_MAIL_FROM",
        default_value = "Confero <no-reply@confero.invalid>"
    )]
    pub mail_from: String,

    /// The address people reach Confero at, for links in emails; default:
    /// `http://` and the bind address.
    #[arg(long, global = true, env = "CONFERO_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Seconds a message is claimed while being handed to the mail server;
    /// a claim left by a process that died is taken up after it.
    #[arg(
        long,
        global = true,
        env = "CONFERO_MAIL_LEASE_SECS",
        default_value_t = 60
    )]
    pub mail_lease_secs: u64,
}

impl Config {
    /// The defaults, with the database at `database_url`: what the flags
    /// give when only that is set (tests and tools).
    pub fn with_database(database_url: impl Into<String>) -> Config {
        Config {
            database_url: database_url.into(),
            db_max_connections: 8,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            static_dir: PathBuf::from("dist"),
            session_idle_minutes: 30,
            session_lifetime_hours: 12,
            remember_days: 30,
            hsts: false,
            body_limit_bytes: 64 * 1024,
            password_hashes: None,
            password_hash_wait_ms: 3000,
            header_timeout_secs: 10,
            request_timeout_secs: 30,
            max_connections: 16_384,
            live_max_sockets: 10_000,
            live_max_sockets_per_session: 8,
            smtp_url: None,
            mail_from: "Confero <no-reply@confero.invalid>".into(),
            public_url: None,
            mail_lease_secs: 60,
        }
    }

    /// Where mail goes and where its links point.
    pub fn mail_settings(&self) -> crate::mail::MailSettings {
        crate::mail::MailSettings {
            smtp_url: self.smtp_url.clone(),
            from: self.mail_from.clone(),
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", self.bind)),
            lease: std::time::Duration::from_secs(self.mail_lease_secs.max(1)),
        }
    }

    /// Idle time-out in seconds.
    pub fn idle_timeout_secs(&self) -> i64 {
        i64::from(self.session_idle_minutes.max(1)) * 60
    }

    /// Absolute session lifetime in seconds.
    pub fn lifetime_secs(&self) -> i64 {
        i64::from(self.session_lifetime_hours.max(1)) * 3600
    }

    /// Absolute lifetime of a session kept on a device, in seconds.
    pub fn remember_secs(&self) -> i64 {
        i64::from(self.remember_days.max(1)) * 24 * 3600
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
            .field("password_hashes", &self.password_hashes)
            .field("header_timeout_secs", &self.header_timeout_secs)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("smtp", &self.smtp_url.is_some())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}
