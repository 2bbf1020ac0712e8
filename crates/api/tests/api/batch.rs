//! Booking a whole plan at once: all or none, one idempotency key.

use crate::helpers::{error_of, slot_start, slot_state, spawn_app, Family, TestApp, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

/// Three appointments for the demo parent's two children: the first child
/// with two teachers, the second with one, at the grid's first three times.
fn three(app_grid: &[Value], family: &Family) -> Vec<Value> {
    let (first, first_teachers) = &family.children[0];
    let (second, second_teachers) = &family.children[1];
    vec![
        json!({"teacher_id": first_teachers[0], "student_id": first, "start": slot_start(app_grid, first_teachers[0], 0)}),
        json!({"teacher_id": first_teachers[1], "student_id": first, "start": slot_start(app_grid, first_teachers[1], 1)}),
        json!({"teacher_id": second_teachers[0], "student_id": second, "start": slot_start(app_grid, second_teachers[0], 2)}),
    ]
}

async fn send_batch(
    app: &TestApp,
    evening: i64,
    token: &str,
    key: Option<&str>,
    bookings: &[Value],
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/evenings/{evening}/bookings/batch")))
        .bearer_auth(token)
        .json(&json!({ "bookings": bookings }));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("the request is sent")
}

async fn booked_count(app: &TestApp, token: &str) -> usize {
    app.json("/api/bookings?as=guardian", token)
        .await
        .as_array()
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_plan_is_booked_in_one_request_and_a_retry_books_nothing_more() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    assert!(
        family.children.len() >= 2,
        "the demo parent has two children"
    );
    let grid = app.slots(evening, &family.token).await;
    let plan = three(&grid, &family);

    let response = send_batch(&app, evening, &family.token, Some("plan-1"), &plan).await;
    assert_eq!(response.status(), 201);
    let booked: Value = response.json().await.unwrap();
    let bookings = booked["bookings"].as_array().unwrap();
    assert_eq!(bookings.len(), 3);
    for (made, asked) in bookings.iter().zip(&plan) {
        assert_eq!(made["teacher_id"], asked["teacher_id"]);
        assert_eq!(made["student_id"], asked["student_id"]);
        assert_eq!(made["start"], asked["start"]);
        assert_eq!(made["status"], "booked");
    }
    let grid = app.slots(evening, &family.token).await;
    for asked in &plan {
        let teacher = asked["teacher_id"].as_i64().unwrap();
        let state = slot_state(&grid, teacher, asked["start"].as_str().unwrap());
        assert_eq!(state["state"], "mine");
    }

    // The same key and plan: the same answer, nothing booked twice.
    let again = send_batch(&app, evening, &family.token, Some("plan-1"), &plan).await;
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["bookings"], booked["bookings"]);
    assert_eq!(booked_count(&app, &family.token).await, 3);

    // The same key on another plan is refused.
    let other = send_batch(&app, evening, &family.token, Some("plan-1"), &plan[..2]).await;
    let (status, code, _) = error_of(other).await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (422, "idempotency_key_reused")
    );

    // One email tells the family of the whole plan, not one per appointment.
    let mut told = Vec::new();
    for _ in 0..100 {
        told = crate::helpers::outbox_to(&app, "Booked:").await;
        if !told.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(told, vec![demo::PARENT_EMAIL.to_owned()]);
    assert_eq!(
        crate::helpers::outbox_to(&app, "Booked: 3 appointments at ").await,
        vec![demo::PARENT_EMAIL.to_owned()]
    );
}

#[tokio::test]
async fn one_slot_lost_books_nothing_and_names_the_slot() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let grid = app.slots(evening, &family.token).await;
    let plan = three(&grid, &family);

    // Another family takes the third time first: the admin books it for them.
    let (_, second_teachers) = &family.children[1];
    let rival = app
        .family("linh.williams.1@families.demo.confero.test", evening)
        .await;
    let (rival_child, rival_teachers) = &rival.children[0];
    assert!(
        rival_teachers.contains(&second_teachers[0]),
        "the rival shares the teacher"
    );
    let taken = app
        .book(
            evening,
            &rival.token,
            second_teachers[0],
            *rival_child,
            plan[2]["start"].as_str().unwrap(),
        )
        .await;
    assert_eq!(taken.status(), 201);

    let response = send_batch(&app, evening, &family.token, Some("plan-2"), &plan).await;
    let (status, code, field) = error_of(response).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "slot_taken"));
    assert_eq!(field.as_deref(), Some("bookings[2]"));
    assert_eq!(booked_count(&app, &family.token).await, 0, "nothing booked");
    let grid = app.slots(evening, &family.token).await;
    for asked in &plan[..2] {
        let teacher = asked["teacher_id"].as_i64().unwrap();
        let state = slot_state(&grid, teacher, asked["start"].as_str().unwrap());
        assert_eq!(state["state"], "free", "the first two times are still free");
    }

    // The re-planned batch (the lost time dropped) books, under a new key.
    let response = send_batch(&app, evening, &family.token, Some("plan-3"), &plan[..2]).await;
    assert_eq!(response.status(), 201);
    assert_eq!(booked_count(&app, &family.token).await, 2);
}

#[tokio::test]
async fn every_rule_is_checked_across_the_whole_batch() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let grid = app.slots(evening, &family.token).await;
    let (first, teachers) = &family.children[0];
    let (second, second_teachers) = &family.children[1];
    let at = |teacher: i64, student: i64, n: usize| json!({"teacher_id": teacher, "student_id": student, "start": slot_start(&grid, teacher, n)});
    let refused = |bookings: Vec<Value>| {
        let app = &app;
        let token = family.token.clone();
        async move { error_of(send_batch(app, evening, &token, None, &bookings).await).await }
    };

    // Two children with two teachers at the same time: the family cannot be in both rooms.
    let other_teacher = second_teachers
        .iter()
        .copied()
        .find(|t| *t != teachers[0])
        .expect("another teacher");
    let (status, code, field) = refused(vec![
        at(teachers[0], *first, 3),
        at(other_teacher, *second, 3),
    ])
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str(), field.as_deref()),
        (409, "family_overlap", Some("bookings[1]"))
    );

    // The same child and teacher twice.
    let (status, code, field) =
        refused(vec![at(teachers[0], *first, 3), at(teachers[0], *first, 6)]).await;
    assert_eq!(
        (status.as_u16(), code.as_str(), field.as_deref()),
        (409, "already_booked_with_teacher", Some("bookings[1]"))
    );

    // A teacher who is not taking part.
    let mut stranger = at(teachers[0], *first, 3);
    stranger["teacher_id"] = json!(999_999);
    let (status, code, field) = refused(vec![at(teachers[1], *first, 5), stranger]).await;
    assert_eq!(
        (status.as_u16(), code.as_str(), field.as_deref()),
        (422, "invalid_field", Some("bookings[1].teacher_id"))
    );

    // A time that is not a slot.
    let mut off = at(teachers[1], *first, 5);
    off["start"] = json!("2001-01-01T16:03:00+00:00");
    let (status, code, field) = refused(vec![off]).await;
    assert_eq!(
        (status.as_u16(), code.as_str(), field.as_deref()),
        (409, "no_such_slot", Some("bookings[0]"))
    );

    // Empty, and too many.
    let (status, code, field) = refused(vec![]).await;
    assert_eq!(
        (status.as_u16(), code.as_str(), field.as_deref()),
        (422, "invalid_field", Some("bookings"))
    );
    let many = (0..65).map(|n| at(teachers[0], *first, n % 3)).collect();
    let (status, _, field) = refused(many).await;
    assert_eq!((status.as_u16(), field.as_deref()), (422, Some("bookings")));

    assert_eq!(
        booked_count(&app, &family.token).await,
        0,
        "nothing was booked"
    );
}

/// Two families race whole plans over the same times: each contested time
/// goes to one of them, and a family that loses one time books nothing.
#[tokio::test]
async fn racing_batches_are_all_or_nothing() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let a = app.family(demo::PARENT_EMAIL, evening).await;
    let b = app
        .family("linh.williams.1@families.demo.confero.test", evening)
        .await;
    let grid = app.slots(evening, &a.token).await;
    let (a_child, a_teachers) = &a.children[0];
    let (b_child, b_teachers) = &b.children[0];
    let shared: Vec<i64> = a_teachers
        .iter()
        .copied()
        .filter(|t| b_teachers.contains(t))
        .take(2)
        .collect();
    assert_eq!(shared.len(), 2, "the two children share two teachers");
    // Both want the same two times, in opposite orders of teacher.
    let plan = |child: i64, first: i64, second: i64| {
        vec![
            json!({"teacher_id": first, "student_id": child, "start": slot_start(&grid, first, 4)}),
            json!({"teacher_id": second, "student_id": child, "start": slot_start(&grid, second, 6)}),
        ]
    };
    for round in 0..5 {
        let a_plan = plan(*a_child, shared[0], shared[1]);
        let mut b_plan = plan(*b_child, shared[0], shared[1]);
        b_plan.reverse();
        let (ra, rb) = tokio::join!(
            send_batch(&app, evening, &a.token, None, &a_plan),
            send_batch(&app, evening, &b.token, None, &b_plan),
        );
        let won = [ra.status().as_u16(), rb.status().as_u16()];
        assert!(
            won == [201, 409] || won == [409, 201],
            "round {round}: exactly one plan wins: {won:?}"
        );
        let counts = (
            booked_count(&app, &a.token).await,
            booked_count(&app, &b.token).await,
        );
        assert!(
            counts == (2, 0) || counts == (0, 2),
            "round {round}: {counts:?}"
        );
        // Free the times again for the next round.
        let winner = if won[0] == 201 { &a.token } else { &b.token };
        for booking in app
            .json("/api/bookings?as=guardian", winner)
            .await
            .as_array()
            .unwrap()
        {
            let id = booking["id"].as_i64().unwrap();
            assert_eq!(
                app.delete(&format!("/api/bookings/{id}"), winner)
                    .await
                    .status(),
                200
            );
        }
    }
}
