//! The office's overview of an evening: its counts agree with the bookings,
//! the families without appointments can be reminded (once a day) and
//! exported, and the office finds a pupil and books for them.

use std::collections::HashMap;

use crate::helpers::{
    error_of, evening_input, outbox_to, slot_start, spawn_app, TestApp, PASSWORD,
};
use confero_api::demo;
use serde_json::{json, Value};

async fn overview(app: &TestApp, admin: &str, evening: i64) -> Value {
    app.json(&format!("/api/evenings/{evening}/overview"), admin)
        .await
}

fn n(value: &Value) -> u64 {
    value.as_u64().unwrap()
}

/// The counts an overview gives, checked against the school's booking list.
async fn assert_counts_match(app: &TestApp, admin: &str, evening: i64) -> Value {
    let view = overview(app, admin, evening).await;
    let list = app
        .json(
            &format!("/api/bookings?evening_id={evening}&as=admin"),
            admin,
        )
        .await;
    let list = list.as_array().unwrap();
    assert_eq!(n(&view["appointments"]), list.len() as u64, "{view}");
    let mut per_teacher: HashMap<i64, u64> = HashMap::new();
    for booking in list {
        *per_teacher
            .entry(booking["teacher_id"].as_i64().unwrap())
            .or_default() += 1;
    }
    for teacher in view["teachers"].as_array().unwrap() {
        let id = teacher["teacher_id"].as_i64().unwrap();
        assert_eq!(
            n(&teacher["booked"]),
            per_teacher.get(&id).copied().unwrap_or(0),
            "{teacher}"
        );
    }
    let years = view["year_groups"].as_array().unwrap();
    let sum = |field: &str| years.iter().map(|y| n(&y[field])).sum::<u64>();
    assert_eq!(sum("appointments"), n(&view["appointments"]));
    assert_eq!(sum("pupils"), n(&view["pupils"]));
    assert_eq!(sum("pupils_booked"), n(&view["pupils_booked"]));
    assert_eq!(
        view["unbooked"].as_array().unwrap().len() as u64,
        n(&view["pupils"]) - n(&view["pupils_booked"])
    );
    view
}

#[tokio::test]
async fn the_overview_counts_match_the_bookings_and_the_office_books_for_a_pupil() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let before = assert_counts_match(&app, &admin, evening).await;
    assert_eq!(
        before["year_groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["year_group"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Year 7", "Year 8", "Year 9", "Year 10", "Year 11"]
    );

    // The office finds a pupil with no appointment by part of the name and books them in.
    let pupil = before["unbooked"][0].clone();
    let name = pupil["name"].as_str().unwrap();
    let part = &name[..name.find(' ').unwrap()];
    let found = app
        .json(
            &format!("/api/evenings/{evening}/pupils?q={}", part.to_lowercase()),
            &admin,
        )
        .await;
    let found = found
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["student_id"] == pupil["student_id"])
        .expect("found by name")
        .clone();
    assert!(found["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.get("booked_at").is_none()));
    let teacher = found["teachers"][0]["teacher_id"].as_i64().unwrap();
    let student = found["student_id"].as_i64().unwrap();
    let grid = app.slots(evening, &admin).await;
    let free = grid.iter().find(|c| c["teacher_id"] == teacher).unwrap()["slots"]
        .as_array()
        .unwrap()
        .iter()
        .rposition(|s| s["state"] == "free")
        .unwrap();
    let booked = app
        .book(
            evening,
            &admin,
            teacher,
            student,
            &slot_start(&grid, teacher, free),
        )
        .await;
    assert_eq!(booked.status(), 201);
    let after = assert_counts_match(&app, &admin, evening).await;
    assert_eq!(n(&after["appointments"]), n(&before["appointments"]) + 1);
    assert!(!after["unbooked"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["student_id"] == student));
    let again = app
        .json(
            &format!("/api/evenings/{evening}/pupils?q={}", part.to_lowercase()),
            &admin,
        )
        .await;
    let again = again
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["student_id"] == student)
        .unwrap()
        .clone();
    assert!(again["teachers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["teacher_id"] == teacher && t.get("booked_at").is_some()));

    // Narrowed to one year group, the overview counts only its pupils.
    let mut input = evening_input(&app, &admin, evening).await;
    input["year_groups"] = json!([&after["year_groups"][4]["year_group"]]);
    // Whatever bookings the other year groups hold are cancelled with the change.
    let path = format!("/api/evenings/{evening}");
    let answer = app.put_json(&path, &admin, input.clone()).await;
    if answer.status() == 409 {
        let body: Value = answer.json().await.unwrap();
        input["cancel_bookings"] = body["stranded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["booking_id"].clone())
            .collect();
        assert_eq!(app.put_json(&path, &admin, input).await.status(), 200);
    }
    let narrowed = assert_counts_match(&app, &admin, evening).await;
    assert_eq!(narrowed["year_groups"].as_array().unwrap().len(), 1);
    assert_eq!(
        n(&narrowed["pupils"]),
        n(&after["year_groups"][4]["pupils"])
    );
}

#[tokio::test]
async fn families_without_an_appointment_are_reminded_once_a_day_and_exported() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let view = overview(&app, &admin, evening).await;
    let unbooked = view["unbooked"].as_array().unwrap().clone();
    assert!(!unbooked.is_empty());

    let path = format!("/api/evenings/{evening}/reminders");
    let first: Value = app
        .post_json(&path, &admin, json!({}))
        .await
        .json()
        .await
        .unwrap();
    let guardians = n(&first["guardians"]);
    assert!(guardians > 0, "{first}");
    let second: Value = app
        .post_json(&path, &admin, json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (n(&second["guardians"]), n(&second["already_today"])),
        (0, guardians),
        "a second reminder the same day is not sent"
    );

    // Each reminded guardian gets one email; the demo parent's family, whose
    // children are all in the list or not, is told accordingly.
    let mut told = Vec::new();
    for _ in 0..100 {
        told = outbox_to(&app, "Book your appointments for ").await;
        if told.len() as u64 == guardians {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(told.len() as u64, guardians);
    let mut unique = told.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), told.len(), "one email each");
    let reminded = overview(&app, &admin, evening).await;
    assert!(reminded["unbooked"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p.get("reminded_at").is_some()));

    // The CSV lists the same pupils, with a header.
    let csv = app
        .get(
            &format!("/api/evenings/{evening}/unbooked.csv"),
            Some(&admin),
        )
        .await
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    let expected: Vec<String> = unbooked
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, expected);

    // Families and teachers may not see any of it.
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
    for token in [&parent, &teacher] {
        for p in [
            format!("/api/evenings/{evening}/overview"),
            format!("/api/evenings/{evening}/pupils?q=a"),
            format!("/api/evenings/{evening}/unbooked.csv"),
        ] {
            let (status, _, _) = error_of(app.get(&p, Some(token)).await).await;
            assert_eq!(status, 403, "{p}");
        }
        let (status, _, _) = error_of(app.post_json(&path, token, json!({})).await).await;
        assert_eq!(status, 403);
    }
}

#[tokio::test]
async fn the_office_may_book_closer_than_the_travel_buffer_but_never_overlapping() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    // Fifteen minutes to get between rooms.
    let mut input = evening_input(&app, &admin, evening).await;
    input["travel_buffer_minutes"] = json!(15);
    assert_eq!(
        app.put_json(&format!("/api/evenings/{evening}"), &admin, input)
            .await
            .status(),
        200
    );
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let (first, second) = (teachers[0], teachers[1]);
    let grid = app.slots(evening, &admin).await;
    let booked = app
        .book(
            evening,
            &family.token,
            first,
            child,
            &slot_start(&grid, first, 4),
        )
        .await;
    assert_eq!(booked.status(), 201);
    // The next time with another teacher (another room): too close for the family…
    let next = slot_start(&grid, second, 5);
    let (status, code, _) =
        error_of(app.book(evening, &family.token, second, child, &next).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "family_overlap"));
    // …the office books it; at the same time as the first, it may not.
    let same = slot_start(&grid, second, 4);
    let (status, code, _) = error_of(app.book(evening, &admin, second, child, &same).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "family_overlap"));
    assert_eq!(
        app.book(evening, &admin, second, child, &next)
            .await
            .status(),
        201
    );
    let broken = confero_api::storage::bookings::violations(&app.db)
        .await
        .unwrap();
    assert_eq!(broken, Default::default());
}
