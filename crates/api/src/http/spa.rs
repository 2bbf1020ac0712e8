//! The built SPA, served from the API's own origin, and the Content-Security-Policy
//! that lets exactly its scripts run.

use anyhow::Context as _;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, Response};
use confero_core::bundle::{is_staff_path, STAFF_DIR, STAFF_PREFIXES};
use std::convert::Infallible;
use std::future::Future;
use tower::ServiceExt as _;
use tower_http::services::fs::ServeFileSystemResponseBody;
use tower_http::services::ServeFile;

/// The SPA's files and what was derived from them at start-up.
#[derive(Clone, Debug)]
pub struct WebAssets {
    /// The folder served, when it holds a built SPA.
    pub dir: Option<PathBuf>,
    /// The Content-Security-Policy sent with every response.
    pub csp: String,
    /// The service worker with this build's id and file list filled in.
    pub service_worker: Option<String>,
}

impl WebAssets {
    /// Reads a built `dist/` folder: the parent build's `index.html` and, when
    /// present, the staff build's `staff/index.html`. A missing folder is fine
    /// (API only); an unreadable one is an error.
    pub fn load(dir: &Path) -> anyhow::Result<WebAssets> {
        let index_path = dir.join("index.html");
        if !index_path.is_file() {
            return Ok(WebAssets {
                dir: None,
                csp: content_security_policy(&[]),
                service_worker: None,
            });
        }
        let mut pages = vec![std::fs::read_to_string(&index_path)
            .with_context(|| format!("reading {}", index_path.display()))?];
        let staff_index = dir.join(STAFF_DIR).join("index.html");
        if staff_index.is_file() {
            pages.push(
                std::fs::read_to_string(&staff_index)
                    .with_context(|| format!("reading {}", staff_index.display()))?,
            );
        }
        let mut hashes: Vec<String> = pages
            .iter()
            .flat_map(|page| inline_script_hashes(page))
            .collect();
        hashes.sort();
        hashes.dedup();
        let build_id = hex::encode(&Sha256::digest(pages.concat().as_bytes())[..8]);
        let service_worker = match std::fs::read_to_string(dir.join("sw.js")) {
            Ok(template) => Some(render_service_worker(
                &template,
                &build_id,
                &precache_list(dir)?,
            )),
            Err(_) => None,
        };
        Ok(WebAssets {
            dir: Some(dir.to_owned()),
            csp: content_security_policy(&hashes),
            service_worker,
        })
    }
}

/// The page for an app path: the staff build's `index.html` for staff pages
/// (when built), the parent build's for the rest; brotli when the browser takes it.
pub fn index_for_path(
    dir: &Path,
) -> impl tower::Service<
    Request<Body>,
    Response = Response<ServeFileSystemResponseBody>,
    Error = Infallible,
    Future = impl Future<Output = Result<Response<ServeFileSystemResponseBody>, Infallible>> + Send,
> + Clone {
    let parent = ServeFile::new(dir.join("index.html")).precompressed_br();
    let staff_index = dir.join(STAFF_DIR).join("index.html");
    let staff = staff_index
        .is_file()
        .then(|| ServeFile::new(staff_index).precompressed_br());
    tower::service_fn(move |request: Request<Body>| {
        let file = match &staff {
            Some(staff) if is_staff_path(request.uri().path()) => staff.clone(),
            _ => parent.clone(),
        };
        file.oneshot(request)
    })
}

/// `'sha256-…'` sources for every inline `<script>` (one without `src`): Trunk's
/// module loader is one, and it must run without `'unsafe-inline'`.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_more = &after[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        let body = &body_and_more[..close];
        if !tag.contains(" src=") && !body.is_empty() {
            hashes.push(format!(
                "'sha256-{}'",
                STANDARD.encode(Sha256::digest(body.as_bytes()))
            ));
        }
        rest = &body_and_more[close..];
    }
    hashes
}

/// The policy: nothing from any other origin, no inline script but the hashed loader,
/// wasm compilation allowed, no framing.
pub fn content_security_policy(script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        script_src.push(' ');
        script_src.push_str(hash);
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The parent build's files, as URL paths, for the service worker to pre-cache
/// (the staff build is cached as staff use it, so a parent's phone never
/// downloads it; precompressed `.br` twins are the same files).
fn precache_list(dir: &Path) -> anyhow::Result<Vec<String>> {
    let mut files = vec!["/".to_owned()];
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in
            std::fs::read_dir(&folder).with_context(|| format!("listing {}", folder.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(relative) = path.strip_prefix(dir) else {
                continue;
            };
            let url = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            let staff = url.starts_with(&format!("/{STAFF_DIR}/"));
            if url != "/sw.js" && url != "/index.html" && !url.ends_with(".br") && !staff {
                files.push(url);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn render_service_worker(template: &str, build_id: &str, files: &[String]) -> String {
    let list = serde_json::to_string(files).unwrap_or_else(|_| "[]".into());
    let staff = serde_json::to_string(STAFF_PREFIXES).unwrap_or_else(|_| "[]".into());
    template
        .replace("\"__CONFERO_BUILD_ID__\"", &format!("\"{build_id}\""))
        .replace("[\"__CONFERO_PRECACHE__\"]", &list)
        .replace("[\"__CONFERO_STAFF_PREFIXES__\"]", &staff)
        .replace("\"__CONFERO_STAFF_DIR__\"", &format!("\"/{STAFF_DIR}/\""))
}

/// Whether a served file's name carries Trunk's content hash, so it can be cached for good.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name
        .split('.')
        .next()
        .unwrap_or(name)
        .trim_end_matches("_bg");
    match stem.rsplit_once('-') {
        Some((_, hash)) => hash.len() >= 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts_verbatim() {
        let html = "<head><script type=\"module\">import init from '/a.js';\nawait init();</script>\
                    <script src=\"/x.js\"></script><script type=\"module\" src=\"/y.js\" ></script></head>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = STANDARD.encode(Sha256::digest(
            "import init from '/a.js';\nawait init();".as_bytes(),
        ));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
    }

    #[test]
    fn policy_allows_no_inline_script_without_a_hash() {
        let csp = content_security_policy(&["'sha256-abc'".into()]);
        assert!(csp.starts_with("default-src 'self';"));
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc';"));
        assert!(csp.contains("connect-src 'self'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_content_hashed("/confero-web-3c1f2a9b8d7e6f50_bg.wasm"));
        assert!(is_content_hashed("/confero-web-3c1f2a9b8d7e6f50.js"));
        assert!(is_content_hashed("/style-0123456789abcdef.css"));
        assert!(!is_content_hashed("/manifest.webmanifest"));
        assert!(!is_content_hashed("/icons/icon-192.png"));
        assert!(!is_content_hashed("/sw.js"));
    }

    #[test]
    fn renders_the_service_worker_for_this_build() {
        let template = "const BUILD = \"__CONFERO_BUILD_ID__\";\nconst FILES = [\"__CONFERO_PRECACHE__\"];\n\
                        const STAFF = [\"__CONFERO_STAFF_PREFIXES__\"];\nconst DIR = \"__CONFERO_STAFF_DIR__\";";
        let out = render_service_worker(template, "abc123", &["/".into(), "/a.wasm".into()]);
        assert_eq!(
            out,
            "const BUILD = \"abc123\";\nconst FILES = [\"/\",\"/a.wasm\"];\n\
             const STAFF = [\"/teacher\",\"/admin\"];\nconst DIR = \"/staff/\";"
        );
    }
}
