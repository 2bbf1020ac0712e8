//! Runs a test command, passing its output through while counting what it reports.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

/// Passed and failed tests, summed over runners.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: u64,
    pub failed: u64,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

/// Runs `command`, echoing its output, and reads cargo's `test result:` lines
/// and Playwright's `N passed` / `N failed` lines.
pub fn run_counting(name: &str, mut command: Command) -> Result<Tally, String> {
    println!("\n==> {name}");
    let started = std::time::Instant::now();
    command.stdout(Stdio::piped());
    let mut child = command
        .spawn()
        .map_err(|e| format!("{name}: could not start: {e}"))?;
    let mut tally = Tally::default();
    let mut failures = FailureBlock::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            tally.add(parse_line(&line));
            failures.read(&line);
        }
    }
    let status = child.wait().map_err(|e| format!("{name}: {e}"))?;
    println!("--> {name}: {:.0} s", started.elapsed().as_secs_f64());
    // Said again in the error, which is printed last: a log cut to its last
    // lines (a CI summary) still shows why.
    crate::process::check(name, status).map_err(|error| failures.before(error))?;
    Ok(tally)
}

/// The first lines of a runner's failure report: cargo's `failures:` section,
/// or Playwright's numbered failures (`  1) tests/…`).
#[derive(Debug, Default)]
struct FailureBlock {
    lines: Vec<String>,
}

impl FailureBlock {
    const MAX_LINES: usize = 60;

    fn read(&mut self, line: &str) {
        let started = !self.lines.is_empty();
        let trimmed = line.trim();
        if (started || trimmed == "failures:" || trimmed.starts_with("1) "))
            && self.lines.len() < Self::MAX_LINES
        {
            self.lines.push(line.to_owned());
        }
    }

    fn before(&self, error: String) -> String {
        if self.lines.is_empty() {
            return error;
        }
        format!(
            "--- why (the first {} lines of the failure report) ---\n{}\n{error}",
            self.lines.len(),
            self.lines.join("\n")
        )
    }
}

/// What one output line reports.
pub fn parse_line(line: &str) -> Tally {
    let line = line.trim();
    let number_before = |text: &str, word: &str| -> u64 {
        text.split([';', ','])
            .filter_map(|part| part.trim().strip_suffix(word))
            .filter_map(|before| before.split_whitespace().last()?.parse().ok())
            .next()
            .unwrap_or(0)
    };
    if let Some(rest) = line.strip_prefix("test result: ") {
        return Tally {
            passed: number_before(rest, "passed"),
            failed: number_before(rest, "failed"),
        };
    }
    // Playwright's list reporter: "12 passed (9.1s)", "1 failed".
    let mut words = line.split_whitespace();
    match (
        words.next().and_then(|n| n.parse::<u64>().ok()),
        words.next(),
    ) {
        (Some(n), Some("passed")) => Tally {
            passed: n,
            failed: 0,
        },
        (Some(n), Some("failed")) => Tally {
            passed: 0,
            failed: n,
        },
        _ => Tally::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_and_playwright_summaries() {
        let cases = [
            ("test result: ok. 40 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 3.5s", (40, 0)),
            ("test result: FAILED. 38 passed; 2 failed; 0 ignored", (38, 2)),
            ("  12 passed (9.1s)", (12, 0)),
            ("  1 failed", (0, 1)),
            ("running 12 tests", (0, 0)),
            ("test foo ... ok", (0, 0)),
        ];
        for (line, (passed, failed)) in cases {
            assert_eq!(parse_line(line), Tally { passed, failed }, "{line}");
        }
    }

    #[test]
    fn a_failure_report_is_said_again_before_the_error() {
        let mut block = FailureBlock::default();
        for line in [
            "  ✓  1 tests/a.spec.ts:3:1 › fine (1.0s)",
            "  1) tests/b.spec.ts:9:1 › broken",
            "    Error: expect(locator).toBeVisible() failed",
        ] {
            block.read(line);
        }
        let said = block.before("e2e failed (exit status: 1)".into());
        assert!(!said.contains("fine"), "{said}");
        assert!(
            said.contains("1) tests/b.spec.ts:9:1 › broken\n    Error: expect"),
            "{said}"
        );
        assert!(said.ends_with("e2e failed (exit status: 1)"), "{said}");
        assert_eq!(FailureBlock::default().before("x".into()), "x");
    }
}
