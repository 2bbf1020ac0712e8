//! Getting into an account: invitations, password resets, join requests,
//! sessions kept on a device, and the admin's list of people.

use crate::helpers::{error_of, spawn_app, TestApp, PASSWORD};
use chrono::Duration;
use confero_api::demo;
use confero_api::storage::people::NewPerson;
use confero_core::Role;
use serde_json::{json, Value};

/// A guardian of the demo parent's first child who has no account yet.
async fn guardian_without_account(app: &TestApp, email: &str) -> i64 {
    let (school, parent) = app.person_id(demo::PARENT_EMAIL).await;
    let student: i64 = sqlx::query_scalar(
        "SELECT student_id FROM guardianships WHERE guardian_id = $1 ORDER BY student_id LIMIT 1",
    )
    .bind(parent)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let mut tx = app.db.writer.begin().await.unwrap();
    let id = confero_api::storage::people::insert(
        &mut tx,
        &NewPerson {
            school_id: school,
            email,
            password_hash: None,
            title: Some("Mr"),
            given_name: "Dev",
            family_name: "Patel",
            phone: None,
            address: None,
        },
        &[Role::Guardian],
        0,
    )
    .await
    .unwrap();
    confero_api::storage::roster::link_guardian(&mut tx, student, id, "father")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// The code in the last link emailed to `to` (no mail server: it waits in the outbox).
async fn emailed_code(app: &TestApp, to: &str) -> String {
    for _ in 0..100 {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT text_body FROM outbox WHERE to_email = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(to)
        .fetch_optional(&app.db.pool)
        .await
        .unwrap();
        if let Some(code) = text
            .as_deref()
            .and_then(|t| t.split("#code=").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
        {
            return code.to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no link was emailed to {to}");
}

async fn post(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_invited_guardian_chooses_a_password_and_lands_signed_in() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let id = guardian_without_account(&app, "dev.patel@example.org").await;
    let invited = app
        .post_json(&format!("/api/people/{id}/invitation"), &admin, json!({}))
        .await;
    assert_eq!(invited.status(), 201);
    let code = emailed_code(&app, "dev.patel@example.org").await;
    // The link carries the code in its fragment, which browsers never send to a server.
    let text: String =
        sqlx::query_scalar("SELECT text_body FROM outbox WHERE to_email = 'dev.patel@example.org'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(text.contains("/welcome#code="), "{text}");
    let accepted = post(
        &app,
        "/api/invitations/accept",
        json!({"code": code, "password": "a long new passphrase"}),
    )
    .await;
    assert_eq!(accepted.status(), 201);
    let session: Value = accepted.json().await.unwrap();
    assert_eq!(session["user"]["children"].as_array().unwrap().len(), 1);
    let token = session["token"].as_str().unwrap();
    assert_eq!(app.me(token).await.status(), 200);
    assert_eq!(
        app.sign_in("dev.patel@example.org", "a long new passphrase")
            .await
            .status(),
        201
    );
    // Single use.
    let again = post(
        &app,
        "/api/invitations/accept",
        json!({"code": code, "password": "another long passphrase"}),
    )
    .await;
    let (status, _, field) = error_of(again).await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("code")));
    // Only the hash is stored.
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM one_time_codes WHERE code_hash = $1")
            .bind(&code)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);
    // Someone who can sign in already is not invited again.
    assert_eq!(
        app.post_json(&format!("/api/people/{id}/invitation"), &admin, json!({}))
            .await
            .status(),
        409
    );
}

#[tokio::test]
async fn an_invitation_runs_out_after_seven_days_and_can_be_resent_or_withdrawn() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let id = guardian_without_account(&app, "dev.patel@example.org").await;
    let path = format!("/api/people/{id}/invitation");
    app.post_json(&path, &admin, json!({})).await;
    let first = emailed_code(&app, "dev.patel@example.org").await;
    app.post_json(&path, &admin, json!({})).await;
    let second = emailed_code(&app, "dev.patel@example.org").await;
    assert_ne!(first, second);
    let accept = |code: String| {
        post(
            &app,
            "/api/invitations/accept",
            json!({"code": code, "password": "a long new passphrase"}),
        )
    };
    assert_eq!(
        accept(first).await.status(),
        422,
        "a resent invitation replaces the old one"
    );
    assert_eq!(app.delete(&path, &admin).await.status(), 204);
    assert_eq!(
        accept(second).await.status(),
        422,
        "a withdrawn invitation does not work"
    );
    app.post_json(&path, &admin, json!({})).await;
    let third = emailed_code(&app, "dev.patel@example.org").await;
    app.clock.advance(Duration::days(7) + Duration::minutes(1));
    assert_eq!(accept(third).await.status(), 422, "seven days on");
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(app.post_json(&path, &parent, json!({})).await.status(), 403);
}

#[tokio::test]
async fn inviting_everyone_invites_only_those_who_cannot_sign_in() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    for n in 0..3 {
        guardian_without_account(&app, &format!("new.{n}@example.org")).await;
    }
    let first: Value = app
        .post_json("/api/invitations", &admin, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["invited"], 3);
    let second: Value = app
        .post_json("/api/invitations", &admin, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["invited"], 0, "an open invitation is not sent again");
    let listed: Value = app.json("/api/people?state=invited", &admin).await;
    assert_eq!(listed["total"], 3);
}

#[tokio::test]
async fn a_reset_link_works_once_for_an_hour_and_ends_every_session() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let old_session = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let asked = post(
        &app,
        "/api/password-resets",
        json!({"email": demo::PARENT_EMAIL}),
    )
    .await;
    assert_eq!(asked.status(), 202);
    let nobody = post(
        &app,
        "/api/password-resets",
        json!({"email": "nobody@example.org"}),
    )
    .await;
    assert_eq!(
        nobody.status(),
        202,
        "the same answer for an unknown address"
    );
    let code = emailed_code(&app, demo::PARENT_EMAIL).await;
    let sent_to_nobody: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_email = 'nobody@example.org'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(sent_to_nobody, 0);
    let done = post(
        &app,
        "/api/password-resets/complete",
        json!({"code": code, "password": "a fresh long passphrase"}),
    )
    .await;
    assert_eq!(done.status(), 201);
    assert_eq!(
        app.me(&old_session).await.status(),
        401,
        "every session ended"
    );
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        401
    );
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, "a fresh long passphrase")
            .await
            .status(),
        201
    );
    let again = post(
        &app,
        "/api/password-resets/complete",
        json!({"code": code, "password": "yet another passphrase"}),
    )
    .await;
    assert_eq!(again.status(), 422);
    // A new link is good for an hour only.
    post(
        &app,
        "/api/password-resets",
        json!({"email": demo::PARENT_EMAIL}),
    )
    .await;
    let late = emailed_code(&app, demo::PARENT_EMAIL).await;
    app.clock.advance(Duration::minutes(61));
    let expired = post(
        &app,
        "/api/password-resets/complete",
        json!({"code": late, "password": "yet another passphrase"}),
    )
    .await;
    assert_eq!(expired.status(), 422);
}

#[tokio::test]
async fn reset_requests_are_throttled_like_sign_ins() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            post(
                &app,
                "/api/password-resets",
                json!({"email": demo::PARENT_EMAIL}),
            )
            .await
            .status()
            .as_u16(),
        );
    }
    assert_eq!(&statuses[..5], &[202; 5]);
    assert_eq!(statuses[6], 429);
}

#[tokio::test]
async fn a_join_request_is_confirmed_matched_approved_and_becomes_an_account() {
    let app = spawn_app().await;
    let school = app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let public: Value = app
        .json_public(&format!("/api/schools/{school}/public"))
        .await;
    assert_eq!(public["name"], demo::SCHOOL_NAME);
    let (_, parent) = app.person_id(demo::PARENT_EMAIL).await;
    let (child_id, child_name): (i64, String) = {
        let row: (i64, String, String) = sqlx::query_as(
            "SELECT s.id, s.given_name, s.family_name FROM guardianships g JOIN students s ON s.id = g.student_id
              WHERE g.guardian_id = $1 ORDER BY s.id LIMIT 1",
        )
        .bind(parent)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        (row.0, format!("{} {}", row.1, row.2))
    };
    let asked = post(
        &app,
        &format!("/api/schools/{school}/join-requests"),
        json!({"given_name": "Sam", "family_name": "Rivers", "email": "sam.rivers@example.org",
               "children": [{"name": child_name, "class_name": "8B"}]}),
    )
    .await;
    assert_eq!(asked.status(), 202);
    // Unconfirmed requests are not shown to the school.
    assert_eq!(
        app.json("/api/join-requests", &admin)
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let code = emailed_code(&app, "sam.rivers@example.org").await;
    let confirmed = post(&app, "/api/join-requests/confirm", json!({"code": code})).await;
    assert_eq!(confirmed.status(), 200);
    let waiting = app.json("/api/join-requests", &admin).await;
    let request = &waiting[0];
    assert!(
        request["student_matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == child_id),
        "the child is suggested: {request}"
    );
    // No account yet: nothing of the school is visible.
    assert_eq!(
        app.sign_in("sam.rivers@example.org", "anything at all")
            .await
            .status(),
        401
    );
    let id = request["id"].as_i64().unwrap();
    let approved = app
        .post_json(
            &format!("/api/join-requests/{id}/approve"),
            &admin,
            json!({"student_ids": [child_id], "relationship": "carer"}),
        )
        .await;
    assert_eq!(approved.status(), 200);
    let invitation = emailed_code(&app, "sam.rivers@example.org").await;
    let accepted: Value = post(
        &app,
        "/api/invitations/accept",
        json!({"code": invitation, "password": "a long new passphrase"}),
    )
    .await
    .json()
    .await
    .unwrap();
    let children = accepted["user"]["children"].as_array().unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0]["id"], child_id);
    assert_eq!(children[0]["relationship"], "carer");
    // Decided once.
    let twice = app
        .post_json(
            &format!("/api/join-requests/{id}/approve"),
            &admin,
            json!({"student_ids": [child_id]}),
        )
        .await;
    assert_eq!(twice.status(), 409);
}

#[tokio::test]
async fn a_rejected_join_request_is_told_why_and_gets_no_account() {
    let app = spawn_app().await;
    let school = app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    post(
        &app,
        &format!("/api/schools/{school}/join-requests"),
        json!({"given_name": "Ada", "family_name": "Stone", "email": "ada@example.org",
               "children": [{"name": "Nobody Here", "class_name": "7A"}]}),
    )
    .await;
    let code = emailed_code(&app, "ada@example.org").await;
    post(&app, "/api/join-requests/confirm", json!({"code": code})).await;
    let id = app.json("/api/join-requests", &admin).await[0]["id"]
        .as_i64()
        .unwrap();
    let rejected: Value = app
        .post_json(
            &format!("/api/join-requests/{id}/reject"),
            &admin,
            json!({"reason": "We have no pupil of that name."}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["status"], "rejected");
    let told: String = sqlx::query_scalar(
        "SELECT text_body FROM outbox WHERE to_email = 'ada@example.org' AND kind = 'join_rejected'",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(told.contains("We have no pupil of that name."));
    let accounts: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE email = 'ada@example.org'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(accounts, 0);
}

#[tokio::test]
async fn a_session_kept_on_a_device_has_no_idle_time_out_and_is_listed_and_revocable() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let kept: Value = app
        .client
        .post(app.url("/api/session"))
        .header(
            "user-agent",
            "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
        )
        .json(&json!({"email": demo::PARENT_EMAIL, "password": PASSWORD, "remember": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(kept["remember"], true);
    let phone = kept["token"].as_str().unwrap().to_owned();
    let laptop = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    // Two hours idle: the ordinary session has timed out, the kept one has not.
    app.clock.advance(Duration::hours(2));
    assert_eq!(app.me(&laptop).await.status(), 401);
    assert_eq!(app.me(&phone).await.status(), 200);
    let listed = app.json("/api/me/sessions", &phone).await;
    let mine = listed.as_array().unwrap();
    let current = mine.iter().find(|s| s["current"] == true).unwrap();
    assert_eq!(current["device"], "Chrome on Android");
    assert_eq!(current["remember"], true);
    assert!(
        !listed.to_string().contains(&phone),
        "the token is never listed"
    );
    // Sign out the phone from another device.
    let desk = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let from_desk = app.json("/api/me/sessions", &desk).await;
    let phone_id = from_desk
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["remember"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.delete(&format!("/api/me/sessions/{phone_id}"), &desk)
            .await
            .status(),
        204
    );
    assert_eq!(app.me(&phone).await.status(), 401);
    assert_eq!(
        app.delete(&format!("/api/me/sessions/{phone_id}"), &desk)
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_kept_session_still_ends_at_its_lifetime() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let kept: Value = app
        .client
        .post(app.url("/api/session"))
        .json(&json!({"email": demo::PARENT_EMAIL, "password": PASSWORD, "remember": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = kept["token"].as_str().unwrap();
    app.clock.advance(Duration::days(29));
    assert_eq!(app.me(token).await.status(), 200);
    app.clock.advance(Duration::days(1) + Duration::minutes(1));
    assert_eq!(app.me(token).await.status(), 401);
}

#[tokio::test]
async fn admins_find_people_by_name_role_and_state_and_can_disable_them() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let all = app.json("/api/people?per_page=10", &admin).await;
    assert_eq!(all["people"].as_array().unwrap().len(), 10);
    assert_eq!(all["total"], 95, "1 admin, 14 teachers, 80 guardians");
    let teachers = app.json("/api/people?role=teacher", &admin).await;
    assert_eq!(teachers["total"], 14);
    let patel = app.json("/api/people?q=PATEL", &admin).await;
    assert!(patel["people"].as_array().unwrap().iter().all(|p| {
        format!("{} {}", p["given_name"], p["family_name"])
            .to_lowercase()
            .contains("patel")
            || p["email"].as_str().unwrap().contains("patel")
    }));
    let (_, parent) = app.person_id(demo::PARENT_EMAIL).await;
    let parent_token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(
        app.get("/api/people", Some(&parent_token)).await.status(),
        403
    );
    assert_eq!(
        app.post_json(&format!("/api/people/{parent}/disable"), &admin, json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.me(&parent_token).await.status(),
        401,
        "their sessions end"
    );
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        401
    );
    let disabled = app.json("/api/people?state=disabled", &admin).await;
    assert_eq!(disabled["people"][0]["id"], parent);
    assert_eq!(
        app.post_json(&format!("/api/people/{parent}/enable"), &admin, json!({}))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201
    );
    let (status, _, field) =
        error_of(app.get("/api/people?per_page=1000", Some(&admin)).await).await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("per_page")));
}

#[tokio::test]
async fn admins_set_the_schools_address_and_reminder_time() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let current = app.json("/api/school/settings", &admin).await;
    assert_eq!(current["address"], demo::SCHOOL_ADDRESS);
    assert_eq!(current["reminder_hours"], 24);
    let saved = app
        .put_json(
            "/api/school/settings",
            &admin,
            json!({"address": "2 New Road", "reminder_hours": 48}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        app.json("/api/school/settings", &admin).await["reminder_hours"],
        48
    );
    let (status, _, field) = error_of(
        app.put_json(
            "/api/school/settings",
            &admin,
            json!({"address": "a\rb", "reminder_hours": 48}),
        )
        .await,
    )
    .await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("address")));
    let (_, _, field) = error_of(
        app.put_json("/api/school/settings", &admin, json!({"reminder_hours": 0}))
            .await,
    )
    .await;
    assert_eq!(field.as_deref(), Some("reminder_hours"));
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(
        app.get("/api/school/settings", Some(&parent))
            .await
            .status(),
        403
    );
}
