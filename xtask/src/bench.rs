//! `cargo xtask bench …`: measurements that print figures, never pass/fail timings.

use std::io::Write as _;
use std::path::Path;

use crate::setup;

/// Runs the named benchmark.
pub fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("size") => size(),
        _ => Err("usage: cargo xtask bench size".into()),
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
