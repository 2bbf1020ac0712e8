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
