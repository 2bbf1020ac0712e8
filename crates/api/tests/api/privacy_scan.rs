//! The response scan: distinctive values in every field of a guardian's
//! profile, toggles set in the combinations that matter, then every GET
//! endpoint the OpenAPI document lists is fetched by every role, with every
//! id that could name her, her children, her booking or their classes, and
//! the raw bytes are searched for values that role may not see. A new
//! endpoint is scanned without anyone adding it here.

use std::collections::BTreeSet;

use crate::helpers::{fill_path, slot_start, spawn_app, TestApp};
use crate::profiles::{cast, Cast};
use confero_api::demo;
use serde_json::{json, Value};

/// (field, distinctive value) — each value appears nowhere else in the demo school.
const VALUES: [(&str, &str); 8] = [
    ("title", "Zqtitle"),
    ("name", "Asha Zqname"),
    ("email", demo::PARENT_EMAIL),
    ("phone", "+44 7700 918273"),
    ("phone2", "020 7946 0321"),
    ("address", "9 Zqaddress Row"),
    ("language", "Zqlanguage"),
    ("about", "Zqabout the book fair"),
];

/// The combinations: everything at its default; a spread where each
/// audience gains something; and the name kept to staff, which hides her
/// from parents altogether. (Her children are never narrower than staff
/// here: a teacher knows the children in their class whatever the toggle.)
fn combinations() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![],
        vec![
            ("email", "staff"),
            ("phone", "classes"),
            ("phone2", "only_me"),
            ("address", "only_me"),
            ("language", "school"),
            ("about", "classes"),
            ("children", "staff"),
        ],
        vec![
            ("title", "staff"),
            ("name", "staff"),
            ("email", "only_me"),
            ("phone", "staff"),
            ("phone2", "classes"),
            ("address", "staff"),
            ("language", "only_me"),
            ("about", "school"),
            ("children", "classes"),
        ],
    ]
}

/// The visibility names, narrowest first, and how wide each audience needs.
fn rank(visibility: &str) -> u8 {
    match visibility {
        "only_me" => 0,
        "staff" => 1,
        "classes" => 2,
        "school" => 3,
        other => panic!("{other}"),
    }
}

/// A viewer: a token and the narrowest visibility that reaches them
/// (`None`: sees everything; above `school`: nothing reaches them).
struct Role<'a> {
    name: &'static str,
    token: &'a str,
    needs: Option<u8>,
}

async fn ids_about_her(app: &TestApp, cast: &Cast) -> BTreeSet<String> {
    let mut ids = BTreeSet::from([cast.parent_id.to_string()]);
    let me = app.json("/api/me", &cast.parent).await;
    for child in me["children"].as_array().unwrap() {
        ids.insert(child["id"].to_string());
    }
    let classes: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT e.class_id FROM enrolments e
           JOIN guardianships g ON g.student_id = e.student_id WHERE g.guardian_id = $1",
    )
    .bind(cast.parent_id)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    ids.extend(classes.iter().map(i64::to_string));
    let bookings: Value = app.json("/api/bookings", &cast.parent).await;
    for booking in bookings.as_array().unwrap() {
        ids.insert(booking["id"].to_string());
        ids.insert(booking["evening_id"].to_string());
        ids.insert(booking["teacher_id"].to_string());
    }
    ids
}

#[tokio::test]
async fn no_endpoint_shows_anyone_a_field_they_may_not_see() {
    let app = spawn_app().await;
    let cast = cast(&app).await;
    app.seed_other_school().await;
    let stranger = app.token("admin@other.test", "other-password").await;

    // Her booking, so booking, schedule and export endpoints carry her child.
    let evening = app.demo_evening(&cast.parent).await;
    let family = app.family(demo::PARENT_EMAIL, evening).await;
    let (child, teachers) = &family.children[0];
    let grid = app.slots(evening, &cast.parent).await;
    let start = slot_start(&grid, teachers[0], 4);
    let booked = app
        .book(evening, &cast.parent, teachers[0], *child, &start)
        .await;
    assert_eq!(booked.status(), 201);

    let doc = app.json_public("/api/openapi.json").await;
    let paths: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, ops)| ops.get("get").is_some())
        // The API's own description is the same for everyone (its examples
        // name made-up people).
        .filter(|(path, _)| path.as_str() != "/api/openapi.json")
        .map(|(path, _)| path.clone())
        .collect();
    assert!(paths.iter().any(|p| p == "/api/directory/{id}"));
    let ids = ids_about_her(&app, &cast).await;
    let urls: Vec<String> = paths
        .iter()
        .flat_map(|path| {
            let mut urls = fill_path(path, &ids);
            if !path.contains('{') {
                urls.push(format!("{path}?q=zqname&per_page=100"));
            }
            urls
        })
        .collect();

    let roles = [
        Role {
            name: "guardian of a classmate",
            token: &cast.classmate_parent,
            needs: Some(2),
        },
        Role {
            name: "guardian in another class",
            token: &cast.other_parent,
            needs: Some(3),
        },
        Role {
            name: "teacher of her child",
            token: &cast.her_teacher,
            needs: Some(1),
        },
        Role {
            name: "another teacher",
            token: &cast.other_teacher,
            needs: Some(3),
        },
        Role {
            name: "admin",
            token: &cast.admin,
            needs: None,
        },
        Role {
            name: "another school's admin",
            token: &stranger,
            needs: Some(4),
        },
    ];
    let mut fetched = 0usize;
    let mut checks = 0usize;
    for combination in combinations() {
        let visibility: Vec<(String, String)> = combination
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect();
        let body = json!({
            "title": VALUES[0].1, "display_name": VALUES[1].1, "phone": VALUES[3].1,
            "phone2": VALUES[4].1, "address": VALUES[5].1, "language": VALUES[6].1,
            "about": VALUES[7].1,
            "visibility": visibility.iter().map(|(f, v)| json!({"field": f, "visibility": v})).collect::<Vec<_>>(),
        });
        let saved = app.put_json("/api/profile", &cast.parent, body).await;
        assert_eq!(saved.status(), 200);
        let saved: Value = saved.json().await.unwrap();
        let shown_to = |field: &str| {
            saved["visibility"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["field"] == field)
                .map(|v| rank(v["visibility"].as_str().unwrap()))
                .unwrap()
        };
        let children: Vec<String> = saved["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect();
        // A field shown only alongside the name: hidden name, hidden everything.
        let name_rank = shown_to("name");
        for role in &roles {
            let forbidden: Vec<(&str, String)> = match role.needs {
                None => Vec::new(),
                Some(needs) => {
                    let mut forbidden: Vec<(&str, String)> = VALUES
                        .iter()
                        .filter(|(field, _)| shown_to(field) < needs || name_rank < needs)
                        .map(|(field, value)| (*field, value.to_string()))
                        .collect();
                    // Teachers know the children in their classes whatever she
                    // chooses; what the toggle hides is who her children are
                    // from other families and other schools.
                    if needs >= 2 && (shown_to("children") < needs || name_rank < needs) {
                        forbidden.extend(children.iter().map(|c| ("children", c.clone())));
                    }
                    forbidden
                }
            };
            for url in &urls {
                let response = app.get(url, Some(role.token)).await;
                let status = response.status();
                let bytes = response.bytes().await.unwrap();
                let text = String::from_utf8_lossy(&bytes);
                fetched += 1;
                for (field, value) in &forbidden {
                    checks += 1;
                    assert!(
                        !text.contains(value.as_str()),
                        "{} got her {field} ({value}) from GET {url} ({status}) with {:?}",
                        role.name,
                        combination
                    );
                }
            }
        }
    }
    println!(
        "privacy scan: {} GET endpoints × {} roles = {} (endpoint × role) pairs; {} requests, {} value checks over {} toggle combinations",
        paths.len(),
        roles.len(),
        paths.len() * roles.len(),
        fetched,
        checks,
        combinations().len()
    );
}
