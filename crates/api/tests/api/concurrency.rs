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
    let grid = app.slots(evening, &admin).await;
    let first_slots: HashMap<i64, Vec<String>> = grid
        .iter()
        .map(|column| {
            let starts = column["slots"]
                .as_array()
                .unwrap()
                .iter()
                .take(3)
                .map(|s| s["start"].as_str().unwrap().to_owned())
                .collect();
            (column["teacher_id"].as_i64().unwrap(), starts)
        })
        .collect();

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
    let broken = confero_api::storage::bookings::violations(&app.db)
        .await
        .unwrap();
    assert_eq!(
        broken,
        Default::default(),
        "every rule holds in the database"
    );
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
            let needed = if pair[0].2 == pair[1].2 { 0 } else { 5 };
            assert!(gap >= needed, "family {family}: {pair:?}");
        }
    }
}
