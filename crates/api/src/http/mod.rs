//! The HTTP layer: one router per resource, assembled here with the
//! middleware every response passes through.

pub mod booking_batch;
pub mod bookings;
pub mod calendar;
pub mod classes;
pub mod device;
pub mod directory;
pub mod erasure;
pub mod error;
pub mod evenings;
pub mod exports;
pub mod extract;
pub mod headers;
pub mod health;
pub mod households;
pub mod invitations;
pub mod join;
pub mod live;
pub mod me;
pub mod my_data;
pub mod notes;
pub mod openapi;
pub mod outbox;
pub mod overview;
pub mod password_reset;
pub mod people;
pub mod profile;
pub mod roster;
pub mod running_late;
pub mod school;
pub mod serve;
pub mod session;
pub mod spa;
pub mod waitlist;

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::{middleware, Extension, Router};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::Clock;
use crate::config::Config;
use crate::storage::Db;
use error::ApiError;
use spa::WebAssets;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub web: Arc<WebAssets>,
    /// A real argon2 hash of a random password: unknown emails are verified
    /// against it so they take as long as known ones.
    pub dummy_hash: Arc<str>,
    /// Live slot updates for watchers in this process (and, on PostgreSQL, from others).
    pub live: crate::live::Live,
    /// Evening snapshots and school zones.
    pub caches: Arc<crate::cache::Caches>,
    /// Every password hash goes through here, bounded.
    pub hashing: Arc<crate::auth::hashing::Hashing>,
    /// Where mail goes and where its links point.
    pub mail: Arc<crate::mail::MailSettings>,
    /// Wakes the mail worker when there is something to send.
    pub mail_wake: Arc<tokio::sync::Notify>,
}

impl AppState {
    /// The booking transaction's handles on the server.
    pub fn booker(&self) -> crate::booking::Booker<'_> {
        crate::booking::Booker {
            db: &self.db,
            clock: &self.clock,
            live: &self.live,
            caches: &self.caches,
            mail_wake: &self.mail_wake,
        }
    }
}

/// The API's routes with their OpenAPI document.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(openapi::openapi_json))
        .routes(routes!(session::sign_in, session::sign_out))
        .routes(routes!(me::me))
        .routes(routes!(me::change_password))
        .routes(routes!(me::sessions_list))
        .routes(routes!(me::sessions_revoke))
        .routes(routes!(my_data::access))
        .routes(routes!(erasure::request))
        .routes(routes!(erasure::erase))
        .routes(routes!(my_data::download))
        .routes(routes!(profile::get, profile::put))
        .routes(routes!(profile::preview))
        .routes(routes!(directory::search))
        .routes(routes!(directory::person))
        .routes(routes!(classes::class_roster))
        .routes(routes!(school::summary))
        .routes(routes!(school::settings, school::set_settings))
        .routes(routes!(school::retention, school::set_retention))
        .routes(routes!(school::evening_choices))
        .routes(routes!(evenings::list, evenings::create))
        .routes(routes!(evenings::get, evenings::update))
        .routes(routes!(evenings::set_status))
        .routes(routes!(
            evenings::get_availability,
            evenings::put_availability
        ))
        .routes(routes!(evenings::slots))
        .routes(routes!(overview::get))
        .routes(routes!(overview::remind))
        .routes(routes!(overview::pupils))
        .routes(routes!(running_late::set))
        .routes(routes!(live::live))
        .routes(routes!(bookings::create))
        .routes(routes!(booking_batch::create))
        .routes(routes!(bookings::list))
        .routes(routes!(waitlist::mine, waitlist::join))
        .routes(routes!(waitlist::accept))
        .routes(routes!(households::list))
        .routes(routes!(households::set))
        .routes(routes!(waitlist::leave))
        .routes(routes!(bookings::get, bookings::cancel))
        .routes(routes!(bookings::move_slot))
        .routes(routes!(bookings::set_status))
        .routes(routes!(notes::set))
        .routes(routes!(calendar::one))
        .routes(routes!(calendar::mine))
        .routes(routes!(exports::evening_bookings))
        .routes(routes!(exports::guardians))
        .routes(routes!(exports::unbooked))
        .routes(routes!(exports::log))
        .routes(routes!(people::list))
        .routes(routes!(people::disable))
        .routes(routes!(people::enable))
        .routes(routes!(invitations::invite, invitations::revoke))
        .routes(routes!(invitations::invite_everyone))
        .routes(routes!(invitations::accept))
        .routes(routes!(password_reset::request))
        .routes(routes!(password_reset::complete))
        .routes(routes!(join::public_school))
        .routes(routes!(join::ask))
        .routes(routes!(join::confirm))
        .routes(routes!(join::list))
        .routes(routes!(join::approve))
        .routes(routes!(join::reject))
        .merge(
            // Roster files are larger than any JSON body.
            OpenApiRouter::new()
                .routes(routes!(roster::preview))
                .routes(routes!(roster::apply))
                .layer(DefaultBodyLimit::max(roster::MAX_UPLOAD_BYTES)),
        )
        .routes(routes!(outbox::list))
        .routes(routes!(outbox::retry))
}

/// The whole application: API, SPA, and the middleware around both.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api_routes().split_for_parts();
    let doc = openapi::finish(&doc);
    let api = api
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(Extension(doc))
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes));

    let app = match &state.web.dir {
        Some(dir) => {
            let files = ServeDir::new(dir)
                .precompressed_br()
                .fallback(spa::index_for_path(dir));
            api.route("/sw.js", get(service_worker))
                .route("/robots.txt", get(robots))
                // Brotli comes precompressed from the build; the on-the-fly layer
                // only serves clients without brotli (it leaves encoded responses alone).
                .fallback_service(
                    tower::ServiceBuilder::new()
                        .layer(CompressionLayer::new().no_br())
                        .service(files),
                )
        }
        None => api
            .route("/robots.txt", get(robots))
            .fallback(api_not_found),
    };

    app.layer(middleware::from_fn(request_context))
        .layer(middleware::from_fn_with_state(state.clone(), request_deadline))
        .layer(middleware::from_fn_with_state(state.clone(), headers::security_headers))
        .layer(CatchPanicLayer::custom(|_| ApiError::internal(anyhow::anyhow!("a handler panicked")).into_response()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                // Method, path and request id only: no headers (tokens) and no query strings.
                .make_span_with(|request: &Request<Body>| {
                    let request_id = request
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or("-")
                        .to_owned();
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
                })
                .on_response(|response: &Response<Body>, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_millis() as u64, "response");
                }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// A request must be answered within the configured time, its body upload
/// included: a client trickling a body is cut off with a 408.
async fn request_deadline(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request<Body>,
    next: middleware::Next,
) -> axum::response::Response {
    let limit = Duration::from_secs(state.config.request_timeout_secs.max(1));
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout.into_response(),
    }
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound
}

async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}

/// Search engines are told to stay out everywhere: members' content is never indexed.
async fn robots() -> &'static str {
    "User-agent: *\nDisallow: /\n"
}

async fn service_worker(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    match &state.web.service_worker {
        Some(script) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            )],
            script.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Makes the request's id known to what the handler records (the audit log).
async fn request_context(request: Request<Body>, next: middleware::Next) -> Response<Body> {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    crate::telemetry::in_request(id, next.run(request)).await
}
