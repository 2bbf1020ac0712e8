//! The tenant scan: for every endpoint and method with an id in its path
//! (from the OpenAPI document, so a new endpoint is scanned without anyone
//! adding it), each role of school B tries school A's ids. Each answer must
//! be the answer for an id that does not exist — another school's objects
//! are not there — and school A's rows are unchanged afterwards.

use std::collections::BTreeSet;

use crate::helpers::{fill_path, slot_start, spawn_app, TestApp, PASSWORD};
use crate::profiles::cast;
use crate::roster::{all_samples, import, riverside};
use confero_api::demo;
use reqwest::Method;
use serde_json::Value;

/// An id no table holds.
const MISSING: &str = "987654321";

/// School A's ids of every kind a path can name: people, students, classes,
/// the evening, a booking, an email in the outbox, a join request.
async fn ids_of_school_a(app: &TestApp, school: i64) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    for sql in [
        "SELECT MIN(id) FROM people WHERE school_id = $1",
        "SELECT MAX(id) FROM people WHERE school_id = $1",
        "SELECT MIN(id) FROM students WHERE school_id = $1",
        "SELECT MIN(id) FROM classes WHERE school_id = $1",
        "SELECT MIN(id) FROM evenings WHERE school_id = $1",
        "SELECT MIN(b.id) FROM bookings b JOIN evenings e ON e.id = b.evening_id WHERE e.school_id = $1",
        "SELECT MIN(id) FROM outbox WHERE school_id = $1",
    ] {
        let id: Option<i64> = sqlx::query_scalar(sql)
            .bind(school)
            .fetch_one(&app.db.pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        ids.insert(id.unwrap_or_else(|| panic!("school A has a row for {sql}")).to_string());
    }
    ids.insert(school.to_string());
    ids
}

/// Status and error code: what a caller can tell from an answer.
async fn answer(app: &TestApp, method: &Method, url: &str, token: &str) -> (u16, Option<String>) {
    let mut request = app
        .client
        .request(method.clone(), app.url(url))
        .bearer_auth(token);
    if *method == Method::POST || *method == Method::PUT {
        request = request.json(&serde_json::json!({}));
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, body["error"]["code"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn another_schools_ids_are_answered_as_if_they_did_not_exist() {
    let app = spawn_app().await;
    // School A: the demo, with a booking (and so an email in the outbox).
    let cast = cast(&app).await;
    let (school_a, _) = app.person_id(demo::PARENT_EMAIL).await;
    let evening = app.demo_evening(&cast.parent).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = &family.children[0];
    let grid = app.slots(evening, &cast.parent).await;
    let start = slot_start(&grid, teachers[0], 2);
    let booked = app
        .book(evening, &cast.parent, teachers[0], *child, &start)
        .await;
    assert_eq!(booked.status(), 201);

    // School B: Riverside, from the roster samples, with a teacher and a parent signed in.
    let (_, b_admin) = riverside(&app).await;
    import(&app, &b_admin, &all_samples()).await;
    sqlx::query(
        "UPDATE people SET password_hash = (SELECT password_hash FROM people WHERE email = $1)
          WHERE email IN ('m.jones@riverside.example', 'asha.patel@example.net')",
    )
    .bind(demo::PARENT_EMAIL)
    .execute(&app.db.writer)
    .await
    .unwrap();
    let b_teacher = app.token("m.jones@riverside.example", PASSWORD).await;
    let b_parent = app.token("asha.patel@example.net", PASSWORD).await;

    let ids = ids_of_school_a(&app, school_a).await;
    let missing = BTreeSet::from([MISSING.to_owned()]);
    let doc = app.json_public("/api/openapi.json").await;
    let mut operations = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if !path.contains('{') {
            continue;
        }
        for (method, op) in ops.as_object().unwrap() {
            // Public endpoints (a school's join page) name schools on purpose.
            if op["security"].as_array().is_none_or(|s| s.is_empty()) {
                continue;
            }
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            operations.push((method, path.clone()));
        }
    }
    assert!(operations.len() >= 20, "{operations:?}");

    let except = ["sessions", "login_throttle"];
    let before = app.dump_database(&except).await;
    let roles = [
        ("admin", &b_admin),
        ("teacher", &b_teacher),
        ("parent", &b_parent),
    ];
    let mut requests = 0;
    for (method, path) in &operations {
        for (role, token) in &roles {
            let expected = answer(&app, method, &fill_path(path, &missing)[0], token).await;
            for url in fill_path(path, &ids) {
                let got = answer(&app, method, &url, token).await;
                requests += 1;
                assert_eq!(
                    got, expected,
                    "school B's {role}: {method} {url} answered {got:?}, but an id that does not exist gets {expected:?}"
                );
            }
        }
    }
    assert_eq!(
        app.dump_database(&except).await,
        before,
        "school B's requests changed rows"
    );
    println!(
        "tenant scan: {} (endpoint × method) with ids × {} roles = {} pairs; {requests} requests, each the same answer as for a missing id",
        operations.len(),
        roles.len(),
        operations.len() * roles.len()
    );
}
