//! `cargo xtask bench …`: measurements that print figures, never pass/fail timings.
//! (`rush` does fail if an invariant breaks or an acknowledged booking is lost.)

use std::io::Write as _;
use std::path::Path;

use crate::postgres::Cluster;
use crate::process::{cargo, check, step};
use crate::setup::{self, target_dir};

/// Runs the named benchmark.
pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("size") => size(),
        Some("rush") => rush(),
        Some("import") => import(&[]),
        // A school of about 10,000 people (5,500 students' families and the
        // staff), imported once, then searched.
        Some("directory") => import(&["--students", "5500", "--runs", "1", "--directory"]),
        _ => Err("usage: cargo xtask bench size | rush | import | directory".into()),
    }
}

/// Builds the SPA in release and prints the first-load bundle: raw and brotli bytes.
fn size() -> Result<(), String> {
    setup::web_tools()?;
    setup::build_web()?;
    let dist = crate::root().join("dist");
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(&dist).map_err(|e| format!("reading dist/: {e}"))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let kind = match path.extension().and_then(|e| e.to_str()) {
            Some("wasm") => "wasm",
            Some("js") if !path.ends_with("sw.js") => "js",
            Some("css") => "css",
            Some("html") => "html",
            _ => continue,
        };
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        rows.push((kind, file_name(&path), bytes.len(), brotli_len(&bytes)?));
    }
    rows.sort();
    println!("\nFirst load of the SPA (release build, brotli quality 11):");
    println!(
        "{:<6} {:<44} {:>10} {:>10}",
        "kind", "file", "raw B", "brotli B"
    );
    let (mut raw, mut compressed) = (0, 0);
    for (kind, name, size, br) in &rows {
        println!("{kind:<6} {name:<44} {size:>10} {br:>10}");
        if *kind != "html" {
            raw += size;
            compressed += br;
        }
    }
    println!(
        "wasm + js + css: {raw} B raw, {compressed} B brotli ({:.1} KiB; budget 150 KiB)",
        compressed as f64 / 1024.0
    );
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn brotli_len(bytes: &[u8]) -> Result<usize, String> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        writer.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(out.len())
}

/// The booking-opening rush on SQLite and PostgreSQL: hot and spread
/// workloads, then a SIGKILL mid-rush on each engine.
fn rush() -> Result<(), String> {
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
    for (name, extra) in [
        ("hot", vec!["--workload", "hot"]),
        ("spread", vec!["--workload", "spread"]),
        ("crash", vec!["--workload", "spread", "--crash"]),
    ] {
        let file = work.join(format!("{name}.db"));
        run(
            &format!("SQLite {name}"),
            &format!("sqlite://{}", file.display()),
            None,
            &extra,
        )?;
    }
    let cluster = Cluster::start()?;
    let admin = cluster.admin_url();
    for (name, extra) in [
        ("hot", vec!["--workload", "hot"]),
        ("spread", vec!["--workload", "spread"]),
        ("crash", vec!["--workload", "spread", "--crash"]),
    ] {
        let url = format!("postgres://confero@127.0.0.1:{}/rush_{name}", cluster.port);
        run(&format!("PostgreSQL {name}"), &url, Some(&admin), &extra)?;
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
