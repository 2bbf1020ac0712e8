//! The OpenAPI document, generated from the handlers' annotations.

use std::sync::Arc;

use axum::{Extension, Json};
use serde_json::{json, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::{Modify, OpenApi};

/// The document's fixed parts; paths are added by `OpenApiRouter` as routes are registered,
/// so an endpoint cannot be served without being documented.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Confero API",
        description = "Parent–teacher conference booking. Authenticate with `Authorization: Bearer <token>` from `POST /api/session`; no cookies are used."
    ),
    modifiers(&BearerAuth),
    components(schemas(confero_core::ErrorBody, confero_core::ErrorDetail, confero_core::ErrorCode))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The finished document, as served.
#[derive(Clone, Debug)]
pub struct Document(pub Arc<Value>);

/// Completes the document once every route is in it.
///
/// - Every operation answers any status it does not list (400, 401, 408, 413,
///   415, 503, …) with the one error shape: that is its `default` response.
/// - Links say which operations take the id an answer carries, so a client
///   (or a fuzzer's stateful phase) can follow a created booking or evening.
///   They are written here as JSON: utoipa 5 names a link's `operationRef`
///   in snake case.
pub fn finish(doc: &OpenApiDoc) -> Document {
    let mut doc = serde_json::to_value(doc).unwrap_or(Value::Null);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                if let Some(responses) = operation
                    .get_mut("responses")
                    .and_then(Value::as_object_mut)
                {
                    responses.entry("default").or_insert_with(|| {
                        json!({
                            "description": "Any other status: the error, in the one shape every error has",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
                        })
                    });
                }
            }
        }
    }
    let booking_ops = [
        ("/api/bookings/{id}", "get"),
        ("/api/bookings/{id}", "delete"),
        ("/api/bookings/{id}/slot", "put"),
        ("/api/bookings/{id}/status", "put"),
        ("/api/bookings/{id}/calendar.ics", "get"),
    ];
    let evening_ops = [
        ("/api/evenings/{id}", "get"),
        ("/api/evenings/{id}", "put"),
        ("/api/evenings/{id}/status", "put"),
        ("/api/evenings/{id}/slots", "get"),
        ("/api/evenings/{id}/bookings", "post"),
        ("/api/evenings/{id}/bookings.csv", "get"),
    ];
    let mut link = |from: (&str, &str, &str), to: &[(&str, &str)], id_at: &str| {
        let (path, method, status) = from;
        let Some(response) = doc.pointer_mut(&format!(
            "/paths/{}/{method}/responses/{status}",
            escape(path)
        )) else {
            return;
        };
        let links = response
            .as_object_mut()
            .map(|r| r.entry("links").or_insert_with(|| json!({})));
        if let Some(Value::Object(links)) = links {
            for (target, target_method) in to {
                let name =
                    format!("{target_method} {target}").replace(['/', '{', '}', '.', ' '], "_");
                links.insert(
                    name,
                    json!({
                        "operationRef": format!("#/paths/{}/{target_method}", escape(target)),
                        "parameters": {"id": id_at}
                    }),
                );
            }
        }
    };
    link(
        ("/api/evenings/{id}/bookings", "post", "201"),
        &booking_ops,
        "$response.body#/id",
    );
    link(
        ("/api/evenings", "post", "201"),
        &evening_ops,
        "$response.body#/id",
    );
    link(
        ("/api/evenings", "get", "200"),
        &evening_ops,
        "$response.body#/0/id",
    );
    link(
        ("/api/bookings", "get", "200"),
        &booking_ops,
        "$response.body#/0/id",
    );
    Document(Arc::new(doc))
}

/// A path as one JSON-pointer segment.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// This document, as JSON.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json(Extension(doc): Extension<Document>) -> Json<Value> {
    Json(doc.0.as_ref().clone())
}
