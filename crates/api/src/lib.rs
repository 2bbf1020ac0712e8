//! Confero's booking API: axum over sqlx, on SQLite or PostgreSQL.
//!
//! `main.rs` is a shim over [`cli`]; [`Application`] builds and runs the
//! server so integration tests can start it on a free port.

pub mod accounts;
pub mod auth;
pub mod booking;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod http;
pub mod import;
pub mod live;
pub mod mail;
pub mod privacy;
pub mod retention;
pub mod roster;
pub mod storage;
pub mod stranding;
pub mod telemetry;
pub mod zone;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::Config;
use crate::http::spa::WebAssets;
use crate::http::AppState;
use crate::storage::Db;

/// A built server, bound to its port, not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
}

impl Application {
    /// Connects to and migrates the database, reads the SPA build, and binds.
    pub async fn build(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        let db = Db::connect(&config.database_url, config.db_max_connections).await?;
        let web = WebAssets::load(&config.static_dir)?;
        let dummy_hash =
            tokio::task::spawn_blocking(|| auth::password::hash(&auth::token::generate()))
                .await?
                .map_err(|error| {
                    anyhow::anyhow!("hashing the timing-equaliser password: {error}")
                })?;
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("binding {}", config.bind))?;
        let state = AppState {
            db,
            clock,
            web: Arc::new(web),
            dummy_hash: dummy_hash.into(),
            live: live::Live::new(live::SocketLimits::new(
                config.live_max_sockets,
                config.live_max_sockets_per_session,
            )),
            caches: Arc::new(cache::Caches::default()),
            hashing: Arc::new(auth::hashing::Hashing::new(
                config
                    .password_hashes
                    .unwrap_or_else(auth::hashing::Hashing::default_concurrency),
                Duration::from_millis(config.password_hash_wait_ms),
            )),
            mail: Arc::new(config.mail_settings()),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            config: Arc::new(config),
        };
        Ok(Application { listener, state })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The database handle, for operator commands and tests.
    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Whether a built SPA is being served.
    pub fn serves_spa(&self) -> bool {
        self.state.web.dir.is_some()
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests
    /// and closes the database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let db = self.state.db.clone();
        let purger = tokio::spawn(purge_expired(self.state.clone()));
        let offers = tokio::spawn(expire_offers(self.state.clone()));
        let mailer = tokio::spawn(
            mail::worker::Worker {
                db: self.state.db.clone(),
                clock: self.state.clock.clone(),
                settings: self.state.mail.clone(),
                wake: self.state.mail_wake.clone(),
            }
            .run(),
        );
        // Other API processes on the same PostgreSQL database announce their slot changes there.
        let relay = (self.state.db.engine == storage::Engine::Postgres).then(|| {
            tokio::spawn(
                self.state
                    .live
                    .clone()
                    .relay_from_postgres(self.state.config.database_url.clone()),
            )
        });
        let limits = http::serve::ConnectionLimits {
            max_connections: http::serve::fit_connections(self.state.config.max_connections),
            header_timeout: Duration::from_secs(self.state.config.header_timeout_secs.max(1)),
        };
        let app = http::router(self.state);
        let served = http::serve::serve(self.listener, app, limits, shutdown).await;
        purger.abort();
        offers.abort();
        mailer.abort();
        if let Some(relay) = relay {
            relay.abort();
        }
        db.close().await;
        served.context("serving HTTP")
    }
}

/// How often offers from the waitlist that ran out are released to the
/// next family: an offer lasts ten minutes, so a few seconds late is fine.
const OFFER_SWEEP_SECS: u64 = 2;

/// Releases the waitlist's offers that ran out, every few seconds.
async fn expire_offers(state: http::AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(OFFER_SWEEP_SECS));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if let Err(error) = state.booker().expire_offers().await {
            tracing::warn!(%error, "releasing waitlist offers that ran out failed");
        }
    }
}

/// Idempotency keys are kept this long: a retry comes within minutes.
pub const IDEMPOTENCY_KEY_SECS: i64 = 24 * 3600;

/// Deletes what has served its purpose, every hour: sessions a day after
/// they end (useless, and still personal data), sign-in attempt records once
/// they no longer slow anyone down, old idempotency keys, and one-time codes
/// a day after they stopped working.
///
/// Once a day it also applies the schools' retention rules ([`retention`]).
async fn purge_expired(state: AppState) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    let mut hours = 0u32;
    loop {
        every.tick().await;
        let now = state.clock.now().timestamp();
        if let Err(error) = purge_once(&state.db, now).await {
            tracing::warn!(%error, "purging expired records failed");
        }
        if hours % 24 == 0 {
            if let Err(error) = retention::apply(&state.db, now).await {
                tracing::warn!(%error, "applying the retention rules failed");
            }
        }
        hours = hours.wrapping_add(1);
    }
}

/// One round of [`purge_expired`]; returns how many rows went, per table.
pub async fn purge_once(db: &storage::Db, now: i64) -> Result<[u64; 4], sqlx::Error> {
    let sessions = storage::sessions::purge_ended(db, now - 24 * 3600).await?;
    let attempts = storage::throttle::purge(db, now - auth::throttle::FORGET_AFTER_SECS).await?;
    let keys = storage::bookings::purge_idempotency_keys(db, now - IDEMPOTENCY_KEY_SECS).await?;
    let codes = storage::codes::purge(db, now - 24 * 3600).await?;
    if sessions + attempts + keys + codes > 0 {
        tracing::info!(sessions, attempts, keys, codes, "purged expired records");
    }
    Ok([sessions, attempts, keys, codes])
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
