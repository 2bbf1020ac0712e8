//! The API's one error type: every failure becomes `{ "error": { code, message, field? } }`
//! with its status decided here and nowhere else.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use confero_core::{ErrorBody, ErrorCode, ErrorDetail};

use crate::auth::hashing::HashingError;
use crate::booking::BookingError;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(String),
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("{message}")]
    InvalidField { field: String, message: String },
    #[error("the body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("sign in to continue")]
    Unauthenticated,
    #[error("that email and password do not match an account")]
    InvalidCredentials,
    #[error("too many failed sign-ins: try again in {0} seconds")]
    TooManyAttempts(i64),
    #[error("your role does not allow this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    /// A booking rule said no.
    #[error("{0}")]
    Refused(confero_core::Refusal),
    /// A booking rule said no to one booking of a batch (`field` names it).
    #[error("{refusal}")]
    RefusedAt {
        field: String,
        refusal: confero_core::Refusal,
    },
    #[error("the service is busy: try again shortly")]
    Unavailable,
    #[error("this Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    #[error("the request took too long")]
    Timeout,
    #[error("open this address as a WebSocket")]
    UpgradeRequired,
    #[error("the files have problems; nothing was changed")]
    Roster(confero_core::dto::RosterReport),
    #[error("the roster changed since the preview: look at the new preview before applying")]
    RosterChanged,
    /// A change to an evening would leave these booked appointments without a time.
    #[error("{}", stranded_message(.0.len()))]
    WouldStrand(Vec<confero_core::dto::StrandedBooking>),
    #[error("something went wrong on our side; it has been logged")]
    Internal(#[source] anyhow::Error),
}

fn stranded_message(count: usize) -> String {
    let what = if count == 1 {
        "1 booked appointment".to_owned()
    } else {
        format!("{count} booked appointments")
    };
    format!(
        "this change would leave {what} without a time; nothing was changed. Cancel them with the change (each family is told), or change it so they keep their times"
    )
}

impl ApiError {
    /// A field-level validation failure.
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::InvalidField {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// An unexpected failure: logged in full, shown as a bare 500.
    pub fn internal(error: impl Into<anyhow::Error>) -> ApiError {
        ApiError::Internal(error.into())
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            ApiError::MalformedJson(_) => (StatusCode::BAD_REQUEST, ErrorCode::MalformedJson),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
            ),
            ApiError::InvalidField { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidField)
            }
            ApiError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            ApiError::InvalidCredentials => {
                (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials)
            }
            ApiError::TooManyAttempts(_) => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyAttempts)
            }
            ApiError::Forbidden => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            ApiError::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed)
            }
            ApiError::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            ApiError::Refused(refusal) | ApiError::RefusedAt { refusal, .. } => {
                let status = match refusal {
                    confero_core::Refusal::NotTheirTeacher | confero_core::Refusal::NotInvited => {
                        StatusCode::FORBIDDEN
                    }
                    _ => StatusCode::CONFLICT,
                };
                (status, ErrorCode::from(*refusal))
            }
            ApiError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable),
            ApiError::IdempotencyKeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
            ),
            ApiError::Timeout => (StatusCode::REQUEST_TIMEOUT, ErrorCode::Timeout),
            ApiError::UpgradeRequired => (StatusCode::UPGRADE_REQUIRED, ErrorCode::UpgradeRequired),
            ApiError::Roster(_) => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::InvalidRoster),
            ApiError::RosterChanged => (StatusCode::CONFLICT, ErrorCode::RosterChanged),
            ApiError::WouldStrand(_) => (StatusCode::CONFLICT, ErrorCode::WouldStrandBookings),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                ApiError::Conflict("that already exists".into())
            }
            sqlx::Error::PoolTimedOut => {
                tracing::warn!("database pool timed out");
                ApiError::Unavailable
            }
            _ if crate::storage::is_transient(&error) => {
                tracing::warn!(%error, "the database asked for the transaction to be tried again");
                ApiError::Unavailable
            }
            _ => ApiError::Internal(error.into()),
        }
    }
}

impl From<BookingError> for ApiError {
    fn from(error: BookingError) -> ApiError {
        match error {
            BookingError::Refused(refusal) => ApiError::Refused(refusal),
            BookingError::NotFound => ApiError::NotFound,
            BookingError::Forbidden => ApiError::Forbidden,
            BookingError::Invalid { field, message } => ApiError::invalid(field, message),
            BookingError::Conflict(message) => ApiError::Conflict(message.into()),
            BookingError::Database(error) => ApiError::from(error),
            BookingError::At { index, error } => match *error {
                BookingError::Refused(refusal) => ApiError::RefusedAt {
                    field: format!("bookings[{index}]"),
                    refusal,
                },
                BookingError::Invalid { field, message } => {
                    ApiError::invalid(&format!("bookings[{index}].{field}"), message)
                }
                other => ApiError::from(other),
            },
        }
    }
}

impl From<crate::import::ImportError> for ApiError {
    fn from(error: crate::import::ImportError) -> ApiError {
        use crate::import::ImportError;
        match error {
            ImportError::Problems(errors) => {
                ApiError::Roster(confero_core::dto::RosterReport::new(errors))
            }
            ImportError::Stale => ApiError::RosterChanged,
            ImportError::Database(error) => ApiError::from(error),
        }
    }
}

impl From<HashingError> for ApiError {
    fn from(error: HashingError) -> ApiError {
        match error {
            HashingError::Busy => ApiError::Unavailable,
            HashingError::Failed(cause) => ApiError::internal(anyhow::anyhow!(cause)),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let ApiError::Internal(error) = &self {
            // The cause goes to the log, never to the client.
            tracing::error!(error = format!("{error:#}"), "request failed");
        }
        let field = match &self {
            ApiError::InvalidField { field, .. } | ApiError::RefusedAt { field, .. } => {
                Some(field.clone())
            }
            _ => None,
        };
        let detail = ErrorDetail {
            code,
            message: self.to_string(),
            field,
        };
        let mut response = match self {
            ApiError::Roster(ref report) => (
                status,
                Json(confero_core::dto::RosterProblems {
                    error: detail,
                    report: Some(report.clone()),
                }),
            )
                .into_response(),
            ApiError::WouldStrand(ref stranded) => (
                status,
                Json(confero_core::dto::StrandedBookings {
                    error: detail,
                    stranded: stranded.clone(),
                }),
            )
                .into_response(),
            _ => (status, Json(ErrorBody { error: detail })).into_response(),
        };
        let headers = response.headers_mut();
        match self {
            ApiError::Unauthenticated | ApiError::InvalidCredentials => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::TooManyAttempts(secs) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            }
            ApiError::Unavailable => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

/// The result type of every handler.
pub type ApiResult<T> = Result<T, ApiError>;
