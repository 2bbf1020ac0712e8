//! The fuzz stage: schemathesis (from PyPI, in a virtual environment of its
//! own) generates requests from the API's own OpenAPI document and checks
//! every answer: no server error, and nothing that breaks the documented
//! status codes, content types or schemas. It runs signed out and signed in
//! as each demo role, against the real API on a fresh demo database.

use std::io::{Read as _, Write as _};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::process::{command_in, output, step};
use crate::setup::target_dir;
use crate::tally::Tally;
use crate::test::{free_port, start_api};

/// The pinned schemathesis release (with its dependencies in tools/fuzz/requirements.txt).
const SCHEMATHESIS: &str = "4.32.5";

/// Cases per operation and role: a few minutes in `cargo xtask test`.
pub const TEST_EXAMPLES: u32 = 25;
/// Cases per operation and role for `cargo xtask fuzz`: over 10,000 in all.
pub const LONG_EXAMPLES: u32 = 100;

/// What every answer is checked for.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance";

/// The demo sign-ins fuzzed as, besides signed out.
const ROLES: [(&str, &str); 3] = [
    ("parent", "parent@demo.confero.test"),
    ("teacher", "teacher@demo.confero.test"),
    ("admin", "admin@demo.confero.test"),
];

fn venv() -> PathBuf {
    target_dir()
        .parent()
        .map(|cache| cache.join(format!("fuzz-venv-{SCHEMATHESIS}")))
        .unwrap_or_else(|| PathBuf::from(format!("fuzz-venv-{SCHEMATHESIS}")))
}

/// The virtual environment with schemathesis, made once.
pub fn tools() -> Result<PathBuf, String> {
    let venv = venv();
    let schemathesis = venv.join("bin/schemathesis");
    let have = output(&schemathesis.to_string_lossy(), &["--version"]).unwrap_or_default();
    if have.ends_with(SCHEMATHESIS) {
        return Ok(schemathesis);
    }
    let _ = std::fs::remove_dir_all(&venv);
    step(
        "create the fuzzing environment (Python venv)",
        command_in(
            "python3",
            &["-m", "venv", &venv.to_string_lossy()],
            &crate::root(),
        ),
    )?;
    let requirements = crate::root().join("tools/fuzz/requirements.txt");
    step(
        &format!("install schemathesis {SCHEMATHESIS} (PyPI)"),
        command_in(
            &venv.join("bin/pip").to_string_lossy(),
            &[
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                &requirements.to_string_lossy(),
            ],
            &crate::root(),
        ),
    )?;
    Ok(schemathesis)
}

/// Signs in over plain HTTP and returns the token.
fn sign_in(port: u16, email: &str) -> Result<String, String> {
    let body = format!(r#"{{"email":"{email}","password":"confero-demo"}}"#);
    let mut stream =
        std::net::TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    write!(
        stream,
        "POST /api/session HTTP/1.0\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| e.to_string())?;
    let token = answer
        .split("\"token\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or_else(|| format!("signing in as {email} failed: {answer:.200}"))?;
    Ok(token.to_owned())
}

/// How many cases a schemathesis run reports it generated.
fn cases_in(report: &str) -> u64 {
    report
        .lines()
        .rev()
        .filter_map(|line| line.trim().split_once(" generated"))
        .find_map(|(count, _)| count.trim().parse().ok())
        .unwrap_or(0)
}

/// Whether a failed run failed only inside the tool: an error of
/// schemathesis or Python itself (seen once: CPython 3.11's `ast.parse`
/// racing between the two worker threads), with no check failing against
/// the API. Such a run is tried again once; any failure of a check is not.
fn only_tool_errors(report: &str) -> bool {
    let summary = report.split("SUMMARY").nth(1).unwrap_or_default();
    summary.contains("Runtime Error")
        && !summary.contains("Failures:")
        && !summary.contains("unique failures")
}

/// Runs the stage: one schemathesis run per role. Each role's run is one
/// test in the tally; the cases are printed.
pub fn run(examples: u32) -> Result<Tally, String> {
    let schemathesis = tools()?;
    let port = free_port()?;
    let data = std::env::temp_dir().join(format!("confero-fuzz-{}", std::process::id()));
    let server = start_api(&data, port)?;
    let mut tokens = Vec::new();
    for (role, email) in ROLES {
        tokens.push((role, Some(sign_in(port, email)?)));
    }
    tokens.insert(0, ("signed out", None));
    let schema = format!("http://127.0.0.1:{port}/api/openapi.json");
    let mut tally = Tally::default();
    let mut total_cases = 0;
    for (role, token) in &tokens {
        println!(
            "\n==> fuzz the API signed {} ({examples} cases per operation)",
            match token {
                Some(_) => format!("in as {role}"),
                None => "out".to_owned(),
            }
        );
        let mut command = Command::new(&schemathesis);
        command
            .args(["run", &schema, "--checks", CHECKS, "--seed", "20261201"])
            .args(["--max-examples", &examples.to_string()])
            .args(["--workers", "2", "--warnings", "off"])
            .current_dir(&data)
            .stdin(Stdio::null())
            .env("NO_COLOR", "1");
        if let Some(token) = token {
            // Signing out would end the token the run uses.
            command
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--exclude-path", "/api/session"]);
        }
        let mut out = command
            .output()
            .map_err(|e| format!("starting schemathesis: {e}"))?;
        if !out.status.success() && only_tool_errors(&String::from_utf8_lossy(&out.stdout)) {
            println!("fuzz ({role}): schemathesis itself failed, with no check failing; running it again");
            out = command
                .output()
                .map_err(|e| format!("starting schemathesis: {e}"))?;
        }
        let report = String::from_utf8_lossy(&out.stdout);
        let cases = cases_in(&report);
        total_cases += cases;
        if out.status.success() {
            tally.passed += 1;
            let summary = report.split("SUMMARY").nth(1).unwrap_or_default();
            println!(
                "{}",
                summary.trim_matches(|c: char| c == '=' || c.is_whitespace())
            );
            println!("fuzz ({role}): {cases} cases, no failure");
        } else {
            tally.failed += 1;
            println!("{report}");
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            println!("fuzz ({role}): FAILED after {cases} cases");
        }
    }
    drop(server);
    println!(
        "\nfuzz: {total_cases} cases in all, {} role(s) failed",
        tally.failed
    );
    if tally.failed == 0 {
        let _ = std::fs::remove_dir_all(&data);
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_case_count_from_the_summary() {
        let report = "Test cases:\n  1723 generated, 1723 passed\n\nSeed: 1\n";
        assert_eq!(cases_in(report), 1723);
        let failed = "Test cases:\n  389 generated, 24 found 24 unique failures\n";
        assert_eq!(cases_in(failed), 389);
    }

    #[test]
    fn only_a_run_without_check_failures_is_tried_again() {
        let tool = "== SUMMARY ==\nErrors:\n  🚫 Runtime Error: 1\n\nTest cases:\n  2898 generated, 2898 passed\n";
        assert!(only_tool_errors(tool));
        let api =
            "== SUMMARY ==\nFailures:\n  ❌ Server error: 1\nErrors:\n  🚫 Runtime Error: 1\n";
        assert!(!only_tool_errors(api));
        let found = "== SUMMARY ==\nTest cases:\n  389 generated, 24 found 24 unique failures\n";
        assert!(!only_tool_errors(found));
    }
}
