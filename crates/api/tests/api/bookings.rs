use crate::helpers::{error_of, slot_start, slot_state, spawn_app, PASSWORD};
use chrono::Duration;
use confero_api::demo;
use serde_json::{json, Value};

#[tokio::test]
async fn a_parent_books_and_only_the_right_people_see_who() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = &family.children[0];
    let teacher = teachers[0];
    let grid = app.slots(evening, &family.token).await;
    let start = slot_start(&grid, teacher, 0);

    let response = app
        .book(evening, &family.token, teacher, *child, &start)
        .await;
    assert_eq!(response.status(), 201);
    let booking: Value = response.json().await.unwrap();
    assert_eq!(booking["status"], "booked");
    assert_eq!(booking["start"], start.as_str());
    assert!(booking["room"].as_str().unwrap().starts_with("Room "));

    let mine = slot_state(&app.slots(evening, &family.token).await, teacher, &start);
    assert_eq!(mine["state"], "mine");

    // Another family sees "taken", and nothing about who.
    let other = app
        .token("linh.williams.1@families.demo.confero.test", PASSWORD)
        .await;
    let seen = slot_state(&app.slots(evening, &other).await, teacher, &start);
    assert_eq!(seen["state"], "taken");
    assert!(seen.get("booking").is_none(), "{seen}");
    let raw = app
        .get(&format!("/api/evenings/{evening}/slots"), Some(&other))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !raw.contains("Patel"),
        "no name of the family leaks into another family's grid"
    );

    // The slot's teacher and admins see who.
    let seen = slot_state(&app.slots(evening, &admin).await, teacher, &start);
    assert_eq!(seen["booking"]["student_id"], *child);
}

#[tokio::test]
async fn the_rules_are_enforced_with_machine_readable_reasons() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (first, first_teachers) = family.children[0].clone();
    let (second, second_teachers) = family.children[1].clone();
    let shared: Vec<i64> = first_teachers
        .iter()
        .filter(|t| second_teachers.contains(t))
        .copied()
        .collect();
    let only_second = *second_teachers
        .iter()
        .find(|t| !first_teachers.contains(t))
        .unwrap();
    let other_teacher = *second_teachers
        .iter()
        .find(|t| **t != only_second && !shared.contains(t))
        .unwrap_or(&shared[0]);
    let grid = app.slots(evening, &family.token).await;
    let t1 = first_teachers[0];
    let code = |r: reqwest::Response| async { error_of(r).await.1 };

    assert_eq!(
        app.book(evening, &family.token, t1, first, &slot_start(&grid, t1, 0))
            .await
            .status(),
        201
    );
    // Rule 1: the slot holds one booking.
    let other = app
        .token("linh.williams.1@families.demo.confero.test", PASSWORD)
        .await;
    let other_family = app
        .family("linh.williams.1@families.demo.confero.test", evening)
        .await;
    let (other_child, other_teachers) = &other_family.children[0];
    if other_teachers.contains(&t1) {
        let r = app
            .book(evening, &other, t1, *other_child, &slot_start(&grid, t1, 0))
            .await;
        assert_eq!(code(r).await, "slot_taken");
    }
    // Rule 2: once per child and teacher.
    let r = app
        .book(evening, &family.token, t1, first, &slot_start(&grid, t1, 3))
        .await;
    assert_eq!(code(r).await, "already_booked_with_teacher");
    // Rule 3: siblings share the timeline — not at the same time…
    let r = app
        .book(
            evening,
            &family.token,
            only_second,
            second,
            &slot_start(&grid, only_second, 0),
        )
        .await;
    assert_eq!(code(r).await, "family_overlap");
    // …but straight after in another room is fine: the demo evening's
    // 2-minute changeover is the time it takes to walk between rooms (the
    // travel buffer refusing a shorter gap is decided by
    // `confero_core::rules`, whose tests cover it).
    assert_eq!(
        app.book(
            evening,
            &family.token,
            only_second,
            second,
            &slot_start(&grid, only_second, 1)
        )
        .await
        .status(),
        201
    );
    // Rule 4: only the child's teachers.
    let not_theirs = app.family(demo::PARENT_EMAIL, evening).await;
    let all_teachers: Vec<i64> = app.json(&format!("/api/evenings/{evening}"), &admin).await
        ["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    let stranger = *all_teachers
        .iter()
        .find(|t| !first_teachers.contains(t))
        .unwrap();
    let r = app
        .book(
            evening,
            &not_theirs.token,
            stranger,
            first,
            &slot_start(&grid, stranger, 10),
        )
        .await;
    let (status, reason, _) = error_of(r).await;
    assert_eq!(
        (status.as_u16(), reason.as_str()),
        (403, "not_their_teacher")
    );
    // …which staff may override.
    let r = app
        .book(
            evening,
            &admin,
            stranger,
            first,
            &slot_start(&grid, stranger, 10),
        )
        .await;
    assert_eq!(r.status(), 201);
    // A time that is not a slot.
    let r = app
        .book(
            evening,
            &family.token,
            other_teacher,
            second,
            "2020-01-01T00:00:00+00:00",
        )
        .await;
    assert_eq!(code(r).await, "no_such_slot");
    // Another family's child is not yours to book: it does not exist for you.
    let r = app
        .book(
            evening,
            &family.token,
            t1,
            *other_child,
            &slot_start(&grid, t1, 5),
        )
        .await;
    let (status, reason, _) = error_of(r).await;
    assert_eq!((status.as_u16(), reason.as_str()), (404, "not_found"));
}

#[tokio::test]
async fn booking_and_cancelling_follow_the_window() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let grid = app.slots(evening, &family.token).await;
    let booked: Value = app
        .book(
            evening,
            &family.token,
            teachers[0],
            child,
            &slot_start(&grid, teachers[0], 0),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = booked["id"].as_i64().unwrap();

    let times = app.json(&format!("/api/evenings/{evening}"), &admin).await;
    let instant = |field: &str| {
        times[field]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::FixedOffset>>()
            .unwrap()
    };
    // Just after booking closes (noon the day before).
    app.clock.advance(
        instant("booking_closes_at").with_timezone(&chrono::Utc) - app.clock_now()
            + Duration::minutes(1),
    );
    // Sessions time out over days: sign in afresh.
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let r = app
        .book(
            evening,
            &family.token,
            teachers[1],
            child,
            &slot_start(&grid, teachers[1], 2),
        )
        .await;
    assert_eq!(error_of(r).await.1, "outside_window");
    let r = app
        .book(
            evening,
            &admin,
            teachers[1],
            child,
            &slot_start(&grid, teachers[1], 2),
        )
        .await;
    assert_eq!(r.status(), 201, "staff book outside the window");
    // Cancelling is still possible until the cut-off (09:00 on the day).
    let cancelled: Value = app
        .delete(&format!("/api/bookings/{id}"), &family.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(
        slot_state(
            &app.slots(evening, &family.token).await,
            teachers[0],
            &slot_start(&grid, teachers[0], 0)
        )["state"],
        "free"
    );

    // After the cut-off, parents cannot cancel; staff can.
    let mine: Vec<Value> = app
        .json("/api/bookings", &family.token)
        .await
        .as_array()
        .unwrap()
        .clone();
    let staff_booked = mine[0]["id"].as_i64().unwrap();
    app.clock.advance(
        instant("cancel_until").with_timezone(&chrono::Utc) - app.clock_now()
            + Duration::minutes(1),
    );
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let r = app
        .delete(&format!("/api/bookings/{staff_booked}"), &family.token)
        .await;
    assert_eq!(error_of(r).await.1, "cancellation_closed");
    assert_eq!(
        app.delete(&format!("/api/bookings/{staff_booked}"), &admin)
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_move_is_atomic() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let t = teachers[0];
    let grid = app.slots(evening, &family.token).await;
    let id = app
        .book(evening, &family.token, t, child, &slot_start(&grid, t, 0))
        .await
        .json::<Value>()
        .await
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let moved: Value = app
        .put_json(
            &format!("/api/bookings/{id}/slot"),
            &family.token,
            serde_json::json!({"start": slot_start(&grid, t, 4)}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(moved["start"], slot_start(&grid, t, 4).as_str());
    let now = app.slots(evening, &family.token).await;
    assert_eq!(
        slot_state(&now, t, &slot_start(&grid, t, 0))["state"],
        "free"
    );
    assert_eq!(
        slot_state(&now, t, &slot_start(&grid, t, 4))["state"],
        "mine"
    );

    // Onto someone else's slot: refused, and the booking stays where it was.
    let other_family = app
        .family("siobhan.abara.45@families.demo.confero.test", evening)
        .await;
    let (other_child, other_teachers) = other_family.children[0].clone();
    let shared = other_teachers.iter().find(|x| **x == t).copied();
    let taker = if shared.is_some() {
        (&other_family.token, other_child)
    } else {
        (&admin, other_child)
    };
    assert_eq!(
        app.book(evening, taker.0, t, taker.1, &slot_start(&grid, t, 6))
            .await
            .status(),
        201
    );
    let r = app
        .put_json(
            &format!("/api/bookings/{id}/slot"),
            &family.token,
            serde_json::json!({"start": slot_start(&grid, t, 6)}),
        )
        .await;
    assert_eq!(error_of(r).await.1, "slot_taken");
    let still: Value = app
        .json(&format!("/api/bookings/{id}"), &family.token)
        .await;
    assert_eq!(still["start"], slot_start(&grid, t, 4).as_str());
}

#[tokio::test]
async fn teachers_mark_their_own_appointments() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    let me = app.json("/api/me", &teacher).await;
    let teacher_id = me["id"].as_i64().unwrap();
    // The teacher books one of their own students on the family's behalf.
    let roster = app
        .json(
            &format!("/api/classes/{}", me["classes"][0]["id"]),
            &teacher,
        )
        .await;
    let student = roster["students"][0]["id"].as_i64().unwrap();
    let grid = app.slots(evening, &teacher).await;
    let r = app
        .book(
            evening,
            &teacher,
            teacher_id,
            student,
            &slot_start(&grid, teacher_id, 2),
        )
        .await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    let schedule = app.json("/api/bookings", &teacher).await;
    assert_eq!(schedule.as_array().unwrap().len(), 1);
    let marked: Value = app
        .put_json(
            &format!("/api/bookings/{id}/status"),
            &teacher,
            serde_json::json!({"status": "attended"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(marked["status"], "attended");
    let r = app
        .put_json(
            &format!("/api/bookings/{id}/status"),
            &teacher,
            serde_json::json!({"status": "cancelled"}),
        )
        .await;
    assert_eq!(error_of(r).await.2.as_deref(), Some("status"));

    // Another teacher cannot see it at all; a parent of the child may see but not mark it.
    let other_teacher = app.token("priya.raman@demo.confero.test", PASSWORD).await;
    let r = app
        .put_json(
            &format!("/api/bookings/{id}/status"),
            &other_teacher,
            serde_json::json!({"status": "no_show"}),
        )
        .await;
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn a_retried_booking_with_the_same_key_books_once() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let grid = app.slots(evening, &family.token).await;
    let body = serde_json::json!({"teacher_id": teachers[0], "student_id": child, "start": slot_start(&grid, teachers[0], 0)});
    let send = || {
        app.client
            .post(app.url(&format!("/api/evenings/{evening}/bookings")))
            .bearer_auth(&family.token)
            .header("Idempotency-Key", "tap-7d1c")
            .json(&body)
            .send()
    };
    let (a, b) = tokio::join!(send(), send());
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (201, 201));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["id"], b["id"]);
    let again = send().await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], a["id"]);
    assert_eq!(
        app.json("/api/bookings", &family.token)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_idempotency_key_is_bound_to_its_request() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let grid = app.slots(evening, &family.token).await;
    let send = |teacher: i64, slot: usize| {
        let body = serde_json::json!({"teacher_id": teacher, "student_id": child, "start": slot_start(&grid, teacher, slot)});
        app.client
            .post(app.url(&format!("/api/evenings/{evening}/bookings")))
            .bearer_auth(&family.token)
            .header("Idempotency-Key", "tap-1")
            .json(&body)
            .send()
    };
    let first = send(teachers[0], 0).await.unwrap();
    assert_eq!(first.status(), 201);
    let reused = send(teachers[1], 4).await.unwrap();
    let (status, code, _) = error_of(reused).await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (422, "idempotency_key_reused")
    );
    let same = send(teachers[0], 0).await.unwrap();
    assert_eq!(same.status(), 201, "the same request still gets its answer");
    assert_eq!(
        app.json("/api/bookings", &family.token)
            .await
            .as_array()
            .unwrap()
            .len(),
        1,
        "nothing booked with the other teacher"
    );
}

/// Rule 4 binds teachers too: a teacher books only children they teach, into
/// their own slots; a child they do not teach does not exist for them.
#[tokio::test]
async fn a_teacher_books_only_their_own_pupils_into_their_own_slots() {
    let app = spawn_app().await;
    let school = app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    let (_, teacher_id) = app.person_id(demo::TEACHER_EMAIL).await;
    let grid = app.slots(evening, &admin).await;
    let pupils: Vec<i64> = sqlx::query_scalar(
        "SELECT e.student_id FROM enrolments e JOIN classes c ON c.id = e.class_id
          WHERE c.teacher_id = $1 AND c.school_id = $2 ORDER BY e.student_id",
    )
    .bind(teacher_id)
    .bind(school)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let stranger: i64 = sqlx::query_scalar(
        "SELECT s.id FROM students s WHERE s.school_id = $1 AND s.id NOT IN
           (SELECT e.student_id FROM enrolments e JOIN classes c ON c.id = e.class_id WHERE c.teacher_id = $2)
          ORDER BY s.id LIMIT 1",
    )
    .bind(school)
    .bind(teacher_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let other_teacher = grid
        .iter()
        .map(|c| c["teacher_id"].as_i64().unwrap())
        .find(|id| *id != teacher_id)
        .unwrap();

    let not_taught = app
        .book(
            evening,
            &teacher,
            teacher_id,
            stranger,
            &slot_start(&grid, teacher_id, 0),
        )
        .await;
    let (status, code, _) = error_of(not_taught).await;
    assert_eq!((status.as_u16(), code.as_str()), (404, "not_found"));
    let no_such = app
        .book(
            evening,
            &teacher,
            teacher_id,
            99_999_999,
            &slot_start(&grid, teacher_id, 0),
        )
        .await;
    assert_eq!(
        error_of(no_such).await.0.as_u16(),
        404,
        "the same as a child that does not exist"
    );
    let elsewhere = app
        .book(
            evening,
            &teacher,
            other_teacher,
            pupils[0],
            &slot_start(&grid, other_teacher, 0),
        )
        .await;
    assert_eq!(error_of(elsewhere).await.0.as_u16(), 403);
    let own = app
        .book(
            evening,
            &teacher,
            teacher_id,
            pupils[0],
            &slot_start(&grid, teacher_id, 0),
        )
        .await;
    assert_eq!(own.status(), 201);
    // Admins may book any child of the school.
    let by_admin = app
        .book(
            evening,
            &admin,
            other_teacher,
            stranger,
            &slot_start(&grid, other_teacher, 3),
        )
        .await;
    assert_eq!(by_admin.status(), 201);
}

/// A family's list says who booked each appointment: the asker, the other
/// guardian (named only as far as their profile lets the asker see), or the school.
#[tokio::test]
async fn the_family_sees_who_booked_each_appointment() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let mother = app
        .family("siobhan.abara.45@families.demo.confero.test", evening)
        .await;
    let father = app
        .token("hiro.llewellyn.45@families.demo.confero.test", PASSWORD)
        .await;
    let (child, teachers) = mother.children[0].clone();
    let grid = app.slots(evening, &mother.token).await;
    let booked = app
        .book(
            evening,
            &mother.token,
            teachers[0],
            child,
            &slot_start(&grid, teachers[0], 0),
        )
        .await;
    assert_eq!(booked.status(), 201);
    let by_school = app
        .book(
            evening,
            &admin,
            teachers[1],
            child,
            &slot_start(&grid, teachers[1], 2),
        )
        .await;
    assert_eq!(by_school.status(), 201);

    let who = |list: Value| -> Vec<Value> {
        let mut list = list.as_array().unwrap().clone();
        list.sort_by_key(|b| b["teacher_id"] == teachers[1]);
        list.iter().map(|b| b["booked_by"].clone()).collect()
    };
    let url = format!("/api/bookings?as=guardian&evening_id={evening}");
    assert_eq!(
        who(app.json(&url, &mother.token).await),
        vec![json!({"kind": "you"}), json!({"kind": "school"})]
    );
    assert_eq!(
        who(app.json(&url, &father).await),
        vec![
            json!({"kind": "guardian", "name": "Siobhan Abara"}),
            json!({"kind": "school"})
        ]
    );

    // She keeps her name to herself: he still learns a guardian booked it, not who.
    let private = json!({"visibility": [{"field": "name", "visibility": "only_me"}]});
    assert_eq!(
        app.put_json("/api/profile", &mother.token, private)
            .await
            .status(),
        200
    );
    assert_eq!(
        who(app.json(&url, &father).await),
        vec![json!({"kind": "guardian"}), json!({"kind": "school"})]
    );
    // Staff lists name the family as before, and carry no `booked_by`.
    let staff = app
        .json(&format!("/api/bookings?evening_id={evening}"), &admin)
        .await;
    assert!(staff
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b.get("booked_by").is_none()));
}
