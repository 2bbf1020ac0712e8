//! A family's slot grid comes from a grid shared by every family's read: it
//! must still be exactly theirs (their own times as theirs, everyone else's
//! as taken, nothing named), and a booking anywhere must show on the next read.

use std::collections::HashMap;

use crate::helpers::{slot_start, spawn_app, TestApp, PASSWORD};
use confero_api::demo;
use serde_json::Value;

/// (teacher, start) → (state, booking id named to the viewer, if any).
fn cells(grid: &[Value]) -> HashMap<(i64, String), (String, Option<i64>)> {
    let mut out = HashMap::new();
    for column in grid {
        let teacher = column["teacher_id"].as_i64().unwrap();
        for slot in column["slots"].as_array().unwrap() {
            out.insert(
                (teacher, slot["start"].as_str().unwrap().to_owned()),
                (
                    slot["state"].as_str().unwrap().to_owned(),
                    slot["booking"]["booking_id"].as_i64(),
                ),
            );
        }
    }
    out
}

/// Checks a family's grid against the admin's (who sees every holder) and
/// the family's own list of appointments.
async fn assert_grid_is_theirs(app: &TestApp, admin: &str, token: &str, evening: i64) {
    let theirs = cells(&app.slots(evening, token).await);
    let all = cells(&app.slots(evening, admin).await);
    let own: Vec<i64> = app
        .json(
            &format!("/api/bookings?evening_id={evening}&as=guardian"),
            token,
        )
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(theirs.len(), all.len());
    for (key, (state, holder)) in &all {
        let (seen, named) = &theirs[key];
        match holder {
            Some(id) if own.contains(id) => {
                assert_eq!((seen.as_str(), *named), ("mine", Some(*id)), "{key:?}")
            }
            Some(_) => assert_eq!((seen.as_str(), *named), ("taken", None), "{key:?}"),
            None => assert_eq!((seen, *named), (state, None), "{key:?}"),
        }
    }
}

#[tokio::test]
async fn a_familys_grid_is_theirs_and_every_booking_shows_on_the_next_read() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let parent = app.family(demo::PARENT_EMAIL, evening).await;
    let other = app
        .family("carys.mensah.13@families.demo.confero.test", evening)
        .await;
    assert_grid_is_theirs(&app, &admin, &parent.token, evening).await;

    // Both families book; each read after is exactly right for its reader.
    let grid = app.slots(evening, &admin).await;
    let (child, teachers) = parent.children[0].clone();
    let booked = app
        .book(
            evening,
            &parent.token,
            teachers[0],
            child,
            &slot_start(&grid, teachers[0], 2),
        )
        .await;
    assert_eq!(booked.status(), 201);
    assert_grid_is_theirs(&app, &admin, &parent.token, evening).await;
    let (other_child, other_teachers) = other.children[0].clone();
    let booked = app
        .book(
            evening,
            &other.token,
            other_teachers[0],
            other_child,
            &slot_start(&grid, other_teachers[0], 6),
        )
        .await;
    assert_eq!(booked.status(), 201);
    assert_grid_is_theirs(&app, &admin, &parent.token, evening).await;
    assert_grid_is_theirs(&app, &admin, &other.token, evening).await;

    // A read right after another family's booking sees it taken.
    let start = slot_start(&grid, other_teachers[0], 7);
    let before = cells(&app.slots(evening, &parent.token).await);
    assert_eq!(before[&(other_teachers[0], start.clone())].0, "free");
    let booked = app
        .book(
            evening,
            &other.token,
            other_teachers[1],
            other_child,
            &slot_start(&grid, other_teachers[1], 9),
        )
        .await;
    assert_eq!(booked.status(), 201);
    let start9 = slot_start(&grid, other_teachers[1], 9);
    let after = cells(&app.slots(evening, &parent.token).await);
    assert_eq!(after[&(other_teachers[1], start9)].0, "taken");
    // One teacher's column alone is the same column.
    let one = app
        .json(
            &format!("/api/evenings/{evening}/slots?teacher_id={}", teachers[0]),
            &parent.token,
        )
        .await;
    let whole = app.slots(evening, &parent.token).await;
    let column = whole
        .iter()
        .find(|c| c["teacher_id"] == teachers[0])
        .unwrap();
    assert_eq!(one.as_array().unwrap(), &vec![column.clone()]);
}

#[tokio::test]
async fn a_browser_taking_brotli_gets_the_same_grid_compressed() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    // A family with nothing booked gets the shared grid.
    let family = app
        .family("carys.mensah.13@families.demo.confero.test", evening)
        .await;
    let path = format!("/api/evenings/{evening}/slots");
    let plain = app.get(&path, Some(&family.token)).await;
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.bytes().await.unwrap();
    for (offer, compressed) in [
        ("gzip, deflate, br, zstd", true),
        ("br;q=0, gzip", false),
        ("gzip", false),
    ] {
        let answer = reqwest::Client::new()
            .get(app.url(&path))
            .bearer_auth(&family.token)
            .header("accept-encoding", offer)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let encoding = answer.headers().get("content-encoding").cloned();
        let body = answer.bytes().await.unwrap();
        if compressed {
            assert_eq!(encoding.unwrap(), "br", "{offer}");
            assert!(
                body.len() * 10 < plain.len(),
                "{} → {}",
                plain.len(),
                body.len()
            );
            let mut decoded = Vec::new();
            std::io::Read::read_to_end(
                &mut brotli::Decompressor::new(&body[..], 4096),
                &mut decoded,
            )
            .unwrap();
            assert_eq!(decoded, plain.to_vec());
        } else {
            assert!(encoding.is_none(), "{offer}");
            assert_eq!(body, plain);
        }
    }
}
