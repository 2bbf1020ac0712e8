use crate::helpers::{error_of, spawn_app, spawn_app_with, PASSWORD};
use confero_api::demo;
use reqwest::Method;

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    for body in [
        "{\"email\":",
        "not json",
        "{\"email\":\"a@b.org\",\"password\":\"x\"} extra",
    ] {
        let (status, code, _) =
            error_of(app.raw_post("/api/session", "application/json", body).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (400, "malformed_json"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    let response = app
        .raw_post(
            "/api/session",
            "application/x-www-form-urlencoded",
            "email=a&password=b",
        )
        .await;
    let (status, code, _) = error_of(response).await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (415, "unsupported_media_type")
    );
}

#[tokio::test]
async fn invalid_fields_are_422_and_named() {
    let app = spawn_app().await;
    let cases = [
        (r#"{"email":"parent@demo.confero.test"}"#, "password"),
        (r#"{"password":"x"}"#, "email"),
        (
            r#"{"email":"a@b.org","password":"x","role":"admin"}"#,
            "role",
        ),
        (r#"{"email":["a"],"password":"x"}"#, "email"),
        (r#"{"email":"not-an-email","password":"x"}"#, "email"),
        (r#"{"email":"a@b.org","password":""}"#, "password"),
    ];
    for (body, field) in cases {
        let (status, code, named) =
            error_of(app.raw_post("/api/session", "application/json", body).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (422, "invalid_field"),
            "{body}"
        );
        assert_eq!(named.as_deref(), Some(field), "{body}");
    }
}

#[tokio::test]
async fn oversized_bodies_are_413_and_change_nothing() {
    let app = spawn_app_with(|config| config.body_limit_bytes = 1024).await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let huge = format!(
        r#"{{"current_password":"{PASSWORD}","new_password":"{}"}}"#,
        "x".repeat(4096)
    );
    let response = app
        .client
        .put(app.url("/api/me/password"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!((status.as_u16(), code.as_str()), (413, "payload_too_large"));
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201,
        "password unchanged"
    );
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s_and_wrong_methods_405s() {
    let app = spawn_app().await;
    for path in ["/api", "/api/nothing-here", "/api/classes/1/students/extra"] {
        let (status, code, _) = error_of(app.get(path, None).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (404, "not_found"),
            "{path}"
        );
    }
    let (status, code, _) =
        error_of(app.request(Method::POST, "/api/health", None, None).await).await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (405, "method_not_allowed")
    );
}

#[tokio::test]
async fn path_ids_that_are_not_numbers_are_rejected_cleanly() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    for path in [
        "/api/classes/abc",
        "/api/classes/99999999999999999999999",
        "/api/classes/-1",
    ] {
        let (status, code, field) = error_of(app.get(path, Some(&token)).await).await;
        match status.as_u16() {
            422 => assert_eq!(
                (code.as_str(), field.as_deref()),
                ("invalid_field", Some("id")),
                "{path}"
            ),
            404 => assert_eq!(code, "not_found", "{path}"),
            other => panic!("{path}: {other}"),
        }
    }
}

#[tokio::test]
async fn hostile_input_never_causes_a_server_error() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let bodies = [
        "{}".to_owned(),
        "null".to_owned(),
        "[]".to_owned(),
        format!(r#"{{"email":"{}@x.org","password":"x"}}"#, "a".repeat(300)),
        r#"{"email":"a@b.org","password":"\u0000\ud800"}"#.to_owned(),
        format!(
            r#"{{"email":"a@b.org","password":"{}"}}"#,
            "p".repeat(10_000)
        ),
        "{\"email\": \"'; DROP TABLE people; --@x.org\", \"password\": \"x\"}".to_owned(),
    ];
    for body in bodies {
        let response = app
            .raw_post("/api/session", "application/json", body.clone())
            .await;
        assert!(
            response.status().is_client_error(),
            "{body:.60}: {}",
            response.status()
        );
    }
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201
    );
}

/// Control characters never reach the database, a calendar or a CSV file:
/// free text with one is a 422 naming the field, on both engines (a NUL byte
/// would otherwise be PostgreSQL's error, a 500).
#[tokio::test]
async fn control_characters_in_free_text_are_refused_by_field() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = serde_json::json!({
        "name": "Spring evening",
        "sessions": [{"date": "2026-12-03", "start": "16:00", "end": "18:00"}],
        "slot_minutes": 10,
        "booking_opens_at": "2026-10-01T08:00",
        "booking_closes_at": "2026-10-20T12:00",
        "cancel_until": "2026-10-21T09:00",
        "mode": "in_person"
    });
    for name in [
        "Spring\0evening",
        "Spring\revening",
        "two\nlines",
        "bell\u{7}",
    ] {
        let mut body = evening.clone();
        body["name"] = name.into();
        let (status, code, field) =
            error_of(app.post_json("/api/evenings", &admin, body).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str(), field.as_deref()),
            (422, "invalid_field", Some("name")),
            "{name:?}"
        );
    }
    let mut video = evening.clone();
    video["mode"] = "video".into();
    video["video_link"] = "https://meet.example/a\0b".into();
    let (status, _, field) = error_of(app.post_json("/api/evenings", &admin, video).await).await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (422, Some("video_link"))
    );

    let demo_evening = app.demo_evening(&admin).await;
    let teacher = app.slots(demo_evening, &admin).await[0]["teacher_id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/evenings/{demo_evening}/teachers/{teacher}/availability");
    for room in ["R9\rATTENDEE:mailto:x@evil.test", "A\0B", "tab\there"] {
        let (status, _, field) = error_of(
            app.put_json(&path, &admin, serde_json::json!({"room": room}))
                .await,
        )
        .await;
        assert_eq!(
            (status.as_u16(), field.as_deref()),
            (422, Some("room")),
            "{room:?}"
        );
    }
    let (status, _, field) = error_of(app.sign_in("nul\0@demo.confero.test", "x").await).await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("email")));
    let evenings = app.json("/api/evenings", &admin).await;
    assert_eq!(evenings.as_array().unwrap().len(), 1, "nothing was created");
}

/// A bare carriage return that reached the database some other way (an
/// import, an older row) still cannot start a content line in a calendar.
#[tokio::test]
async fn calendar_files_escape_what_slipped_past_the_checks() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let grid = app.slots(evening, &family.token).await;
    let booked: serde_json::Value = app
        .book(
            evening,
            &family.token,
            teachers[0],
            child,
            &crate::helpers::slot_start(&grid, teachers[0], 0),
        )
        .await
        .json()
        .await
        .unwrap();
    let mut conn = app.db.writer.acquire().await.unwrap();
    sqlx::query("UPDATE bookings SET room = $1 WHERE id = $2")
        .bind("R9\rATTENDEE:mailto:x@evil.test")
        .bind(booked["id"].as_i64().unwrap())
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    let ics = app
        .get(
            &format!("/api/bookings/{}/calendar.ics", booked["id"]),
            Some(&family.token),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(ics.contains("LOCATION:R9 ATTENDEE"), "{ics}");
    for line in ics.split(['\r', '\n']) {
        assert!(!line.starts_with("ATTENDEE"), "an injected line: {ics}");
    }
}

/// Found by the fuzzer: axum's own query rejection was plain text.
#[tokio::test]
async fn a_bad_query_parameter_is_a_422_naming_it() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    for (path, field) in [
        ("/api/bookings?evening_id=9223372036854775808", "evening_id"),
        ("/api/bookings?as=headteacher", "as"),
        ("/api/evenings/1/slots?teacher_id=x", "teacher_id"),
    ] {
        let (status, code, named) = error_of(app.get(path, Some(&admin)).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str(), named.as_deref()),
            (422, "invalid_field", Some(field)),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_live_address_answers_a_plain_request_in_json() {
    let app = spawn_app().await;
    let (status, code, _) = error_of(app.get("/api/evenings/1/live", None).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (426, "upgrade_required"));
}
