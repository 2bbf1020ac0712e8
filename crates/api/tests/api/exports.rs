use crate::helpers::{slot_start, spawn_app, PASSWORD};
use confero_api::demo;
use serde_json::Value;

#[tokio::test]
async fn calendar_files_parse_and_carry_the_appointment() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let grid = app.slots(evening, &family.token).await;
    let (child, teachers) = family.children[0].clone();
    let booking: Value = app
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
    let id = booking["id"].as_i64().unwrap();

    let response = app
        .get(
            &format!("/api/bookings/{id}/calendar.ics"),
            Some(&family.token),
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let text = response.text().await.unwrap();
    let calendar: icalendar::Calendar = text.parse().expect("a valid RFC 5545 calendar");
    let events: Vec<_> = calendar.events().collect();
    assert_eq!(events.len(), 1);
    use icalendar::{Component, EventLike};
    let event = events[0];
    assert_eq!(
        event.get_uid(),
        Some(format!("booking-{id}@confero").as_str())
    );
    assert!(event.get_timestamp().is_some(), "DTSTAMP");
    assert!(event.get_summary().unwrap().contains(demo::EVENING_NAME));
    assert_eq!(event.get_location(), booking["room"].as_str());
    assert!(text.contains("DTSTART;TZID=Europe/London:"), "{text}");
    assert!(text.contains("DTEND;TZID=Europe/London:"), "{text}");

    let all = app
        .get("/api/bookings/calendar.ics", Some(&family.token))
        .await
        .text()
        .await
        .unwrap();
    let all: icalendar::Calendar = all.parse().unwrap();
    assert_eq!(all.events().count(), 1);

    // Someone else's appointment is not there for you.
    let other = app
        .token("linh.williams.1@families.demo.confero.test", PASSWORD)
        .await;
    assert_eq!(
        app.get(&format!("/api/bookings/{id}/calendar.ics"), Some(&other))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn admins_export_csv_and_every_export_is_audited() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let grid = app.slots(evening, &family.token).await;
    let (child, teachers) = family.children[0].clone();
    assert_eq!(
        app.book(
            evening,
            &family.token,
            teachers[0],
            child,
            &slot_start(&grid, teachers[0], 0)
        )
        .await
        .status(),
        201
    );

    let csv = app
        .get(
            &format!("/api/evenings/{evening}/bookings.csv"),
            Some(&admin),
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "teacher");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0][4].contains("Patel"));
    assert!(
        rows[0][7].contains(demo::PARENT_EMAIL),
        "the admin sees contact fields"
    );

    let guardians = app
        .get("/api/guardians.csv", Some(&admin))
        .await
        .text()
        .await
        .unwrap();
    let rows = csv::Reader::from_reader(guardians.as_bytes())
        .records()
        .count();
    assert_eq!(
        rows,
        100 + 14,
        "one row per guardian–student link: 100 children, 14 second-guardian links"
    );

    for path in [
        format!("/api/evenings/{evening}/bookings.csv"),
        "/api/guardians.csv".to_owned(),
        "/api/audit".to_owned(),
    ] {
        assert_eq!(
            app.get(&path, Some(&family.token)).await.status(),
            403,
            "{path}"
        );
    }
    let log = app.json("/api/audit", &admin).await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["export_guardians", "export_bookings"]);
    // Each entry names the request that did it.
    for entry in log.as_array().unwrap() {
        assert!(
            entry["request_id"]
                .as_str()
                .is_some_and(|id| id.len() >= 32),
            "{entry}"
        );
    }
}
