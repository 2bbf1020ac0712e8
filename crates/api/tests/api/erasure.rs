//! The right to erasure: a member asks, an admin erases, and afterwards
//! nothing in any table names them.

use crate::helpers::{error_of, slot_start, slot_state, spawn_app, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

#[tokio::test]
async fn an_erased_parent_is_nowhere_in_the_database() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let (_, parent_id) = app.person_id(demo::PARENT_EMAIL).await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let parent = family.token.clone();
    let saved = app
        .put_json(
            "/api/profile",
            &parent,
            json!({"title": "Mrs", "display_name": "Asha Zqerased", "phone": "07700 900100",
                   "phone2": "020 7946 0999", "address": "2 Mill Lane, Hollowbrook HB1 1AB",
                   "language": "Gujarati", "about": "Zqerased about"}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    // A booking of hers, so emails and notices name her.
    let (child, teachers) = &family.children[0];
    let grid = app.slots(evening, &parent).await;
    let start = slot_start(&grid, teachers[0], 3);
    assert_eq!(
        app.book(evening, &parent, teachers[0], *child, &start)
            .await
            .status(),
        201
    );
    app.get("/api/directory?q=patel", Some(&admin)).await;
    let opened = app
        .get(&format!("/api/directory/{parent_id}"), Some(&admin))
        .await;
    assert_eq!(opened.status(), 200);

    // She asks; the admin sees the request.
    let asked = app
        .request(
            reqwest::Method::POST,
            "/api/me/erasure",
            Some(&parent),
            None,
        )
        .await;
    assert_eq!(asked.status(), 202);
    let listed = app.json("/api/people?q=asha%20patel", &admin).await;
    assert!(
        listed["people"][0]["erasure_requested_at"].is_string(),
        "{listed}"
    );

    let erased = app
        .post_json(&format!("/api/people/{parent_id}/erase"), &admin, json!({}))
        .await;
    assert_eq!(erased.status(), 200);
    let erased: Value = erased.json().await.unwrap();
    assert_eq!(erased["cancelled_bookings"], 1);

    // Her session ends, her slot is free again.
    assert_eq!(app.me(&parent).await.status(), 401);
    let grid = app.slots(evening, &admin).await;
    assert_eq!(slot_state(&grid, teachers[0], &start)["state"], "free");
    // She is gone from the directory and the admin's list.
    let (status, _, _) = error_of(
        app.get(&format!("/api/directory/{parent_id}"), Some(&admin))
            .await,
    )
    .await;
    assert_eq!(status, 404);
    let listed = app.json("/api/people?q=asha%20patel", &admin).await;
    assert_eq!(listed["total"], 0);

    // Nothing in any table names her.
    let dump = app.dump_database(&[]).await;
    for value in [
        demo::PARENT_EMAIL,
        "Asha Patel",
        "Mrs Patel",
        "Zqerased",
        "07700 900100",
        "020 7946 0999",
        "Mill Lane, Hollowbrook HB1 1AB",
        "Gujarati",
    ] {
        for (table, rows) in &dump {
            let hit = rows.iter().find(|row| row.contains(value));
            assert!(hit.is_none(), "{value} is still in {table}: {hit:?}");
        }
    }
    // She cannot sign in (the attempt itself is counted under the address,
    // like any unknown one, until the hourly purge).
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        401
    );
    // Her children stay on the roster; their past bookings stay as anonymous rows.
    let children: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students WHERE id = $1")
        .bind(child)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(children, 1);
}

#[tokio::test]
async fn erasure_is_for_admins_and_never_of_a_teacher_with_classes_or_oneself() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let (_, teacher_id) = app.person_id(demo::TEACHER_EMAIL).await;
    let (_, admin_id) = app.person_id(demo::ADMIN_EMAIL).await;
    let cases = [
        (&parent, teacher_id, 403),
        (&admin, teacher_id, 409),
        (&admin, admin_id, 409),
        (&admin, 987_654_321, 404),
    ];
    for (token, id, want) in cases {
        let (status, _, _) = error_of(
            app.post_json(&format!("/api/people/{id}/erase"), token, json!({}))
                .await,
        )
        .await;
        assert_eq!(status.as_u16(), want, "erase {id}");
    }
    // Nothing was erased.
    assert_eq!(app.me(&parent).await.status(), 200);
}
