//! Running commands: visibly, with their failures turned into messages.

use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use crate::setup::target_dir;

/// A `cargo` command with the shared target directory.
pub fn cargo(args: &[&str]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .args(args)
        .current_dir(crate::root())
        .env("CARGO_TARGET_DIR", target_dir());
    command
}

/// A command run in `dir`.
pub fn command_in(program: &str, args: &[&str], dir: &Path) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    command
}

/// Announces and runs a step, failing with its name.
pub fn step(name: &str, mut command: Command) -> Result<(), String> {
    println!("\n==> {name}");
    let started = std::time::Instant::now();
    let status = command
        .status()
        .map_err(|error| format!("{name}: could not start: {error}"))?;
    println!("--> {name}: {:.0} s", started.elapsed().as_secs_f64());
    check(name, status)
}

/// Turns an exit status into a result.
pub fn check(name: &str, status: ExitStatus) -> Result<(), String> {
    if status.success() {
        Ok(())
    } else {
        Err(format!("{name} failed ({status})"))
    }
}

/// The trimmed standard output of a command, if it ran and succeeded.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Replaces this process with `command` (so Ctrl-C reaches the server directly).
#[cfg(unix)]
pub fn exec(mut command: Command) -> Result<(), String> {
    use std::os::unix::process::CommandExt as _;
    Err(format!("could not start the server: {}", command.exec()))
}

#[cfg(not(unix))]
pub fn exec(mut command: Command) -> Result<(), String> {
    check("the server", command.status().map_err(|e| e.to_string())?)
}
