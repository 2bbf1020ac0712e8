//! `cargo xtask`: Confero's set-up, build and test driver.
//!
//! - `cargo xtask run [--port N]` installs what is missing, builds the SPA and
//!   the API, and starts Confero on SQLite with the demo school.
//! - `cargo xtask test` installs what is missing and runs every check: format,
//!   clippy, Rust tests on SQLite and PostgreSQL, the release wasm build, and
//!   the Playwright suite in headless Chromium.
//! - `cargo xtask fuzz` runs the fuzz stage of the tests at length (over
//!   10,000 generated requests).
//! - `cargo xtask bench size` prints the SPA's first-load bundle size;
//!   `cargo xtask bench rush` runs the booking-opening rush on both engines;
//!   `cargo xtask bench import` a 5,000-student roster import, and
//!   `cargo xtask bench directory` directory searches on a 10,000-person school.
//!
//! Every install step is skipped when the right version is already present,
//! and nothing is fetched from outside the package registries.

mod bench;
mod fuzz;
mod postgres;
mod process;
mod setup;
mod tally;
mod test;
mod web_build;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("test") => test::all(),
        Some("fuzz") => fuzz(),
        Some("bench") => bench::run(&args[1..]),
        Some("build-web") => setup::web_tools().and_then(|()| crate::web_build::build_web()),
        Some("web-checks") => {
            process::stop_with_parent();
            test::web_checks()
        }
        _ => {
            eprintln!(
                "usage: cargo xtask run [--port N] | test | fuzz | bench size|rush|import|directory | build-web | web-checks"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the folder holding this crate's parent).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_owned()
}

/// `cargo xtask fuzz`: the fuzz stage at length, on the debug API.
fn fuzz() -> Result<(), String> {
    process::step(
        "build the API",
        process::cargo(&["build", "-p", "confero-api"]),
    )?;
    let examples = match std::env::var("CONFERO_FUZZ_EXAMPLES") {
        Ok(n) => n
            .parse()
            .map_err(|_| "CONFERO_FUZZ_EXAMPLES must be a number")?,
        Err(_) => fuzz::LONG_EXAMPLES,
    };
    let tally = fuzz::run(examples)?;
    if tally.failed > 0 {
        return Err("the fuzzer found failures".into());
    }
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    let usage = || "usage: cargo xtask run [--port N] [--release]".to_owned();
    let mut port = 8080;
    let mut release = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--release" => release = true,
            "--port" => {
                let value = rest.next().ok_or_else(usage)?;
                port = value
                    .parse()
                    .map_err(|_| format!("--port {value:?} is not a port number"))?;
            }
            _ => return Err(usage()),
        }
    }
    setup::web_tools()?;
    crate::web_build::build_web()?;
    // The debug build is the one `cargo xtask test` makes, so either command
    // after the other has nothing left to compile; `--release` is the
    // optimised server build (`server` profile) that the benchmarks measure.
    let api = if release {
        process::step(
            "build the API (release)",
            process::cargo(&["build", "-p", "confero-api", "--profile", "server"]),
        )?;
        setup::target_dir().join("server").join("confero-api")
    } else {
        process::step(
            "build the API (debug, as the tests use it)",
            process::cargo(&["build", "-p", "confero-api"]),
        )?;
        setup::target_dir().join("debug").join("confero-api")
    };
    let root = root();
    let mut command = std::process::Command::new(api);
    command
        .current_dir(&root)
        .args(["serve", "--demo"])
        .env("CONFERO_STATIC_DIR", root.join("dist"))
        .env("CONFERO_BIND", format!("127.0.0.1:{port}"));
    if std::env::var_os("CONFERO_DATABASE_URL").is_none() {
        command.env(
            "CONFERO_DATABASE_URL",
            format!("sqlite://{}", root.join("data/confero.db").display()),
        );
    }
    process::exec(command)
}
