//! `spawn_app()` and a `TestApp` with one method per endpoint.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::Utc;
use confero_api::clock::ManualClock;
use confero_api::config::Config;
use confero_api::storage::Db;
use confero_api::{demo, Application};
use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection as _;

/// The demo password.
pub const PASSWORD: &str = demo::PASSWORD;

/// The Trunk-like loader script the fake SPA build carries.
pub const INLINE_LOADER: &str =
    "import init from '/confero-web-0123456789abcdef.js';\nawait init();";

/// The staff build's loader in the fake build (`staff/index.html`).
pub const STAFF_LOADER: &str =
    "import init from '/staff/confero-staff-fedcba9876543210.js';\nawait init();";

/// Every log line written by any test in this binary.
pub fn captured_logs() -> String {
    let buffer = log_buffer().lock().unwrap_or_else(|e| e.into_inner());
    String::from_utf8_lossy(&buffer).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

#[derive(Clone)]
struct BufferWriter;

impl Write for BufferWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        log_buffer()
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        // Verbose on purpose: secrets must stay out even of debug lines.
        let _ = tracing_subscriber::fmt()
            .with_env_filter("debug,hyper=info,hyper_util=info,reqwest=info")
            .with_writer(|| BufferWriter)
            .try_init();
    });
}

/// A running server and a client for it.
pub struct TestApp {
    pub addr: SocketAddr,
    pub database_url: String,
    pub client: Client,
    pub clock: ManualClock,
    pub db: Db,
    pub static_dir: tempfile::TempDir,
    _data_dir: tempfile::TempDir,
}

/// Starts the API with the default configuration.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the API after letting the test adjust the configuration.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    init_logs();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let static_dir = fake_spa_build();
    let database_url = match std::env::var("CONFERO_TEST_POSTGRES_URL") {
        Ok(admin_url) if !admin_url.is_empty() => fresh_postgres_database(&admin_url).await,
        _ => format!("sqlite://{}/confero.db", data_dir.path().display()),
    };
    let mut config = Config {
        bind: "127.0.0.1:0".parse().expect("address"),
        static_dir: static_dir.path().to_owned(),
        ..Config::with_database(database_url)
    };
    adjust(&mut config);
    let database_url = config.database_url.clone();
    let clock = ManualClock::new(Utc::now());
    let app = Application::build(config, Arc::new(clock.clone()))
        .await
        .expect("the app builds");
    let addr = app.local_addr();
    let db = app.db().clone();
    tokio::spawn(app.run_until(std::future::pending()));
    TestApp {
        addr,
        database_url,
        client: Client::builder().build().expect("client"),
        clock,
        db,
        static_dir,
        _data_dir: data_dir,
    }
}

/// A second API process on the first one's database.
pub async fn spawn_app_sharing(first: &TestApp) -> TestApp {
    let url = first.database_url.clone();
    spawn_app_with(move |config| config.database_url = url).await
}

/// A stand-in for the built `dist/`: the parent build's index with an inline
/// module loader, a hashed script (and its precompressed `.br` twin), a
/// manifest, the service worker template, and the staff build in `staff/`.
fn fake_spa_build() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = format!(
        "<!DOCTYPE html><html><head><script type=\"module\">{INLINE_LOADER}</script>\
         <link rel=\"manifest\" href=\"/manifest.webmanifest\"></head><body></body></html>"
    );
    std::fs::write(dir.path().join("index.html"), index).expect("write index");
    std::fs::write(
        dir.path().join("confero-web-0123456789abcdef.js"),
        "export default function init() {}",
    )
    .expect("write js");
    // Not real brotli: the server must send the stored bytes as they are.
    std::fs::write(
        dir.path().join("confero-web-0123456789abcdef.js.br"),
        "stored brotli bytes",
    )
    .expect("write js.br");
    let staff = dir.path().join("staff");
    std::fs::create_dir(&staff).expect("staff dir");
    std::fs::write(
        staff.join("index.html"),
        format!("<!DOCTYPE html><html><head><script type=\"module\">{STAFF_LOADER}</script></head></html>"),
    )
    .expect("write staff index");
    std::fs::write(
        staff.join("confero-staff-fedcba9876543210.js"),
        "export default function init() {}",
    )
    .expect("write staff js");
    std::fs::write(
        dir.path().join("manifest.webmanifest"),
        "{\"name\":\"Confero\"}",
    )
    .expect("write manifest");
    let sw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../public/sw.js"))
        .expect("public/sw.js exists");
    std::fs::write(dir.path().join("sw.js"), sw).expect("write sw");
    dir
}

async fn fresh_postgres_database(admin_url: &str) -> String {
    let name = format!("confero_test_{}", uuid_like());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to the PostgreSQL test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create database");
    let _ = admin.close().await;
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("the admin URL ends with /DATABASE");
    format!("{base}/{name}")
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}_{}_{}",
        std::process::id(),
        Utc::now().timestamp_micros(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Seeds the demo school and returns its id.
    pub async fn seed_demo(&self) -> i64 {
        demo::seed(&self.db, Utc::now().timestamp())
            .await
            .expect("demo seeds")
            .school_id
    }

    /// Creates a second school with one admin (`admin@other.test`, password `other-password`).
    pub async fn seed_other_school(&self) -> i64 {
        confero_api::cli::create_school(
            &self.db,
            "Riverside Primary",
            "America/New_York",
            "admin@other.test",
            "Rosa",
            "Diaz",
            Some("other-password".into()),
        )
        .await
        .expect("second school")
        .0
    }

    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("request sent")
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn raw_post(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        self.client
            .post(self.url(path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Response {
        self.request(
            Method::POST,
            "/api/session",
            None,
            Some(serde_json::json!({"email": email, "password": password})),
        )
        .await
    }

    /// Signs in and returns the token, failing the test otherwise.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let response = self.sign_in(email, password).await;
        assert_eq!(response.status(), StatusCode::CREATED, "sign in as {email}");
        let body: Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }

    pub async fn sign_out(&self, token: &str) -> Response {
        self.request(Method::DELETE, "/api/session", Some(token), None)
            .await
    }

    pub async fn me(&self, token: &str) -> Response {
        self.get("/api/me", Some(token)).await
    }

    pub async fn change_password(&self, token: &str, current: &str, new: &str) -> Response {
        let body = serde_json::json!({"current_password": current, "new_password": new});
        self.request(Method::PUT, "/api/me/password", Some(token), Some(body))
            .await
    }

    /// The id of a person by email, through the storage layer.
    pub async fn person_id(&self, email: &str) -> (i64, i64) {
        let login = confero_api::storage::people::find_login(&self.db, email)
            .await
            .expect("query")
            .expect("exists");
        (login.school_id, login.id)
    }
}

/// Asserts the one error shape and returns `(code, field)`.
pub async fn error_of(response: Response) -> (StatusCode, String, Option<String>) {
    let status = response.status();
    let body: Value = response.json().await.expect("an error body is JSON");
    let error = body
        .get("error")
        .unwrap_or_else(|| panic!("no `error` in {body}"));
    let code = error["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {body}"))
        .to_owned();
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "no message in {body}"
    );
    (
        status,
        code,
        error
            .get("field")
            .and_then(Value::as_str)
            .map(str::to_owned),
    )
}

impl TestApp {
    /// The server's idea of now.
    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use confero_api::clock::Clock as _;
        self.clock.now()
    }
}

impl TestApp {
    pub async fn post_json(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    pub async fn put_json(&self, path: &str, token: &str, body: Value) -> Response {
        self.request(Method::PUT, path, Some(token), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.request(Method::DELETE, path, Some(token), None).await
    }

    /// A JSON GET without a session.
    pub async fn json_public(&self, path: &str) -> Value {
        let response = self.get(path, None).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    pub async fn json(&self, path: &str, token: &str) -> Value {
        let response = self.get(path, Some(token)).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("json")
    }

    /// The demo evening's id (the demo school must be seeded).
    pub async fn demo_evening(&self, token: &str) -> i64 {
        let evenings = self.json("/api/evenings", token).await;
        evenings[0]["id"].as_i64().expect("the demo evening")
    }

    /// The slot grid of an evening.
    pub async fn slots(&self, evening: i64, token: &str) -> Vec<Value> {
        self.json(&format!("/api/evenings/{evening}/slots"), token)
            .await
            .as_array()
            .expect("grid")
            .clone()
    }

    /// Books and returns the response.
    pub async fn book(
        &self,
        evening: i64,
        token: &str,
        teacher: i64,
        student: i64,
        start: &str,
    ) -> Response {
        let body =
            serde_json::json!({"teacher_id": teacher, "student_id": student, "start": start});
        self.post_json(&format!("/api/evenings/{evening}/bookings"), token, body)
            .await
    }
}

/// A family as the demo parent sees it: her children and, for each, their teachers' ids.
pub struct Family {
    pub token: String,
    pub children: Vec<(i64, Vec<i64>)>,
}

impl TestApp {
    /// Signs in as a guardian and works out which teacher ids teach which child,
    /// from the evening's teacher list and the child's teacher names.
    pub async fn family(&self, email: &str, evening: i64) -> Family {
        let token = self.token(email, PASSWORD).await;
        let me = self.json("/api/me", &token).await;
        let teachers =
            self.json(&format!("/api/evenings/{evening}"), &token).await["teachers"].clone();
        let id_of = |name: &str| {
            teachers
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == name)
                .and_then(|t| t["id"].as_i64())
        };
        let children = me["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|child| {
                let ids = child["teachers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|t| id_of(t["teacher_name"].as_str().unwrap()))
                    .collect();
                (child["id"].as_i64().unwrap(), ids)
            })
            .collect();
        Family { token, children }
    }
}

/// The first guardian (by email) of each demo family, in family order, read
/// from the guardians export.
pub async fn family_emails(app: &TestApp) -> Vec<String> {
    let admin = app.token(confero_api::demo::ADMIN_EMAIL, PASSWORD).await;
    let csv = app
        .get("/api/guardians.csv", Some(&admin))
        .await
        .text()
        .await
        .unwrap();
    let mut by_family: std::collections::BTreeMap<usize, String> =
        std::collections::BTreeMap::new();
    for record in csv::Reader::from_reader(csv.as_bytes()).records() {
        let email = record.unwrap()[1].to_owned();
        let Some(local) = email.strip_suffix("@families.demo.confero.test") else {
            continue;
        };
        let family: usize = local.rsplit('.').next().unwrap().parse().unwrap();
        let entry = by_family.entry(family).or_insert_with(|| email.clone());
        if email < *entry {
            *entry = email;
        }
    }
    by_family.into_values().collect()
}

/// The start of a teacher's `n`th slot in a grid.
pub fn slot_start(grid: &[Value], teacher: i64, n: usize) -> String {
    let column = grid
        .iter()
        .find(|c| c["teacher_id"] == teacher)
        .expect("teacher column");
    column["slots"][n]["start"]
        .as_str()
        .expect("slot")
        .to_owned()
}

/// A slot's state in a grid.
pub fn slot_state(grid: &[Value], teacher: i64, start: &str) -> Value {
    let column = grid
        .iter()
        .find(|c| c["teacher_id"] == teacher)
        .expect("teacher column");
    column["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["start"] == start)
        .expect("slot")
        .clone()
}

/// The API binary in a process of its own, on an SQLite file that outlives
/// it: for measuring its memory, and for killing it mid-work and starting it
/// again on the same data.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
    pub database_url: String,
    env: Vec<(String, String)>,
    _dir: std::sync::Arc<tempfile::TempDir>,
}

impl ServerProcess {
    /// Starts `confero-api serve --demo` with these extra environment variables.
    pub async fn start(env: &[(&str, &str)]) -> ServerProcess {
        let dir = std::sync::Arc::new(tempfile::tempdir().expect("temp dir"));
        let database_url = format!("sqlite://{}/server.db", dir.path().display());
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::launch(dir, database_url, env).await
    }

    /// Kills the process at once, as a crash would (SIGKILL).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same database and port.
    pub async fn restart(mut self) -> ServerProcess {
        self.kill();
        let dir = self._dir.clone();
        let (url, env) = (self.database_url.clone(), self.env.clone());
        Self::launch(dir, url, env).await
    }

    async fn launch(
        dir: std::sync::Arc<tempfile::TempDir>,
        database_url: String,
        env: Vec<(String, String)>,
    ) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("a free port")
            .local_addr()
            .expect("addr")
            .port();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_confero-api"))
            .args(["serve", "--demo"])
            .env("CONFERO_DATABASE_URL", &database_url)
            .env("CONFERO_BIND", format!("127.0.0.1:{port}"))
            .env("CONFERO_STATIC_DIR", dir.path().join("no-spa"))
            .env("CONFERO_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the API binary starts");
        let base = format!("http://127.0.0.1:{port}");
        let client = Client::new();
        for _ in 0..400 {
            if client
                .get(format!("{base}/api/health"))
                .send()
                .await
                .is_ok()
            {
                return ServerProcess {
                    child,
                    base,
                    database_url,
                    env,
                    _dir: dir,
                };
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server did not come up");
    }

    /// Signs in as a demo account and returns the token.
    pub async fn token(&self, email: &str) -> String {
        let response = Client::new()
            .post(format!("{}/api/session", self.base))
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), StatusCode::CREATED, "sign in as {email}");
        let body: Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_owned()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

impl TestApp {
    /// Every row of every table (but those named in `except`) as text,
    /// table by table, each table's rows sorted: to compare before and after,
    /// or to search for a value anywhere in the database.
    pub async fn dump_database(&self, except: &[&str]) -> Vec<(String, Vec<String>)> {
        let sqlite = self.database_url.starts_with("sqlite");
        let tables: Vec<String> = if sqlite {
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
        } else {
            sqlx::query_scalar(
                "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
                  WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
            )
        }
        .fetch_all(&self.db.pool)
        .await
        .expect("tables");
        let mut dump = Vec::new();
        // The migrations' bookkeeping holds checksums, not data.
        for table in tables
            .into_iter()
            .filter(|t| t != "_sqlx_migrations" && !except.contains(&t.as_str()))
        {
            let columns: Vec<String> = if sqlite {
                sqlx::query_scalar("SELECT name FROM pragma_table_info($1) ORDER BY cid")
            } else {
                sqlx::query_scalar(
                    "SELECT CAST(column_name AS TEXT) FROM information_schema.columns
                      WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
            }
            .bind(&table)
            .fetch_all(&self.db.pool)
            .await
            .expect("columns");
            let row = columns
                .iter()
                .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '∅')"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let mut rows: Vec<String> =
                sqlx::query_scalar(&format!("SELECT {row} FROM \"{table}\""))
                    .fetch_all(&self.db.pool)
                    .await
                    .unwrap_or_else(|e| panic!("dump {table}: {e}"));
            rows.sort();
            dump.push((table, rows));
        }
        dump
    }
}

/// Every way to fill a path's `{…}` parameters from `ids`: an OpenAPI path
/// turned into the URLs a scan requests.
pub fn fill_path(path: &str, ids: &std::collections::BTreeSet<String>) -> Vec<String> {
    match path.find('{') {
        None => vec![path.to_owned()],
        Some(open) => {
            let close = open + path[open..].find('}').expect("a closing brace");
            ids.iter()
                .flat_map(|id| {
                    fill_path(&format!("{}{id}{}", &path[..open], &path[close + 1..]), ids)
                })
                .collect()
        }
    }
}

/// A person's email, read from the database (to sign in as a given teacher).
pub async fn email_of_teacher(app: &TestApp, _admin: &str, person_id: i64) -> String {
    sqlx::query_scalar("SELECT email FROM people WHERE id = $1")
        .bind(person_id)
        .fetch_one(&app.db.pool)
        .await
        .expect("the person")
}

/// Who the outbox's messages whose subject starts with `subject` are to, in order.
pub async fn outbox_to(app: &TestApp, subject: &str) -> Vec<String> {
    use sqlx::Row as _;
    sqlx::query("SELECT to_email, subject FROM outbox ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
        .iter()
        .filter(|row| {
            row.try_get::<String, _>("subject")
                .unwrap()
                .starts_with(subject)
        })
        .map(|row| row.try_get::<String, _>("to_email").unwrap())
        .collect()
}

/// An evening's input as it stands, to change one thing and send back.
pub async fn evening_input(app: &TestApp, admin: &str, evening: i64) -> Value {
    let e = app.json(&format!("/api/evenings/{evening}"), admin).await;
    let local = |field: &Value| field.as_str().unwrap()[..16].to_owned();
    let span = |s: &Value| {
        let start = s["start"].as_str().unwrap();
        json!({"date": &start[..10], "start": &start[11..16], "end": &s["end"].as_str().unwrap()[11..16]})
    };
    json!({
        "name": e["name"],
        "sessions": e["sessions"].as_array().unwrap().iter().map(span).collect::<Vec<_>>(),
        "breaks": e["breaks"].as_array().unwrap().iter().map(span).collect::<Vec<_>>(),
        "slot_minutes": e["slot_minutes"],
        "changeover_minutes": e["changeover_minutes"],
        "travel_buffer_minutes": e["travel_buffer_minutes"],
        "booking_opens_at": local(&e["booking_opens_at"]),
        "booking_closes_at": local(&e["booking_closes_at"]),
        "cancel_until": local(&e["cancel_until"]),
        "mode": e["mode"],
        "year_groups": e["audience"]["year_groups"],
        "class_ids": e["audience"]["classes"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>(),
    })
}
