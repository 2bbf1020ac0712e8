//! Profiles with a visibility per field, the preview, the directory, and
//! admins' views of hidden fields in the audit log.

use crate::helpers::{error_of, spawn_app, TestApp, PASSWORD};
use confero_api::demo;
use serde_json::{json, Value};

/// The demo parent and people standing in each relation to her, signed in.
pub struct Cast {
    pub parent_id: i64,
    pub parent: String,
    /// A guardian of a child in a class with one of hers.
    pub classmate_parent: String,
    /// A guardian whose children share no class with hers.
    pub other_parent: String,
    /// A teacher of one of her children.
    pub her_teacher: String,
    /// A teacher of none of her children.
    pub other_teacher: String,
    pub admin: String,
}

async fn one_email(app: &TestApp, sql: &str, parent_id: i64) -> String {
    sqlx::query_scalar::<_, String>(sql)
        .bind(parent_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

/// Seeds the demo school and signs in the cast.
pub async fn cast(app: &TestApp) -> Cast {
    app.seed_demo().await;
    let (_, parent_id) = app.person_id(demo::PARENT_EMAIL).await;
    let classmate = one_email(
        app,
        "SELECT MIN(p.email) FROM people p
           JOIN guardianships g ON g.guardian_id = p.id
           JOIN enrolments e ON e.student_id = g.student_id
          WHERE p.id <> $1 AND e.class_id IN (
                SELECT e2.class_id FROM enrolments e2
                  JOIN guardianships g2 ON g2.student_id = e2.student_id
                 WHERE g2.guardian_id = $1)",
        parent_id,
    )
    .await;
    let other = one_email(
        app,
        "SELECT MIN(p.email) FROM people p
           JOIN person_roles r ON r.person_id = p.id AND r.role = 'guardian'
          WHERE NOT EXISTS (
                SELECT 1 FROM guardianships g
                  JOIN enrolments e ON e.student_id = g.student_id
                 WHERE g.guardian_id = p.id AND e.class_id IN (
                       SELECT e2.class_id FROM enrolments e2
                         JOIN guardianships g2 ON g2.student_id = e2.student_id
                        WHERE g2.guardian_id = $1))",
        parent_id,
    )
    .await;
    let her_teacher = one_email(
        app,
        "SELECT MIN(t.email) FROM people t
           JOIN classes c ON c.teacher_id = t.id
           JOIN enrolments e ON e.class_id = c.id
           JOIN guardianships g ON g.student_id = e.student_id
          WHERE g.guardian_id = $1",
        parent_id,
    )
    .await;
    let other_teacher = one_email(
        app,
        "SELECT MIN(t.email) FROM people t
           JOIN person_roles r ON r.person_id = t.id AND r.role = 'teacher'
          WHERE NOT EXISTS (
                SELECT 1 FROM classes c
                  JOIN enrolments e ON e.class_id = c.id
                  JOIN guardianships g ON g.student_id = e.student_id
                 WHERE c.teacher_id = t.id AND g.guardian_id = $1)",
        parent_id,
    )
    .await;
    Cast {
        parent_id,
        parent: app.token(demo::PARENT_EMAIL, PASSWORD).await,
        classmate_parent: app.token(&classmate, PASSWORD).await,
        other_parent: app.token(&other, PASSWORD).await,
        her_teacher: app.token(&her_teacher, PASSWORD).await,
        other_teacher: app.token(&other_teacher, PASSWORD).await,
        admin: app.token(demo::ADMIN_EMAIL, PASSWORD).await,
    }
}

/// The parent's profile as `token` sees it: `None` for a 404.
async fn seen_by(app: &TestApp, cast: &Cast, token: &str) -> Option<Value> {
    let response = app
        .get(&format!("/api/directory/{}", cast.parent_id), Some(token))
        .await;
    match response.status().as_u16() {
        200 => Some(response.json().await.unwrap()),
        404 => None,
        other => panic!("unexpected {other}"),
    }
}

fn keys(view: &Value) -> Vec<String> {
    let mut keys: Vec<String> = view.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

/// Saves the parent's profile with the given visibilities.
async fn save(app: &TestApp, token: &str, visibility: Value) -> Value {
    let body = json!({
        "title": "Mrs",
        "display_name": "Asha Quillfeather",
        "phone": "+44 7700 918273",
        "phone2": "020 7946 0321",
        "address": "9 Lantern Row\nHollowbrook",
        "language": "Gujarati",
        "about": "Happy to help with the book fair.",
        "visibility": visibility,
    });
    let response = app.put_json("/api/profile", token, body).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_profile_is_private_by_default() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    let own = app.json("/api/profile", &cast.parent).await;
    let chosen: Vec<(String, String)> = own["visibility"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["field"].as_str().unwrap().to_owned(),
                v["visibility"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = [
        ("title", "school"),
        ("name", "school"),
        ("email", "staff"),
        ("phone", "staff"),
        ("phone2", "staff"),
        ("address", "only_me"),
        ("language", "staff"),
        ("about", "staff"),
        ("children", "staff"),
    ];
    assert_eq!(
        chosen,
        expect
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    );

    // Another parent sees her title and name, nothing else; the key is absent, not null.
    for token in [
        &cast.classmate_parent,
        &cast.other_parent,
        &cast.other_teacher,
    ] {
        let view = seen_by(&app, &cast, token).await.unwrap();
        assert_eq!(keys(&view), ["id", "name", "staff", "title"]);
    }
    // Her child's teacher sees her contact details and children, not her address.
    let teacher = seen_by(&app, &cast, &cast.her_teacher).await.unwrap();
    assert_eq!(
        keys(&teacher),
        ["children", "email", "id", "name", "phone", "staff", "title"]
    );
    assert_eq!(teacher["email"], demo::PARENT_EMAIL);
    // The admin sees everything.
    let admin = seen_by(&app, &cast, &cast.admin).await.unwrap();
    assert!(admin["address"].as_str().is_some_and(|a| !a.is_empty()));
}

#[tokio::test]
async fn toggles_decide_what_each_viewer_sees_from_the_next_request() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    save(
        &app,
        &cast.parent,
        json!([
            {"field": "phone", "visibility": "classes"},
            {"field": "phone2", "visibility": "only_me"},
            {"field": "about", "visibility": "school"},
            {"field": "children", "visibility": "classes"},
        ]),
    )
    .await;
    let classmate = seen_by(&app, &cast, &cast.classmate_parent).await.unwrap();
    assert_eq!(classmate["name"], "Asha Quillfeather");
    assert_eq!(classmate["phone"], "+44 7700 918273");
    assert!(classmate["children"]
        .as_array()
        .is_some_and(|c| c.len() == 2));
    assert!(classmate.get("phone2").is_none() && classmate.get("email").is_none());
    let other = seen_by(&app, &cast, &cast.other_parent).await.unwrap();
    assert_eq!(
        keys(&other),
        ["about", "id", "name", "staff", "title"],
        "{other}"
    );
    let teacher = seen_by(&app, &cast, &cast.her_teacher).await.unwrap();
    assert!(teacher.get("phone2").is_none());
    assert_eq!(teacher["language"], "Gujarati");

    // Her name shown to staff only: parents no longer see her at all.
    save(
        &app,
        &cast.parent,
        json!([{"field": "name", "visibility": "staff"}]),
    )
    .await;
    assert!(seen_by(&app, &cast, &cast.classmate_parent).await.is_none());
    assert!(seen_by(&app, &cast, &cast.other_parent).await.is_none());
    let found = app
        .json("/api/directory?q=quillfeather", &cast.classmate_parent)
        .await;
    assert_eq!(found["total"], 0);
    assert!(seen_by(&app, &cast, &cast.her_teacher).await.is_some());
    let found = app
        .json("/api/directory?q=quillfeather", &cast.her_teacher)
        .await;
    assert_eq!(found["total"], 1);
}

#[tokio::test]
async fn the_preview_is_what_those_viewers_really_get() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    save(
        &app,
        &cast.parent,
        json!([
            {"field": "phone", "visibility": "classes"},
            {"field": "about", "visibility": "school"},
            {"field": "address", "visibility": "staff"},
        ]),
    )
    .await;
    let preview = app.json("/api/profile/preview", &cast.parent).await;
    let view_for = |audience: &str| {
        preview["views"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["audience"] == audience)
            .map(|v| v["view"].clone())
            .unwrap()
    };
    assert_eq!(
        view_for("classes"),
        seen_by(&app, &cast, &cast.classmate_parent).await.unwrap()
    );
    assert_eq!(
        view_for("staff"),
        seen_by(&app, &cast, &cast.her_teacher).await.unwrap()
    );
    assert_eq!(
        view_for("school"),
        seen_by(&app, &cast, &cast.other_parent).await.unwrap()
    );
    assert_eq!(view_for("staff")["address"], "9 Lantern Row\nHollowbrook");
    // Hidden from everyone but staff: the preview says parents do not see her.
    save(
        &app,
        &cast.parent,
        json!([{"field": "name", "visibility": "staff"}]),
    )
    .await;
    let preview = app.json("/api/profile/preview", &cast.parent).await;
    let absent: Vec<&Value> = preview["views"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v.get("view").is_none())
        .map(|v| &v["audience"])
        .collect();
    assert_eq!(absent, [&json!("classes"), &json!("school")]);
}

#[tokio::test]
async fn bad_profile_input_names_the_field_and_changes_nothing() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    let before = app.json("/api/profile", &cast.parent).await;
    let cases = [
        (json!({"phone": "call me maybe"}), "phone"),
        (json!({"phone2": "12"}), "phone2"),
        (json!({"display_name": "A\u{0007}sha"}), "display_name"),
        (json!({"title": "x".repeat(21)}), "title"),
        (json!({"about": "y".repeat(501)}), "about"),
        (
            json!({"visibility": [{"field": "phone", "visibility": "everyone"}]}),
            "visibility[0].visibility",
        ),
        (
            json!({"visibility": [{"field": "shoe_size", "visibility": "school"}]}),
            "visibility[0].field",
        ),
        (json!({"nickname": "Ash"}), "nickname"),
    ];
    for (body, field) in cases {
        let (status, code, named) = error_of(
            app.put_json("/api/profile", &cast.parent, body.clone())
                .await,
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(code, "invalid_field", "{body}");
        assert_eq!(named.as_deref(), Some(field), "{body}");
    }
    assert_eq!(app.json("/api/profile", &cast.parent).await, before);

    // Staff keep their name visible to families.
    let (status, _, named) = error_of(
        app.put_json(
            "/api/profile",
            &cast.her_teacher,
            json!({"visibility": [{"field": "name", "visibility": "staff"}]}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), named.as_deref()),
        (422, Some("visibility[0].visibility"))
    );
}

#[tokio::test]
async fn the_directory_finds_people_by_name_and_pages() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    let first = app
        .json("/api/directory?per_page=10", &cast.other_parent)
        .await;
    let total = first["total"].as_u64().unwrap();
    // Every account of the demo school shows its name to the school by default.
    assert!(total >= 90, "{total}");
    assert_eq!(first["people"].as_array().unwrap().len(), 10);
    let last_page = total.div_ceil(10);
    let last = app
        .json(
            &format!("/api/directory?per_page=10&page={last_page}"),
            &cast.other_parent,
        )
        .await;
    assert_eq!(
        last["people"].as_array().unwrap().len() as u64,
        total - (last_page - 1) * 10
    );
    let found = app
        .json("/api/directory?q=okafor", &cast.other_parent)
        .await;
    let people = found["people"].as_array().unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0]["staff"], true);
    // Admins browse as staff: hidden fields only on an opened profile.
    let found = app.json("/api/directory?q=asha", &cast.admin).await;
    assert!(found["people"][0].get("address").is_none(), "{found}");
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
    ] {
        let (status, _, named) = error_of(
            app.get(&format!("/api/directory?{query}"), Some(&cast.parent))
                .await,
        )
        .await;
        assert_eq!((status.as_u16(), named.as_deref()), (422, Some(field)));
    }
    let (status, _, _) = error_of(app.get("/api/directory", None).await).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_admin_opening_hidden_fields_is_logged_for_the_person() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    // A teacher's view and the admin's list views are not audited.
    seen_by(&app, &cast, &cast.her_teacher).await.unwrap();
    app.json("/api/directory?q=asha", &cast.admin).await;
    let entries = || async {
        sqlx::query_as::<_, (String, String, Option<String>)>(
            "SELECT action, subject, request_id FROM audit_log WHERE target_id = $1",
        )
        .bind(cast.parent_id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
    };
    assert!(entries().await.is_empty());
    let response = app
        .get(
            &format!("/api/directory/{}", cast.parent_id),
            Some(&cast.admin),
        )
        .await;
    let request_id = response
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let view: Value = response.json().await.unwrap();
    assert!(view["address"].as_str().is_some());
    let logged = entries().await;
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].0, "viewed_hidden_fields");
    assert_eq!(logged[0].1, "address");
    assert_eq!(logged[0].2.as_deref(), Some(request_id.as_str()));

    // Admins find it in the audit log, filtered by action and person.
    let log = app
        .json(
            &format!(
                "/api/audit?action=viewed_hidden_fields&person={}&days=1",
                cast.parent_id
            ),
            &cast.admin,
        )
        .await;
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["by"], "Mrs Hale");
    assert_eq!(log[0]["about"], "Asha Patel");
    assert_eq!(log[0]["request_id"], request_id.as_str());
    let none = app
        .json("/api/audit?action=export_guardians", &cast.admin)
        .await;
    assert_eq!(none, json!([]));
    let (status, _, named) = error_of(
        app.get("/api/audit?action=DROP%20TABLE", Some(&cast.admin))
            .await,
    )
    .await;
    assert_eq!((status.as_u16(), named.as_deref()), (422, Some("action")));

    // She sees it in "who looked at my data" and in her download; a teacher's
    // views of what she shows staff are not there.
    let access = app.json("/api/me/access", &cast.parent).await;
    let access = access.as_array().unwrap();
    assert_eq!(access.len(), 1, "{access:?}");
    assert_eq!(access[0]["action"], "viewed_hidden_fields");
    assert_eq!(access[0]["by"], "Mrs Hale");
    assert!(access[0]["description"]
        .as_str()
        .unwrap()
        .contains("address"));
    let response = app.get("/api/me/data", Some(&cast.parent)).await;
    assert!(response
        .headers()
        .get("content-disposition")
        .is_some_and(|v| v.to_str().unwrap().starts_with("attachment")));
    let data: Value = response.json().await.unwrap();
    assert_eq!(data["access"], Value::Array(access.clone()));
    assert_eq!(data["profile"]["email"], demo::PARENT_EMAIL);
    assert_eq!(data["profile"]["children"].as_array().unwrap().len(), 2);
    assert!(!data["sessions"].as_array().unwrap().is_empty());
    let text = serde_json::to_string(&data).unwrap();
    assert!(!text.contains("token"), "no token, only when and where");
}

#[tokio::test]
async fn another_schools_people_do_not_exist_for_you() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    app.seed_other_school().await;
    let other_admin = app.token("admin@other.test", "other-password").await;
    let (status, _, _) = error_of(
        app.get(
            &format!("/api/directory/{}", cast.parent_id),
            Some(&other_admin),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let listed = app.json("/api/directory?per_page=100", &other_admin).await;
    let names: Vec<&str> = listed["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["Rosa Diaz"]);
    // And the demo admin cannot open the other school's admin.
    let (_, other_id) = app.person_id("admin@other.test").await;
    let (status, _, _) = error_of(
        app.get(&format!("/api/directory/{other_id}"), Some(&cast.admin))
            .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_teacher_sees_who_is_coming_through_the_filter() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    let evening = app.demo_evening(&cast.parent).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = &family.children[0];
    let grid = app.slots(evening, &cast.parent).await;
    let start = crate::helpers::slot_start(&grid, teachers[0], 5);
    assert_eq!(
        app.book(evening, &cast.parent, teachers[0], *child, &start)
            .await
            .status(),
        201
    );
    let teacher_id = teachers[0];
    let teacher_email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(teacher_id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let teacher = app.token(&teacher_email, PASSWORD).await;
    let coming = |list: Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|b| b["student_id"] == *child)
            .map(|b| b["family"].clone())
            .unwrap()
    };
    save(
        &app,
        &cast.parent,
        json!([{"field": "phone", "visibility": "staff"}]),
    )
    .await;
    let list = app
        .json(
            &format!("/api/bookings?evening_id={evening}&as=teacher"),
            &teacher,
        )
        .await;
    let seen = coming(list);
    assert_eq!(seen["name"], "Asha Quillfeather");
    assert_eq!(seen["phone"], "+44 7700 918273");
    save(
        &app,
        &cast.parent,
        json!([{"field": "phone", "visibility": "only_me"}]),
    )
    .await;
    let list = app
        .json(
            &format!("/api/bookings?evening_id={evening}&as=teacher"),
            &teacher,
        )
        .await;
    let seen = coming(list);
    assert!(seen.get("phone").is_none(), "{seen}");
    // The family's own list carries no such block.
    let own = app
        .json(&format!("/api/bookings?evening_id={evening}"), &cast.parent)
        .await;
    assert!(own[0].get("family").is_none());
}
