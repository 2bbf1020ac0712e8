//! The SPA's release build: the parent build into `dist/`, the staff build
//! into `dist/staff/` (see `confero_core::bundle`), then every text asset
//! precompressed with brotli at the highest quality, so the server sends
//! `.br` files as they are instead of compressing on the fly.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::process::{cargo, command_in, step};
use crate::root;
use crate::setup::{target_dir, tool_path, web_target_dir};

/// The file kinds worth compressing (images are compressed already).
const COMPRESSIBLE: &[&str] = &["wasm", "js", "css", "html", "webmanifest", "json", "svg"];

/// Builds both bundles and precompresses them.
pub fn build_web() -> Result<(), String> {
    // One cargo run links both wasm binaries, in parallel where there are two
    // cores; Trunk then finds them fresh and only runs wasm-bindgen and wasm-opt.
    let mut compile = cargo(&[
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "confero-web",
        "--bin",
        "confero-parent",
        "--bin",
        "confero-staff",
    ]);
    compile.env("CARGO_TARGET_DIR", web_target_dir());
    step("compile the SPA's two builds (wasm32, release)", compile)?;
    let inputs = inputs_fingerprint()?;
    let stamp = stamp_file();
    let dist = root().join("dist");
    let built = dist.join("index.html").is_file() && dist.join("staff/index.html").is_file();
    if built && std::fs::read_to_string(&stamp).is_ok_and(|last| last == inputs) {
        println!(
            "\n==> the SPA's two builds are up to date (no input changed since the last build)"
        );
        return Ok(());
    }
    let _ = std::fs::remove_file(&stamp);
    trunk(
        "the parent build (trunk build --release → dist/)",
        &["index.html"],
    )?;
    trunk(
        "the staff build (trunk build --release → dist/staff/)",
        &[
            "staff/index.html",
            "--dist",
            "dist/staff",
            "--public-url",
            "/staff/",
        ],
    )?;
    let (count, raw, compressed) = precompress(&dist)?;
    println!("precompressed {count} files with brotli 11: {raw} B → {compressed} B");
    std::fs::write(&stamp, inputs).map_err(|e| format!("writing {}: {e}", stamp.display()))
}

/// Where the inputs of this checkout's last build are kept: in the (shared)
/// target folder, one file per checkout, since each has its own `dist/`.
fn stamp_file() -> PathBuf {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    root().hash(&mut hasher);
    target_dir().join(format!("confero-web-inputs-{:016x}", hasher.finish()))
}

/// What the SPA's builds are made from, as one text to compare with the last
/// build's: how they are made, and the path, size and modification time of
/// both compiled wasm binaries and of every file Trunk reads.
fn inputs_fingerprint() -> Result<String, String> {
    let root = root();
    let wasm = web_target_dir()
        .join("wasm32-unknown-unknown")
        .join("release");
    let mut files = vec![
        wasm.join("confero-parent.wasm"),
        wasm.join("confero-staff.wasm"),
        root.join("index.html"),
        root.join("staff").join("index.html"),
        root.join("Trunk.toml"),
    ];
    files.extend(files_under(&root.join("style"))?);
    files.extend(files_under(&root.join("public"))?);
    let mut text = format!("xtask {} {RECIPE}\n", env!("CARGO_PKG_VERSION"));
    for file in files {
        let meta = std::fs::metadata(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        text.push_str(&format!(
            "{} {} {}\n",
            file.display(),
            meta.len(),
            modified.as_nanos()
        ));
    }
    Ok(text)
}

/// How the builds are made; change it when that changes, so the next build
/// does not skip as up to date.
const RECIPE: &str = "trunk --release into dist/ and dist/staff/; brotli 11, window 24";

/// The slot-picker benchmark page (`bench/picker/`), built in release like
/// the app but outside `dist/`, so the API never serves it. Returns its folder.
pub fn build_picker_bench() -> Result<PathBuf, String> {
    let out = target_dir().join("picker-bench");
    let out_arg = out.to_string_lossy().into_owned();
    trunk(
        "the picker benchmark page (trunk build --release)",
        &["bench/picker/index.html", "--dist", &out_arg],
    )?;
    Ok(out)
}

/// `trunk build TARGET --release --offline=true …` (the target first: `--offline` takes an optional value).
fn trunk(name: &str, target_and_options: &[&str]) -> Result<(), String> {
    let mut args = vec!["build"];
    args.extend_from_slice(target_and_options);
    args.extend_from_slice(&["--release", "--offline=true"]);
    let mut command = command_in("trunk", &args, &root());
    command
        .env("PATH", tool_path())
        .env("CARGO_TARGET_DIR", web_target_dir());
    step(name, command)
}

/// Writes `name.br` beside every compressible file under `dir`; returns the
/// count and the bytes before and after.
fn precompress(dir: &Path) -> Result<(usize, usize, usize), String> {
    let (mut count, mut raw, mut compressed) = (0, 0, 0);
    for path in files_under(dir)? {
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|ext| COMPRESSIBLE.contains(&ext));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let packed = brotli_max(&bytes)?;
        let mut target = path.clone().into_os_string();
        target.push(".br");
        std::fs::write(&target, &packed).map_err(|e| format!("writing {target:?}: {e}"))?;
        count += 1;
        raw += bytes.len();
        compressed += packed.len();
    }
    Ok((count, raw, compressed))
}

/// Every file under `dir`, `.br` files left out.
pub fn files_under(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        let entries =
            std::fs::read_dir(&folder).map_err(|e| format!("listing {}: {e}", folder.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|ext| ext != "br") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Brotli at quality 11 with the largest window: slow to make, smallest to send.
pub fn brotli_max(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 24);
        writer.write_all(bytes).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brotli_round_trips() {
        let text = "Confero ".repeat(1000);
        let packed = brotli_max(text.as_bytes()).unwrap();
        assert!(packed.len() < 100);
        let mut unpacked = Vec::new();
        brotli::BrotliDecompress(&mut packed.as_slice(), &mut unpacked).unwrap();
        assert_eq!(unpacked, text.as_bytes());
    }
}
