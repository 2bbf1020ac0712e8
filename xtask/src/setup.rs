//! Installing what is missing, each step skipped when the right version is there.

use std::path::PathBuf;

use crate::process::{cargo, command_in, output, step};
use crate::root;

/// The Trunk release this project is built with (0.22 needs a newer rustc).
const TRUNK_VERSION: &str = "0.21.14";
/// The wasm-opt release from npm's `binaryen` (tools/package.json).
const WASM_OPT_VERSION: &str = "version 132";

/// The cargo target directory: outside the clone, so fresh clones on the same
/// machine reuse earlier builds. Nothing depends on it being warm.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    home.join(".cache").join("confero").join("target")
}

/// Where the SPA's wasm is compiled (`build-web`, `run`, the picker
/// benchmark): its own cargo folder, so `cargo xtask test` can build it
/// while the Rust tests build in [`target_dir`] (cargo locks a folder per build).
pub fn web_target_dir() -> PathBuf {
    target_dir().join("web")
}

/// The PATH with the npm-installed build tools first.
pub fn tool_path() -> String {
    let tools = root().join("tools").join("node_modules").join(".bin");
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{}:{path}", tools.display())
}

/// The wasm32 target of the Rust toolchain.
pub fn wasm_target() -> Result<(), String> {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !installed
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        step(
            "add the wasm32 target",
            command_in(
                "rustup",
                &["target", "add", "wasm32-unknown-unknown"],
                &root(),
            ),
        )?;
    }
    Ok(())
}

/// The wasm target, Trunk, the wasm-bindgen CLI matching Cargo.lock, and wasm-opt.
pub fn web_tools() -> Result<(), String> {
    wasm_target()?;
    let trunk = output("trunk", &["--version"]).unwrap_or_default();
    if trunk != format!("trunk {TRUNK_VERSION}") {
        // No TLS or update check: it only ever builds, with the tools below.
        step(
            &format!("install Trunk {TRUNK_VERSION} (a few minutes, once)"),
            tool_install(&[
                "trunk",
                "--version",
                TRUNK_VERSION,
                "--locked",
                "--no-default-features",
            ]),
        )?;
    }

    let wanted = wasm_bindgen_version()?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    if have != format!("wasm-bindgen {wanted}") {
        // No --locked: its lock file names a crate version the registry does not serve.
        step(
            &format!("install wasm-bindgen-cli {wanted} (a few minutes, once)"),
            tool_install(&[
                "wasm-bindgen-cli",
                "--version",
                &wanted,
                "--no-default-features",
            ]),
        )?;
    }

    ensure_npm()?;
    let wasm_opt = root().join("tools/node_modules/.bin/wasm-opt");
    let have = output(&wasm_opt.to_string_lossy(), &["--version"]).unwrap_or_default();
    if !have.contains(WASM_OPT_VERSION) {
        step(
            "install wasm-opt (npm binaryen)",
            npm_ci(root().join("tools")),
        )?;
    }
    Ok(())
}

/// `cargo install` of a build tool, compiled unoptimised instead of with the
/// tool's own fat-LTO release profile: what the tool writes is the same
/// (checked byte for byte on this project's `dist/`), as fast for a build
/// this size (Trunk's whole run 12 s either way), and it installs in about a
/// third of the time (Trunk 120 s instead of 345 s here). Built in a cargo
/// folder of its own, so it can run beside other builds.
fn tool_install(args: &[&str]) -> std::process::Command {
    let mut command = cargo(&["install"]);
    command
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir().join("tools"))
        .env("CARGO_PROFILE_RELEASE_LTO", "off")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false");
    command
}

/// Chromium from Debian, PostgreSQL, and the Playwright runner.
pub fn test_tools() -> Result<(), String> {
    let mut missing = Vec::new();
    if output("/usr/bin/chromium", &["--version"]).is_none() {
        missing.push("chromium");
    }
    if crate::postgres::bin_dir().is_none() {
        missing.push("postgresql");
    }
    apt_install(&missing)?;
    let end2end = root().join("end2end");
    let runner = end2end.join("node_modules/@playwright/test/package.json");
    let lock = end2end.join("package-lock.json");
    let fresh = modified(&runner)
        .zip(modified(&lock))
        .is_some_and(|(runner, lock)| runner >= lock);
    if !fresh {
        step(
            "install the Playwright runner (npm ci, no browser download)",
            npm_ci(end2end),
        )?;
    }
    Ok(())
}

/// Lighthouse (npm, `tools/lighthouse/`), only for `cargo xtask bench lighthouse`.
pub fn lighthouse() -> Result<(), String> {
    let dir = root().join("tools").join("lighthouse");
    let fresh = modified(&dir.join("node_modules/lighthouse/package.json"))
        .zip(modified(&dir.join("package-lock.json")))
        .is_some_and(|(installed, lock)| installed >= lock);
    if !fresh {
        ensure_npm()?;
        step("install Lighthouse (npm ci)", npm_ci(dir))?;
    }
    Ok(())
}

fn modified(path: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
}

fn ensure_npm() -> Result<(), String> {
    if output("npm", &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    Ok(())
}

fn npm_ci(dir: PathBuf) -> std::process::Command {
    let mut command = command_in("npm", &["ci", "--no-audit", "--no-fund"], &dir);
    command.env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    command
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    if packages.is_empty() {
        return Ok(());
    }
    let sudo = output("id", &["-u"]).as_deref() != Some("0");
    let run = |args: &[&str]| {
        let mut command = if sudo {
            command_in("sudo", &["apt-get"], &root())
        } else {
            command_in("apt-get", &[], &root())
        };
        command.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        command
    };
    step("apt-get update", run(&["update"]))?;
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(packages);
    step(
        &format!("install {} from Debian", packages.join(", ")),
        run(&args),
    )
}

/// The exact wasm-bindgen version in Cargo.lock.
fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen version".into())
}
