use crate::helpers::{error_of, spawn_app, PASSWORD};
use chrono::Duration;
use confero_api::demo;
use serde_json::Value;

#[tokio::test]
async fn each_demo_role_signs_in_and_sees_their_home_data() {
    let app = spawn_app().await;
    app.seed_demo().await;

    let response = app.sign_in(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(response.status(), 201);
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["token"].as_str().unwrap().len(), 43);
    assert_eq!(session["idle_timeout_secs"], 30 * 60);
    let parent = &session["user"];
    assert_eq!(parent["roles"], serde_json::json!(["guardian"]));
    assert_eq!(parent["school"]["name"], demo::SCHOOL_NAME);
    assert_eq!(parent["school"]["time_zone"], "Europe/London");
    let children = parent["children"].as_array().unwrap();
    assert_eq!(children.len(), 2, "the demo parent has two children");
    for child in children {
        assert_eq!(child["teachers"].as_array().unwrap().len(), 8);
        assert_eq!(child["relationship"], "mother");
    }
    assert!(parent["classes"].as_array().unwrap().is_empty());

    let teacher_token = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    let teacher: Value = app.me(&teacher_token).await.json().await.unwrap();
    assert_eq!(teacher["roles"], serde_json::json!(["teacher"]));
    let classes = teacher["classes"].as_array().unwrap();
    assert!(!classes.is_empty());
    assert!(classes
        .iter()
        .all(|c| c["subject"] == "Maths" && c["student_count"] == 20));
    assert!(teacher["children"].as_array().unwrap().is_empty());

    let admin_token = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let admin: Value = app.me(&admin_token).await.json().await.unwrap();
    assert_eq!(admin["roles"], serde_json::json!(["admin"]));
}

#[tokio::test]
async fn email_is_matched_case_insensitively() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let response = app.sign_in("  Parent@Demo.Confero.TEST ", PASSWORD).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let wrong_password = app.sign_in(demo::PARENT_EMAIL, "not-the-password").await;
    let unknown_email = app
        .sign_in("nobody@demo.confero.test", "not-the-password")
        .await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    let a: Value = wrong_password.json().await.unwrap();
    let b: Value = unknown_email.json().await.unwrap();
    assert_eq!(a, b);
    assert_eq!(a["error"]["code"], "invalid_credentials");
}

#[tokio::test]
async fn missing_malformed_or_unknown_tokens_are_401() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let no_header = app.get("/api/me", None).await;
    assert_eq!(no_header.headers()["www-authenticate"], "Bearer");
    assert_eq!(error_of(no_header).await.1, "unauthenticated");
    for token in ["garbage", &"A".repeat(43), "' OR 1=1 --"] {
        let response = app.get("/api/me", Some(token)).await;
        assert_eq!(response.status(), 401, "{token}");
    }
    let basic = app
        .client
        .get(app.url("/api/me"))
        .basic_auth("parent", Some(PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
}

#[tokio::test]
async fn sign_out_revokes_the_token_on_the_server() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let other = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(app.me(&token).await.status(), 200);
    assert_eq!(app.sign_out(&token).await.status(), 204);
    assert_eq!(app.me(&token).await.status(), 401);
    assert_eq!(app.sign_out(&token).await.status(), 401);
    // Only that session ended.
    assert_eq!(app.me(&other).await.status(), 200);
}

#[tokio::test]
async fn an_idle_session_times_out_and_activity_keeps_it_alive() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    for _ in 0..3 {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(
            app.me(&token).await.status(),
            200,
            "used within the idle time-out"
        );
    }
    app.clock.advance(Duration::minutes(30));
    assert_eq!(app.me(&token).await.status(), 401, "idle for 30 minutes");
}

#[tokio::test]
async fn the_idle_time_out_is_configurable() {
    let app = crate::helpers::spawn_app_with(|config| config.session_idle_minutes = 5).await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    app.clock.advance(Duration::minutes(4));
    assert_eq!(app.me(&token).await.status(), 200);
    app.clock.advance(Duration::minutes(5));
    assert_eq!(app.me(&token).await.status(), 401);
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_however_active() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let response = app.sign_in(demo::PARENT_EMAIL, PASSWORD).await;
    let session: Value = response.json().await.unwrap();
    let token = session["token"].as_str().unwrap().to_owned();
    let expires: chrono::DateTime<chrono::Utc> =
        session["expires_at"].as_str().unwrap().parse().unwrap();
    let lifetime = expires - app.clock_now();
    assert!(
        (lifetime - Duration::hours(12)).num_seconds().abs() <= 1,
        "lifetime {lifetime}"
    );
    for _ in 0..(12 * 3 - 1) {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(app.me(&token).await.status(), 200);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(
        app.me(&token).await.status(),
        401,
        "twelve hours after sign-in"
    );
}

#[tokio::test]
async fn changing_the_password_revokes_every_other_session() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let here = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let elsewhere = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let response = app
        .change_password(&here, PASSWORD, "a much longer passphrase")
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        app.me(&here).await.status(),
        200,
        "the session that changed it stays"
    );
    assert_eq!(
        app.me(&elsewhere).await.status(),
        401,
        "other sessions are revoked"
    );
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        401
    );
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, "a much longer passphrase")
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn a_bad_password_change_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let other = app.token(demo::PARENT_EMAIL, PASSWORD).await;

    let (status, code, field) = error_of(
        app.change_password(&token, "wrong-current", "a fine new password")
            .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str(), field.as_deref()),
        (422, "invalid_field", Some("current_password"))
    );
    let (status, _, field) = error_of(app.change_password(&token, PASSWORD, "short").await).await;
    assert_eq!(
        (status.as_u16(), field.as_deref()),
        (422, Some("new_password"))
    );

    assert_eq!(app.me(&other).await.status(), 200, "no session was revoked");
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201,
        "the password is unchanged"
    );
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_sessions_stop() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    let (school, person) = app.person_id(demo::TEACHER_EMAIL).await;
    assert!(confero_api::storage::people::disable(
        &app.db,
        school,
        person,
        app.clock_now().timestamp()
    )
    .await
    .unwrap());
    assert_eq!(app.me(&token).await.status(), 401);
    assert_eq!(
        error_of(app.sign_in(demo::TEACHER_EMAIL, PASSWORD).await)
            .await
            .1,
        "invalid_credentials"
    );
}

#[tokio::test]
async fn only_a_hash_of_the_token_is_stored() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let hash = confero_api::auth::token::hash(&token);
    let (_, person) = app.person_id(demo::PARENT_EMAIL).await;
    let now = app.clock_now().timestamp();
    assert_eq!(
        confero_api::storage::sessions::count_active(&app.db, person, now)
            .await
            .unwrap(),
        1
    );
    assert!(confero_api::storage::sessions::find(&app.db, &hash)
        .await
        .unwrap()
        .is_some());
    assert!(confero_api::storage::sessions::find(&app.db, &token)
        .await
        .unwrap()
        .is_none());
}

/// The session's one query reads the person's roles and children together:
/// each role and each child once, however many of the other there are.
#[tokio::test]
async fn a_session_is_read_with_each_role_and_child_once() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let (_, parent_id) = app.person_id(demo::PARENT_EMAIL).await;
    // A parent who also teaches: two roles, two children, four joined rows.
    sqlx::query("INSERT INTO person_roles (person_id, role) VALUES ($1, 'teacher')")
        .bind(parent_id)
        .execute(&app.db.writer)
        .await
        .unwrap();
    let me: Value = app.me(&token).await.json().await.unwrap();
    let mut children: Vec<i64> = me["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    children.sort_unstable();
    assert_eq!(children.len(), 2);
    let stored =
        confero_api::storage::sessions::find(&app.db, &confero_api::auth::token::hash(&token))
            .await
            .unwrap()
            .expect("the session");
    assert_eq!(stored.children, children);
    assert_eq!(
        stored.roles,
        vec![confero_core::Role::Teacher, confero_core::Role::Guardian]
    );
}
