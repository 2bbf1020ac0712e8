use crate::helpers::{slot_start, spawn_app, spawn_app_sharing, TestApp, PASSWORD};
use confero_api::demo;
use futures::{SinkExt as _, StreamExt as _};
use serde_json::Value;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn open(app: &TestApp, evening: i64, token: &str) -> Socket {
    let url = format!("ws://{}/api/evenings/{evening}/live", app.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url)
        .await
        .expect("websocket");
    socket
        .send(Message::text(
            serde_json::json!({"token": token}).to_string(),
        ))
        .await
        .unwrap();
    socket
}

async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(1), socket.next())
            .await
            .expect("a message within a second")
            .expect("open")
            .expect("ok");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

#[tokio::test]
async fn watchers_see_slots_taken_and_freed_within_a_second() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let watcher = app
        .token("linh.williams.1@families.demo.confero.test", PASSWORD)
        .await;
    let mut socket = open(&app, evening, &watcher).await;
    assert_eq!(next(&mut socket).await["type"], "ready");

    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let grid = app.slots(evening, &family.token).await;
    let (child, teachers) = family.children[0].clone();
    let start = slot_start(&grid, teachers[0], 0);
    let booking: Value = app
        .book(evening, &family.token, teachers[0], child, &start)
        .await
        .json()
        .await
        .unwrap();
    let event = next(&mut socket).await;
    assert_eq!(event["type"], "slot");
    assert_eq!(event["teacher_id"], teachers[0]);
    assert_eq!(event["start"], start.as_str());
    assert_eq!(event["taken"], true);
    assert!(
        !event.to_string().contains("Patel") && event.get("student_id").is_none(),
        "never who: {event}"
    );

    app.delete(&format!("/api/bookings/{}", booking["id"]), &family.token)
        .await;
    let event = next(&mut socket).await;
    assert_eq!(
        (event["start"].as_str(), event["taken"].as_bool()),
        (Some(start.as_str()), Some(false))
    );
}

#[tokio::test]
async fn a_socket_without_a_valid_token_is_closed() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let mut socket = open(&app, evening, "not-a-token").await;
    let message = next(&mut socket).await;
    assert_eq!(
        (message["type"].as_str(), message["code"].as_str()),
        (Some("error"), Some("unauthenticated"))
    );
}

#[tokio::test]
async fn updates_cross_between_api_processes_sharing_a_database() {
    let first = spawn_app().await;
    first.seed_demo().await;
    let admin = first.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = first.demo_evening(&admin).await;
    // A second API process on the same database (on PostgreSQL, events travel by LISTEN/NOTIFY).
    let second = spawn_app_sharing(&first).await;
    if second.db.engine != confero_api::storage::Engine::Postgres {
        // SQLite deployments are one process by design; nothing to cross.
        return;
    }
    let watcher = second
        .token("linh.williams.1@families.demo.confero.test", PASSWORD)
        .await;
    let mut socket = open(&second, evening, &watcher).await;
    assert_eq!(next(&mut socket).await["type"], "ready");
    // Give the second process's LISTEN a moment to be in place.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let family = first.family(demo::PARENT_EMAIL, evening).await;
    let grid = first.slots(evening, &family.token).await;
    let (child, teachers) = family.children[0].clone();
    let start = slot_start(&grid, teachers[0], 0);
    assert_eq!(
        first
            .book(evening, &family.token, teachers[0], child, &start)
            .await
            .status(),
        201
    );
    let event = next(&mut socket).await;
    assert_eq!(
        (event["start"].as_str(), event["taken"].as_bool()),
        (Some(start.as_str()), Some(true))
    );
}

/// Waits for the socket to be told it is closed, and returns the reason.
async fn closed_because(socket: &mut Socket) -> String {
    let message = next(socket).await;
    assert_eq!(message["type"], "error", "{message}");
    message["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn signing_out_closes_the_sessions_sockets_at_once() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let mut socket = open(&app, evening, &parent).await;
    assert_eq!(next(&mut socket).await["type"], "ready");
    assert_eq!(app.sign_out(&parent).await.status(), 204);
    // `next` waits one second at most: far sooner than the periodic re-check.
    assert_eq!(closed_because(&mut socket).await, "unauthenticated");
}

#[tokio::test]
async fn a_password_change_closes_the_other_sessions_sockets() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let phone = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let laptop = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let mut on_phone = open(&app, evening, &phone).await;
    let mut on_laptop = open(&app, evening, &laptop).await;
    assert_eq!(next(&mut on_phone).await["type"], "ready");
    assert_eq!(next(&mut on_laptop).await["type"], "ready");
    let changed = app
        .change_password(&laptop, PASSWORD, "a much better passphrase")
        .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(closed_because(&mut on_phone).await, "unauthenticated");
    // The session that made the change keeps its socket.
    let quiet = tokio::time::timeout(Duration::from_millis(500), on_laptop.next()).await;
    assert!(quiet.is_err(), "the laptop's socket stays open: {quiet:?}");
}

#[tokio::test]
async fn an_evening_back_in_draft_stops_streaming_to_families() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let mut family_socket = open(&app, evening, &parent).await;
    let mut staff_socket = open(&app, evening, &admin).await;
    assert_eq!(next(&mut family_socket).await["type"], "ready");
    assert_eq!(next(&mut staff_socket).await["type"], "ready");
    let back = app
        .put_json(
            &format!("/api/evenings/{evening}/status"),
            &admin,
            serde_json::json!({"status": "draft"}),
        )
        .await;
    assert_eq!(back.status(), 200);
    assert_eq!(closed_because(&mut family_socket).await, "not_found");
    let quiet = tokio::time::timeout(Duration::from_millis(500), staff_socket.next()).await;
    assert!(quiet.is_err(), "staff still see drafts: {quiet:?}");
}

#[tokio::test]
async fn sockets_are_capped_per_session_and_in_all() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.live_max_sockets = 3;
        config.live_max_sockets_per_session = 2;
    })
    .await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let mut first = open(&app, evening, &parent).await;
    let mut second = open(&app, evening, &parent).await;
    assert_eq!(next(&mut first).await["type"], "ready");
    assert_eq!(next(&mut second).await["type"], "ready");
    let mut third = open(&app, evening, &parent).await;
    assert_eq!(closed_because(&mut third).await, "too_many_sockets");
    drop(third);
    // Another session may open one, up to the total of three.
    let mut admins = open(&app, evening, &admin).await;
    assert_eq!(next(&mut admins).await["type"], "ready");
    let url = format!("ws://{}/api/evenings/{evening}/live", app.addr);
    let refused = tokio_tungstenite::connect_async(url).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503)
        }
        other => panic!("a fourth socket was not refused: {:?}", other.map(|_| ())),
    }
}

/// Before signing in, a client may not make the server wait for (and
/// reserve room for) a large frame: a frame header announcing more than
/// 4 KiB closes the socket at once.
#[tokio::test]
async fn an_unauthenticated_socket_cannot_announce_a_large_frame() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let mut raw = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let handshake = format!(
        "GET /api/evenings/{evening}/live HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n",
        app.addr
    );
    raw.write_all(handshake.as_bytes()).await.unwrap();
    let mut buffer = [0u8; 1024];
    let n = raw.read(&mut buffer).await.unwrap();
    assert!(
        String::from_utf8_lossy(&buffer[..n]).starts_with("HTTP/1.1 101"),
        "upgraded"
    );
    // A masked text frame announcing 16 MiB, then a trickle.
    let mut frame = vec![0x81, 0x80 | 127];
    frame.extend_from_slice(&(16u64 << 20).to_be_bytes());
    frame.extend_from_slice(&[1, 2, 3, 4]);
    frame.extend_from_slice(b"{\"tok");
    raw.write_all(&frame).await.unwrap();
    let started = std::time::Instant::now();
    loop {
        match tokio::time::timeout(Duration::from_secs(3), raw.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(_)) => continue, // a close frame, then the end
            Err(_) => panic!("the socket was kept open waiting for 16 MiB"),
        }
    }
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// A teacher running late: every watcher hears it at once, the evening says
/// so, and only the families with a later appointment with them are emailed.
#[tokio::test]
async fn a_teacher_running_late_reaches_families_live_and_by_email() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let teacher: i64 = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(demo::TEACHER_EMAIL)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // Two families taught by the teacher: one booked early, one later.
    let mut families = Vec::new();
    for email in crate::helpers::family_emails(&app).await {
        let family = app.family(&email, evening).await;
        if let Some((child, _)) = family.children.iter().find(|(_, t)| t.contains(&teacher)) {
            families.push((email, family.token.clone(), *child));
            if families.len() == 2 {
                break;
            }
        }
    }
    let grid = app.slots(evening, &admin).await;
    let (early, later) = (
        slot_start(&grid, teacher, 0),
        slot_start(&grid, teacher, 10),
    );
    for ((_, token, child), start) in families.iter().zip([&early, &later]) {
        assert_eq!(
            app.book(evening, token, teacher, *child, start)
                .await
                .status(),
            201
        );
    }
    // The evening is under way: the early appointment is over.
    let at = chrono::DateTime::parse_from_rfc3339(&slot_start(&grid, teacher, 3)).unwrap();
    let by = at.with_timezone(&chrono::Utc) - app.clock_now();
    app.clock.advance(by);
    // (Two weeks on, the sessions from before have ended.)
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let teacher_token = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    families[1].1 = app.token(&families[1].0, PASSWORD).await;

    let mut socket = open(&app, evening, &families[1].1).await;
    assert_eq!(next(&mut socket).await["type"], "ready");
    let path = format!("/api/evenings/{evening}/teachers/{teacher}/late");
    let response = app
        .put_json(&path, &teacher_token, serde_json::json!({"minutes": 10}))
        .await;
    assert_eq!(response.status(), 200);
    let heard = next(&mut socket).await;
    assert_eq!(
        heard,
        serde_json::json!({"type": "late", "teacher_id": teacher, "minutes": 10})
    );
    let late_said = || async {
        let details = app
            .json(&format!("/api/evenings/{evening}"), &families[1].1)
            .await;
        details["teachers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == teacher)
            .unwrap()["late_minutes"]
            .clone()
    };
    assert_eq!(late_said().await, 10);

    // Emailed: the family still to come, not the one already seen.
    let mut told = Vec::new();
    for _ in 0..100 {
        told = crate::helpers::outbox_to(&app, "Running late:").await;
        if !told.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(told.contains(&families[1].0), "{told:?}");
    assert!(!told.contains(&families[0].0), "{told:?}");

    // Back on time: heard at once, and the evening no longer says late.
    assert_eq!(
        app.put_json(&path, &teacher_token, serde_json::json!({"minutes": 0}))
            .await
            .status(),
        200
    );
    assert_eq!(next(&mut socket).await["minutes"], 0);
    assert_eq!(late_said().await, Value::Null);

    // Only the teacher (or an admin) says so, within reason.
    assert_eq!(
        app.put_json(&path, &families[1].1, serde_json::json!({"minutes": 5}))
            .await
            .status(),
        403
    );
    let other: i64 = grid
        .iter()
        .map(|c| c["teacher_id"].as_i64().unwrap())
        .find(|t| *t != teacher)
        .unwrap();
    let other_path = format!("/api/evenings/{evening}/teachers/{other}/late");
    assert_eq!(
        app.put_json(
            &other_path,
            &teacher_token,
            serde_json::json!({"minutes": 5})
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.put_json(&other_path, &admin, serde_json::json!({"minutes": 5}))
            .await
            .status(),
        200
    );
    let (status, _, field) = crate::helpers::error_of(
        app.put_json(&path, &teacher_token, serde_json::json!({"minutes": 91}))
            .await,
    )
    .await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("minutes")));
}
