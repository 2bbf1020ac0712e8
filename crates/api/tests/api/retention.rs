//! Retention: leavers erased after the school's period, closed schools
//! deleted after theirs, each purge audited by counts, the periods set by
//! the school.

use crate::helpers::{error_of, spawn_app, TestApp, PASSWORD};
use confero_api::demo;
use confero_api::retention;
use serde_json::json;

const DAY: i64 = 24 * 3600;

async fn guardian(app: &TestApp, email: &str) -> i64 {
    app.person_id(email).await.1
}

/// Their children leave the roster, and they last signed in `days` ago.
async fn children_left(app: &TestApp, person: i64, days: i64, now: i64) {
    for (sql, value) in [
        (
            "DELETE FROM guardianships WHERE guardian_id = $1 AND $2 = $2",
            0,
        ),
        (
            "UPDATE people SET last_sign_in_at = $2 WHERE id = $1",
            now - days * DAY,
        ),
    ] {
        sqlx::query(sql)
            .bind(person)
            .bind(value)
            .execute(&app.db.writer)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_parent_whose_children_left_is_erased_after_the_schools_period() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let now = app.clock_now().timestamp();
    let gone = guardian(&app, "linh.williams.1@families.demo.confero.test").await;
    let recent = guardian(&app, "siobhan.adeyemi.5@families.demo.confero.test").await;
    children_left(&app, gone, 400, now).await;
    children_left(&app, recent, 100, now).await;
    // A parent with children on the roster is kept however long they stay away.
    let (_, with_children) = app.person_id(demo::PARENT_EMAIL).await;
    sqlx::query("UPDATE people SET last_sign_in_at = $2 WHERE id = $1")
        .bind(with_children)
        .bind(now - 900 * DAY)
        .execute(&app.db.writer)
        .await
        .unwrap();

    let due = retention::due(&app.db, now).await.unwrap();
    let ids: Vec<i64> = due.leavers.iter().map(|l| l.person_id).collect();
    assert_eq!(ids, [gone]);
    // Finding what is due changes nothing.
    let roles: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_roles WHERE person_id = $1")
        .bind(gone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(roles, 1);

    retention::apply(&app.db, now).await.unwrap();
    assert_eq!(
        app.sign_in("linh.williams.1@families.demo.confero.test", PASSWORD)
            .await
            .status(),
        401
    );
    let email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(gone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(email.ends_with("@erased.invalid"), "{email}");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT subject FROM audit_log WHERE action = 'retention_purge'")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(audited.len(), 1);
    assert!(audited[0].starts_with("1 parent"), "{audited:?}");
    assert!(retention::due(&app.db, now).await.unwrap().is_empty());

    // A shorter period set by the school brings the other leaver in.
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let set = app
        .put_json(
            "/api/school/retention",
            &admin,
            json!({"keep_leavers_days": 90, "keep_closed_days": 30}),
        )
        .await;
    assert_eq!(set.status(), 200);
    let due = retention::due(&app.db, now).await.unwrap();
    assert_eq!(
        due.leavers.iter().map(|l| l.person_id).collect::<Vec<_>>(),
        [recent]
    );
}

#[tokio::test]
async fn a_closed_school_is_deleted_after_its_period_and_no_other() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let other = app.seed_other_school().await;
    let now = app.clock_now().timestamp();
    let demo_people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    confero_api::storage::retention::close_school(&app.db, other, now - 29 * DAY)
        .await
        .unwrap();
    assert!(retention::due(&app.db, now)
        .await
        .unwrap()
        .schools
        .is_empty());
    let later = now + 2 * DAY;
    let due = retention::due(&app.db, later).await.unwrap();
    assert_eq!(due.schools.len(), 1);
    retention::apply(&app.db, later).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(left, demo_people - 1, "only the closed school's admin went");
    let schools: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schools WHERE id = $1")
        .bind(other)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(schools, 0);
    assert_eq!(
        app.sign_in("admin@other.test", "other-password")
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn retention_periods_are_the_admins_and_checked() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let defaults = app.json("/api/school/retention", &admin).await;
    assert_eq!(
        defaults,
        json!({"keep_leavers_days": 365, "keep_closed_days": 30})
    );
    for (body, field) in [
        (
            json!({"keep_leavers_days": 7, "keep_closed_days": 30}),
            "keep_leavers_days",
        ),
        (
            json!({"keep_leavers_days": 365, "keep_closed_days": 400}),
            "keep_closed_days",
        ),
    ] {
        let (status, _, named) =
            error_of(app.put_json("/api/school/retention", &admin, body).await).await;
        assert_eq!((status.as_u16(), named.as_deref()), (422, Some(field)));
    }
    let (status, _, _) = error_of(app.get("/api/school/retention", Some(&parent)).await).await;
    assert_eq!(status, 403);
    assert_eq!(app.json("/api/school/retention", &admin).await, defaults);
}
