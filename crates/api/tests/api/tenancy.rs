use crate::helpers::{error_of, spawn_app, PASSWORD};
use confero_api::demo;
use serde_json::Value;

#[tokio::test]
async fn a_teacher_sees_their_own_class_lists_only() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    let me: Value = app.me(&teacher).await.json().await.unwrap();
    let own = me["classes"][0]["id"].as_i64().unwrap();
    let roster: Value = app
        .get(&format!("/api/classes/{own}"), Some(&teacher))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(roster["students"].as_array().unwrap().len(), 20);
    assert_eq!(roster["teacher_name"], "Mr Okafor");

    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let mut others = Vec::new();
    for id in 1..=60 {
        let response = app.get(&format!("/api/classes/{id}"), Some(&admin)).await;
        if response.status() == 200 {
            let class: Value = response.json().await.unwrap();
            if class["teacher_name"] != "Mr Okafor" {
                others.push(id);
            }
        }
    }
    assert!(!others.is_empty(), "the admin sees every class");
    let (status, code, _) = error_of(
        app.get(&format!("/api/classes/{}", others[0]), Some(&teacher))
            .await,
    )
    .await;
    assert_eq!((status.as_u16(), code.as_str()), (403, "forbidden"));
}

#[tokio::test]
async fn parents_may_not_read_class_lists_or_the_school_summary() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let (status, code, _) = error_of(app.get("/api/classes/1", Some(&parent)).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (403, "forbidden"));
    let (status, _, _) = error_of(app.get("/api/school/summary", Some(&parent)).await).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn another_schools_objects_do_not_exist_for_you() {
    let app = spawn_app().await;
    app.seed_demo().await;
    app.seed_other_school().await;
    let other_admin = app.token("admin@other.test", "other-password").await;

    // Every demo class id is a 404 to the other school's admin.
    let demo_admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let mut demo_classes = 0;
    for id in 1..=45 {
        if app
            .get(&format!("/api/classes/{id}"), Some(&demo_admin))
            .await
            .status()
            == 200
        {
            demo_classes += 1;
            let (status, code, _) = error_of(
                app.get(&format!("/api/classes/{id}"), Some(&other_admin))
                    .await,
            )
            .await;
            assert_eq!(
                (status.as_u16(), code.as_str()),
                (404, "not_found"),
                "class {id}"
            );
        }
    }
    assert_eq!(demo_classes, 40);

    let me: Value = app.me(&other_admin).await.json().await.unwrap();
    assert_eq!(me["school"]["name"], "Riverside Primary");
    assert_eq!(me["school"]["time_zone"], "America/New_York");
    let summary: Value = app
        .get("/api/school/summary", Some(&other_admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            summary["admins"].as_i64(),
            summary["teachers"].as_i64(),
            summary["students"].as_i64()
        ),
        (Some(1), Some(0), Some(0)),
        "counts only its own school"
    );
}

#[tokio::test]
async fn the_admin_summary_counts_the_demo_school() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let summary: Value = app
        .get("/api/school/summary", Some(&admin))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(summary["admins"], 1);
    assert_eq!(summary["teachers"], 14);
    assert_eq!(summary["guardians"], 80);
    assert_eq!(summary["students"], 100);
    assert_eq!(summary["classes"], 40);
}
