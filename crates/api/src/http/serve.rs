//! The accept loop: HTTP/1.1 connections with a cap on how many are open, a
//! deadline for each request's headers, and a graceful shutdown.
//!
//! `axum::serve` has no header-read timeout and no connection cap, so a
//! client trickling its headers (slowloris) or simply opening sockets and
//! sending nothing holds server resources forever. Here hyper's HTTP/1
//! connection gets a timer: a connection that has not sent a complete
//! request head within the deadline — a new connection, or an idle
//! keep-alive one — is closed. The whole request, body included, has its own
//! deadline in the router (a 408). Confero serves HTTP/1.1 only: TLS, and
//! with it HTTP/2, end at the reverse proxy in front.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Semaphore};

/// How long shutdown waits for requests in flight before giving up on them.
const DRAIN: Duration = Duration::from_secs(10);

/// File descriptors kept back from client connections: the database pool,
/// static files being read, the mail sender's socket, logs.
const RESERVED_FDS: usize = 256;

/// How many connections can really be open at once. Raises this process's
/// soft limit on open files towards the hard limit (as Go's runtime and
/// nginx's `worker_rlimit_nofile` do: a login shell's default of 1,024 is
/// fewer than a school's families opening the booking page together), then
/// fits `wanted` into it. A cap above the limit would turn the overflow into
/// failed accepts instead of connections waiting their turn.
pub fn fit_connections(wanted: usize) -> usize {
    let wanted = wanted.max(1);
    let fds = u64::try_from(wanted.saturating_add(RESERVED_FDS)).unwrap_or(u64::MAX);
    match rlimit::increase_nofile_limit(fds) {
        Ok(limit) => {
            let room = usize::try_from(limit)
                .unwrap_or(usize::MAX)
                .saturating_sub(RESERVED_FDS)
                .max(16);
            if room < wanted {
                tracing::warn!(
                    wanted,
                    room,
                    open_files_limit = limit,
                    "the open-files limit allows fewer connections than configured; capping them"
                );
            }
            wanted.min(room)
        }
        Err(error) => {
            tracing::warn!(%error, "could not read or raise the open-files limit");
            wanted
        }
    }
}

/// Limits on connections.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Most connections open at once; further ones wait in the kernel's backlog.
    pub max_connections: usize,
    /// Time to send a complete request head.
    pub header_timeout: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests
/// in flight finish (for at most [`DRAIN`]).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let places = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop, stopping) = watch::channel(false);
    // Every connection task holds a sender; when all are dropped, all are done.
    let (alive, mut all_done) = mpsc::channel::<()>(1);
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let place = tokio::select! {
            place = places.clone().acquire_owned() => match place {
                Ok(place) => place,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let connection = builder
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let mut stopping = stopping.clone();
        let alive = alive.clone();
        tokio::spawn(async move {
            tokio::pin!(connection);
            let stop_now = async move {
                let _ = stopping.wait_for(|stop| *stop).await;
            };
            tokio::select! {
                _ = connection.as_mut() => {}
                () = stop_now => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(place);
            drop(alive);
        });
    }
    let _ = stop.send(true);
    drop(alive);
    if tokio::time::timeout(DRAIN, all_done.recv()).await.is_err() {
        tracing::warn!("requests still running after the drain period were cut off");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_cap_fits_in_the_open_files_limit() {
        assert_eq!(fit_connections(10), 10);
        let fitted = fit_connections(usize::MAX);
        let (soft, _) = rlimit::Resource::NOFILE.get().expect("reading the limit");
        let soft = usize::try_from(soft).unwrap_or(usize::MAX);
        assert!(fitted >= 16);
        assert!(fitted <= soft.saturating_sub(RESERVED_FDS).max(16));
    }
}
