//! The OpenAPI document, generated from the handlers' annotations.

use std::sync::Arc;

use axum::{Extension, Json};
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

/// This document, as JSON.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "service",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json(Extension(doc): Extension<Arc<OpenApiDoc>>) -> Json<OpenApiDoc> {
    Json(doc.as_ref().clone())
}
