//! Structured logs. Nothing personal goes in: spans carry method, path and
//! request id; events carry ids, never emails, names, passwords or tokens.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber: human-readable by default, JSON lines when
/// `CONFERO_LOG_FORMAT=json`. The filter comes from `CONFERO_LOG`.
pub fn init() {
    let filter = EnvFilter::try_from_env("CONFERO_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    let result = if std::env::var("CONFERO_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // Already installed (tests): keep the first.
    let _ = result;
}

tokio::task_local! {
    /// The `X-Request-Id` of the request this task is serving.
    static REQUEST_ID: String;
}

/// Runs `work` as part of the request `id`, so what it records (the audit
/// log) can say which request did it.
pub async fn in_request<F: std::future::Future>(id: Option<String>, work: F) -> F::Output {
    match id {
        Some(id) => REQUEST_ID.scope(id, work).await,
        None => work.await,
    }
}

/// The request this task is serving, if it serves one (not the CLI or a
/// background job).
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}
