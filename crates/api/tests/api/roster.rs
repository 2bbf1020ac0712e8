//! Roster import over HTTP and from the command line: preview, apply,
//! problems by line, the size limit, a stale preview, and what removing
//! people (and classes) does to their bookings and evenings.

use std::time::Duration;

use crate::helpers::{error_of, evening_input, slot_start, spawn_app, TestApp, PASSWORD};
use confero_api::demo;
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/roster");
const ADMIN: &str = "office@riverside.example";
const ADMIN_PASSWORD: &str = "riverside-admin-password";

fn sample(name: &str) -> String {
    std::fs::read_to_string(format!("{SAMPLES}/{name}.csv")).expect("sample file")
}

/// A new school whose first admin is the samples' admin; returns its id and the admin's token.
pub async fn riverside(app: &TestApp) -> (i64, String) {
    let (school, _) = confero_api::cli::create_school(
        &app.db,
        "Riverside Primary",
        "Europe/London",
        ADMIN,
        "Raj",
        "Iyer",
        Some(ADMIN_PASSWORD.into()),
    )
    .await
    .expect("school");
    (school, app.token(ADMIN, ADMIN_PASSWORD).await)
}

fn form(files: &[(&str, String)], token: Option<&str>) -> Form {
    let mut form = Form::new();
    for (name, text) in files {
        form = form.part(
            name.to_string(),
            Part::bytes(text.clone().into_bytes()).file_name(format!("{name}.csv")),
        );
    }
    if let Some(token) = token {
        form = form.text("token", token.to_owned());
    }
    form
}

pub fn all_samples() -> Vec<(&'static str, String)> {
    ["students", "guardians", "staff", "classes"]
        .into_iter()
        .map(|name| (name, sample(name)))
        .collect()
}

async fn upload(app: &TestApp, path: &str, token: &str, form: Form) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("sent")
}

/// Previews and applies; returns the applied preview.
pub async fn import(app: &TestApp, admin: &str, files: &[(&str, String)]) -> Value {
    let preview = upload(app, "/api/roster/preview", admin, form(files, None)).await;
    assert_eq!(preview.status(), 200);
    let preview: Value = preview.json().await.unwrap();
    let applied = upload(
        app,
        "/api/roster/apply",
        admin,
        form(files, preview["token"].as_str()),
    )
    .await;
    assert_eq!(applied.status(), 200);
    applied.json().await.unwrap()
}

#[tokio::test]
async fn the_samples_import_into_a_new_school_and_importing_again_changes_nothing() {
    let app = spawn_app().await;
    let (school, admin) = riverside(&app).await;
    let preview: Value = upload(
        &app,
        "/api/roster/preview",
        &admin,
        form(&all_samples(), None),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(preview["students"]["added"].as_array().unwrap().len(), 12);
    assert_eq!(preview["classes"]["added"].as_array().unwrap().len(), 5);
    assert!(preview["token"].as_str().unwrap().len() == 64);
    // The dry run changed nothing.
    let students: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students WHERE school_id = $1")
        .bind(school)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(students, 0);
    let applied = upload(
        &app,
        "/api/roster/apply",
        &admin,
        form(&all_samples(), preview["token"].as_str()),
    )
    .await;
    assert_eq!(applied.status(), 200);
    let people = app.json("/api/people?per_page=100", &admin).await;
    assert_eq!(
        people["total"], 16,
        "the samples' staff and guardians, the admin among them"
    );
    let again: Value = upload(
        &app,
        "/api/roster/preview",
        &admin,
        form(&all_samples(), None),
    )
    .await
    .json()
    .await
    .unwrap();
    for kind in ["students", "guardians", "staff", "classes"] {
        for change in ["added", "updated", "removed"] {
            assert_eq!(
                again[kind][change].as_array().unwrap().len(),
                0,
                "{kind} {change}"
            );
        }
    }
    // Recorded for the audit.
    let log = app.json("/api/audit", &admin).await;
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "roster_import"));
}

#[tokio::test]
async fn problems_come_back_by_file_line_and_column_and_nothing_changes() {
    let app = spawn_app().await;
    let (school, admin) = riverside(&app).await;
    let guardians = sample("guardians").replacen("asha.patel@example.net", "not-an-email", 1);
    let mut files = all_samples();
    files[1] = ("guardians", guardians);
    let response = upload(&app, "/api/roster/preview", &admin, form(&files, None)).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_roster");
    let problem = &body["report"]["errors"][0];
    assert_eq!(problem["file"], "guardians.csv");
    assert_eq!(problem["line"], 2);
    assert_eq!(problem["column"], "Email");
    // Applying is refused the same way, token or not.
    let response = upload(
        &app,
        "/api/roster/apply",
        &admin,
        form(&files, Some("whatever")),
    )
    .await;
    assert_eq!(response.status(), 422);
    let students: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students WHERE school_id = $1")
        .bind(school)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(students, 0);
    // Not a roster field, and not multipart at all.
    let odd = upload(
        &app,
        "/api/roster/preview",
        &admin,
        form(&[("pupils", sample("students"))], None),
    )
    .await;
    assert_eq!(error_of(odd).await.2.as_deref(), Some("pupils"));
    let raw = app
        .post_json("/api/roster/preview", &admin, json!({}))
        .await;
    assert_eq!(raw.status(), 422);
}

#[tokio::test]
async fn a_file_over_twenty_mebibytes_is_refused_with_413() {
    let app = spawn_app().await;
    let (_, admin) = riverside(&app).await;
    let mut big = sample("students");
    while big.len() <= 20 * 1024 * 1024 {
        big.push_str("S9,Filler,Line,7\n");
    }
    let response = upload(
        &app,
        "/api/roster/preview",
        &admin,
        form(&[("students", big)], None),
    )
    .await;
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn applying_a_preview_that_no_longer_holds_is_refused() {
    let app = spawn_app().await;
    let (_, admin) = riverside(&app).await;
    import(&app, &admin, &all_samples()).await;
    let students = sample("students").replace("Noah,Patel", "Noah,Patel-Rao");
    let files = vec![("students", students)];
    let preview: Value = upload(&app, "/api/roster/preview", &admin, form(&files, None))
        .await
        .json()
        .await
        .unwrap();
    // Meanwhile someone else imports a different change.
    let other = sample("students").replace("Leo,Martin", "Leon,Martin");
    import(&app, &admin, &[("students", other)]).await;
    let stale = upload(
        &app,
        "/api/roster/apply",
        &admin,
        form(&files, preview["token"].as_str()),
    )
    .await;
    let (status, code, _) = error_of(stale).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "roster_changed"));
    // Without a token nothing is applied either.
    let tokenless = upload(&app, "/api/roster/apply", &admin, form(&files, None)).await;
    assert_eq!(error_of(tokenless).await.2.as_deref(), Some("token"));
}

#[tokio::test]
async fn only_admins_import() {
    let app = spawn_app().await;
    app.seed_demo().await;
    for email in [demo::TEACHER_EMAIL, demo::PARENT_EMAIL] {
        let token = app.token(email, PASSWORD).await;
        let response = upload(
            &app,
            "/api/roster/preview",
            &token,
            form(&all_samples(), None),
        )
        .await;
        assert_eq!(response.status(), 403, "{email}");
    }
}

/// A published evening at Riverside with every teacher, open now.
async fn riverside_evening(app: &TestApp, admin: &str) -> i64 {
    let day = (app.clock_now() + chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let opens = (app.clock_now() - chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let closes = (app.clock_now() + chrono::Duration::days(9))
        .format("%Y-%m-%dT%H:%M")
        .to_string();
    let created: Value = app
        .post_json(
            "/api/evenings",
            admin,
            json!({"name": "Riverside evening", "sessions": [{"date": day, "start": "16:00", "end": "18:00"}],
                   "slot_minutes": 10, "booking_opens_at": opens, "booking_closes_at": closes,
                   "cancel_until": closes, "mode": "in_person"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = created["id"].as_i64().unwrap();
    app.put_json(
        &format!("/api/evenings/{id}/status"),
        admin,
        json!({"status": "published"}),
    )
    .await;
    id
}

/// Asha Patel (G2001, the samples' first guardian) with a password, signed in.
async fn asha_signed_in(app: &TestApp) -> String {
    let (_, asha) = app.person_id("asha.patel@example.net").await;
    let hash = confero_api::auth::password::hash("asha's long passphrase").unwrap();
    let mut conn = app.db.writer.acquire().await.unwrap();
    sqlx::query("UPDATE people SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(asha)
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    app.token("asha.patel@example.net", "asha's long passphrase")
        .await
}

#[tokio::test]
async fn removing_a_guardian_cancels_their_booking_frees_the_slot_and_tells_the_teacher() {
    let app = spawn_app().await;
    let (_, admin) = riverside(&app).await;
    import(&app, &admin, &all_samples()).await;
    let evening = riverside_evening(&app, &admin).await;
    // Asha Patel (G2001) gets an account and books for Noah (S1001).
    let parent = asha_signed_in(&app).await;
    let me = app.json("/api/me", &parent).await;
    let noah = me["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["given_name"] == "Noah")
        .unwrap()
        .clone();
    let teacher_name = noah["teachers"][0]["teacher_name"]
        .as_str()
        .unwrap()
        .to_owned();
    let grid = app.slots(evening, &parent).await;
    let teacher = grid
        .iter()
        .find(|c| c["teacher_name"] == teacher_name.as_str())
        .unwrap()["teacher_id"]
        .as_i64()
        .unwrap();
    let start = slot_start(&grid, teacher, 2);
    let booked = app
        .book(
            evening,
            &parent,
            teacher,
            noah["id"].as_i64().unwrap(),
            &start,
        )
        .await;
    assert_eq!(booked.status(), 201);
    let booking: Value = booked.json().await.unwrap();

    // The next export leaves Asha out.
    let guardians: String = sample("guardians")
        .lines()
        .filter(|line| !line.starts_with("G2001,"))
        .map(|line| format!("{line}\n"))
        .collect();
    let applied = import(&app, &admin, &[("guardians", guardians)]).await;
    assert_eq!(applied["cancelled_bookings"], 1);
    let after = app
        .json(&format!("/api/bookings/{}", booking["id"]), &admin)
        .await;
    assert_eq!(after["status"], "cancelled");
    let grid = app.slots(evening, &admin).await;
    assert_eq!(
        crate::helpers::slot_state(&grid, teacher, &start)["state"],
        "free"
    );
    assert_eq!(app.me(&parent).await.status(), 401, "Asha's sessions ended");
    // The teacher and Asha are told.
    let teacher_email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(teacher)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    for to in [teacher_email.as_str(), "asha.patel@example.net"] {
        let told: Option<String> = sqlx::query_scalar(
            "SELECT subject FROM outbox WHERE to_email = $1 AND kind = 'booking_cancelled'",
        )
        .bind(to)
        .fetch_optional(&app.db.pool)
        .await
        .unwrap();
        assert!(
            told.is_some_and(|s| s.starts_with("Cancelled:")),
            "{to} was not told"
        );
    }
}

#[tokio::test]
async fn the_operator_imports_from_the_command_line() {
    let app = spawn_app().await;
    let (school, _) = riverside(&app).await;
    let run = |apply: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_confero-api"));
        command
            .args([
                "roster",
                "import",
                "--school",
                &school.to_string(),
                "--dir",
                SAMPLES,
            ])
            .env("CONFERO_DATABASE_URL", &app.database_url)
            .env("CONFERO_LOG", "warn");
        if apply {
            command.arg("--apply");
        }
        command.output().expect("the CLI runs")
    };
    let dry = run(false);
    assert!(
        dry.status.success(),
        "{}",
        String::from_utf8_lossy(&dry.stderr)
    );
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(text.contains("students       12 added"), "{text}");
    assert!(text.contains("Dry run"), "{text}");
    let applied = run(true);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let students: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students WHERE school_id = $1")
        .bind(school)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(students, 12);
    // A bad file: every problem on its own line, and a failure exit.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("students.csv"),
        "Student ID,Given Name\nS1,Ann\n",
    )
    .unwrap();
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_confero-api"))
        .args(["roster", "import", "--school", &school.to_string(), "--dir"])
        .arg(dir.path())
        .env("CONFERO_DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("students.csv line 1"));
    tokio::time::sleep(Duration::from_millis(10)).await;
}

#[tokio::test]
async fn a_pupil_who_leaves_takes_their_bookings_with_them_and_everyone_is_told() {
    let app = spawn_app().await;
    let (_, admin) = riverside(&app).await;
    import(&app, &admin, &all_samples()).await;
    let evening = riverside_evening(&app, &admin).await;
    let noah: i64 = sqlx::query_scalar("SELECT id FROM students WHERE sis_id = 'S1001'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let teacher: i64 = sqlx::query_scalar(
        "SELECT c.teacher_id FROM classes c JOIN enrolments e ON e.class_id = c.id WHERE e.student_id = $1 LIMIT 1",
    )
    .bind(noah)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let grid = app.slots(evening, &admin).await;
    let start = slot_start(&grid, teacher, 0);
    assert_eq!(
        app.book(evening, &admin, teacher, noah, &start)
            .await
            .status(),
        201
    );
    let without_noah: Vec<(&str, String)> = all_samples()
        .into_iter()
        .map(|(name, text)| {
            let kept: String = text
                .lines()
                .filter(|line| !line.split(',').any(|field| field == "S1001"))
                .map(|line| format!("{line}\n"))
                .collect();
            (name, kept)
        })
        .collect();
    let applied = import(&app, &admin, &without_noah).await;
    assert_eq!(applied["cancelled_bookings"], 1);
    assert_eq!(applied["preview"]["students"]["removed"][0]["key"], "S1001");
    let grid = app.slots(evening, &admin).await;
    assert_eq!(
        crate::helpers::slot_state(&grid, teacher, &start)["state"],
        "free"
    );
    // The family was told while they were still on the roster, and the teacher too.
    let told: Vec<String> = sqlx::query_scalar(
        "SELECT to_email FROM outbox WHERE kind = 'booking_cancelled' ORDER BY to_email",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert!(
        told.iter().any(|to| to == "asha.patel@example.net"),
        "{told:?}"
    );
    let teacher_email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(teacher)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(told.contains(&teacher_email), "{told:?}");
}

#[tokio::test]
async fn an_evening_whose_only_class_leaves_the_roster_is_for_no_one_not_everyone() {
    let app = spawn_app().await;
    let (_, admin) = riverside(&app).await;
    import(&app, &admin, &all_samples()).await;
    let evening = riverside_evening(&app, &admin).await;
    let english: i64 = sqlx::query_scalar("SELECT id FROM classes WHERE name = '7A/En'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let path = format!("/api/evenings/{evening}");
    let mut input = evening_input(&app, &admin, evening).await;
    input["year_groups"] = json!([]);
    input["class_ids"] = json!([english]);
    assert_eq!(app.put_json(&path, &admin, input).await.status(), 200);
    // Asha Patel: Noah (S1001) is in 7A/En, her other child is not.
    let parent = asha_signed_in(&app).await;
    assert_eq!(app.get(&path, Some(&parent)).await.status(), 200);

    // The next export drops 7A/En (Noah stays, in 7A/Ma).
    let without_english: Vec<(&str, String)> = all_samples()
        .into_iter()
        .map(|(name, text)| {
            let kept: String = text
                .lines()
                .filter(|line| name != "classes" || !line.starts_with("7A/En,"))
                .map(|line| format!("{line}\n"))
                .collect();
            (name, kept)
        })
        .collect();
    import(&app, &admin, &without_english).await;
    let seen = app.json(&path, &admin).await;
    assert_eq!(seen["audience"]["classes"], json!([]), "{seen}");
    assert_eq!(seen["audience"]["restricted"], true, "{seen}");
    // Closed, not opened to the whole school: Asha no longer sees it at all.
    assert_eq!(app.get(&path, Some(&parent)).await.status(), 404);
    let hers = app.json("/api/evenings", &parent).await;
    assert!(
        hers.as_array().unwrap().iter().all(|e| e["id"] != evening),
        "{hers}"
    );
    // Saving it again for a year group opens it to that year only.
    let mut input = evening_input(&app, &admin, evening).await;
    input["year_groups"] = json!(["7"]);
    input["class_ids"] = json!([]);
    let saved = app.put_json(&path, &admin, input).await;
    assert_eq!(saved.status(), 200);
    assert_eq!(app.get(&path, Some(&parent)).await.status(), 200);
}

async fn id_of(app: &TestApp, sql: &str, key: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(key)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pupil_who_moves_out_of_an_evenings_year_group_loses_the_appointment_and_the_preview_says_so_first(
) {
    let app = spawn_app().await;
    let (_, admin) = riverside(&app).await;
    import(&app, &admin, &all_samples()).await;
    let evening = riverside_evening(&app, &admin).await;
    let path = format!("/api/evenings/{evening}");
    let mut input = evening_input(&app, &admin, evening).await;
    input["year_groups"] = json!(["7"]);
    input["class_ids"] = json!([]);
    assert_eq!(app.put_json(&path, &admin, input).await.status(), 200);
    let student = "SELECT id FROM students WHERE sis_id = $1";
    let (noah, leo) = (
        id_of(&app, student, "S1001").await,
        id_of(&app, student, "S1002").await,
    );
    let teacher = "SELECT teacher_id FROM classes WHERE name = $1";
    let (english, maths) = (
        id_of(&app, teacher, "7A/En").await,
        id_of(&app, teacher, "7A/Ma").await,
    );
    // Asha books Noah (Year 7) with his English teacher and waits for his
    // Maths teacher; the office books Leo (Year 7, staying) too.
    let parent = asha_signed_in(&app).await;
    let grid = app.slots(evening, &parent).await;
    let noahs = app
        .book(
            evening,
            &parent,
            english,
            noah,
            &slot_start(&grid, english, 1),
        )
        .await;
    assert_eq!(noahs.status(), 201);
    let noahs: Value = noahs.json().await.unwrap();
    let leos = app
        .book(
            evening,
            &admin,
            english,
            leo,
            &slot_start(&grid, english, 2),
        )
        .await;
    assert_eq!(leos.status(), 201);
    let leos: Value = leos.json().await.unwrap();
    let waiting = app
        .post_json(
            &format!("{path}/waitlist"),
            &parent,
            json!({"teacher_id": maths, "student_id": noah}),
        )
        .await;
    assert!(waiting.status().is_success(), "{}", waiting.status());
    let offered: String = sqlx::query_scalar("SELECT status FROM waitlist WHERE student_id = $1")
        .bind(noah)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(offered, "offered", "a free time is held for Noah at once");

    // The next export has Noah in Year 8: the evening is no longer for him.
    let moved = vec![(
        "students",
        sample("students").replace("S1001,Noah,Patel,7", "S1001,Noah,Patel,8"),
    )];
    let preview: Value = upload(&app, "/api/roster/preview", &admin, form(&moved, None))
        .await
        .json()
        .await
        .unwrap();
    let told_first = json!({"pupils_leaving": 0, "carers_leaving": 0, "teachers_leaving": 0, "no_longer_invited": 1});
    assert_eq!(preview["cancels"], told_first, "{preview}");
    let status = |id: &Value| format!("/api/bookings/{id}");
    assert_eq!(
        app.json(&status(&noahs["id"]), &admin).await["status"],
        "booked",
        "the preview changed nothing"
    );
    let applied = import(&app, &admin, &moved).await;
    assert_eq!(applied["cancelled_bookings"], 1, "{applied}");
    assert_eq!(applied["preview"]["cancels"], told_first);
    assert_eq!(
        app.json(&status(&noahs["id"]), &admin).await["status"],
        "cancelled"
    );
    assert_eq!(
        app.json(&status(&leos["id"]), &admin).await["status"],
        "booked",
        "Leo is still in Year 7"
    );
    // Off the waiting list too: the time held for Noah is free again.
    let (wait, held): (String, i64) =
        sqlx::query_as("SELECT status, booking_id FROM waitlist WHERE student_id = $1")
            .bind(noah)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(wait, "left");
    let held: String = sqlx::query_scalar("SELECT status FROM bookings WHERE id = $1")
        .bind(held)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(held, "cancelled", "the offer's hold is released");
    // The audit line counts the withdrawn offer beside the cancelled booking.
    let log = app.json("/api/audit", &admin).await;
    let line = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "roster_import")
        .unwrap()["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        line.ends_with("; 1 bookings cancelled; 1 waiting-list offers withdrawn"),
        "{line}"
    );
    // What the import decided agrees with the rule the API enforces.
    let mut conn = app.db.pool.acquire().await.unwrap();
    let outside = confero_api::storage::audiences::booked_outside(&mut conn, evening)
        .await
        .unwrap();
    assert!(outside.is_empty(), "{outside:?}");
    drop(conn);
    // Asha is told why, of the appointment and of the time held for her; the
    // Maths teacher, who never had that time booked, is not.
    for _ in 0..100 {
        let waiting: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE expanded_at IS NULL")
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        if waiting == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let told = |to: String| {
        let pool = app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT text_body FROM outbox WHERE to_email = $1 AND kind = 'booking_cancelled' ORDER BY id",
            )
            .bind(to)
            .fetch_all(&pool)
            .await
            .unwrap()
        }
    };
    let bodies = told("asha.patel@example.net".to_owned()).await;
    assert_eq!(bodies.len(), 2, "{bodies:?}");
    assert!(
        bodies[0].contains("no longer in a year group or class the evening is for"),
        "{bodies:?}"
    );
    assert!(
        bodies[1].contains("time held for you from the waiting list is released"),
        "{bodies:?}"
    );
    let maths_email: String = sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(maths)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(told(maths_email).await, Vec::<String>::new());
}
