//! `cargo xtask bench …`: measurements that print figures, never pass/fail timings.
//! (`rush` does fail if an invariant breaks or an acknowledged booking is lost.)

use crate::postgres::Cluster;
use crate::process::{cargo, check, step};
use crate::setup::{self, target_dir};

/// Runs the named benchmark.
pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("size") => size(),
        Some("lighthouse") => lighthouse(),
        Some("picker") => picker(),
        Some("plan") => plan(),
        Some("rush") => rush(args.get(1).map(String::as_str)),
        Some("import") => import(&[]),
        // A school of about 10,000 people (5,500 students' families and the
        // staff), imported once, then searched.
        Some("directory") => import(&["--students", "5500", "--runs", "1", "--directory"]),
        _ => Err(
            "usage: cargo xtask bench size | lighthouse | picker | plan | rush [throughput | latency] | import | directory"
                .into(),
        ),
    }
}

/// Builds the SPA in release, serves it with the demo school, and prints
/// what a parent's browser downloads to reach the booking picker (measured
/// in Chromium over CDP), then each build's files as the server stores them.
fn size() -> Result<(), String> {
    setup::web_tools()?;
    setup::test_tools()?;
    crate::web_build::build_web()?;
    step(
        "build the API (debug, as the browser tests use it)",
        cargo(&["build", "-p", "confero-api"]),
    )?;
    let data = std::env::temp_dir().join(format!("confero-size-{}", std::process::id()));
    let port = crate::test::free_port()?;
    let server = crate::test::start_api(&data, port)?;
    let measured = parent_path_bytes(&format!("http://127.0.0.1:{port}"), true);
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    measured?;

    let dist = crate::root().join("dist");
    println!("\nThe builds' files as stored (raw, and the .br the server sends):");
    for path in crate::web_build::files_under(&dist)? {
        let Some(kind) = path.extension().and_then(|e| e.to_str()) else {
            continue;
        };
        if !["wasm", "js", "css"].contains(&kind) || path.ends_with("sw.js") {
            continue;
        }
        let raw = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let mut br = path.clone().into_os_string();
        br.push(".br");
        let compressed = std::fs::metadata(&br).map(|m| m.len()).unwrap_or(0);
        let name = path
            .strip_prefix(&dist)
            .unwrap_or(&path)
            .display()
            .to_string();
        println!("{kind:<5} {name:<52} {raw:>9} {compressed:>9}");
    }
    Ok(())
}

/// Lighthouse's mobile preset on the sign-in page and the parent's booking
/// page, three runs each (`tools/lighthouse/run.mjs`), against the
/// release SPA served by the debug API the browser tests use.
fn lighthouse() -> Result<(), String> {
    setup::web_tools()?;
    setup::test_tools()?;
    setup::lighthouse()?;
    crate::web_build::build_web()?;
    step(
        "build the API (debug, as the browser tests use it)",
        cargo(&["build", "-p", "confero-api"]),
    )?;
    let data = std::env::temp_dir().join(format!("confero-lighthouse-{}", std::process::id()));
    let port = crate::test::free_port()?;
    let server = crate::test::start_api(&data, port)?;
    let base_url = format!("http://127.0.0.1:{port}");
    let status = std::process::Command::new("node")
        .args(["tools/lighthouse/run.mjs", &base_url, "3"])
        .current_dir(crate::root())
        .status();
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
    check(
        "tools/lighthouse/run.mjs",
        status.map_err(|e| format!("running tools/lighthouse/run.mjs: {e}"))?,
    )
}

/// The slot picker's first render against plain DOM, and one live update
/// (`end2end/bench/picker.mjs`), in the release build.
fn picker() -> Result<(), String> {
    setup::web_tools()?;
    setup::test_tools()?;
    let dir = crate::web_build::build_picker_bench()?;
    picker_ratio(&dir, true).map(|_| ())
}

/// "Plan my evening"'s solver on the benchmark evenings, natively (the
/// server profile, as the API is built) and in the release wasm build timed
/// in Chromium (`end2end/bench/plan.mjs`, on the picker benchmark page).
fn plan() -> Result<(), String> {
    println!(
        "xtask: {} cores",
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    step(
        "the solver, natively (cargo run --profile server --example plan_bench)",
        cargo(&[
            "run",
            "--profile",
            "server",
            "-p",
            "confero-core",
            "--example",
            "plan_bench",
        ]),
    )?;
    setup::web_tools()?;
    setup::test_tools()?;
    let dir = crate::web_build::build_picker_bench()?;
    let dir = dir.to_string_lossy().into_owned();
    step(
        "the solver, in wasm in Chromium (end2end/bench/plan.mjs)",
        crate::process::command_in(
            "node",
            &["bench/plan.mjs", &dir, "200"],
            &crate::root().join("end2end"),
        ),
    )
}

/// Runs `end2end/bench/picker.mjs` on the built benchmark page; returns the
/// ratio of the Leptos picker's median first render to plain DOM's.
pub fn picker_ratio(dir: &std::path::Path, show: bool) -> Result<f64, String> {
    let dir = dir.to_string_lossy().into_owned();
    let out = std::process::Command::new("node")
        .args(["bench/picker.mjs", &dir, "15"])
        .current_dir(crate::root().join("end2end"))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("running bench/picker.mjs: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if show {
        print!("{text}");
    }
    if !out.status.success() {
        return Err(format!(
            "bench/picker.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    json_number(&text, "picker_ratio")
        .ok_or_else(|| "bench/picker.mjs printed no picker_ratio".into())
}

/// The number after `"key":` in a script's JSON line.
fn json_number(text: &str, key: &str) -> Option<f64> {
    let needle = format!("\"{key}\":");
    text.lines()
        .filter_map(|line| line.split(needle.as_str()).nth(1))
        .filter_map(|rest| rest.split([',', '}']).next())
        .find_map(|number| number.trim().parse().ok())
}

/// Runs `end2end/bench/size.mjs` against a running server: the bytes of wasm,
/// JS and CSS a fresh browser receives between /signin and the booking picker.
pub fn parent_path_bytes(base_url: &str, show: bool) -> Result<u64, String> {
    let out = std::process::Command::new("node")
        .args(["bench/size.mjs", base_url])
        .current_dir(crate::root().join("end2end"))
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("running bench/size.mjs: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if show {
        print!("{text}");
    }
    if !out.status.success() {
        return Err(format!(
            "bench/size.mjs failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    json_number(&text, "parent_path_bytes")
        .map(|bytes| bytes as u64)
        .ok_or_else(|| "bench/size.mjs printed no parent_path_bytes".into())
}

/// The runs of `bench rush`: a name and the benchmark's arguments.
type Runs = Vec<(&'static str, Vec<&'static str>)>;

/// Every family at once, hot and spread, then a SIGKILL mid-rush.
fn throughput_runs() -> Runs {
    vec![
        ("hot", vec!["--workload", "hot"]),
        ("spread", vec!["--workload", "spread"]),
        ("crash", vec!["--workload", "spread", "--crash"]),
    ]
}

/// Latency where it can be met: 64 requests in flight, and 1,000 requests/s
/// arriving at random; then parents reading the slot grid.
fn latency_runs() -> Runs {
    vec![
        (
            "hot, 64 in flight",
            vec!["--workload", "hot", "--concurrency", "64"],
        ),
        (
            "spread, 64 in flight",
            vec!["--workload", "spread", "--concurrency", "64"],
        ),
        ("hot, 1,000/s", vec!["--workload", "hot", "--rate", "1000"]),
        (
            "spread, 1,000/s",
            vec!["--workload", "spread", "--rate", "1000"],
        ),
        (
            "grid reads, 64 in flight",
            vec!["--workload", "grid", "--concurrency", "64"],
        ),
        // Four times as many reads: the connections' set-up and the shared
        // grid's first build weigh less in the figure.
        (
            "grid reads, 64 in flight, 40 per family",
            vec![
                "--workload",
                "grid",
                "--concurrency",
                "64",
                "--reads-per-family",
                "40",
            ],
        ),
    ]
}

/// The booking-opening rush on SQLite and PostgreSQL: `throughput` (every
/// family at once, and a crash), `latency` (paced runs and grid reads), or
/// both when no part is named.
fn rush(part: Option<&str>) -> Result<(), String> {
    let runs: Runs = match part {
        None => throughput_runs()
            .into_iter()
            .chain(latency_runs())
            .collect(),
        Some("throughput") => throughput_runs(),
        Some("latency") => latency_runs(),
        Some(other) => {
            return Err(format!(
                "bench rush: unknown part {other:?} (throughput or latency)"
            ))
        }
    };
    step(
        "build the API and the rush benchmark (release)",
        cargo(&[
            "build",
            "--profile",
            "server",
            "-p",
            "confero-api",
            "-p",
            "confero-bench",
        ]),
    )?;
    let bin = target_dir().join("server");
    let api = bin.join("confero-api");
    let work = std::env::temp_dir().join(format!("confero-rush-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let run = |name: &str, url: &str, admin: Option<&str>, extra: &[&str]| -> Result<(), String> {
        let mut command = std::process::Command::new(bin.join("confero-bench"));
        command
            .arg("--database-url")
            .arg(url)
            .arg("--api")
            .arg(&api)
            .args(extra);
        if let Some(admin) = admin {
            command
                .arg("--postgres-admin-url")
                .arg(admin)
                .args(["--db-connections", "16"]);
        }
        let status = command.status().map_err(|e| format!("{name}: {e}"))?;
        check(name, status)
    };
    for (k, (name, extra)) in runs.iter().enumerate() {
        let file = work.join(format!("rush-{k}.db"));
        run(
            &format!("SQLite {name}"),
            &format!("sqlite://{}", file.display()),
            None,
            extra,
        )?;
    }
    let cluster = Cluster::start()?;
    let admin = cluster.admin_url();
    for (k, (name, extra)) in runs.iter().enumerate() {
        let url = format!("postgres://confero@127.0.0.1:{}/rush_{k}", cluster.port);
        run(&format!("PostgreSQL {name}"), &url, Some(&admin), extra)?;
    }
    drop(cluster);
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// A 5,000-student school's roster through dry run and apply, on SQLite and
/// PostgreSQL, three timed runs each on a fresh database.
fn import(extra: &[&str]) -> Result<(), String> {
    step(
        "build the import benchmark (release)",
        cargo(&[
            "build",
            "--profile",
            "server",
            "-p",
            "confero-bench",
            "--bin",
            "confero-import-bench",
        ]),
    )?;
    let bench = target_dir().join("server").join("confero-import-bench");
    let work = std::env::temp_dir().join(format!("confero-import-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let sqlite = format!("sqlite://{}", work.join("import.db").display());
    let status = std::process::Command::new(&bench)
        .args(["--database-url", &sqlite])
        .args(extra)
        .status()
        .map_err(|e| e.to_string())?;
    check("import on SQLite", status)?;
    let cluster = Cluster::start()?;
    let url = format!("postgres://confero@127.0.0.1:{}/import_bench", cluster.port);
    let status = std::process::Command::new(&bench)
        .args([
            "--database-url",
            &url,
            "--postgres-admin-url",
            &cluster.admin_url(),
        ])
        .args(extra)
        .status()
        .map_err(|e| e.to_string())?;
    drop(cluster);
    let _ = std::fs::remove_dir_all(&work);
    check("import on PostgreSQL", status)
}
