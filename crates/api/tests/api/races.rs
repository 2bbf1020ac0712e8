//! Bookings racing changes to their evening: once a change has been answered,
//! no booking it rules out may be accepted. Every booking answered 201 must
//! be in the admin's list read right after the change answered, and stay
//! consistent with the evening as changed.

use std::collections::HashSet;
use std::time::Duration;

use crate::helpers::{family_emails, spawn_app, Family, TestApp, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

/// Rounds per kind of change: a stale decision shows up in most rounds, so
/// a few make the test fail reliably without the fix.
const ROUNDS: usize = 4;

/// The demo evening's settings as an input for a new evening.
async fn copy_of_demo_evening(app: &TestApp, admin: &str, name: &str) -> Value {
    let demo_id = app.demo_evening(admin).await;
    let e = app.json(&format!("/api/evenings/{demo_id}"), admin).await;
    let local = |field: &Value| field.as_str().unwrap()[..16].to_owned();
    let session = &e["sessions"][0];
    json!({
        "name": name,
        "sessions": [{
            "date": &session["start"].as_str().unwrap()[..10],
            "start": &session["start"].as_str().unwrap()[11..16],
            "end": &session["end"].as_str().unwrap()[11..16],
        }],
        "slot_minutes": e["slot_minutes"],
        "travel_buffer_minutes": e["travel_buffer_minutes"],
        "booking_opens_at": local(&e["booking_opens_at"]),
        "booking_closes_at": local(&e["booking_closes_at"]),
        "cancel_until": local(&e["cancel_until"]),
        "mode": "in_person",
    })
}

/// A new published evening like the demo one; returns its id.
async fn fresh_evening(app: &TestApp, admin: &str, input: &Value) -> i64 {
    let created: Value = app
        .post_json("/api/evenings", admin, input.clone())
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().expect("created");
    let published = app
        .put_json(
            &format!("/api/evenings/{id}/status"),
            admin,
            json!({"status": "published"}),
        )
        .await;
    assert_eq!(published.status(), 200);
    id
}

/// One booking attempt: who asks, for whom, with whom, when.
#[derive(Clone)]
struct Attempt {
    token: String,
    teacher: i64,
    student: i64,
    start: String,
}

/// A change to the evening, as sent: its response, to come.
type Change<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = reqwest::Response> + 'a>>;

/// Time between the starts of two attempts: bookings keep arriving while the
/// change is made, which is when a decision from a stale evening could slip in.
const STAGGER: Duration = Duration::from_millis(2);

/// Starts the attempts one every [`STAGGER`] and, halfway through, the
/// change. Returns the ids of the bookings answered 201 and the ids the
/// admin listed right after the change answered.
async fn race<'a>(
    app: &TestApp,
    admin: &str,
    evening: i64,
    attempts: Vec<Attempt>,
    change: impl Fn(Vec<i64>) -> Change<'a>,
) -> (Vec<i64>, HashSet<i64>) {
    let halfway = STAGGER * (attempts.len() as u32 / 2);
    let tasks: Vec<_> = attempts
        .into_iter()
        .enumerate()
        .map(|(k, a)| {
            let client = app.client.clone();
            let url = app.url(&format!("/api/evenings/{evening}/bookings"));
            tokio::spawn(async move {
                tokio::time::sleep(STAGGER * k as u32).await;
                let response = client
                    .post(url)
                    .bearer_auth(&a.token)
                    .json(&json!({"teacher_id": a.teacher, "student_id": a.student, "start": a.start}))
                    .send()
                    .await
                    .expect("sent");
                let status = response.status().as_u16();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                assert!(status == 201 || status == 409 || status == 422, "{status} {body}");
                (status == 201).then(|| body["id"].as_i64().expect("an id"))
            })
        })
        .collect();
    tokio::time::sleep(halfway).await;
    // A change that would leave bookings made before it without a time is
    // refused, listing them; it is sent again agreeing to cancel them (more
    // may have landed meanwhile: again, until it is made). Those count as
    // accepted before the change: made, then cancelled with it.
    let mut agreed: Vec<i64> = Vec::new();
    for _ in 0..100 {
        let changed = change(agreed.clone()).await;
        if changed.status() != 409 {
            assert_eq!(changed.status(), 200, "the change is accepted");
            break;
        }
        let body: Value = changed.json().await.unwrap();
        assert_eq!(body["error"]["code"], "would_strand_bookings", "{body}");
        agreed = body["stranded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["booking_id"].as_i64().unwrap())
            .collect();
    }
    let mut listed: HashSet<i64> = app
        .json(&format!("/api/bookings?evening_id={evening}"), admin)
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    listed.extend(agreed);
    let mut booked = Vec::new();
    for task in tasks {
        booked.extend(task.await.expect("no panic"));
    }
    (booked, listed)
}

fn assert_none_late(round: usize, booked: &[i64], listed: &HashSet<i64>) {
    let late: Vec<_> = booked.iter().filter(|id| !listed.contains(id)).collect();
    assert!(
        late.is_empty(),
        "round {round}: {} bookings accepted after the change: {late:?}",
        late.len()
    );
}

/// Up to `n` students of the school, by id.
async fn students(app: &TestApp, n: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM students ORDER BY id LIMIT $1")
        .bind(n)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

/// Every slot of the given teachers, each as an admin booking for a student
/// of its own (as far as students go).
async fn admin_attempts(
    app: &TestApp,
    admin: &str,
    evening: i64,
    teachers: &[i64],
) -> Vec<Attempt> {
    let grid = app.slots(evening, admin).await;
    let slots: Vec<(i64, String)> = grid
        .iter()
        .filter(|c| teachers.contains(&c["teacher_id"].as_i64().unwrap()))
        .flat_map(|c| {
            let teacher = c["teacher_id"].as_i64().unwrap();
            c["slots"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |s| (teacher, s["start"].as_str().unwrap().to_owned()))
        })
        .collect();
    let students = students(app, 1000).await;
    // Spread each student's bookings over different teachers at different times.
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|i| (i % 18, i / 18));
    order
        .into_iter()
        .enumerate()
        .map(|(k, i)| Attempt {
            token: admin.to_owned(),
            teacher: slots[i].0,
            student: students[k % students.len()],
            start: slots[i].1.clone(),
        })
        .collect()
}

/// The ids of the first `n` teachers of an evening's grid.
async fn teachers_of(app: &TestApp, admin: &str, evening: i64, n: usize) -> Vec<i64> {
    app.slots(evening, admin)
        .await
        .iter()
        .take(n)
        .map(|c| c["teacher_id"].as_i64().unwrap())
        .collect()
}

/// Every demo family, signed in.
async fn families(app: &TestApp, admin: &str) -> Vec<Family> {
    let evening = app.demo_evening(admin).await;
    let mut families = Vec::new();
    for email in family_emails(app).await.iter() {
        families.push(app.family(email, evening).await);
    }
    families
}

/// The server's now as a wall-clock time in the demo school.
fn now_local(app: &TestApp) -> String {
    app.clock_now()
        .with_timezone(&chrono_tz::Europe::London)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Each family books each child with that child's first two teachers, at
/// times other families are unlikely to want.
fn family_attempts(families: &[Family], grid: &[Value]) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    for (i, family) in families.iter().enumerate() {
        for (c, (child, teachers)) in family.children.iter().enumerate() {
            for (t, teacher) in teachers.iter().take(2).enumerate() {
                let column = grid
                    .iter()
                    .find(|col| col["teacher_id"] == *teacher)
                    .unwrap();
                let slots = column["slots"].as_array().unwrap();
                let slot = (i * 7 + c * 4 + t * 2) % slots.len();
                attempts.push(Attempt {
                    token: family.token.clone(),
                    teacher: *teacher,
                    student: *child,
                    start: slots[slot]["start"].as_str().unwrap().to_owned(),
                });
            }
        }
    }
    attempts
}

#[tokio::test]
async fn no_booking_is_accepted_after_booking_closes_early() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let families = families(&app, &admin).await;
    let now_local = now_local(&app);
    for round in 0..ROUNDS {
        let input = copy_of_demo_evening(&app, &admin, &format!("Round {round}")).await;
        let evening = fresh_evening(&app, &admin, &input).await;
        let grid = app.slots(evening, &admin).await;
        let attempts = family_attempts(&families, &grid);
        let mut closed = input.clone();
        closed["booking_closes_at"] = json!(now_local);
        let path = format!("/api/evenings/{evening}");
        let change = |cancel: Vec<i64>| -> Change<'_> {
            let mut body = closed.clone();
            body["cancel_bookings"] = json!(cancel);
            Box::pin(app.put_json(&path, &admin, body))
        };
        let (booked, listed) = race(&app, &admin, evening, attempts, change).await;
        assert_none_late(round, &booked, &listed);
    }
}

#[tokio::test]
async fn no_booking_is_accepted_after_the_evening_is_archived() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    for round in 0..ROUNDS {
        let input = copy_of_demo_evening(&app, &admin, &format!("Round {round}")).await;
        let evening = fresh_evening(&app, &admin, &input).await;
        let teachers = teachers_of(&app, &admin, evening, 6).await;
        let attempts = admin_attempts(&app, &admin, evening, &teachers).await;
        let path = format!("/api/evenings/{evening}/status");
        let change = |_: Vec<i64>| -> Change<'_> {
            Box::pin(app.put_json(&path, &admin, json!({"status": "archived"})))
        };
        let (booked, listed) = race(&app, &admin, evening, attempts, change).await;
        assert_none_late(round, &booked, &listed);
    }
}

#[tokio::test]
async fn no_booking_lands_in_a_slot_blocked_meanwhile() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    for round in 0..ROUNDS {
        let input = copy_of_demo_evening(&app, &admin, &format!("Round {round}")).await;
        let evening = fresh_evening(&app, &admin, &input).await;
        let teacher = teachers_of(&app, &admin, evening, round + 1).await[round];
        let attempts = admin_attempts(&app, &admin, evening, &[teacher]).await;
        let every_slot: Vec<&str> = attempts.iter().map(|a| a.start.as_str()).collect();
        let path = format!("/api/evenings/{evening}/teachers/{teacher}/availability");
        let change = |cancel: Vec<i64>| -> Change<'_> {
            let body = json!({"blocked": every_slot, "cancel_bookings": cancel});
            Box::pin(app.put_json(&path, &admin, body))
        };
        let (booked, listed) = race(&app, &admin, evening, attempts.clone(), change).await;
        assert_none_late(round, &booked, &listed);
    }
}

#[tokio::test]
async fn no_booking_is_accepted_with_a_teacher_who_left_the_evening() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    for round in 0..ROUNDS {
        let input = copy_of_demo_evening(&app, &admin, &format!("Round {round}")).await;
        let evening = fresh_evening(&app, &admin, &input).await;
        let grid = app.slots(evening, &admin).await;
        let leaving = teachers_of(&app, &admin, evening, 6).await;
        let attempts = admin_attempts(&app, &admin, evening, &leaving).await;
        let mut without = input.clone();
        without["teacher_ids"] = grid
            .iter()
            .map(|c| c["teacher_id"].as_i64().unwrap())
            .filter(|id| !leaving.contains(id))
            .collect();
        let path = format!("/api/evenings/{evening}");
        let change = |cancel: Vec<i64>| -> Change<'_> {
            let mut body = without.clone();
            body["cancel_bookings"] = json!(cancel);
            Box::pin(app.put_json(&path, &admin, body))
        };
        let (booked, listed) = race(&app, &admin, evening, attempts, change).await;
        assert_none_late(round, &booked, &listed);
    }
}

/// Cancels decide from the evening as it stands too: once the admin has
/// moved the cancellation cut-off to the past, no parent's cancel goes through.
#[tokio::test]
async fn no_cancel_is_accepted_after_the_cut_off_moved() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let families = families(&app, &admin).await;
    let now_local = now_local(&app);
    for round in 0..ROUNDS {
        let input = copy_of_demo_evening(&app, &admin, &format!("Round {round}")).await;
        let evening = fresh_evening(&app, &admin, &input).await;
        let grid = app.slots(evening, &admin).await;
        let mut bookings = Vec::new();
        for attempt in family_attempts(&families, &grid) {
            let r = app
                .book(
                    evening,
                    &attempt.token,
                    attempt.teacher,
                    attempt.student,
                    &attempt.start,
                )
                .await;
            if r.status() == 201 {
                let body: Value = r.json().await.unwrap();
                bookings.push((attempt.token, body["id"].as_i64().unwrap()));
            }
        }
        assert!(bookings.len() > 20, "{} booked", bookings.len());
        let halfway = STAGGER * (bookings.len() as u32 / 2);
        let tasks: Vec<_> = bookings
            .into_iter()
            .enumerate()
            .map(|(k, (token, id))| {
                let client = app.client.clone();
                let url = app.url(&format!("/api/bookings/{id}"));
                tokio::spawn(async move {
                    tokio::time::sleep(STAGGER * k as u32).await;
                    let r = client.delete(url).bearer_auth(token).send().await.unwrap();
                    let status = r.status().as_u16();
                    assert!(status == 200 || status == 409, "{status}");
                })
            })
            .collect();
        tokio::time::sleep(halfway).await;
        let mut cut_off = input.clone();
        cut_off["cancel_until"] = json!(now_local);
        let changed = app
            .put_json(&format!("/api/evenings/{evening}"), &admin, cut_off)
            .await;
        assert_eq!(changed.status(), 200);
        let list = |app: &TestApp| {
            let path = format!("/api/bookings?evening_id={evening}");
            let admin = admin.clone();
            let app_url = app.url(&path);
            let client = app.client.clone();
            async move {
                let listed: Value = client
                    .get(app_url)
                    .bearer_auth(admin)
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                listed
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|b| b["id"].as_i64().unwrap())
                    .collect::<HashSet<i64>>()
            }
        };
        let right_after = list(&app).await;
        for task in tasks {
            task.await.expect("no panic");
        }
        let at_the_end = list(&app).await;
        assert_eq!(
            right_after, at_the_end,
            "round {round}: cancels were accepted after the cut-off moved"
        );
    }
}
