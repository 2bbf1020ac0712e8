use crate::helpers::{error_of, spawn_app, spawn_app_with, PASSWORD};
use confero_api::demo;
use reqwest::Method;

#[tokio::test]
async fn malformed_json_is_a_400() {
    let app = spawn_app().await;
    for body in [
        "{\"email\":",
        "not json",
        "{\"email\":\"a@b.org\",\"password\":\"x\"} extra",
    ] {
        let (status, code, _) =
            error_of(app.raw_post("/api/session", "application/json", body).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (400, "malformed_json"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;
    let response = app
        .raw_post(
            "/api/session",
            "application/x-www-form-urlencoded",
            "email=a&password=b",
        )
        .await;
    let (status, code, _) = error_of(response).await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (415, "unsupported_media_type")
    );
}

#[tokio::test]
async fn invalid_fields_are_422_and_named() {
    let app = spawn_app().await;
    let cases = [
        (r#"{"email":"parent@demo.confero.test"}"#, "password"),
        (r#"{"password":"x"}"#, "email"),
        (
            r#"{"email":"a@b.org","password":"x","remember":true}"#,
            "remember",
        ),
        (r#"{"email":["a"],"password":"x"}"#, "email"),
        (r#"{"email":"not-an-email","password":"x"}"#, "email"),
        (r#"{"email":"a@b.org","password":""}"#, "password"),
    ];
    for (body, field) in cases {
        let (status, code, named) =
            error_of(app.raw_post("/api/session", "application/json", body).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (422, "invalid_field"),
            "{body}"
        );
        assert_eq!(named.as_deref(), Some(field), "{body}");
    }
}

#[tokio::test]
async fn oversized_bodies_are_413_and_change_nothing() {
    let app = spawn_app_with(|config| config.body_limit_bytes = 1024).await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let huge = format!(
        r#"{{"current_password":"{PASSWORD}","new_password":"{}"}}"#,
        "x".repeat(4096)
    );
    let response = app
        .client
        .put(app.url("/api/me/password"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(response).await;
    assert_eq!((status.as_u16(), code.as_str()), (413, "payload_too_large"));
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201,
        "password unchanged"
    );
}

#[tokio::test]
async fn unknown_api_paths_are_json_404s_and_wrong_methods_405s() {
    let app = spawn_app().await;
    for path in ["/api", "/api/nothing-here", "/api/classes/1/students/extra"] {
        let (status, code, _) = error_of(app.get(path, None).await).await;
        assert_eq!(
            (status.as_u16(), code.as_str()),
            (404, "not_found"),
            "{path}"
        );
    }
    let (status, code, _) =
        error_of(app.request(Method::POST, "/api/health", None, None).await).await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (405, "method_not_allowed")
    );
}

#[tokio::test]
async fn path_ids_that_are_not_numbers_are_rejected_cleanly() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::ADMIN_EMAIL, PASSWORD).await;
    for path in [
        "/api/classes/abc",
        "/api/classes/99999999999999999999999",
        "/api/classes/-1",
    ] {
        let (status, code, field) = error_of(app.get(path, Some(&token)).await).await;
        match status.as_u16() {
            422 => assert_eq!(
                (code.as_str(), field.as_deref()),
                ("invalid_field", Some("id")),
                "{path}"
            ),
            404 => assert_eq!(code, "not_found", "{path}"),
            other => panic!("{path}: {other}"),
        }
    }
}

#[tokio::test]
async fn hostile_input_never_causes_a_server_error() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let bodies = [
        "{}".to_owned(),
        "null".to_owned(),
        "[]".to_owned(),
        format!(r#"{{"email":"{}@x.org","password":"x"}}"#, "a".repeat(300)),
        r#"{"email":"a@b.org","password":"\u0000\ud800"}"#.to_owned(),
        format!(
            r#"{{"email":"a@b.org","password":"{}"}}"#,
            "p".repeat(10_000)
        ),
        "{\"email\": \"'; DROP TABLE people; --@x.org\", \"password\": \"x\"}".to_owned(),
    ];
    for body in bodies {
        let response = app
            .raw_post("/api/session", "application/json", body.clone())
            .await;
        assert!(
            response.status().is_client_error(),
            "{body:.60}: {}",
            response.status()
        );
    }
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201
    );
}
