//! An evening for some year groups or classes: only their families see it,
//! only their children can be booked or wait, and narrowing the audience
//! over a booked child is refused until the office agrees to cancel it.

use crate::helpers::{
    error_of, evening_input, family_emails, slot_start, spawn_app, Family, TestApp, PASSWORD,
};
use confero_api::demo;
use serde_json::{json, Value};

/// A demo family's children with their year groups, from `/api/me`.
async fn years_of(app: &TestApp, token: &str) -> Vec<(i64, String)> {
    app.json("/api/me", token).await["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_i64().unwrap(),
                c["year_group"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

struct School {
    app: TestApp,
    admin: String,
    evening: i64,
    /// A family whose only child is in Year 7.
    year7: Family,
    /// A family with a child in Year 8 and one in Year 11.
    siblings: Family,
    year8_child: i64,
    year11_child: i64,
}

async fn school() -> School {
    let app = spawn_app().await;
    app.seed_demo().await;
    let admin = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    let evening = app.demo_evening(&admin).await;
    // The first family whose children are all in Year 7, and the first with
    // a child in Year 8 and one in Year 11.
    let mut year7 = None;
    let mut siblings = None;
    for email in family_emails(&app).await {
        let token = app.token(&email, PASSWORD).await;
        let years: Vec<String> = years_of(&app, &token)
            .await
            .into_iter()
            .map(|(_, y)| y)
            .collect();
        if year7.is_none() && years.iter().all(|y| y == "Year 7") {
            year7 = Some(email);
        } else if siblings.is_none()
            && ["Year 8", "Year 11"]
                .iter()
                .all(|w| years.iter().any(|y| y == w))
        {
            siblings = Some(email);
        }
        if year7.is_some() && siblings.is_some() {
            break;
        }
    }
    let year7 = app.family(&year7.unwrap(), evening).await;
    let siblings = app.family(&siblings.unwrap(), evening).await;
    let years = years_of(&app, &siblings.token).await;
    let child_in = |year: &str| years.iter().find(|(_, y)| y == year).unwrap().0;
    let (year8_child, year11_child) = (child_in("Year 8"), child_in("Year 11"));
    School {
        app,
        admin,
        evening,
        year7,
        siblings,
        year8_child,
        year11_child,
    }
}

fn teachers_of(family: &Family, child: i64) -> Vec<i64> {
    family
        .children
        .iter()
        .find(|(c, _)| *c == child)
        .unwrap()
        .1
        .clone()
}

fn evening_ids(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn an_evening_for_one_year_group_is_seen_and_booked_only_by_its_families() {
    let s = school().await;
    let app = &s.app;
    let path = format!("/api/evenings/{}", s.evening);
    let mut input = evening_input(app, &s.admin, s.evening).await;
    input["year_groups"] = json!(["Year 11"]);
    let answer = app.put_json(&path, &s.admin, input).await;
    assert_eq!(answer.status(), 200);
    let saved: Value = answer.json().await.unwrap();
    assert_eq!(saved["audience"]["year_groups"], json!(["Year 11"]));

    // The Year 7 family no longer sees it, by list, by id, or by its grid.
    let theirs = app.json("/api/evenings", &s.year7.token).await;
    assert!(!evening_ids(&theirs).contains(&s.evening));
    for p in [path.clone(), format!("{path}/slots")] {
        let (status, _, _) = error_of(app.get(&p, Some(&s.year7.token)).await).await;
        assert_eq!(status, 404, "{p}");
    }
    let year7_child = s.year7.children[0].0;
    let teacher = s.year7.children[0].1[0];
    let grid = app.slots(s.evening, &s.admin).await;
    let (status, _, _) = error_of(
        app.book(
            s.evening,
            &s.year7.token,
            teacher,
            year7_child,
            &slot_start(&grid, teacher, 9),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404, "an evening the family cannot see");

    // The family with a Year 11 child sees it; only that child can be booked.
    let theirs = app.json("/api/evenings", &s.siblings.token).await;
    assert!(evening_ids(&theirs).contains(&s.evening));
    let year8_teacher = teachers_of(&s.siblings, s.year8_child)[0];
    let (status, code, _) = error_of(
        app.book(
            s.evening,
            &s.siblings.token,
            year8_teacher,
            s.year8_child,
            &slot_start(&grid, year8_teacher, 9),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (403, "evening_not_for_child")
    );
    let (status, code, _) = error_of(
        app.post_json(
            &format!("{path}/waitlist"),
            &s.siblings.token,
            json!({"teacher_id": year8_teacher, "student_id": s.year8_child}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (403, "evening_not_for_child")
    );
    let year11_teacher = teachers_of(&s.siblings, s.year11_child)[0];
    let booked = app
        .book(
            s.evening,
            &s.siblings.token,
            year11_teacher,
            s.year11_child,
            &slot_start(&grid, year11_teacher, 9),
        )
        .await;
    assert_eq!(booked.status(), 201);

    // An evening for a class reaches its pupils' families.
    let choices = app.json("/api/school/evening-choices", &s.admin).await;
    assert_eq!(
        choices["year_groups"],
        json!(["Year 7", "Year 8", "Year 9", "Year 10", "Year 11"])
    );
    // The teachers who can take part: the evening's own, each teaching a class.
    let evening_teachers = app.json(&path, &s.admin).await["teachers"].clone();
    let offered = choices["teachers"].as_array().unwrap();
    assert_eq!(offered.len(), evening_teachers.as_array().unwrap().len());
    assert!(offered.iter().all(|t| t["teaches_classes"] == true));
    let class_7 = choices["classes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "7En")
        .unwrap()["id"]
        .clone();
    let mut input = evening_input(app, &s.admin, s.evening).await;
    input["class_ids"] = json!([class_7]);
    assert_eq!(app.put_json(&path, &s.admin, input).await.status(), 200);
    assert_eq!(app.get(&path, Some(&s.year7.token)).await.status(), 200);
}

#[tokio::test]
async fn narrowing_the_audience_over_a_booked_child_is_refused_until_agreed() {
    let s = school().await;
    let app = &s.app;
    let path = format!("/api/evenings/{}", s.evening);
    let grid = app.slots(s.evening, &s.admin).await;
    let teacher = teachers_of(&s.siblings, s.year8_child)[0];
    let booking: Value = app
        .book(
            s.evening,
            &s.siblings.token,
            teacher,
            s.year8_child,
            &slot_start(&grid, teacher, 10),
        )
        .await
        .json()
        .await
        .unwrap();
    let booking = booking["id"].as_i64().unwrap();

    let mut input = evening_input(app, &s.admin, s.evening).await;
    input["year_groups"] = json!(["Year 11"]);
    let answer = app.put_json(&path, &s.admin, input.clone()).await;
    assert_eq!(answer.status(), 409);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["error"]["code"], "would_strand_bookings");
    let stranded: Vec<i64> = body["stranded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["booking_id"].as_i64().unwrap())
        .collect();
    assert!(stranded.contains(&booking), "{body}");
    let unchanged = app.json(&path, &s.admin).await;
    assert_eq!(
        unchanged["audience"]["year_groups"],
        json!([]),
        "nothing changed"
    );
    let status = |token: String| async move {
        app.json(&format!("/api/bookings/{booking}"), &token).await["status"].clone()
    };
    assert_eq!(status(s.siblings.token.clone()).await, "booked");

    input["cancel_bookings"] = json!(stranded);
    assert_eq!(app.put_json(&path, &s.admin, input).await.status(), 200);
    assert_eq!(status(s.siblings.token.clone()).await, "cancelled");
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT details FROM notices WHERE booking_id = $1 AND kind = 'booking_cancelled'",
    )
    .bind(booking)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(
        told[0].contains("year groups and classes it is for"),
        "{told:?}"
    );
}

#[tokio::test]
async fn an_audience_names_the_schools_own_year_groups_and_classes() {
    let s = school().await;
    let app = &s.app;
    let path = format!("/api/evenings/{}", s.evening);
    let before = app.json(&path, &s.admin).await;
    for (field, value) in [
        ("year_groups", json!(["Year 12"])),
        ("class_ids", json!([987_654])),
    ] {
        let mut input = evening_input(app, &s.admin, s.evening).await;
        input[field] = value;
        let (status, code, named) = error_of(app.put_json(&path, &s.admin, input).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str(), named.as_deref()),
            (422, "invalid_field", Some(field))
        );
    }
    assert_eq!(app.json(&path, &s.admin).await, before, "nothing changed");
    let (status, _, _) = error_of(
        app.get("/api/school/evening-choices", Some(&s.year7.token))
            .await,
    )
    .await;
    assert_eq!(status, 403);
}

/// Saves `input` as the evening and gives the audience it now has: its year
/// groups and its classes' ids.
async fn save_audience(app: &TestApp, admin: &str, path: &str, input: Value) -> (Value, Vec<i64>) {
    let answer = app.put_json(path, admin, input).await;
    assert_eq!(answer.status(), 200);
    let saved: Value = answer.json().await.unwrap();
    let classes = saved["audience"]["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    (saved["audience"]["year_groups"].clone(), classes)
}

/// `input` with some fields set and some left out.
fn edited(input: &Value, set: &[(&str, Value)], left_out: &[&str]) -> Value {
    let mut input = input.clone();
    let fields = input.as_object_mut().unwrap();
    for (name, value) in set {
        fields.insert((*name).to_owned(), value.clone());
    }
    for name in left_out {
        fields.remove(*name);
    }
    input
}

/// Sends both lists empty: the evening is for the whole school, and the
/// Year 7 family sees it.
async fn opens_to_everyone(s: &School, path: &str, base: &Value) {
    let everyone = edited(
        base,
        &[("year_groups", json!([])), ("class_ids", json!([]))],
        &[],
    );
    assert_eq!(
        save_audience(&s.app, &s.admin, path, everyone).await,
        (json!([]), vec![])
    );
    let theirs = s.app.json("/api/evenings", &s.year7.token).await;
    assert!(
        evening_ids(&theirs).contains(&s.evening),
        "the whole school"
    );
}

/// A change that leaves the audience's lists out keeps them: an API client
/// renaming an evening does not open it to the whole school. A list sent is
/// replaced, the other kept; both sent empty is the whole school.
#[tokio::test]
async fn a_change_that_leaves_the_audience_out_keeps_it() {
    let s = school().await;
    let app = &s.app;
    let path = format!("/api/evenings/{}", s.evening);
    let class_id = app.json("/api/school/evening-choices", &s.admin).await["classes"][0]["id"]
        .as_i64()
        .unwrap();
    let base = evening_input(app, &s.admin, s.evening).await;
    let narrowed = edited(
        &base,
        &[
            ("year_groups", json!(["Year 11"])),
            ("class_ids", json!([class_id])),
        ],
        &[],
    );
    save_audience(app, &s.admin, &path, narrowed).await;

    let renamed = edited(
        &base,
        &[("name", json!("Renamed by a script"))],
        &["year_groups", "class_ids"],
    );
    assert_eq!(
        save_audience(app, &s.admin, &path, renamed).await,
        (json!(["Year 11"]), vec![class_id]),
        "both kept"
    );
    let theirs = app.json("/api/evenings", &s.year7.token).await;
    assert!(
        !evening_ids(&theirs).contains(&s.evening),
        "still hidden from a family it is not for"
    );

    let years_only = edited(&base, &[("year_groups", json!(["Year 8"]))], &["class_ids"]);
    assert_eq!(
        save_audience(app, &s.admin, &path, years_only).await,
        (json!(["Year 8"]), vec![class_id]),
        "classes kept"
    );
    let classes_only = edited(&base, &[("class_ids", json!([]))], &["year_groups"]);
    assert_eq!(
        save_audience(app, &s.admin, &path, classes_only).await,
        (json!(["Year 8"]), vec![]),
        "year groups kept"
    );
    opens_to_everyone(&s, &path, &base).await;
}

/// A change that sends one list may not leave a restricted evening with
/// neither: that would open it to the whole school. It is a 422 naming the
/// list sent, and nothing changes; sending both empty opens it on purpose.
#[tokio::test]
async fn one_list_sent_empty_never_opens_a_restricted_evening_to_everyone() {
    let s = school().await;
    let app = &s.app;
    let path = format!("/api/evenings/{}", s.evening);
    let class_id = app.json("/api/school/evening-choices", &s.admin).await["classes"][0]["id"]
        .as_i64()
        .unwrap();
    let base = evening_input(app, &s.admin, s.evening).await;
    let one_class = edited(
        &base,
        &[("year_groups", json!([])), ("class_ids", json!([class_id]))],
        &[],
    );
    save_audience(app, &s.admin, &path, one_class).await;
    let before = app.json(&path, &s.admin).await;

    let no_class = edited(&base, &[("class_ids", json!([]))], &["year_groups"]);
    let (status, code, named) = error_of(app.put_json(&path, &s.admin, no_class).await).await;
    assert_eq!(
        (status.as_u16(), code.as_str(), named.as_deref()),
        (422, "invalid_field", Some("class_ids"))
    );
    assert_eq!(app.json(&path, &s.admin).await, before, "nothing changed");

    // No year group, the class kept: still for that class.
    let no_year = edited(&base, &[("year_groups", json!([]))], &["class_ids"]);
    assert_eq!(
        save_audience(app, &s.admin, &path, no_year).await,
        (json!([]), vec![class_id])
    );

    opens_to_everyone(&s, &path, &base).await;
}
