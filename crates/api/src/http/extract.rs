//! Request extractors: a JSON body whose every failure names the field, and
//! the signed-in session, so a handler that forgets authentication does not
//! compile.

use axum::body::Bytes;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{header, request::Parts, StatusCode};
use confero_core::Role;
use serde::de::DeserializeOwned;

use super::error::ApiError;
use super::AppState;
use crate::auth::token;
use crate::storage::bookings::{SlotAsked, TeachesAndTaken};
use crate::storage::sessions;

/// A JSON request body. Malformed JSON is a 400; a missing, unknown or
/// mistyped field is a 422 that names it; an oversized body is a 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(0)
            } else {
                ApiError::MalformedJson("the body could not be read".into())
            }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Deserialises a body, turning serde's complaint into an error that names the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if !inner.is_data() {
            return ApiError::MalformedJson(strip_position(&inner.to_string()));
        }
        let message = strip_position(&inner.to_string());
        // serde names missing and unknown fields in backticks in its message.
        let named = message
            .strip_prefix("missing field `")
            .or_else(|| message.strip_prefix("unknown field `"))
            .and_then(|rest| rest.split('`').next());
        match named {
            Some(name) if message.starts_with("missing") => ApiError::invalid(name, "is required"),
            Some(name) => ApiError::invalid(name, "is not a known field"),
            // A top-level array where an object belongs: the body as a whole is wrong.
            None if path == "." || path.starts_with('[') => ApiError::invalid("body", message),
            None => ApiError::invalid(&path, message),
        }
    })?;
    deserializer
        .end()
        .map_err(|error| ApiError::MalformedJson(strip_position(&error.to_string())))?;
    Ok(value)
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// A search box's text from `?q=`: trimmed, `None` when blank, a 422 naming
/// `q` when it is too long or holds a control character.
pub fn search_term(q: Option<&str>) -> Result<Option<&str>, ApiError> {
    let search = q.map(str::trim).filter(|q| !q.is_empty());
    if search.is_some_and(|q| {
        q.chars().count() > 100 || !q.chars().all(confero_core::text::allowed_in_line)
    }) {
        return Err(ApiError::invalid(
            "q",
            "must be at most 100 characters, with no control characters",
        ));
    }
    Ok(search)
}

/// The `{id}` of a path such as `/api/classes/{id}`.
#[derive(Debug, serde::Deserialize)]
pub struct IdParam {
    pub id: i64,
}

/// A path parameter; one that does not parse is a 422 naming it, in the usual JSON shape.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        match rejection {
            PathRejection::FailedToDeserializePathParams(error) => match error.kind() {
                ErrorKind::ParseErrorAtKey {
                    key, expected_type, ..
                } => ApiError::invalid(key, format!("must be {expected_type}")),
                ErrorKind::ParseError { expected_type, .. } => {
                    ApiError::invalid("path", format!("must be {expected_type}"))
                }
                _ => ApiError::NotFound,
            },
            _ => ApiError::NotFound,
        }
    }
}

/// A query string; one that does not parse is a 422 naming the parameter.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        // serde names the parameter first: "evening_id: invalid digit found in string".
        let detail = rejection.body_text();
        let detail = detail
            .strip_prefix("Failed to deserialize query string: ")
            .unwrap_or(&detail);
        match detail.split_once(": ") {
            Some((name, reason)) if !name.contains(' ') => ApiError::invalid(name, reason),
            _ => ApiError::invalid("query", detail.to_owned()),
        }
    }
}

/// The signed-in person, taken from `Authorization: Bearer …`.
///
/// Extracting it checks the token against the stored hash, the absolute
/// lifetime, the idle time-out, revocation and the account's status, and
/// restarts the idle timer.
#[derive(Clone, Debug)]
pub struct AuthSession {
    pub person_id: i64,
    pub school_id: i64,
    pub roles: Vec<Role>,
    /// The children the person is a guardian of, as the session was checked
    /// (read whatever the person's roles; `Viewer::of` counts them only for
    /// a guardian).
    pub children: Vec<i64>,
    pub token_hash: String,
}

impl AuthSession {
    /// Whether the session's person holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Refuses with 403 unless the person holds one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.iter().any(|role| self.has(*role)) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// Only touch `last_seen_at` when it is at least this stale, so a burst of
/// requests costs one write, not one each.
const TOUCH_GRANULARITY_SECS: i64 = 30;

impl FromRequestParts<AppState> for AuthSession {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        authenticate(state, bearer_of(parts)?).await
    }
}

/// The token of `Authorization: Bearer …`; 401 without one.
fn bearer_of(parts: &Parts) -> Result<&str, ApiError> {
    parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(ApiError::Unauthenticated)
}

/// A request's bearer token, not yet checked: for a handler that reads
/// something in the same query as the session (a booking request: on
/// PostgreSQL one round trip fewer). It cannot be read, only checked into an
/// [`AuthSession`]; a handler that takes it must check it before it does
/// anything else, and before it answers with an error about the request
/// (`bookings::create` is the only one). That every operation refuses a
/// forged token is tested over the whole OpenAPI document
/// (`openapi.rs::every_operation_with_a_session_refuses_a_forged_token`).
pub struct BearerToken(String);

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerToken(..)")
    }
}

impl BearerToken {
    /// [`authenticate`].
    pub async fn check(&self, state: &AppState) -> Result<AuthSession, ApiError> {
        authenticate(state, &self.0).await
    }

    /// [`authenticate`], with whether the teacher teaches the child and the
    /// slot is taken read in the same query (`sessions::find_with_slot`).
    pub async fn check_with_slot(
        &self,
        state: &AppState,
        asked: SlotAsked,
    ) -> Result<(AuthSession, TeachesAndTaken), ApiError> {
        let token_hash = hash_of(&self.0)?;
        match sessions::find_with_slot(&state.db, &token_hash, asked).await? {
            Some((stored, known)) => {
                Ok((admit(state, Some(stored), token_hash, true).await?, known))
            }
            None => Err(ApiError::Unauthenticated),
        }
    }
}

impl FromRequestParts<AppState> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        bearer_of(parts).map(|token| BearerToken(token.to_owned()))
    }
}

/// Checks a bearer token against the stored hash, the absolute lifetime, the
/// idle time-out, revocation and the account's status, and restarts the idle
/// timer. Used by the extractor and by the live-update socket's first message.
pub async fn authenticate(state: &AppState, token: &str) -> Result<AuthSession, ApiError> {
    check_token(state, token, true).await
}

/// The same check without restarting the idle timer: for re-checking an
/// open live socket, which is not activity of the person.
pub async fn recheck(state: &AppState, token: &str) -> Result<AuthSession, ApiError> {
    check_token(state, token, false).await
}

async fn check_token(state: &AppState, token: &str, touch: bool) -> Result<AuthSession, ApiError> {
    let token_hash = hash_of(token)?;
    let stored = sessions::find(&state.db, &token_hash).await?;
    admit(state, stored, token_hash, touch).await
}

/// The hash a token is stored under; 401 for a token that cannot be one of ours.
fn hash_of(token: &str) -> Result<String, ApiError> {
    if !token::is_well_formed(token) {
        return Err(ApiError::Unauthenticated);
    }
    Ok(token::hash(token))
}

/// The session found for a token, if it is still good: not revoked, not past
/// its lifetime or idle time-out, its person not disabled. Restarts the idle
/// timer when `touch` is set.
async fn admit(
    state: &AppState,
    stored: Option<sessions::StoredSession>,
    token_hash: String,
    touch: bool,
) -> Result<AuthSession, ApiError> {
    let stored = stored.ok_or(ApiError::Unauthenticated)?;
    let now = state.clock.now().timestamp();
    // A session kept on a device has only its (shorter) absolute lifetime.
    let idle_expired =
        !stored.persistent && now - stored.last_seen_at >= state.config.idle_timeout_secs();
    if stored.revoked || stored.person_disabled || now >= stored.expires_at || idle_expired {
        return Err(ApiError::Unauthenticated);
    }
    if touch && now - stored.last_seen_at >= TOUCH_GRANULARITY_SECS {
        sessions::touch(&state.db, &token_hash, now).await?;
    }
    Ok(AuthSession {
        person_id: stored.person_id,
        school_id: stored.school_id,
        roles: stored.roles,
        children: stored.children,
        token_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use confero_core::dto::SignIn;

    fn field_of(body: &str) -> (String, Option<String>) {
        match parse_json::<SignIn>(body.as_bytes()) {
            Err(ApiError::InvalidField { field, message }) => (message, Some(field)),
            Err(ApiError::MalformedJson(message)) => (message, None),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        let table = [
            (r#"{"email":"a@b.org"}"#, Some("password")),
            (
                r#"{"email":"a@b.org","password":"x","role":"admin"}"#,
                Some("role"),
            ),
            (r#"{"email":7,"password":"x"}"#, Some("email")),
            (r#"[1,2]"#, Some("body")),
            (r#"{"email":"#, None),
            (r#"{"email":"a","password":"b"} trailing"#, None),
            ("", None),
        ];
        for (body, want) in table {
            let (_, field) = field_of(body);
            assert_eq!(field.as_deref(), want, "{body}");
        }
    }

    #[test]
    fn messages_do_not_carry_positions() {
        let (message, _) = field_of(r#"{"email":"#);
        assert!(!message.contains("line"), "{message}");
    }
}
