//! No change to an evening strands a booking silently: narrowing a teacher's
//! hours, blocking a booked time or moving the evening's own times over a
//! booking is refused with the bookings listed, changes nothing, and is done
//! only when the request names exactly those bookings to cancel with it;
//! then each is cancelled and its family told.

use crate::helpers::{error_of, slot_start, spawn_app, TestApp, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

/// The demo school with the demo parent's child booked with the demo
/// teacher at the evening's first time.
struct Booked {
    app: TestApp,
    admin: String,
    teacher: String,
    parent: String,
    evening: i64,
    child: i64,
    teacher_id: i64,
    /// The booking as the API answered it.
    booking: Value,
}

impl Booked {
    async fn new() -> Booked {
        let app = spawn_app().await;
        app.seed_demo().await;
        let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
        let teacher = app.token(demo::TEACHER_EMAIL, PASSWORD).await;
        let evening = app.demo_evening(&admin).await;
        let teacher_id = app.json("/api/me", &teacher).await["id"].as_i64().unwrap();
        let family = app.family(demo::PARENT_EMAIL, evening).await;
        let child = family
            .children
            .iter()
            .find(|(_, teachers)| teachers.contains(&teacher_id))
            .map(|(child, _)| *child)
            .expect("a child taught by the demo teacher");
        let grid = app.slots(evening, &family.token).await;
        let first = slot_start(&grid, teacher_id, 0);
        let booking: Value = app
            .book(evening, &family.token, teacher_id, child, &first)
            .await
            .json()
            .await
            .unwrap();
        Booked {
            app,
            admin,
            teacher,
            parent: family.token,
            evening,
            child,
            teacher_id,
            booking,
        }
    }

    fn id(&self) -> i64 {
        self.booking["id"].as_i64().unwrap()
    }
}

async fn status_of(app: &TestApp, booking: i64, token: &str) -> String {
    app.json(&format!("/api/bookings/{booking}"), token).await["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn cancellation_notices(app: &TestApp, booking: i64) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT details FROM notices WHERE booking_id = $1 AND kind = 'booking_cancelled'",
    )
    .bind(booking)
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_teachers_change_over_a_booking_is_refused_listing_it_then_done_explicitly() {
    let setup = Booked::new().await;
    let booking = setup.id();
    let Booked {
        app,
        teacher,
        parent,
        evening,
        child,
        teacher_id,
        booking: booked,
        ..
    } = setup;
    let at_four = booked["start"].as_str().unwrap().to_owned();
    let date = &at_four[..10];
    let path = format!("/api/evenings/{evening}/teachers/{teacher_id}/availability");
    let before = app.json(&path, &teacher).await;

    // "Available from 17:00" would leave the 16:00 appointment without a time.
    let narrowed = json!({"windows": [{"date": date, "start": "17:00", "end": "19:00"}]});
    let answer = app.put_json(&path, &teacher, narrowed.clone()).await;
    assert_eq!(answer.status(), 409);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "would_strand_bookings");
    let stranded = body["stranded"].as_array().unwrap();
    assert_eq!(stranded.len(), 1, "{body}");
    assert_eq!(stranded[0]["booking_id"], booking);
    assert_eq!(stranded[0]["start"], booked["start"]);
    assert!(stranded[0]["student_name"]
        .as_str()
        .unwrap()
        .contains("Patel"));
    // Nothing changed.
    assert_eq!(app.json(&path, &teacher).await, before);
    assert_eq!(status_of(&app, booking, &parent).await, "booked");

    // Cancelling some other booking is not agreeing to cancel this one.
    let mut wrong = narrowed.clone();
    wrong["cancel_bookings"] = json!([booking + 1000]);
    let (status, code, _) = error_of(app.put_json(&path, &teacher, wrong).await).await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (409, "would_strand_bookings")
    );
    assert_eq!(status_of(&app, booking, &parent).await, "booked");

    // Named exactly: the change is made, the booking cancelled, the family told.
    let mut agreed = narrowed.clone();
    agreed["cancel_bookings"] = json!([booking]);
    let answer = app.put_json(&path, &teacher, agreed).await;
    assert_eq!(answer.status(), 200);
    let saved: Value = answer.json().await.unwrap();
    assert_eq!(saved["windows"].as_array().unwrap().len(), 1);
    assert_eq!(status_of(&app, booking, &parent).await, "cancelled");
    let notices = cancellation_notices(&app, booking).await;
    assert_eq!(notices.len(), 1);
    assert!(
        notices[0].contains("no longer include this appointment"),
        "{notices:?}"
    );

    // Blocking a booked time is the same.
    let grid = app.slots(evening, &parent).await;
    let later = slot_start(&grid, teacher_id, 2);
    let rebooked: Value = app
        .book(evening, &parent, teacher_id, child, &later)
        .await
        .json()
        .await
        .unwrap();
    let mut block = narrowed.clone();
    block["blocked"] = json!([later]);
    let answer = app.put_json(&path, &teacher, block).await;
    assert_eq!(answer.status(), 409);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["stranded"][0]["booking_id"], rebooked["id"]);
    assert_eq!(
        status_of(&app, rebooked["id"].as_i64().unwrap(), &parent).await,
        "booked"
    );

    // A change that keeps every booked time needs no agreement.
    let mut room = narrowed.clone();
    room["room"] = json!("M9");
    assert_eq!(app.put_json(&path, &teacher, room).await.status(), 200);
    assert_eq!(
        status_of(&app, rebooked["id"].as_i64().unwrap(), &parent).await,
        "booked"
    );
}

#[tokio::test]
async fn moving_the_evenings_times_over_bookings_is_refused_listing_them() {
    let setup = Booked::new().await;
    let booking = setup.id();
    let Booked {
        app,
        admin,
        parent,
        evening,
        ..
    } = setup;

    // The evening as it is, with its session starting an hour later.
    let e = app.json(&format!("/api/evenings/{evening}"), &admin).await;
    let local = |field: &Value| field.as_str().unwrap()[..16].to_owned();
    let session = &e["sessions"][0];
    let date = &session["start"].as_str().unwrap()[..10];
    let mut input = json!({
        "name": e["name"],
        "sessions": [{"date": date, "start": "17:00", "end": &session["end"].as_str().unwrap()[11..16]}],
        "breaks": [],
        "slot_minutes": e["slot_minutes"],
        "changeover_minutes": e["changeover_minutes"],
        "travel_buffer_minutes": e["travel_buffer_minutes"],
        "booking_opens_at": local(&e["booking_opens_at"]),
        "booking_closes_at": local(&e["booking_closes_at"]),
        "cancel_until": local(&e["cancel_until"]),
        "mode": "in_person",
    });
    let path = format!("/api/evenings/{evening}");
    let answer = app.put_json(&path, &admin, input.clone()).await;
    assert_eq!(answer.status(), 409);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "would_strand_bookings");
    assert!(body["stranded"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["booking_id"] == booking));
    assert_eq!(
        app.json(&path, &admin).await["sessions"],
        e["sessions"],
        "nothing changed"
    );
    assert_eq!(status_of(&app, booking, &parent).await, "booked");

    let ids: Vec<Value> = body["stranded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["booking_id"].clone())
        .collect();
    input["cancel_bookings"] = json!(ids);
    assert_eq!(app.put_json(&path, &admin, input).await.status(), 200);
    assert_eq!(status_of(&app, booking, &parent).await, "cancelled");
    assert!(cancellation_notices(&app, booking).await[0].contains("The evening has changed"));
}
