//! Denial of service: a flood of sign-ins, clients that trickle or idle,
//! too many connections, and tables that would grow forever.

use std::time::{Duration, Instant};

use crate::helpers::{spawn_app, spawn_app_with, ServerProcess, PASSWORD};
use confero_api::demo;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// The ceiling on the server's peak memory during a sign-in flood with two
/// hashes allowed at once: the process's own footprint, two 19 MiB
/// argon2 memories, and room to spare, but far below one 19 MiB per request.
const FLOOD_CEILING_KIB: u64 = 160 * 1024;

/// The peak resident memory of a process, from `/proc`.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

#[tokio::test]
async fn a_sign_in_flood_cannot_grow_memory_beyond_the_hashing_bound() {
    let server = ServerProcess::start(&[("CONFERO_PASSWORD_HASHES", "2")]).await;
    let client = reqwest::Client::new();
    let flood = (0..40).map(|i| {
        let client = client.clone();
        let url = format!("{}/api/session", server.base);
        async move {
            client
                .post(url)
                .json(&serde_json::json!({"email": format!("made-up-{i}@flood.test"), "password": "guess"}))
                .send()
                .await
                .expect("every request gets an answer")
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(flood).await;
    let peak = peak_kib(server.child.id());
    for status in &statuses {
        assert!(*status == 401 || *status == 503, "status {status}");
    }
    assert!(
        peak < FLOOD_CEILING_KIB,
        "peak memory {} MiB under 40 parallel sign-ins (ceiling {} MiB)",
        peak / 1024,
        FLOOD_CEILING_KIB / 1024
    );
    println!(
        "sign-in flood: 40 in parallel, 2 hashes at once: peak {} MiB; {} answered 401, {} answered 503",
        peak / 1024,
        statuses.iter().filter(|s| **s == 401).count(),
        statuses.iter().filter(|s| **s == 503).count()
    );
}

#[tokio::test]
async fn past_the_hashing_bound_sign_ins_are_told_to_retry() {
    let app = spawn_app_with(|config| {
        config.password_hashes = Some(1);
        config.password_hash_wait_ms = 1;
    })
    .await;
    app.seed_demo().await;
    let emails: Vec<String> = (0..12).map(|i| format!("someone-{i}@flood.test")).collect();
    let attempts = emails.iter().map(|email| app.sign_in(email, "guess"));
    let answers = futures::future::join_all(attempts).await;
    let busy: Vec<_> = answers.iter().filter(|r| r.status() == 503).collect();
    assert!(!busy.is_empty(), "some had to wait too long");
    for response in busy {
        assert_eq!(response.headers()["retry-after"], "1");
    }
    // A refusal for being busy is not a failed guess: the owner is not slowed down.
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201
    );
}

/// Reads until the server closes the connection; returns what it sent and when it closed.
async fn until_closed(stream: &mut TcpStream, within: Duration) -> (String, Option<Duration>) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    while started.elapsed() < within {
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => {
                return (
                    String::from_utf8_lossy(&received).into_owned(),
                    Some(started.elapsed()),
                )
            }
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => {}
        }
    }
    (String::from_utf8_lossy(&received).into_owned(), None)
}

#[tokio::test]
async fn headers_trickled_slowly_are_cut_off() {
    let app = spawn_app_with(|config| config.header_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET /api/health HTTP/1.1\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut cut_off = None;
    // One header byte every 200 ms, for up to 5 seconds.
    for byte in b"X-Slow: ".iter().cycle().take(25) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if stream.write_all(&[*byte]).await.is_err() {
            cut_off = Some(started.elapsed());
            break;
        }
        let mut probe = [0u8; 64];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await
        {
            cut_off = Some(started.elapsed());
            break;
        }
    }
    let cut_off = cut_off.expect("the connection was still open after 5 seconds of trickling");
    assert!(
        cut_off < Duration::from_secs(3),
        "cut off after {cut_off:?}"
    );
    println!(
        "slowloris: headers trickled at 5 bytes/s cut off after {cut_off:?} (header timeout 1 s)"
    );
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let app = spawn_app_with(|config| config.header_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let (_, closed) = until_closed(&mut stream, Duration::from_secs(4)).await;
    let closed = closed.expect("an idle connection is closed");
    assert!(closed < Duration::from_secs(3), "closed after {closed:?}");
}

#[tokio::test]
async fn a_body_trickled_slowly_gets_a_408() {
    let app = spawn_app_with(|config| config.request_timeout_secs = 1).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(
            b"POST /api/session HTTP/1.1\r\nHost: confero\r\nContent-Type: application/json\r\n\
              Content-Length: 1000\r\n\r\n{\"email\":",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = String::new();
    while started.elapsed() < Duration::from_secs(5) && answer.is_empty() {
        let _ = stream.write_all(b" ").await;
        let mut buffer = [0u8; 4096];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buffer)).await
        {
            answer = String::from_utf8_lossy(&buffer[..n]).into_owned();
        }
    }
    assert!(
        answer.starts_with("HTTP/1.1 408"),
        "after {:?}: {answer:?}",
        started.elapsed()
    );
    assert!(
        answer.contains("\"timeout\""),
        "the usual JSON error: {answer}"
    );
}

#[tokio::test]
async fn connections_past_the_cap_wait_their_turn() {
    let app = spawn_app_with(|config| {
        config.max_connections = 2;
        config.header_timeout_secs = 2;
    })
    .await;
    let _idle_one = TcpStream::connect(app.addr).await.unwrap();
    let _idle_two = TcpStream::connect(app.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let health = app.get("/api/health", None).await;
    let waited = started.elapsed();
    assert_eq!(health.status(), 200);
    assert!(
        waited > Duration::from_millis(1000),
        "served after {waited:?}, while two connections held every place"
    );
}

#[tokio::test]
async fn attempt_records_and_idempotency_keys_are_purged() {
    let app = spawn_app().await;
    app.seed_demo().await;
    // Two failed sign-ins now, for two emails.
    assert_eq!(app.sign_in("old@purge.test", "guess").await.status(), 401);
    let (_, parent) = app.person_id(demo::PARENT_EMAIL).await;
    let mut conn = app.db.writer.acquire().await.unwrap();
    sqlx::query("INSERT INTO idempotency_keys (person_id, key, status, body, fingerprint, created_at) VALUES ($1, 'k', 201, '1', '', $2)")
        .bind(parent)
        .bind(app.clock_now().timestamp())
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let now = app.clock_now().timestamp();
    assert_eq!(
        confero_api::purge_once(&app.db, now).await.unwrap(),
        [0, 0, 0, 0],
        "nothing is old yet"
    );
    let two_days_on = now + 2 * 24 * 3600;
    let [_, attempts, keys, _] = confero_api::purge_once(&app.db, two_days_on).await.unwrap();
    assert_eq!((attempts, keys), (1, 1));
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM login_throttle")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}
