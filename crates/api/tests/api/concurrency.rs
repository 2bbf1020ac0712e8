use crate::helpers::{family_emails, spawn_app, PASSWORD};
use confero_api::demo;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// About 200 booking requests at once, most aimed at the same few slots:
/// every answer is a 201 or a 409, and no rule is broken in the database.
#[tokio::test]
async fn a_rush_of_simultaneous_bookings_breaks_no_rule() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let first_slots = starts_by_teacher(&app.slots(evening, &admin).await, 3);

    // Forty-five families, each trying five of their children's teachers at the first three slots.
    let mut requests = Vec::new();
    let emails = family_emails(&app).await;
    for email in emails.iter().take(45) {
        let family = app.family(email, evening).await;
        for (i, (child, teachers)) in family.children.iter().enumerate() {
            for (j, teacher) in teachers.iter().take(if i == 0 { 3 } else { 2 }).enumerate() {
                let start = first_slots[teacher][(i + j) % 3].clone();
                requests.push((family.token.clone(), *teacher, *child, start));
            }
        }
    }
    assert!(requests.len() >= 180, "{} requests", requests.len());
    let answers =
        futures::future::join_all(requests.iter().map(|(token, teacher, child, start)| {
            app.book(evening, token, *teacher, *child, start)
        }))
        .await;
    let mut won = 0;
    for answer in answers {
        let status = answer.status().as_u16();
        assert!(status == 201 || status == 409, "status {status}");
        if status == 201 {
            won += 1;
        } else {
            let body: Value = answer.json().await.unwrap();
            let code = body["error"]["code"].as_str().unwrap().to_owned();
            assert!(
                [
                    "slot_taken",
                    "family_overlap",
                    "already_booked_with_teacher"
                ]
                .contains(&code.as_str()),
                "{code}"
            );
        }
    }
    assert!(won > 0);

    // The invariants, read back from the database.
    let all = app.json("/api/bookings", &admin).await;
    let bookings = all.as_array().unwrap();
    assert_eq!(bookings.len(), won);
    let mut slots = HashSet::new();
    let mut pairs = HashSet::new();
    for b in bookings {
        assert!(
            slots.insert((
                b["teacher_id"].clone(),
                b["start"].as_str().unwrap().to_owned()
            )),
            "a slot booked twice"
        );
        assert!(
            pairs.insert((b["teacher_id"].clone(), b["student_id"].clone())),
            "a child booked twice with one teacher"
        );
    }
    assert_every_rule_holds(&app).await;
    let buffer = app.json(&format!("/api/evenings/{evening}"), &admin).await
        ["travel_buffer_minutes"]
        .as_i64()
        .unwrap();
    // Siblings never overlap: group by family through each guardian's own list.
    for (family, email) in emails.iter().take(45).enumerate() {
        let token = app.token(email, PASSWORD).await;
        let mine = app.json("/api/bookings", &token).await;
        let mut spans: Vec<(String, String, Value)> = mine
            .as_array()
            .unwrap()
            .iter()
            .map(|b| {
                (
                    b["start"].as_str().unwrap().to_owned(),
                    b["end"].as_str().unwrap().to_owned(),
                    b["room"].clone(),
                )
            })
            .collect();
        spans.sort_by(|a, b| a.0.cmp(&b.0));
        for pair in spans.windows(2) {
            let end: chrono::DateTime<chrono::FixedOffset> = pair[0].1.parse().unwrap();
            let next: chrono::DateTime<chrono::FixedOffset> = pair[1].0.parse().unwrap();
            let gap = (next - end).num_minutes();
            let needed = if pair[0].2 == pair[1].2 { 0 } else { buffer };
            assert!(gap >= needed, "family {family}: {pair:?}");
        }
    }
}

/// Every guardian account at once, both guardians of a two-guardian family
/// included, each booking all their children with three teachers at spread
/// times, in waves. Bookings of one family serialise on the family's lock;
/// every request still gets a decision (201 or 409), never a server error
/// such as a deadlock between two of a family's transactions.
#[tokio::test]
async fn a_familys_guardians_booking_at_once_each_get_a_decision() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let starts = starts_by_teacher(&app.slots(evening, &admin).await, usize::MAX);
    let mut families = Vec::new();
    for email in every_guardian_email(&app, &admin).await {
        families.push(app.family(&email, evening).await);
    }
    let mut decided = 0;
    for wave in 0..4 {
        let mut requests = Vec::new();
        for (f, family) in families.iter().enumerate() {
            for (c, (child, teachers)) in family.children.iter().enumerate() {
                for (t, teacher) in teachers.iter().take(3).enumerate() {
                    let slots = &starts[teacher];
                    let start = slots[(f * 3 + c * 5 + t * 7 + wave * 11) % slots.len()].clone();
                    requests.push((family.token.as_str(), *teacher, *child, start));
                }
            }
        }
        let answers =
            futures::future::join_all(requests.iter().map(|(token, teacher, child, start)| {
                app.book(evening, token, *teacher, *child, start)
            }))
            .await;
        for answer in answers {
            let status = answer.status().as_u16();
            let body = answer.text().await.unwrap();
            assert!(
                status == 201 || status == 409,
                "wave {wave}: {status} {body}"
            );
            decided += 1;
        }
    }
    assert!(decided >= 600, "{decided} requests decided");
    assert_every_rule_holds(&app).await;
}

/// Every guardian's email address, from the school's guardians export.
async fn every_guardian_email(app: &crate::helpers::TestApp, admin: &str) -> Vec<String> {
    let csv = app
        .get("/api/guardians.csv", Some(admin))
        .await
        .text()
        .await
        .unwrap();
    let mut emails: Vec<String> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(|record| record.unwrap()[1].to_owned())
        .filter(|email| email.ends_with("@families.demo.confero.test"))
        .collect();
    emails.sort();
    emails.dedup();
    emails
}

/// On PostgreSQL the family lock takes a family's guardians in id order,
/// whatever order their rows have in the table. Taken in the table's order,
/// two of a family's bookings could each hold one guardian and wait for the
/// other: a deadlock, which the server could only answer with an error.
/// (SQLite has a single writer, so there is no order to get wrong.)
#[tokio::test]
async fn the_family_lock_takes_guardians_in_id_order() {
    use confero_api::storage::{bookings, Engine};
    use sqlx::Row as _;
    let app = spawn_app().await;
    if app.db.engine != Engine::Postgres {
        return;
    }
    app.seed_demo().await;
    let pair = sqlx::query(
        "SELECT student_id, MIN(guardian_id) AS first, MAX(guardian_id) AS second
           FROM guardianships GROUP BY student_id HAVING COUNT(*) = 2 ORDER BY student_id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let (student, first, second): (i64, i64, i64) = (
        pair.get("student_id"),
        pair.get("first"),
        pair.get("second"),
    );
    // A new version of the first guardian's row lands after the second's.
    sqlx::query("UPDATE people SET booking_version = booking_version WHERE id = $1")
        .bind(first)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let after: bool = sqlx::query_scalar(
        "SELECT (SELECT ctid FROM people WHERE id = $1) > (SELECT ctid FROM people WHERE id = $2)",
    )
    .bind(first)
    .bind(second)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert!(
        after,
        "the set-up puts the first guardian last in the table"
    );

    // Someone holds the second guardian; the family lock must already hold
    // the first while it waits for the second.
    let mut holder = app.db.pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM people WHERE id = $1 FOR NO KEY UPDATE")
        .bind(second)
        .execute(&mut *holder)
        .await
        .unwrap();
    let db = app.db.clone();
    let locking = tokio::spawn(async move {
        let mut tx = db.writer.begin().await?;
        bookings::lock_family(&mut tx, db.engine, student).await?;
        tx.commit().await
    });
    let mut waiting = false;
    for _ in 0..200 {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        if n > 0 {
            waiting = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(waiting, "the family lock waits for the second guardian");
    let probe = sqlx::query("SELECT id FROM people WHERE id = $1 FOR NO KEY UPDATE NOWAIT")
        .bind(first)
        .execute(&app.db.pool)
        .await;
    let held =
        matches!(&probe, Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("55P03"));
    assert!(
        held,
        "the first guardian is locked before the second: {probe:?}"
    );
    holder.commit().await.unwrap();
    locking.await.unwrap().unwrap();
}

/// The starts of each teacher's first `n` slots in a grid, by teacher id.
fn starts_by_teacher(grid: &[Value], n: usize) -> HashMap<i64, Vec<String>> {
    grid.iter()
        .map(|column| {
            let starts = column["slots"]
                .as_array()
                .unwrap()
                .iter()
                .take(n)
                .map(|s| s["start"].as_str().unwrap().to_owned())
                .collect();
            (column["teacher_id"].as_i64().unwrap(), starts)
        })
        .collect()
}

/// Every booking rule, checked in the database.
async fn assert_every_rule_holds(app: &crate::helpers::TestApp) {
    let broken = confero_api::storage::bookings::violations(&app.db)
        .await
        .unwrap();
    assert_eq!(
        broken,
        Default::default(),
        "every rule holds in the database"
    );
}
