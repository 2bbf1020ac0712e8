//! Separated households: each guardian books for their own household and
//! never sees the other's appointments; the teacher sees who is coming.

use std::time::Duration;

use crate::helpers::{error_of, slot_start, spawn_app, TestApp, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

const SIOBHAN: &str = "siobhan.abara.45@families.demo.confero.test";
const HIRO: &str = "hiro.llewellyn.45@families.demo.confero.test";

async fn separate(app: &TestApp, admin: &str, child: i64, separate: bool) -> reqwest::Response {
    app.put_json(
        &format!("/api/students/{child}/households"),
        admin,
        json!({ "separate": separate }),
    )
    .await
}

async fn list(app: &TestApp, token: &str) -> Vec<Value> {
    app.json("/api/bookings?as=guardian", token)
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn created(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn separated_guardians_book_the_same_teacher_on_their_own_and_never_see_each_other() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let siobhan = app.family(SIOBHAN, evening).await;
    let hiro = app.family(HIRO, evening).await;
    let (child, teachers) = siobhan.children[0].clone();
    assert_eq!(hiro.children[0].0, child, "one child, two guardians");
    let (teacher, other_teacher) = (teachers[0], teachers[1]);
    let grid = app.slots(evening, &admin).await;

    // Before: one family. Hiro sees Siobhan's booking and may not book the teacher again.
    let first = created(
        app.book(
            evening,
            &siobhan.token,
            teacher,
            child,
            &slot_start(&grid, teacher, 0),
        )
        .await,
    )
    .await;
    assert_eq!(list(&app, &hiro.token).await.len(), 1);
    let (status, code, _) = error_of(
        app.book(
            evening,
            &hiro.token,
            teacher,
            child,
            &slot_start(&grid, teacher, 1),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (409, "already_booked_with_teacher")
    );

    // The office marks them as separate households.
    let marked = separate(&app, &admin, child, true).await;
    assert_eq!(marked.status(), 200);
    let marked: Value = marked.json().await.unwrap();
    assert_eq!(marked["separate"], true);
    assert_eq!(marked["guardians"].as_array().unwrap().len(), 2);
    let listed = app.json("/api/households?q=llewellyn", &admin).await;
    assert!(listed
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["student_id"] == child && c["separate"] == true));

    // Siobhan's booking is hers alone now; Hiro books the same teacher for the same child.
    assert!(list(&app, &hiro.token).await.is_empty());
    let hiros = created(
        app.book(
            evening,
            &hiro.token,
            teacher,
            child,
            &slot_start(&grid, teacher, 1),
        )
        .await,
    )
    .await;
    assert_eq!(hiros["booked_by"], Value::Null);
    let mine = list(&app, &hiro.token).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], hiros["id"]);
    assert_eq!(mine[0]["booked_by"]["kind"], "you");
    let hers = list(&app, &siobhan.token).await;
    assert_eq!(hers.len(), 1);
    assert_eq!(hers[0]["id"], first["id"]);
    // Still one per teacher in each household.
    let (status, code, _) = error_of(
        app.book(
            evening,
            &hiro.token,
            teacher,
            child,
            &slot_start(&grid, teacher, 2),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (409, "already_booked_with_teacher")
    );
    // Their evenings are their own: Hiro may be with another teacher while Siobhan is with the first.
    created(
        app.book(
            evening,
            &hiro.token,
            other_teacher,
            child,
            &slot_start(&grid, other_teacher, 0),
        )
        .await,
    )
    .await;

    // Neither sees nor touches the other's: the grid says taken, the booking is not found.
    let theirs = app.slots(evening, &hiro.token).await;
    let state = crate::helpers::slot_state(&theirs, teacher, &slot_start(&grid, teacher, 0));
    assert_eq!(state["state"], "taken");
    assert!(state.get("booking").is_none());
    let ours = crate::helpers::slot_state(&theirs, teacher, &slot_start(&grid, teacher, 1));
    assert_eq!(ours["state"], "mine");
    let first_id = first["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/api/bookings/{first_id}"), Some(&hiro.token))
            .await
            .status(),
        404
    );
    assert_eq!(
        app.delete(&format!("/api/bookings/{first_id}"), &hiro.token)
            .await
            .status(),
        404
    );
    let calendar = app
        .get("/api/bookings/calendar.ics", Some(&hiro.token))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(
        calendar.matches("BEGIN:VEVENT").count(),
        2,
        "Hiro's calendar has his two appointments"
    );

    // The teacher sees both, each with the guardian who is coming.
    let teacher_email = crate::helpers::email_of_teacher(&app, &admin, teacher).await;
    let teacher_token = app.token(&teacher_email, PASSWORD).await;
    let schedule = app
        .json(
            &format!("/api/bookings?evening_id={evening}&as=teacher"),
            &teacher_token,
        )
        .await;
    let coming: Vec<String> = schedule
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["student_id"] == child)
        .map(|b| b["family"]["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(coming.len(), 2);
    assert!(
        coming.iter().any(|n| n.contains("Abara"))
            && coming.iter().any(|n| n.contains("Llewellyn")),
        "{coming:?}"
    );

    // Each household's emails go to that household only.
    let mut hiro_told = Vec::new();
    for _ in 0..100 {
        hiro_told = crate::helpers::outbox_to(&app, "Booked:").await;
        if hiro_told.iter().filter(|to| to.as_str() == HIRO).count() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Hiro: Siobhan's first booking (made before the split, so the whole
    // family was told), then his own two. Siobhan: hers, never Hiro's.
    assert_eq!(
        hiro_told.iter().filter(|to| to.as_str() == HIRO).count(),
        3,
        "{hiro_told:?}"
    );
    assert_eq!(
        hiro_told.iter().filter(|to| to.as_str() == SIOBHAN).count(),
        1,
        "{hiro_told:?}"
    );

    // Joining them again is refused while both hold the teacher; then allowed.
    let (status, _, _) = error_of(separate(&app, &admin, child, false).await).await;
    assert_eq!(status.as_u16(), 409);
    assert_eq!(list(&app, &hiro.token).await.len(), 2, "nothing changed");
    let hiros_id = hiros["id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/bookings/{hiros_id}"), &hiro.token)
            .await
            .status(),
        200
    );
    // And while their evenings would clash as one (Hiro's other appointment is at Siobhan's time).
    let (status, _, _) = error_of(separate(&app, &admin, child, false).await).await;
    assert_eq!(status.as_u16(), 409);
    let clash = list(&app, &hiro.token).await[0]["id"].as_i64().unwrap();
    app.put_json(
        &format!("/api/bookings/{clash}/slot"),
        &hiro.token,
        json!({ "start": slot_start(&grid, other_teacher, 5) }),
    )
    .await;
    assert_eq!(separate(&app, &admin, child, false).await.status(), 200);
    let joined = list(&app, &hiro.token).await;
    assert_eq!(joined.len(), 2, "the family's two appointments");
    assert!(joined
        .iter()
        .any(|b| b["id"] == first["id"] && b["booked_by"]["kind"] == "guardian"));
    let broken = confero_api::storage::bookings::violations(&app.db)
        .await
        .unwrap();
    assert_eq!(broken, Default::default());
}

#[tokio::test]
async fn only_the_office_marks_households_and_a_child_with_one_guardian_is_not_found() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let hiro = app.family(HIRO, evening).await;
    let child = hiro.children[0].0;
    assert_eq!(separate(&app, &hiro.token, child, true).await.status(), 403);
    let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    assert_eq!(
        app.get("/api/households", Some(&teacher)).await.status(),
        403
    );
    let parent = app.family(demo::PARENT_EMAIL, evening).await;
    assert_eq!(
        separate(&app, &admin, parent.children[0].0, true)
            .await
            .status(),
        404,
        "one guardian"
    );
    assert_eq!(separate(&app, &admin, 999_999, true).await.status(), 404);
    let bad = app
        .put_json(
            &format!("/api/students/{child}/households"),
            &admin,
            json!({ "separate": "yes" }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let listed = app.json("/api/households", &admin).await;
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["separate"] == false),
        "nothing changed"
    );
}
