//! Email through a real SMTP server on loopback: what arrives, to whom, with
//! which calendar; retries; reminders; and a crash mid-batch.

use std::collections::HashSet;
use std::time::Duration;

use crate::helpers::{
    family_emails, outbox_to, slot_start, spawn_app, spawn_app_with, ServerProcess, TestApp,
    PASSWORD,
};
use crate::smtp_sink::SmtpSink;
use confero_api::demo;
use serde_json::Value;

const WITHIN: Duration = Duration::from_secs(10);

async fn app_with_mail(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    spawn_app_with(move |config| {
        config.smtp_url = Some(url);
        config.public_url = Some("https://confero.school.example".into());
        config.mail_from = "Hollowbrook via Confero <no-reply@confero.school.example>".into();
    })
    .await
}

/// The demo parent books her first child's first teacher's first slot.
async fn book_one(app: &TestApp) -> (Value, String) {
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let grid = app.slots(evening, &family.token).await;
    let booked: Value = app
        .book(
            evening,
            &family.token,
            teachers[0],
            child,
            &slot_start(&grid, teachers[0], 0),
        )
        .await
        .json()
        .await
        .unwrap();
    (booked, family.token)
}

#[tokio::test]
async fn a_booking_emails_the_family_with_a_calendar_file() {
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    app.seed_demo().await;
    let (booked, _) = book_one(&app).await;
    let received = sink.wait_for(1, WITHIN).await;
    let to_parent = received
        .iter()
        .find(|m| m.to.iter().any(|to| to == demo::PARENT_EMAIL))
        .expect("the parent is told");
    assert_eq!(to_parent.from, "no-reply@confero.school.example");
    let subject = to_parent.header("Subject").unwrap();
    assert!(subject.starts_with("Booked: "), "{subject}");
    assert!(
        subject.contains(booked["teacher_name"].as_str().unwrap()),
        "{subject}"
    );
    let text = to_parent.text();
    assert!(
        text.contains(booked["student_name"].as_str().unwrap()),
        "{text}"
    );
    assert!(
        text.contains("Hollowbrook Academy, through Confero"),
        "{text}"
    );
    let html = to_parent.html();
    assert!(!html.contains("<img"), "no tracking pixel");
    for link in html.split("href=\"").skip(1) {
        assert!(
            link.starts_with("https://confero.school.example/"),
            "a link elsewhere: {link}"
        );
    }
    let (name, ics) = to_parent.attachment().expect("a calendar file");
    assert_eq!(name, "appointment.ics");
    let ics = ics.replace("\r\n ", "");
    for needle in [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "BEGIN:VALARM",
        "Hollowbrook Academy",
        booked["teacher_name"].as_str().unwrap(),
        booked["student_name"].as_str().unwrap(),
    ] {
        assert!(ics.contains(needle), "{needle} missing from\n{ics}");
    }
    // Every recipient is a guardian of the child: nobody else learns of it.
    let guardians: Vec<String> = sqlx::query_scalar(
        "SELECT p.email FROM guardianships g JOIN people p ON p.id = g.guardian_id WHERE g.student_id = $1",
    )
    .bind(booked["student_id"].as_i64().unwrap())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    for message in sink.received() {
        for to in &message.to {
            assert!(
                guardians.contains(to),
                "{to} is not a guardian of the child"
            );
        }
    }
}

#[tokio::test]
async fn a_cancellation_tells_the_family_and_the_teacher() {
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    app.seed_demo().await;
    let (booked, token) = book_one(&app).await;
    let made = sink.wait_for(1, WITHIN).await.len();
    let cancelled = app
        .delete(&format!("/api/bookings/{}", booked["id"]), &token)
        .await;
    assert_eq!(cancelled.status(), 200);
    let teacher_email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(booked["teacher_id"].as_i64().unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let received = sink.wait_for(made + 2, WITHIN).await;
    let to_teacher = received
        .iter()
        .find(|m| m.to.contains(&teacher_email))
        .expect("the teacher is told");
    assert!(to_teacher
        .header("Subject")
        .unwrap()
        .starts_with("Cancelled: "));
    assert!(to_teacher.attachment().is_none());
    assert!(received[made..]
        .iter()
        .any(|m| m.to.iter().any(|to| to == demo::PARENT_EMAIL)));
}

/// Twenty families book at once: the worker expands the notices in batches
/// (one write transaction each), and every booking still reaches each of the
/// child's guardians exactly once, with every notice marked done.
#[tokio::test]
async fn a_burst_of_bookings_is_queued_once_per_guardian() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let mut families = Vec::new();
    for email in family_emails(&app).await.iter().take(20) {
        families.push(app.family(email, evening).await);
    }
    let grid = app.slots(evening, &admin).await;
    // Each family its own slot index, so no two want the same time.
    let answers = futures::future::join_all(families.iter().enumerate().map(|(n, family)| {
        let (child, teachers) = family.children[0].clone();
        let start = slot_start(&grid, teachers[0], n % 12);
        let app = &app;
        async move {
            let answer = app
                .book(evening, &family.token, teachers[0], child, &start)
                .await;
            (
                answer.status().as_u16(),
                answer.json::<Value>().await.unwrap(),
            )
        }
    }))
    .await;
    let booked: Vec<i64> = answers
        .iter()
        .filter(|(status, _)| *status == 201)
        .map(|(_, body)| body["student_id"].as_i64().unwrap())
        .collect();
    assert!(booked.len() >= 10, "{answers:?}");
    let mut expected = Vec::new();
    for student in &booked {
        let guardians: Vec<String> = sqlx::query_scalar(
            "SELECT p.email FROM guardianships g JOIN people p ON p.id = g.guardian_id WHERE g.student_id = $1",
        )
        .bind(student)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        expected.extend(guardians);
    }
    expected.sort();
    for _ in 0..200 {
        if outbox_to(&app, "Booked: ").await.len() >= expected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A moment more: nothing arrives twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut queued = outbox_to(&app, "Booked: ").await;
    queued.sort();
    assert_eq!(queued, expected);
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE expanded_at IS NULL")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(waiting, 0);
}

#[tokio::test]
async fn without_a_mail_server_messages_wait_in_the_outbox_for_admins() {
    let app = spawn_app().await;
    app.seed_demo().await;
    book_one(&app).await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let mut outbox = Value::Null;
    for _ in 0..100 {
        outbox = app.json("/api/outbox", &admin).await;
        if !outbox["messages"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(outbox["sending"], false);
    let message = &outbox["messages"][0];
    assert_eq!(message["status"], "pending");
    assert_eq!(message["kind"], "booking_made");
    assert!(message["text"].as_str().unwrap().contains("is booked"));
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(app.get("/api/outbox", Some(&parent)).await.status(), 403);
}

#[tokio::test]
async fn a_message_the_server_turns_away_is_retried_later() {
    let sink = SmtpSink::start().await;
    sink.refuse_next(1);
    let app = app_with_mail(&sink).await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    book_one(&app).await;
    // The first attempt is refused; the message waits with its reason.
    let mut failed_once = Value::Null;
    for _ in 0..200 {
        let outbox = app.json("/api/outbox", &admin).await;
        if let Some(m) = outbox["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["attempts"] == 1 && m["status"] == "pending")
        {
            failed_once = m.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        failed_once["last_error"].as_str().is_some(),
        "{failed_once}"
    );
    // After the back-off it goes.
    app.clock.advance(chrono::Duration::seconds(31));
    let received = sink.wait_for(1, WITHIN).await;
    let id = failed_once["id"].as_i64().unwrap();
    assert!(received.iter().any(|m| m
        .header("Message-ID")
        .unwrap()
        .contains(&format!("outbox-{id}@"))));
}

#[tokio::test]
async fn families_are_reminded_once_before_the_evening() {
    let sink = SmtpSink::start().await;
    let app = app_with_mail(&sink).await;
    app.seed_demo().await;
    let (booked, _) = book_one(&app).await;
    let made = sink.wait_for(1, WITHIN).await.len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let made = made.max(sink.received().len());
    // Two hours before the appointment: inside the school's 24 hours.
    let start: chrono::DateTime<chrono::FixedOffset> =
        booked["start"].as_str().unwrap().parse().unwrap();
    app.clock
        .advance(start.with_timezone(&chrono::Utc) - app.clock_now() - chrono::Duration::hours(2));
    let received = sink.wait_for(made + 1, Duration::from_secs(90)).await;
    let reminders: Vec<_> = received
        .iter()
        .filter(|m| m.header("Subject").unwrap().starts_with("Reminder: "))
        .collect();
    assert!(!reminders.is_empty());
    let (_, ics) = reminders[0].attachment().expect("the family's calendar");
    assert!(ics.contains("BEGIN:VEVENT"));
    // However often the worker looks again, nobody is reminded twice.
    let worker = confero_api::mail::worker::Worker {
        db: app.db.clone(),
        clock: std::sync::Arc::new(app.clock.clone()),
        settings: std::sync::Arc::new(
            confero_api::config::Config::with_database("").mail_settings(),
        ),
        wake: Default::default(),
    };
    assert_eq!(worker.queue_reminders().await.unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = sink
        .received()
        .iter()
        .filter(|m| m.header("Subject").unwrap().starts_with("Reminder: "))
        .count();
    assert_eq!(again, reminders.len());
}

/// The server dies while the mail server holds its answer to a message; once
/// started again, every message arrives, none twice.
#[tokio::test]
async fn nothing_is_lost_or_sent_twice_across_a_crash() {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let server = ServerProcess::start(&[
        ("CONFERO_SMTP_URL", url.as_str()),
        ("CONFERO_MAIL_LEASE_SECS", "2"),
    ])
    .await;
    sink.hold_message(2);
    let client = reqwest::Client::new();
    let token = server.token(demo::PARENT_EMAIL).await;
    let get = |path: String| {
        let client = client.clone();
        let token = token.clone();
        let url = format!("{}{path}", server.base);
        async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let evening = get("/api/evenings".into()).await[0]["id"].as_i64().unwrap();
    let me = get("/api/me".into()).await;
    let child = me["children"][0]["id"].as_i64().unwrap();
    let grid = get(format!("/api/evenings/{evening}/slots")).await;
    let teacher_names: Vec<String> = me["children"][0]["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["teacher_name"].as_str().unwrap().to_owned())
        .collect();
    let mut booked = 0;
    for (i, column) in grid
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            teacher_names
                .iter()
                .any(|n| c["teacher_name"] == n.as_str())
        })
        .take(3)
        .enumerate()
    {
        let response = client
            .post(format!("{}/api/evenings/{evening}/bookings", server.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "teacher_id": column["teacher_id"],
                "student_id": child,
                "start": column["slots"][i * 3]["start"],
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        booked += 1;
    }
    // The second message is in the mail server's hands, unanswered: crash now.
    let started = std::time::Instant::now();
    while sink.data_ended() < 2 {
        assert!(started.elapsed() < WITHIN, "the second message never came");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut server = server;
    server.kill();
    let server = server.restart().await;
    let db = confero_api::storage::Db::connect(&server.database_url, 1)
        .await
        .unwrap();
    let count = |sql: &'static str| {
        let pool = db.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    // Wait until every notice is expanded and every message sent.
    let started = std::time::Instant::now();
    while count("SELECT COUNT(*) FROM notices WHERE expanded_at IS NULL").await > 0
        || count("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await > 0
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "mail still waiting after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let queued = usize::try_from(count("SELECT COUNT(*) FROM outbox").await).unwrap();
    assert!(queued >= booked, "{queued} messages for {booked} bookings");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let received = sink.received();
    let ids: HashSet<String> = received
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), received.len(), "a message arrived twice");
    assert_eq!(received.len(), queued, "a message was lost");
    db.close().await;
}
