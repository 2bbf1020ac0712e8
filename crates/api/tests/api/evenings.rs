use crate::helpers::{error_of, spawn_app, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

fn evening(date: &str, start: &str, end: &str) -> Value {
    json!({
        "name": "Spring evening",
        "sessions": [{"date": date, "start": start, "end": end}],
        "slot_minutes": 30,
        "booking_opens_at": "2026-10-01T08:00",
        "booking_closes_at": "2026-10-20T12:00",
        "cancel_until": "2026-10-21T09:00",
        "mode": "in_person"
    })
}

#[tokio::test]
async fn admins_set_up_evenings_and_families_see_them_once_published() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;

    let mut body = evening("2026-12-03", "16:00", "18:00");
    body["breaks"] = json!([{"date": "2026-12-03", "start": "17:00", "end": "17:15"}]);
    let r = app.post_json("/api/evenings", &admin, body.clone()).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["status"], "draft");
    assert_eq!(created["sessions"][0]["start"], "2026-12-03T16:00:00Z");
    assert_eq!(
        created["teachers"].as_array().unwrap().len(),
        14,
        "everyone who teaches a class"
    );

    // Drafts are for staff.
    assert_eq!(
        app.get(&format!("/api/evenings/{id}"), Some(&parent))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.get(&format!("/api/evenings/{id}"), Some(&teacher))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.post_json("/api/evenings", &teacher, body)
            .await
            .status(),
        403
    );

    let published: Value = app
        .put_json(
            &format!("/api/evenings/{id}/status"),
            &admin,
            json!({"status": "published"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published["status"], "published");
    assert_eq!(
        app.get(&format!("/api/evenings/{id}"), Some(&parent))
            .await
            .status(),
        200
    );

    // 16:00–18:00 in 30-minute slots, the one crossing the 17:00 break starts at 17:15.
    let grid: Value = app
        .json(&format!("/api/evenings/{id}/slots"), &parent)
        .await;
    let starts: Vec<&str> = grid[0]["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-12-03T16:00:00Z",
            "2026-12-03T16:30:00Z",
            "2026-12-03T17:15:00Z"
        ]
    );
}

#[tokio::test]
async fn slots_are_right_across_a_daylight_saving_change() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    // 25 October 2026, London: 01:00–02:00 happens twice. 00:30–02:30 local is three real hours.
    let r = app
        .post_json(
            "/api/evenings",
            &admin,
            evening("2026-10-25", "00:30", "02:30"),
        )
        .await;
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    let grid: Value = app.json(&format!("/api/evenings/{id}/slots"), &admin).await;
    let starts: Vec<&str> = grid[0]["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-10-25T00:30:00+01:00",
            "2026-10-25T01:00:00+01:00",
            "2026-10-25T01:30:00+01:00",
            "2026-10-25T01:00:00Z",
            "2026-10-25T01:30:00Z",
            "2026-10-25T02:00:00Z",
        ]
    );
}

#[tokio::test]
async fn bad_evenings_are_refused_naming_the_field() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let base = evening("2026-12-03", "16:00", "18:00");
    let cases: Vec<(Value, &str)> = vec![
        (json!({"name": "  "}), "name"),
        (json!({"sessions": []}), "sessions"),
        (
            json!({"sessions": [{"date": "2026-12-03", "start": "18:00", "end": "16:00"}]}),
            "sessions[0]",
        ),
        (
            json!({"sessions": [{"date": "2026-03-29", "start": "01:15", "end": "03:00"}]}),
            "sessions[0]",
        ),
        (
            json!({"sessions": [{"date": "2026-12-03", "start": "4pm", "end": "18:00"}]}),
            "sessions[0].start",
        ),
        (
            json!({"breaks": [{"date": "2026-12-04", "start": "17:00", "end": "17:10"}]}),
            "breaks[0]",
        ),
        (json!({"slot_minutes": 0}), "slot_minutes"),
        (
            json!({"booking_closes_at": "2026-09-01T00:00"}),
            "booking_closes_at",
        ),
        (json!({"mode": "video"}), "video_link"),
        (
            json!({"mode": "video", "video_link": "http://insecure.example"}),
            "video_link",
        ),
        (json!({"teacher_ids": [999999]}), "teacher_ids"),
        (json!({"surprise": true}), "surprise"),
    ];
    for (patch, field) in cases {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, code, named) =
            error_of(app.post_json("/api/evenings", &admin, body).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str(), named.as_deref()),
            (422, "invalid_field", Some(field)),
            "{patch}"
        );
    }
    let evenings = app.json("/api/evenings", &admin).await;
    assert_eq!(evenings.as_array().unwrap().len(), 1, "nothing was created");
}

#[tokio::test]
async fn teachers_set_their_own_availability_only() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    let teacher_id = app.json("/api/me", &teacher).await["id"].as_i64().unwrap();
    let evening = app.demo_evening(&admin).await;
    let date = app.json(&format!("/api/evenings/{evening}"), &admin).await["sessions"][0]["start"]
        .as_str()
        .unwrap()[..10]
        .to_owned();
    let path = format!("/api/evenings/{evening}/teachers/{teacher_id}/availability");
    let grid = app
        .json(
            &format!("/api/evenings/{evening}/slots?teacher_id={teacher_id}"),
            &teacher,
        )
        .await;
    let blocked = grid[0]["slots"][1]["start"].as_str().unwrap().to_owned();

    let body = json!({
        "room": "M4",
        "slot_minutes": 15,
        "windows": [{"date": date, "start": "16:00", "end": "17:00"}],
        "blocked": [grid[0]["slots"][0]["start"]]
    });
    let saved: Value = app
        .put_json(&path, &teacher, body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(saved["room"], "M4");
    assert_eq!(saved["slot_minutes"], 15);
    let column = app
        .json(
            &format!("/api/evenings/{evening}/slots?teacher_id={teacher_id}"),
            &teacher,
        )
        .await;
    let slots = column[0]["slots"].as_array().unwrap();
    // 16:00, 16:17, 16:34: each 15 minutes, then the evening's 2-minute changeover.
    assert_eq!(slots.len(), 3, "three 15-minute slots in one hour");
    assert_eq!(slots[0]["state"], "blocked");
    assert_eq!(column[0]["room"], "M4");
    let _ = blocked;

    // Not someone else's.
    let other = app.token("priya.raman@demo.confero.test", PASSWORD).await;
    assert_eq!(app.put_json(&path, &other, json!({})).await.status(), 403);
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(app.get(&path, Some(&parent)).await.status(), 403);
    // Admins may.
    assert_eq!(
        app.put_json(&path, &admin, json!({"room": "M5"}))
            .await
            .status(),
        200
    );
}
