//! The waitlist: a freed time held for the first waiting family that fits,
//! accepted or passed on, and never taken by anyone else meanwhile.

use std::time::Duration;

use crate::helpers::{error_of, family_emails, slot_start, spawn_app, Family, TestApp, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

/// Families (by their first guardian) with a child taught by `teacher`:
/// (family, that child), in family order, skipping the demo parent.
async fn families_of(app: &TestApp, evening: i64, teacher: i64, n: usize) -> Vec<(Family, i64)> {
    let mut found = Vec::new();
    for email in family_emails(app).await {
        if email == demo::PARENT_EMAIL {
            continue;
        }
        let family = app.family(&email, evening).await;
        let child = family
            .children
            .iter()
            .find(|(_, teachers)| teachers.contains(&teacher))
            .map(|(child, _)| *child);
        if let Some(child) = child {
            found.push((family, child));
            if found.len() == n {
                break;
            }
        }
    }
    assert_eq!(found.len(), n, "{n} families taught by the teacher");
    found
}

/// The span of a teacher's `n`th time, as the grid gives it.
fn span(grid: &[Value], teacher: i64, n: usize) -> (String, String) {
    let column = grid.iter().find(|c| c["teacher_id"] == teacher).unwrap();
    let slot = &column["slots"][n];
    (
        slot["start"].as_str().unwrap().to_owned(),
        slot["end"].as_str().unwrap().to_owned(),
    )
}

async fn join(
    app: &TestApp,
    evening: i64,
    token: &str,
    teacher: i64,
    child: i64,
    window: &(String, String),
) -> reqwest::Response {
    app.post_json(
        &format!("/api/evenings/{evening}/waitlist"),
        token,
        json!({"teacher_id": teacher, "student_id": child, "from": window.0, "until": window.1}),
    )
    .await
}

async fn places(app: &TestApp, evening: i64, token: &str) -> Vec<Value> {
    app.json(&format!("/api/evenings/{evening}/waitlist"), token)
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn booking_id(response: reqwest::Response) -> i64 {
    assert_eq!(response.status(), 201);
    response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn assert_every_rule_holds(app: &TestApp) {
    let broken = confero_api::storage::bookings::violations(&app.db)
        .await
        .unwrap();
    assert_eq!(
        broken,
        Default::default(),
        "every rule holds in the database"
    );
}

/// The demo parent's first child and that child's first teacher.
async fn the_parent(app: &TestApp, evening: i64) -> (Family, i64, i64) {
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    (family, child, teachers[0])
}

#[tokio::test]
async fn a_freed_time_is_held_for_the_waiting_family_who_books_it_with_one_tap() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let (parent, child, teacher) = the_parent(&app, evening).await;
    let grid = app.slots(evening, &parent.token).await;
    let wanted = span(&grid, teacher, 3);
    let [(rival, rival_child), (other, other_child)] =
        <[_; 2]>::try_from(families_of(&app, evening, teacher, 2).await)
            .ok()
            .unwrap();

    // The only time the family can come is taken: they join the line.
    let taken = booking_id(
        app.book(evening, &rival.token, teacher, rival_child, &wanted.0)
            .await,
    )
    .await;
    let response = join(&app, evening, &parent.token, teacher, child, &wanted).await;
    assert_eq!(response.status(), 201);
    let place: Value = response.json().await.unwrap();
    assert_eq!(place["status"], "waiting");
    assert_eq!(place["ahead"], 0);
    assert!(place.get("offer").is_none());
    assert_eq!(place["from"], wanted.0);
    assert_eq!(place["until"], wanted.1);
    // Joining again is the same place.
    let again: Value = join(&app, evening, &parent.token, teacher, child, &wanted)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["id"], place["id"]);

    // The time frees: it is held for the waiting family at once.
    assert_eq!(
        app.delete(&format!("/api/bookings/{taken}"), &rival.token)
            .await
            .status(),
        200
    );
    let mine = places(&app, evening, &parent.token).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["status"], "offered");
    let offer = &mine[0]["offer"];
    assert_eq!(offer["start"], wanted.0);
    let expires =
        chrono::DateTime::parse_from_rfc3339(offer["expires_at"].as_str().unwrap()).unwrap();
    let held_for = expires.timestamp() - app.clock_now().timestamp();
    assert!((590..=600).contains(&held_for), "held for {held_for} s");

    // Taken to everyone else, the family holding it included, until they accept.
    for token in [&rival.token, &parent.token] {
        let grid = app.slots(evening, token).await;
        let state = crate::helpers::slot_state(&grid, teacher, &wanted.0);
        assert_eq!(state["state"], "taken");
    }
    let (status, code, _) = error_of(
        app.book(evening, &other.token, teacher, other_child, &wanted.0)
            .await,
    )
    .await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "slot_taken"));
    assert!(
        app.json("/api/bookings?as=guardian", &parent.token)
            .await
            .as_array()
            .unwrap()
            .is_empty(),
        "a held time is not yet an appointment"
    );
    // Not cancellable as if it were one.
    let held = offer["booking_id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/bookings/{held}"), &parent.token)
            .await
            .status(),
        409
    );
    // Only the family can answer it.
    let id = mine[0]["id"].as_i64().unwrap();
    assert_eq!(
        app.post_json(
            &format!("/api/waitlist/{id}/accept"),
            &other.token,
            json!({})
        )
        .await
        .status(),
        404
    );

    // One tap books it; a second tap answers the same booking.
    let accepted = app
        .post_json(
            &format!("/api/waitlist/{id}/accept"),
            &parent.token,
            json!({}),
        )
        .await;
    assert_eq!(accepted.status(), 201);
    let booking: Value = accepted.json().await.unwrap();
    assert_eq!(booking["id"], held);
    assert_eq!(booking["status"], "booked");
    assert_eq!(booking["start"], wanted.0);
    let twice = app
        .post_json(
            &format!("/api/waitlist/{id}/accept"),
            &parent.token,
            json!({}),
        )
        .await;
    assert_eq!(twice.status(), 201);
    let list = app.json("/api/bookings?as=guardian", &parent.token).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["booked_by"]["kind"], "you");
    assert!(places(&app, evening, &parent.token).await.is_empty());
    let grid = app.slots(evening, &parent.token).await;
    assert_eq!(
        crate::helpers::slot_state(&grid, teacher, &wanted.0)["state"],
        "mine"
    );

    // The family was emailed the offer (to book it from the link), then the booking.
    let mut subjects = Vec::new();
    for _ in 0..100 {
        subjects = outbox_subjects(&app).await;
        if subjects.iter().any(|s| s.starts_with("Booked:"))
            && subjects.iter().any(|s| s.starts_with("A time has come up"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        subjects.iter().any(|s| s.starts_with("A time has come up")),
        "{subjects:?}"
    );
    assert_every_rule_holds(&app).await;
}

async fn outbox_subjects(app: &TestApp) -> Vec<String> {
    use sqlx::Row as _;
    sqlx::query("SELECT subject FROM outbox ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String, _>("subject").unwrap())
        .collect()
}

#[tokio::test]
async fn a_declined_or_unanswered_offer_goes_to_the_next_family_in_line() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let (parent, child, teacher) = the_parent(&app, evening).await;
    let grid = app.slots(evening, &parent.token).await;
    let wanted = span(&grid, teacher, 5);
    let [(holder, holder_child), (second, second_child), (third, third_child), (blocker, blocker_child)] =
        <[_; 4]>::try_from(families_of(&app, evening, teacher, 4).await)
            .ok()
            .unwrap();
    let taken = booking_id(
        app.book(evening, &holder.token, teacher, holder_child, &wanted.0)
            .await,
    )
    .await;

    // A family waiting for another time (taken too) stays in line behind;
    // the two whose window fits are in order.
    let elsewhere = span(&grid, teacher, 0);
    booking_id(
        app.book(
            evening,
            &blocker.token,
            teacher,
            blocker_child,
            &elsewhere.0,
        )
        .await,
    )
    .await;
    assert_eq!(
        join(
            &app,
            evening,
            &third.token,
            teacher,
            third_child,
            &elsewhere
        )
        .await
        .status(),
        201
    );
    assert_eq!(
        join(&app, evening, &parent.token, teacher, child, &wanted)
            .await
            .status(),
        201
    );
    assert_eq!(
        join(&app, evening, &second.token, teacher, second_child, &wanted)
            .await
            .status(),
        201
    );
    let behind = places(&app, evening, &second.token).await;
    assert_eq!(behind[0]["ahead"], 2);

    assert_eq!(
        app.delete(&format!("/api/bookings/{taken}"), &holder.token)
            .await
            .status(),
        200
    );
    let first = places(&app, evening, &parent.token).await;
    assert_eq!(
        first[0]["status"], "offered",
        "the first family whose window fits"
    );
    assert_eq!(
        places(&app, evening, &third.token).await[0]["status"],
        "waiting"
    );
    assert_eq!(
        places(&app, evening, &second.token).await[0]["status"],
        "waiting"
    );

    // Declined: the next family that fits has it at once.
    let id = first[0]["id"].as_i64().unwrap();
    assert_eq!(
        app.delete(&format!("/api/waitlist/{id}"), &parent.token)
            .await
            .status(),
        204
    );
    assert_eq!(
        app.delete(&format!("/api/waitlist/{id}"), &parent.token)
            .await
            .status(),
        204
    );
    assert!(places(&app, evening, &parent.token).await.is_empty());
    let next = places(&app, evening, &second.token).await;
    assert_eq!(next[0]["status"], "offered");
    assert_eq!(next[0]["offer"]["start"], wanted.0);
    let next_id = next[0]["id"].as_i64().unwrap();
    // Accepting a declined offer is refused.
    let (status, _, _) = error_of(
        app.post_json(
            &format!("/api/waitlist/{id}/accept"),
            &parent.token,
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status.as_u16(), 409);

    // Unanswered for ten minutes: released, and with nobody else fitting, free again.
    app.clock.advance(chrono::Duration::minutes(11));
    let mut freed = false;
    for _ in 0..100 {
        let grid = app.slots(evening, &holder.token).await;
        if crate::helpers::slot_state(&grid, teacher, &wanted.0)["state"] == "free" {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(freed, "the unanswered offer is released");
    assert!(places(&app, evening, &second.token).await.is_empty());
    let (status, _, _) = error_of(
        app.post_json(
            &format!("/api/waitlist/{next_id}/accept"),
            &second.token,
            json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(status.as_u16(), 409);
    assert_eq!(
        places(&app, evening, &third.token).await[0]["status"],
        "waiting"
    );
    assert_every_rule_holds(&app).await;
}

#[tokio::test]
async fn joining_is_checked_and_a_bad_request_changes_nothing() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let (parent, child, teacher) = the_parent(&app, evening).await;
    let grid = app.slots(evening, &parent.token).await;
    let (start, end) = span(&grid, teacher, 2);
    let path = format!("/api/evenings/{evening}/waitlist");

    let backwards = app
        .post_json(
            &path,
            &parent.token,
            json!({"teacher_id": teacher, "student_id": child, "from": end, "until": start}),
        )
        .await;
    let (status, code, field) = error_of(backwards).await;
    assert_eq!(
        (status.as_u16(), code.as_str(), field.as_deref()),
        (422, "invalid_field", Some("until"))
    );
    let unknown_field = app
        .post_json(
            &path,
            &parent.token,
            json!({"teacher_id": teacher, "student_id": child, "when": start}),
        )
        .await;
    assert_eq!(unknown_field.status(), 422);
    // Someone else's child is not found.
    let [(other, other_child)] = <[_; 1]>::try_from(families_of(&app, evening, teacher, 1).await)
        .ok()
        .unwrap();
    let theirs = app
        .post_json(
            &path,
            &parent.token,
            json!({"teacher_id": teacher, "student_id": other_child}),
        )
        .await;
    assert_eq!(theirs.status(), 404);
    // A teacher who does not teach the child.
    let all_teachers: Vec<i64> = grid
        .iter()
        .map(|c| c["teacher_id"].as_i64().unwrap())
        .collect();
    let not_theirs = all_teachers
        .iter()
        .find(|t| !parent.children[0].1.contains(t))
        .copied()
        .unwrap();
    let (status, code, _) = error_of(
        app.post_json(
            &path,
            &parent.token,
            json!({"teacher_id": not_theirs, "student_id": child}),
        )
        .await,
    )
    .await;
    assert_eq!((status.as_u16(), code.as_str()), (403, "not_their_teacher"));
    assert!(places(&app, evening, &parent.token).await.is_empty());

    // Already booked with the teacher: nothing to wait for.
    booking_id(
        app.book(evening, &parent.token, teacher, child, &start)
            .await,
    )
    .await;
    let (status, code, _) = error_of(
        app.post_json(
            &path,
            &parent.token,
            json!({"teacher_id": teacher, "student_id": child}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (409, "already_booked_with_teacher")
    );
    assert!(places(&app, evening, &parent.token).await.is_empty());

    // A time that fits already is offered at once (the whole evening).
    let (_, other_teachers) = &other
        .children
        .iter()
        .find(|(c, _)| *c == other_child)
        .unwrap();
    let joined: Value = app
        .post_json(
            &path,
            &other.token,
            json!({"teacher_id": other_teachers[0], "student_id": other_child}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(joined["status"], "offered");
    assert!(joined["offer"]["start"].is_string());
    assert_every_rule_holds(&app).await;
}

/// Many times freed at once while other families try to book them directly
/// and the waiting families accept as their offers arrive: every freed time
/// goes to a waiting family, none is booked twice, every rule holds.
#[tokio::test]
async fn frees_bookings_and_accepts_racing_each_other_break_no_rule() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let (parent, _, teacher) = the_parent(&app, evening).await;
    let grid = app.slots(evening, &parent.token).await;
    const N: usize = 4;
    let families = families_of(&app, evening, teacher, 2 * N + 2).await;
    let (holders, rest) = families.split_at(N);
    let (waiters, grabbers) = rest.split_at(N);
    let window = (
        span(&grid, teacher, 10).0,
        span(&grid, teacher, 10 + N - 1).1,
    );

    let mut held = Vec::new();
    for (i, (family, child)) in holders.iter().enumerate() {
        let start = slot_start(&grid, teacher, 10 + i);
        held.push(
            booking_id(
                app.book(evening, &family.token, teacher, *child, &start)
                    .await,
            )
            .await,
        );
    }
    for (family, child) in waiters {
        assert_eq!(
            join(&app, evening, &family.token, teacher, *child, &window)
                .await
                .status(),
            201
        );
    }

    // Cancel all at once while two families hammer the same times.
    let cancel_paths: Vec<(String, String)> = holders
        .iter()
        .zip(&held)
        .map(|((family, _), id)| (format!("/api/bookings/{id}"), family.token.clone()))
        .collect();
    let mut attempts = Vec::new();
    for (family, child) in grabbers {
        for i in 0..N {
            for _ in 0..3 {
                attempts.push((
                    family.token.clone(),
                    *child,
                    slot_start(&grid, teacher, 10 + i),
                ));
            }
        }
    }
    let app = &app;
    let cancels = futures::future::join_all(
        cancel_paths
            .iter()
            .map(|(path, token)| app.delete(path, token)),
    );
    let grabs = futures::future::join_all(
        attempts
            .iter()
            .map(|(token, child, start)| app.book(evening, token, teacher, *child, start)),
    );
    let (cancelled, grabbed) = tokio::join!(cancels, grabs);
    assert!(cancelled.iter().all(|r| r.status() == 200));
    for response in grabbed {
        let (status, code, _) = error_of(response).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (409, "slot_taken"),
            "a freed time never goes past the line"
        );
    }

    // Every waiting family has an offer; they all accept at once.
    let mut offers = Vec::new();
    for (family, _) in waiters {
        let mine = places(app, evening, &family.token).await;
        assert_eq!(mine[0]["status"], "offered");
        offers.push((family.token.clone(), mine[0]["id"].as_i64().unwrap()));
    }
    let accept_paths: Vec<(String, String)> = offers
        .iter()
        .map(|(token, id)| (format!("/api/waitlist/{id}/accept"), token.clone()))
        .collect();
    let accepted = futures::future::join_all(
        accept_paths
            .iter()
            .map(|(path, token)| app.post_json(path, token, json!({}))),
    )
    .await;
    let mut starts = std::collections::HashSet::new();
    for response in accepted {
        assert_eq!(response.status(), 201);
        let booking: Value = response.json().await.unwrap();
        assert!(starts.insert(booking["start"].as_str().unwrap().to_owned()));
    }
    assert_eq!(starts.len(), N);
    assert_every_rule_holds(app).await;
}

/// A time the teacher unblocks goes to the family waiting for it, before
/// anyone else can take it.
#[tokio::test]
async fn a_time_unblocked_by_the_teacher_is_offered_to_the_waiting_family() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let teacher_token = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    let teacher: i64 = sqlx::query_scalar("SELECT id FROM people WHERE email = $1")
        .bind(demo::TEACHER_EMAIL)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let [(waiter, child)] = <[_; 1]>::try_from(families_of(&app, evening, teacher, 1).await)
        .ok()
        .unwrap();
    let grid = app.slots(evening, &admin).await;
    let wanted = span(&grid, teacher, 4);
    let path = format!("/api/evenings/{evening}/teachers/{teacher}/availability");
    let current = app.json(&path, &teacher_token).await;
    let with_blocked = |blocked: Vec<&str>| json!({"room": current["room"], "slot_minutes": current["slot_minutes"], "windows": current["windows"], "blocked": blocked});
    assert_eq!(
        app.put_json(&path, &teacher_token, with_blocked(vec![&wanted.0]))
            .await
            .status(),
        200
    );

    let joined: Value = join(&app, evening, &waiter.token, teacher, child, &wanted)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        joined["status"], "waiting",
        "the only time in the window is blocked"
    );

    assert_eq!(
        app.put_json(&path, &teacher_token, with_blocked(vec![]))
            .await
            .status(),
        200
    );
    let mine = places(&app, evening, &waiter.token).await;
    assert_eq!(mine[0]["status"], "offered");
    assert_eq!(mine[0]["offer"]["start"], wanted.0);
    let grid = app.slots(evening, &admin).await;
    assert_eq!(
        crate::helpers::slot_state(&grid, teacher, &wanted.0)["state"],
        "taken"
    );
    assert_every_rule_holds(&app).await;
}
