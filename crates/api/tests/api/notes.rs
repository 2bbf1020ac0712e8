//! A teacher's private note on an appointment: staff see it, families never.

use crate::helpers::{error_of, slot_start, spawn_app, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

#[tokio::test]
async fn a_private_note_is_for_staff_only() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let teacher = teachers[0];
    let grid = app.slots(evening, &admin).await;
    let booked: Value = app
        .book(
            evening,
            &family.token,
            teacher,
            child,
            &slot_start(&grid, teacher, 2),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = booked["id"].as_i64().unwrap();
    let teacher_email = crate::helpers::email_of_teacher(&app, &admin, teacher).await;
    let teacher_token = app.token(&teacher_email, PASSWORD).await;
    let path = format!("/api/bookings/{id}/note");
    const NOTE: &str = "Ask about the reading-age test; mum prefers email.";

    let saved = app
        .put_json(&path, &teacher_token, json!({ "note": NOTE }))
        .await;
    assert_eq!(saved.status(), 200);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["staff_note"], NOTE);
    let schedule = app
        .json(
            &format!("/api/bookings?evening_id={evening}&as=teacher"),
            &teacher_token,
        )
        .await;
    let mine = schedule
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == id)
        .unwrap();
    assert_eq!(mine["staff_note"], NOTE);
    let all = app
        .json(&format!("/api/bookings?evening_id={evening}"), &admin)
        .await;
    assert!(all.to_string().contains(NOTE), "admins see it");

    // The family never does: not in their list, their booking, their calendar or their data.
    for path in [
        "/api/bookings?as=guardian".to_owned(),
        format!("/api/bookings/{id}"),
        "/api/bookings/calendar.ics".to_owned(),
        format!("/api/evenings/{evening}/slots"),
        "/api/me/data".to_owned(),
    ] {
        let body = app
            .get(&path, Some(&family.token))
            .await
            .text()
            .await
            .unwrap();
        assert!(!body.contains("reading-age"), "{path} shows the note");
    }
    // Nor may the family, or another teacher, write one.
    assert_eq!(
        app.put_json(&path, &family.token, json!({ "note": "x" }))
            .await
            .status(),
        403
    );
    let other = crate::helpers::email_of_teacher(&app, &admin, teachers[1]).await;
    let other = app.token(&other, PASSWORD).await;
    assert_eq!(
        app.put_json(&path, &other, json!({ "note": "x" }))
            .await
            .status(),
        404
    );

    // Too long, or with control characters: a clear error, nothing changed.
    let (status, _, field) = error_of(
        app.put_json(&path, &teacher_token, json!({ "note": "x".repeat(1001) }))
            .await,
    )
    .await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("note")));
    let (status, _, field) = error_of(
        app.put_json(&path, &teacher_token, json!({ "note": "bell\u{7}" }))
            .await,
    )
    .await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("note")));
    // Empty removes it.
    let cleared: Value = app
        .put_json(&path, &teacher_token, json!({ "note": "  " }))
        .await
        .json()
        .await
        .unwrap();
    assert!(cleared.get("staff_note").is_none());
}
