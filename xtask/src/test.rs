//! `cargo xtask test`: every check, in the order that fails fastest.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::postgres::Cluster;
use crate::process::{cargo, command_in, step, Background};
use crate::setup::{self, target_dir};
use crate::tally::{run_counting, Tally};

/// Runs everything; ends with one `N passed, N failed` line.
pub fn all() -> Result<(), String> {
    let started = Instant::now();
    // The SPA's half — the web tools' installs, clippy for wasm32 and the
    // release build — runs beside the native checks and tests, in cargo
    // folders of its own: on two cores the one uses what the other leaves
    // idle (test runs, single-threaded links).
    setup::wasm_target()?;
    let mut web_build = Command::new(
        std::env::current_exe().map_err(|e| format!("finding the xtask binary: {e}"))?,
    );
    web_build.arg("web-checks").current_dir(crate::root());
    let web = Background::start(
        "the SPA: install the web tools, clippy for wasm32, release build",
        web_build,
        std::env::temp_dir().join(format!("confero-build-web-{}.log", std::process::id())),
    )?;
    setup::test_tools()?;

    step("cargo fmt --check", cargo(&["fmt", "--all", "--check"]))?;
    step(
        "clippy (native crates)",
        cargo(&[
            "clippy",
            "--workspace",
            "--exclude",
            "confero-web",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    let mut total = Tally::default();
    total.add(run_counting(
        "Rust tests on SQLite",
        cargo(&["test", "--workspace"]),
    )?);

    let cluster = Cluster::start()?;
    let mut on_postgres = cargo(&["test", "-p", "confero-api", "--test", "api"]);
    on_postgres.env("CONFERO_TEST_POSTGRES_URL", cluster.admin_url());
    total.add(run_counting(
        "API integration tests on PostgreSQL",
        on_postgres,
    )?);
    drop(cluster);

    // `cargo test` built target/debug/confero-api for the integration tests
    // (with the tests' features): the fuzzer and the browser tests use that
    // binary, so no second build with other features is needed.
    total.add(crate::fuzz::run(crate::fuzz::TEST_EXAMPLES)?);

    web.finish()?;
    let (browser, parent_path) = end_to_end()?;
    total.add(browser);
    let picker = crate::web_build::build_picker_bench()
        .and_then(|dir| crate::bench::picker_ratio(&dir, false));

    println!("\nxtask: every check passed in {:.0?}", started.elapsed());
    // Informational, never a pass/fail timing: `cargo xtask bench size` has the detail.
    match parent_path {
        Ok(bytes) => println!(
            "xtask: a parent reaches the booking picker with {:.1} KiB of wasm + JS + CSS on the wire (budget 150 KiB)",
            bytes as f64 / 1024.0
        ),
        Err(error) => println!("xtask: the parent-path size was not measured: {error}"),
    }
    match picker {
        Ok(ratio) => println!(
            "xtask: the slot picker's first render (60 × 30) takes {ratio:.2}× plain DOM's (target ≤ 1.3)"
        ),
        Err(error) => println!("xtask: the picker benchmark did not run: {error}"),
    }
    println!("xtask: {} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 {
        return Err("some tests failed".into());
    }
    Ok(())
}

/// A port nobody is listening on right now.
pub fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("finding a free port: {e}"))?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| e.to_string())
}

/// The API serving the built SPA on a fresh demo database; killed when dropped.
pub struct Server {
    child: Child,
    log: std::path::PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the debug API with the demo school on a fresh SQLite database in
/// `data` (emptied first), serving `dist/`, and waits until it is healthy.
pub fn start_api(data: &Path, port: u16) -> Result<Server, String> {
    let root = crate::root();
    let _ = std::fs::remove_dir_all(data);
    std::fs::create_dir_all(data).map_err(|e| e.to_string())?;
    let log_path = data.join("api.log");
    let log = std::fs::File::create(&log_path).map_err(|e| e.to_string())?;
    let child = Command::new(target_dir().join("debug").join("confero-api"))
        .args(["serve", "--demo"])
        .current_dir(&root)
        .env(
            "CONFERO_DATABASE_URL",
            format!("sqlite://{}/confero.db", data.display()),
        )
        .env("CONFERO_STATIC_DIR", root.join("dist"))
        .env("CONFERO_BIND", format!("127.0.0.1:{port}"))
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .spawn()
        .map_err(|e| format!("starting the API: {e}"))?;
    let server = Server {
        child,
        log: log_path,
    };
    wait_for_health(port, &server.log)?;
    Ok(server)
}

/// The second school of the browser tests: empty, as a school that is
/// adopting Confero starts (its admin is the one the roster samples list).
const NEW_SCHOOL_ADMIN: &str = "office@riverside.example";
const NEW_SCHOOL_PASSWORD: &str = "riverside-admin-passphrase";

/// Creates the empty school on the browser tests' database; returns its id.
fn create_new_school(data: &Path) -> Result<String, String> {
    let out = Command::new(target_dir().join("debug").join("confero-api"))
        .args([
            "school",
            "create",
            "--name",
            "Riverside Primary",
            "--time-zone",
            "Europe/London",
        ])
        .args([
            "--admin-email",
            NEW_SCHOOL_ADMIN,
            "--admin-given-name",
            "Raj",
            "--admin-family-name",
            "Iyer",
        ])
        .env(
            "CONFERO_DATABASE_URL",
            format!("sqlite://{}/confero.db", data.display()),
        )
        .env("CONFERO_ADMIN_PASSWORD", NEW_SCHOOL_PASSWORD)
        .env("CONFERO_LOG", "warn")
        .output()
        .map_err(|e| format!("creating the new school: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("Created school "))
        .and_then(|rest| rest.split(':').next())
        .map(str::to_owned)
        .ok_or_else(|| {
            format!(
                "creating the new school failed: {text}{}",
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

/// The browser tests; beforehand, on the same fresh server, the parent-path
/// size (its failure is reported, not fatal).
fn end_to_end() -> Result<(Tally, Result<u64, String>), String> {
    let root = crate::root();
    let data = std::env::temp_dir().join(format!("confero-e2e-{}", std::process::id()));
    let port = free_port()?;
    let base_url = format!("http://127.0.0.1:{port}");
    let server = start_api(&data, port)?;
    let new_school = create_new_school(&data)?;
    let parent_path = crate::bench::parent_path_bytes(&base_url, false);

    let end2end = root.join("end2end");
    let mut playwright = command_in("npx", &["playwright", "test"], &end2end);
    playwright
        .env("CONFERO_BASE_URL", &base_url)
        .env("CONFERO_E2E_SCHOOL_ID", &new_school)
        .env("CONFERO_E2E_ADMIN_EMAIL", NEW_SCHOOL_ADMIN)
        .env("CONFERO_E2E_ADMIN_PASSWORD", NEW_SCHOOL_PASSWORD)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .stdin(Stdio::null());
    let result = run_counting(
        "end-to-end tests (Playwright, headless Chromium)",
        playwright,
    );
    let log = server.log.clone();
    drop(server);
    if result.is_err() {
        print_tail(&log);
    } else {
        let _ = std::fs::remove_dir_all(&data);
    }
    result.map(|tally| (tally, parent_path))
}

fn wait_for_health(port: u16, log: &Path) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read as _, Write as _};
            let _ = stream.write_all(b"GET /api/health HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
                return Ok(());
            }
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    print_tail(log);
    Err("the API did not become healthy within 60 s".into())
}

fn print_tail(log: &Path) {
    if let Ok(text) = std::fs::read_to_string(log) {
        let lines: Vec<&str> = text.lines().collect();
        eprintln!("--- last lines of the API log ---");
        for line in &lines[lines.len().saturating_sub(40)..] {
            eprintln!("{line}");
        }
    }
}

/// The SPA's half of the checks (`cargo xtask web-checks`, which `test` runs
/// beside the rest): the web tools, clippy for wasm32 with warnings denied,
/// and the release build, all in the SPA's own cargo folder.
pub fn web_checks() -> Result<(), String> {
    setup::web_tools()?;
    let mut clippy = cargo(&[
        "clippy",
        "-p",
        "confero-web",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]);
    clippy.env("CARGO_TARGET_DIR", setup::web_target_dir());
    step("clippy (the SPA, wasm32)", clippy)?;
    crate::web_build::build_web()
}
