use crate::helpers::{spawn_app, spawn_app_with, INLINE_LOADER, PASSWORD, STAFF_LOADER};
use base64::Engine as _;
use confero_api::demo;
use reqwest::Response;
use sha2::Digest as _;

fn assert_security_headers(response: &Response, what: &str) {
    let headers = response.headers();
    let csp = headers
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("{what}: no CSP"))
        .to_str()
        .unwrap();
    assert!(csp.starts_with("default-src 'self';"), "{what}: {csp}");
    assert!(csp.contains("connect-src 'self'"), "{what}: {csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    let loader_hash = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(INLINE_LOADER.as_bytes()));
    assert!(
        csp.contains(&format!("'sha256-{loader_hash}'")),
        "{what}: the loader's hash is allowed: {csp}"
    );
    let staff_hash = base64::engine::general_purpose::STANDARD
        .encode(sha2::Sha256::digest(STAFF_LOADER.as_bytes()));
    assert!(
        csp.contains(&format!("'sha256-{staff_hash}'")),
        "{what}: the staff build's loader is allowed too: {csp}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
    assert!(
        headers["x-robots-tag"]
            .to_str()
            .unwrap()
            .contains("noindex"),
        "{what}"
    );
    assert!(
        headers.get("set-cookie").is_none(),
        "{what}: no cookies, ever"
    );
    assert!(
        headers.get("x-request-id").is_some(),
        "{what}: a request id"
    );
    assert!(
        headers.get("strict-transport-security").is_none(),
        "{what}: HSTS only when configured"
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_no_cookie() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let responses = [
        ("health", app.get("/api/health", None).await),
        ("me", app.me(&token).await),
        ("me without token", app.get("/api/me", None).await),
        ("sign in", app.sign_in(demo::PARENT_EMAIL, PASSWORD).await),
        ("bad sign in", app.sign_in(demo::PARENT_EMAIL, "nope").await),
        ("openapi", app.get("/api/openapi.json", None).await),
        ("api 404", app.get("/api/nope", None).await),
        ("index", app.get("/", None).await),
        ("client route", app.get("/parent", None).await),
        (
            "script",
            app.get("/confero-web-0123456789abcdef.js", None).await,
        ),
        ("manifest", app.get("/manifest.webmanifest", None).await),
        ("service worker", app.get("/sw.js", None).await),
        ("robots", app.get("/robots.txt", None).await),
        ("sign out", app.sign_out(&token).await),
    ];
    for (what, response) in &responses {
        assert_security_headers(response, what);
    }
}

#[tokio::test]
async fn api_responses_are_never_cached_and_hashed_assets_are() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    for response in [
        app.me(&token).await,
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await,
        app.get("/api/health", None).await,
    ] {
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
    let script = app.get("/confero-web-0123456789abcdef.js", None).await;
    assert!(script.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let index = app.get("/", None).await;
    assert_eq!(index.headers()["cache-control"], "no-cache");
}

#[tokio::test]
async fn robots_are_told_to_index_nothing() {
    let app = spawn_app().await;
    let body = app.get("/robots.txt", None).await.text().await.unwrap();
    assert!(
        body.contains("User-agent: *") && body.contains("Disallow: /"),
        "{body}"
    );
}

#[tokio::test]
async fn client_side_routes_get_the_spa_shell_of_their_build() {
    let app = spawn_app().await;
    let builds = [
        ("/", INLINE_LOADER),
        ("/signin", INLINE_LOADER),
        ("/parent/evenings/2", INLINE_LOADER),
        ("/profile", INLINE_LOADER),
        ("/teachers", INLINE_LOADER),
        ("/teacher", STAFF_LOADER),
        ("/teacher/classes/3", STAFF_LOADER),
        ("/admin/people?q=ann", STAFF_LOADER),
    ];
    for (path, loader) in builds {
        let response = app.get(path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(response.text().await.unwrap().contains(loader), "{path}");
    }
}

#[tokio::test]
async fn static_files_go_out_precompressed_and_cached_for_good() {
    let app = spawn_app().await;
    let path = "/confero-web-0123456789abcdef.js";
    let brotli = app
        .client
        .get(app.url(path))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(brotli.status(), 200);
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(
        brotli.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(brotli.headers()["vary"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase()
        .contains("accept-encoding"));
    assert_eq!(brotli.text().await.unwrap(), "stored brotli bytes");

    let plain = app
        .client
        .get(app.url(path))
        .header("accept-encoding", "identity")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(
        plain.text().await.unwrap(),
        "export default function init() {}"
    );

    let staff = app
        .get("/staff/confero-staff-fedcba9876543210.js", None)
        .await;
    assert_eq!(staff.status(), 200);
    assert_eq!(
        staff.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
}

#[tokio::test]
async fn the_service_worker_is_built_for_this_build_and_skips_the_api() {
    let app = spawn_app().await;
    let response = app.get("/sw.js", None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let script = response.text().await.unwrap();
    assert!(!script.contains("__CONFERO_BUILD_ID__") && !script.contains("__CONFERO_PRECACHE__"));
    assert!(
        script.contains("\"/confero-web-0123456789abcdef.js\""),
        "the build's files are pre-cached"
    );
    assert!(script.contains("\"/manifest.webmanifest\""));
    let precache = script
        .lines()
        .find(|l| l.starts_with("const PRECACHE"))
        .unwrap();
    assert!(
        !precache.contains("/api"),
        "the API is never pre-cached: {precache}"
    );
    assert!(
        !precache.contains("/staff/") && !precache.contains(".br"),
        "a parent's phone pre-caches only the parent build: {precache}"
    );
    assert!(
        script.contains("const STAFF_PREFIXES = [\"/teacher\",\"/admin\"];"),
        "the staff pages are named from confero_core::bundle"
    );
    assert!(
        script.contains("startsWith(\"/api/\")"),
        "API requests bypass the cache"
    );

    // A different build gets a different cache.
    std::fs::write(
        app.static_dir.path().join("index.html"),
        "<html><script type=\"module\">other</script></html>",
    )
    .unwrap();
    let rebuilt =
        spawn_app_with(|config| config.static_dir = app.static_dir.path().to_owned()).await;
    let other = rebuilt.get("/sw.js", None).await.text().await.unwrap();
    let build_of = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("const BUILD"))
            .unwrap()
            .to_owned()
    };
    assert_ne!(build_of(&script), build_of(&other));
}

#[tokio::test]
async fn hsts_is_sent_when_configured_for_tls() {
    let app = spawn_app_with(|config| config.hsts = true).await;
    let response = app.get("/api/health", None).await;
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}
