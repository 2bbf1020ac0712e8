use crate::helpers::spawn_app;
use serde_json::Value;

/// Every endpoint the API serves, as (method, path).
const ENDPOINTS: [(&str, &str); 76] = [
    ("get", "/api/health"),
    ("get", "/api/openapi.json"),
    ("post", "/api/session"),
    ("delete", "/api/session"),
    ("get", "/api/me"),
    ("put", "/api/me/password"),
    ("get", "/api/classes/{id}"),
    ("get", "/api/school/summary"),
    ("get", "/api/evenings"),
    ("post", "/api/evenings"),
    ("get", "/api/evenings/{id}"),
    ("put", "/api/evenings/{id}"),
    ("put", "/api/evenings/{id}/status"),
    (
        "get",
        "/api/evenings/{id}/teachers/{teacher_id}/availability",
    ),
    (
        "put",
        "/api/evenings/{id}/teachers/{teacher_id}/availability",
    ),
    ("get", "/api/evenings/{id}/slots"),
    ("get", "/api/evenings/{id}/live"),
    ("post", "/api/evenings/{id}/bookings"),
    ("post", "/api/evenings/{id}/bookings/batch"),
    ("get", "/api/evenings/{id}/bookings.csv"),
    ("get", "/api/bookings"),
    ("get", "/api/evenings/{id}/waitlist"),
    ("post", "/api/evenings/{id}/waitlist"),
    ("post", "/api/waitlist/{id}/accept"),
    ("delete", "/api/waitlist/{id}"),
    ("get", "/api/households"),
    ("put", "/api/bookings/{id}/note"),
    ("put", "/api/evenings/{id}/teachers/{teacher_id}/late"),
    ("put", "/api/students/{id}/households"),
    ("get", "/api/bookings/{id}"),
    ("delete", "/api/bookings/{id}"),
    ("put", "/api/bookings/{id}/slot"),
    ("put", "/api/bookings/{id}/status"),
    ("get", "/api/bookings/{id}/calendar.ics"),
    ("get", "/api/bookings/calendar.ics"),
    ("get", "/api/guardians.csv"),
    ("get", "/api/audit"),
    ("get", "/api/me/sessions"),
    ("delete", "/api/me/sessions/{id}"),
    ("get", "/api/me/access"),
    ("get", "/api/me/data"),
    ("post", "/api/me/erasure"),
    ("get", "/api/school/retention"),
    ("put", "/api/school/retention"),
    ("get", "/api/school/evening-choices"),
    ("get", "/api/evenings/{id}/overview"),
    ("post", "/api/evenings/{id}/reminders"),
    ("get", "/api/evenings/{id}/pupils"),
    ("get", "/api/evenings/{id}/unbooked.csv"),
    ("post", "/api/people/{id}/erase"),
    ("get", "/api/profile"),
    ("put", "/api/profile"),
    ("get", "/api/profile/preview"),
    ("get", "/api/directory"),
    ("get", "/api/directory/{id}"),
    ("get", "/api/people"),
    ("post", "/api/people/{id}/disable"),
    ("post", "/api/people/{id}/enable"),
    ("post", "/api/people/{id}/invitation"),
    ("delete", "/api/people/{id}/invitation"),
    ("post", "/api/invitations"),
    ("post", "/api/invitations/accept"),
    ("post", "/api/password-resets"),
    ("post", "/api/password-resets/complete"),
    ("get", "/api/schools/{id}/public"),
    ("post", "/api/schools/{id}/join-requests"),
    ("post", "/api/join-requests/confirm"),
    ("get", "/api/join-requests"),
    ("post", "/api/join-requests/{id}/approve"),
    ("post", "/api/join-requests/{id}/reject"),
    ("post", "/api/roster/preview"),
    ("post", "/api/roster/apply"),
    ("get", "/api/school/settings"),
    ("put", "/api/school/settings"),
    ("get", "/api/outbox"),
    ("post", "/api/outbox/{id}/retry"),
];

#[tokio::test]
async fn the_document_covers_exactly_the_served_endpoints() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut expected: Vec<(String, String)> = ENDPOINTS
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn every_documented_endpoint_is_really_served() {
    let app = spawn_app().await;
    // Public endpoints about a school need one to exist.
    app.seed_demo().await;
    for (method, path) in ENDPOINTS {
        let path = path.replace("{id}", "1").replace("{teacher_id}", "1");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let status = app
            .request(method.clone(), &path, None, None)
            .await
            .status()
            .as_u16();
        assert!(
            status != 404 && status != 405,
            "{method} {path} answered {status}"
        );
    }
}

#[tokio::test]
async fn every_schema_reference_resolves() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "missing schema {name}"
        );
    }
}

/// Every operation documents the error shape for any status it does not
/// list, and every link names an operation that exists.
#[tokio::test]
async fn every_operation_has_a_default_error_and_links_resolve() {
    let app = spawn_app().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let mut links = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            assert_eq!(
                responses["default"]["content"]["application/json"]["schema"]["$ref"],
                "#/components/schemas/ErrorBody",
                "{method} {path}"
            );
            for response in responses.values() {
                for link in response["links"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(_, l)| l)
                {
                    let reference = link["operationRef"].as_str().expect("operationRef");
                    let pointer = reference.strip_prefix('#').unwrap();
                    assert!(doc.pointer(pointer).is_some(), "{reference} resolves");
                    links += 1;
                }
            }
        }
    }
    assert!(links >= 20, "{links} links");
}

/// Every operation the document says needs a session refuses a forged
/// (well-formed, unknown) token with 401, whatever the request carries: no
/// handler forgot to check who asks, whether it takes the session as an
/// extractor or checks a `BearerToken` itself (the booking request).
#[tokio::test]
async fn every_operation_with_a_session_refuses_a_forged_token() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let doc: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    let forged = confero_api::auth::token::generate();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let needs_session = operation["security"]
                .as_array()
                .is_some_and(|s| s.iter().any(|r| r.get("bearer").is_some()));
            if !needs_session {
                continue;
            }
            let path = path.replace("{id}", "1").replace("{teacher_id}", "1");
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (method != reqwest::Method::GET).then(|| serde_json::json!({}));
            let status = app
                .request(method.clone(), &path, Some(&forged), body)
                .await
                .status();
            assert_eq!(status, 401, "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked >= 60, "{checked} operations");
}
