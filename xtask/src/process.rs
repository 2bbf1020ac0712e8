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

/// Set in the environment of a [`Background`] child.
pub const BACKGROUND_ENV: &str = "CONFERO_XTASK_BACKGROUND";

/// In a [`Background`] child (the leader of its own process group): stops
/// the whole group when the parent goes, however it went (Ctrl-C reaches only
/// the parent's group), instead of building on for nobody.
pub fn stop_with_parent() {
    if std::env::var_os(BACKGROUND_ENV).is_none() {
        return;
    }
    let parent = std::os::unix::process::parent_id();
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if std::os::unix::process::parent_id() != parent {
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{}", std::process::id())])
                .status();
            std::process::exit(130);
        }
    });
}

/// A step run beside the ones that follow it, as a child process of its
/// own, its output kept in a log file (printed if it fails). Stopped, with
/// everything it started, if dropped unfinished or if this process ends.
pub struct Background {
    name: String,
    child: Option<std::process::Child>,
    log: std::path::PathBuf,
    started: std::time::Instant,
}

impl Background {
    pub fn start(
        name: &str,
        mut command: Command,
        log: std::path::PathBuf,
    ) -> Result<Self, String> {
        use std::os::unix::process::CommandExt as _;
        println!(
            "\n==> {name}, beside the next steps (its output: {})",
            log.display()
        );
        let file = std::fs::File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let child = command
            .stdout(file.try_clone().map_err(|e| e.to_string())?)
            .stderr(file)
            .env(BACKGROUND_ENV, "1")
            .process_group(0)
            .spawn()
            .map_err(|error| format!("{name}: could not start: {error}"))?;
        Ok(Self {
            name: name.to_owned(),
            child: Some(child),
            log,
            started: std::time::Instant::now(),
        })
    }

    /// Waits for it; repeats its own steps' times, or its whole output if it failed.
    pub fn finish(mut self) -> Result<(), String> {
        let Some(mut child) = self.child.take() else {
            return Ok(());
        };
        let done_before = matches!(child.try_wait(), Ok(Some(_)));
        println!("\n==> waiting for: {}", self.name);
        let status = child
            .wait()
            .map_err(|error| format!("{}: {error}", self.name))?;
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        if status.success() {
            for line in text.lines().filter(|line| line.starts_with("--> ")) {
                println!("    {line}");
            }
        } else {
            println!("{text}");
        }
        let elapsed = self.started.elapsed().as_secs_f64();
        if done_before {
            println!(
                "--> {}: done before it was needed ({elapsed:.0} s after it started; its own steps above)",
                self.name
            );
        } else {
            println!(
                "--> {}: waited for, done {elapsed:.0} s after it started",
                self.name
            );
        }
        check(&self.name, status)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Its process group: cargo, rustc and Trunk with it.
            let _ = Command::new("kill")
                .args(["-TERM", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
        }
    }
}
