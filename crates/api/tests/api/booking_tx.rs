//! The booking transaction's one-statement read (`storage/booking_tx.rs`)
//! answers exactly as the four reads it replaces, on the engine under test:
//! for siblings, a split household and staff, for an evening with an
//! audience (some children invited, some not) and without.

use crate::helpers::{slot_start, spawn_app, TestApp, PASSWORD};
use confero_api::demo;
use confero_api::storage::booking_tx::{self, AsItStands, ReadFor};
use confero_api::storage::{audiences, bookings, evenings};
use serde_json::json;

const SIOBHAN: &str = "siobhan.abara.45@families.demo.confero.test";
const HIRO: &str = "hiro.llewellyn.45@families.demo.confero.test";

/// What the four reads say one by one.
async fn one_by_one(app: &TestApp, of: ReadFor) -> AsItStands {
    let mut tx = app.db.writer.begin().await.unwrap();
    let engine = app.db.engine;
    let version = evenings::version_for_booking(&mut tx, engine, of.school_id, of.evening_id)
        .await
        .unwrap();
    let invited = !of.restricted
        || audiences::student_invited(&mut tx, of.evening_id, of.student_id)
            .await
            .unwrap();
    let household = bookings::household_for(&mut tx, of.student_id, of.guardian)
        .await
        .unwrap();
    let timelines = bookings::timelines(
        &mut tx,
        of.evening_id,
        of.teacher_id,
        of.student_id,
        household,
    )
    .await
    .unwrap();
    tx.rollback().await.unwrap();
    AsItStands {
        version,
        invited,
        household,
        timelines,
    }
}

/// The one-statement read, in a transaction of its own.
async fn in_one(app: &TestApp, of: ReadFor) -> AsItStands {
    let mut tx = app.db.writer.begin().await.unwrap();
    let read = booking_tx::read(&mut tx, app.db.engine, of).await.unwrap();
    tx.rollback().await.unwrap();
    read
}

/// Rows come in no particular order.
fn sorted(mut read: AsItStands) -> AsItStands {
    read.timelines.taken.sort_unstable();
    read.timelines.family.sort_by_key(|a| a.booking_id);
    read
}

#[tokio::test]
async fn the_one_statement_read_answers_as_the_four_reads_it_replaces() {
    let app = spawn_app().await;
    let school_id = app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let grid = app.slots(evening, &admin).await;
    let parent = app.family(demo::PARENT_EMAIL, evening).await;
    let siobhan = app.family(SIOBHAN, evening).await;
    let hiro = app.family(HIRO, evening).await;
    let (_, parent_id) = app.person_id(demo::PARENT_EMAIL).await;
    let (_, siobhan_id) = app.person_id(SIOBHAN).await;
    let (_, hiro_id) = app.person_id(HIRO).await;
    let (older, older_teachers) = parent.children[0].clone();
    let (younger, younger_teachers) = parent.children[1].clone();
    let (split, split_teachers) = siobhan.children[0].clone();

    // Siblings' appointments, and one of each household of a split family.
    let book = |token: String, teacher: i64, child: i64, n: usize| {
        let start = slot_start(&grid, teacher, n);
        let app = &app;
        async move {
            let response = app.book(evening, &token, teacher, child, &start).await;
            assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        }
    };
    book(parent.token.clone(), older_teachers[0], older, 0).await;
    book(parent.token.clone(), younger_teachers[0], younger, 2).await;
    let marked = app
        .put_json(
            &format!("/api/students/{split}/households"),
            &admin,
            json!({ "separate": true }),
        )
        .await;
    assert_eq!(marked.status(), 200);
    book(siobhan.token.clone(), split_teachers[0], split, 4).await;
    book(hiro.token.clone(), split_teachers[1], split, 6).await;

    // The evening is for the older child's year group only (as the office
    // would set it), so the restricted reads below answer both ways.
    let me = app.json("/api/me", &parent.token).await;
    let year_group = me["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == older)
        .and_then(|c| c["year_group"].as_str())
        .unwrap()
        .to_owned();
    sqlx::query("INSERT INTO evening_year_groups (evening_id, year_group) VALUES ($1, $2)")
        .bind(evening)
        .bind(&year_group)
        .execute(&app.db.writer)
        .await
        .unwrap();

    let mut teachers = vec![
        older_teachers[0],
        younger_teachers[0],
        split_teachers[0],
        split_teachers[1],
    ];
    teachers.dedup();
    let who = [
        (older, Some(parent_id)),
        (younger, Some(parent_id)),
        (younger, None),
        (split, Some(siobhan_id)),
        (split, Some(hiro_id)),
        (split, None),
    ];
    let mut with_appointments = 0;
    let mut invited = [0, 0];
    for (student_id, guardian) in who {
        for &teacher_id in &teachers {
            for restricted in [false, true] {
                let of = ReadFor {
                    school_id,
                    evening_id: evening,
                    teacher_id,
                    student_id,
                    guardian,
                    restricted,
                };
                let expected = sorted(one_by_one(&app, of).await);
                assert_eq!(sorted(in_one(&app, of).await), expected, "{of:?}");
                with_appointments += usize::from(!expected.timelines.family.is_empty());
                if restricted {
                    invited[usize::from(expected.invited)] += 1;
                }
            }
        }
    }
    assert!(
        with_appointments > 0,
        "some reads found a family's appointments"
    );
    assert!(
        invited[0] > 0 && invited[1] > 0,
        "the audience is for some children and not others: {invited:?}"
    );

    // A separate household is read as the guardian's own; another school's
    // evening is not found.
    let hiros = in_one(
        &app,
        ReadFor {
            school_id,
            evening_id: evening,
            teacher_id: split_teachers[0],
            student_id: split,
            guardian: Some(hiro_id),
            restricted: false,
        },
    )
    .await;
    assert_eq!(hiros.household, hiro_id);
    assert!(
        !hiros
            .timelines
            .family
            .iter()
            .any(|a| a.teacher_id == split_teachers[0]),
        "Siobhan's appointment is not in Hiro's timeline"
    );
    assert!(!hiros.timelines.taken.is_empty(), "but her time is taken");
    let elsewhere = in_one(
        &app,
        ReadFor {
            school_id: school_id + 1,
            evening_id: evening,
            teacher_id: split_teachers[0],
            student_id: split,
            guardian: None,
            restricted: false,
        },
    )
    .await;
    assert_eq!(elsewhere.version, None);
}

/// A booking request reads its session with whether the teacher teaches the
/// child and the slot is taken, in one query (`sessions::find_with_slot`): the
/// same session as `sessions::find`, the same answers as
/// `bookings::teaches` and `bookings::is_taken`, for a free and a taken slot, a teacher who
/// teaches the child and one who does not; no session for an unknown token.
#[tokio::test]
async fn a_booking_request_reads_its_session_and_the_slot_in_one_query() {
    use confero_api::auth::token;
    use confero_api::storage::bookings::{SlotAsked, TeachesAndTaken};
    use confero_api::storage::sessions;
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let teacher = teachers[0];
    let grid = app.slots(evening, &admin).await;
    let start_text = slot_start(&grid, teacher, 2);
    let start = chrono::DateTime::parse_from_rfc3339(&start_text)
        .unwrap()
        .timestamp();
    let stranger: i64 = grid
        .iter()
        .filter_map(|c| c["teacher_id"].as_i64())
        .find(|t| family.children.iter().all(|(_, ts)| !ts.contains(t)))
        .expect("a teacher who teaches none of the family's children");
    let hash = token::hash(&family.token);
    let school_id = sessions::find(&app.db, &hash)
        .await
        .unwrap()
        .unwrap()
        .school_id;
    let check = |asked: SlotAsked, expected: TeachesAndTaken| {
        let (app, hash) = (&app, &hash);
        async move {
            let separately = TeachesAndTaken {
                teaches: bookings::teaches(&app.db, school_id, asked.teacher_id, asked.student_id)
                    .await
                    .unwrap(),
                taken: bookings::is_taken(&app.db, asked.evening_id, asked.teacher_id, asked.start)
                    .await
                    .unwrap(),
            };
            assert_eq!(separately, expected, "{asked:?}");
            let (session, together) = sessions::find_with_slot(&app.db, hash, asked)
                .await
                .unwrap()
                .expect("the session");
            let alone = sessions::find(&app.db, hash).await.unwrap().unwrap();
            assert_eq!(together, expected, "{asked:?}");
            assert_eq!(
                (
                    session.person_id,
                    session.school_id,
                    &session.roles,
                    &session.children
                ),
                (
                    alone.person_id,
                    alone.school_id,
                    &alone.roles,
                    &alone.children
                )
            );
            assert!(session.children.contains(&child));
        }
    };
    let asked = SlotAsked {
        evening_id: evening,
        teacher_id: teacher,
        student_id: child,
        start,
    };
    let free = TeachesAndTaken {
        teaches: true,
        taken: false,
    };
    check(asked, free).await;
    let not_theirs = SlotAsked {
        teacher_id: stranger,
        ..asked
    };
    check(
        not_theirs,
        TeachesAndTaken {
            teaches: false,
            taken: false,
        },
    )
    .await;
    let booked = app
        .book(evening, &family.token, teacher, child, &start_text)
        .await;
    assert_eq!(booked.status(), 201);
    check(
        asked,
        TeachesAndTaken {
            teaches: true,
            taken: true,
        },
    )
    .await;
    let unknown = token::hash(&token::generate());
    assert!(sessions::find_with_slot(&app.db, &unknown, asked)
        .await
        .unwrap()
        .is_none());
}

/// A booking request answers for who asks before what it asks: without a
/// good session (none, forged, signed out) it is a 401 whatever it carries —
/// a good booking, a bad field, malformed JSON, no JSON at all — and books
/// nothing; with one, a bad path or body is the error naming the field.
#[tokio::test]
async fn a_booking_without_a_good_session_is_refused_before_its_body_is_judged() {
    use crate::helpers::error_of;
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = family.children[0].clone();
    let teacher = teachers[0];
    let grid = app.slots(evening, &admin).await;
    let start = slot_start(&grid, teacher, 3);
    let good = json!({"teacher_id": teacher, "student_id": child, "start": start});
    let signed_out = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(app.sign_out(&signed_out).await.status(), 204);
    let forged = confero_api::auth::token::generate();
    let path = format!("/api/evenings/{evening}/bookings");
    let bad_path = "/api/evenings/x/bookings".to_owned();
    let bad_field = json!({"teacher_id": "seven", "student_id": child, "start": start});
    for token in [forged.as_str(), signed_out.as_str()] {
        for (path, body) in [
            (&path, good.clone()),
            (&path, bad_field.clone()),
            (&bad_path, good.clone()),
        ] {
            let (status, code, _) = error_of(app.post_json(path, token, body).await).await;
            assert_eq!(
                (status.as_u16(), code.as_str()),
                (401, "unauthenticated"),
                "{path}"
            );
        }
        for (content_type, body) in [
            ("application/json", "{\"teacher_id\": "),
            ("text/plain", "hello"),
        ] {
            let response = app
                .client
                .post(app.url(&path))
                .bearer_auth(token)
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401, "{content_type}");
        }
    }
    let (status, _, _) = error_of(
        app.client
            .post(app.url(&path))
            .json(&good)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401, "no token at all");
    let free = app.slots(evening, &admin).await;
    assert_eq!(free, grid, "nothing was booked");

    for (path, body, field) in [
        (&path, bad_field.clone(), "teacher_id"),
        (&bad_path, good.clone(), "id"),
    ] {
        let (status, code, named) = error_of(app.post_json(path, &family.token, body).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str(), named.as_deref()),
            (422, "invalid_field", Some(field)),
            "{path}"
        );
    }
    let booked = app.post_json(&path, &family.token, good).await;
    assert_eq!(booked.status(), 201, "the same booking, signed in");
}
