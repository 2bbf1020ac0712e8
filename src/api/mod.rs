//! The one typed client for Confero's API. Pages never build URLs or parse
//! JSON themselves: they call a function here (this file: sessions, evenings
//! and bookings; `accounts`: invitations, resets, joining, devices; `admin`:
//! people, roster import, join requests and the outbox; `office`: an
//! evening's settings, overview and reminders; `waitlist`: places in
//! teachers' lines and their offers).
//!
//! Authenticated calls take the [`Session`]; any 401 ends it on the spot, so
//! a revoked or timed-out token is dropped from storage the first time the
//! API refuses it.

use confero_core::dto::{
    AvailabilityInput, AvailabilityView, BatchBooked, BatchBookingInput, Booking, BookingInput,
    BookingStatus, ChangePassword, ClassRoster, Evening, EveningInput, EveningStatus,
    EveningStatusChange, Me, MoveInput, NoteInput, RunningLate, SchoolSummary, SessionCreated,
    SignIn, StatusInput, StrandedBooking, StrandedBookings, TeacherSlots,
};
use confero_core::{ErrorBody, ErrorCode, ErrorDetail, Role};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

use crate::session::Session;

mod accounts;
mod admin;
pub mod office;
mod profile;
mod waitlist;

pub use accounts::*;
pub use admin::*;
pub use profile::*;
pub use waitlist::*;

/// Why an API call failed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// The request never got an answer: offline, DNS, the server is down.
    #[error("Confero could not be reached. Check your connection and try again.")]
    Network,
    /// The API answered with its JSON error.
    #[error("{}", .0.message)]
    Api(ErrorDetail),
    /// The API answered with something this client does not understand.
    #[error("Confero sent an unexpected answer (HTTP {0}). Try again in a moment.")]
    Unexpected(u16),
    /// A change to an evening would leave these booked appointments without
    /// a time (409 `would_strand_bookings`); nothing changed.
    #[error("{}", .0.message)]
    Strands(ErrorDetail, Vec<StrandedBooking>),
}

impl ApiError {
    /// The API's machine-readable code, when there is one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Api(detail) | ApiError::Strands(detail, _) => Some(detail.code),
            _ => None,
        }
    }

    /// The message for `field`, when the API named it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            ApiError::Api(detail) if detail.field.as_deref() == Some(field) => {
                Some(detail.message.clone())
            }
            _ => None,
        }
    }

    /// Which booking of a batch the API refused (its `field` is `bookings[i]`).
    pub fn batch_index(&self) -> Option<usize> {
        match self {
            ApiError::Api(ErrorDetail {
                field: Some(field), ..
            }) => field
                .strip_prefix("bookings[")
                .and_then(|rest| rest.split(']').next())
                .and_then(|index| index.parse().ok()),
            _ => None,
        }
    }

    /// Whether the error belongs to a field rather than to the form as a whole.
    pub fn is_field_error(&self) -> bool {
        matches!(self, ApiError::Api(ErrorDetail { field: Some(_), .. }))
    }
}

pub(crate) async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, ApiError> {
    let request = request.map_err(|_| ApiError::Network)?;
    request.send().await.map_err(|_| ApiError::Network)
}

pub(crate) async fn error_from(response: Response) -> ApiError {
    let status = response.status();
    let Ok(text) = response.text().await else {
        return ApiError::Unexpected(status);
    };
    if status == 409 {
        if let Ok(body) = serde_json::from_str::<StrandedBookings>(&text) {
            return ApiError::Strands(body.error, body.stranded);
        }
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => ApiError::Api(body.error),
        Err(_) => ApiError::Unexpected(status),
    }
}

pub(crate) async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|_| ApiError::Unexpected(response.status()))
    } else {
        Err(error_from(response).await)
    }
}

/// Sends an authenticated request; a 401 ends the session.
pub(crate) async fn authorized(
    session: Session,
    build: impl FnOnce(String) -> Result<Request, gloo_net::Error>,
) -> Result<Response, ApiError> {
    let Some(token) = session.token() else {
        session.end(true);
        return Err(ApiError::Api(ErrorDetail {
            code: ErrorCode::Unauthenticated,
            message: "Sign in to continue.".into(),
            field: None,
        }));
    };
    let response = send(build(format!("Bearer {token}"))).await?;
    if response.status() == 401 {
        session.end(true);
    }
    Ok(response)
}

pub(crate) fn with_auth(builder: RequestBuilder, authorization: &str) -> RequestBuilder {
    builder.header("Authorization", authorization)
}

/// `POST /api/session`. `remember`: keep me signed in on this device.
pub async fn sign_in(
    email: String,
    password: String,
    remember: bool,
) -> Result<SessionCreated, ApiError> {
    let body = SignIn {
        email,
        password,
        remember,
    };
    let response = send(Request::post("/api/session").json(&body)).await?;
    decode(response).await
}

/// `DELETE /api/session`. The session is cleared locally whatever the answer.
pub async fn sign_out(session: Session) -> Result<(), ApiError> {
    let result = authorized(session, |auth| {
        with_auth(Request::delete("/api/session"), &auth).build()
    })
    .await;
    session.end(false);
    match result {
        Ok(response) if response.ok() || response.status() == 401 => Ok(()),
        Ok(response) => Err(error_from(response).await),
        Err(error) => Err(error),
    }
}

/// `GET /api/me`.
pub async fn me(session: Session) -> Result<Me, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/me"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `PUT /api/me/password`.
pub async fn change_password(session: Session, change: ChangePassword) -> Result<(), ApiError> {
    let response = authorized(session, |auth| {
        with_auth(Request::put("/api/me/password"), &auth).json(&change)
    })
    .await?;
    if response.ok() {
        Ok(())
    } else {
        Err(error_from(response).await)
    }
}

/// `GET /api/classes/{id}`.
pub async fn class_roster(session: Session, id: i64) -> Result<ClassRoster, ApiError> {
    let url = format!("/api/classes/{id}");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `GET /api/school/summary`.
pub async fn school_summary(session: Session) -> Result<SchoolSummary, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/school/summary"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `GET /api/evenings`.
pub async fn evenings(session: Session) -> Result<Vec<Evening>, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::get("/api/evenings"), &auth).build()
        })
        .await?,
    )
    .await
}

/// `GET /api/evenings/{id}`.
pub async fn evening(session: Session, id: i64) -> Result<Evening, ApiError> {
    let url = format!("/api/evenings/{id}");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `GET /api/evenings/{id}/slots`, optionally for one teacher.
pub async fn slots(
    session: Session,
    evening: i64,
    teacher: Option<i64>,
) -> Result<Vec<TeacherSlots>, ApiError> {
    let url = match teacher {
        Some(teacher) => format!("/api/evenings/{evening}/slots?teacher_id={teacher}"),
        None => format!("/api/evenings/{evening}/slots"),
    };
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `GET /api/bookings?evening_id=…&as=…`.
pub async fn bookings(
    session: Session,
    evening: i64,
    role: Role,
) -> Result<Vec<Booking>, ApiError> {
    let url = format!("/api/bookings?evening_id={evening}&as={role}");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `GET /api/bookings?as=guardian`: the family's appointments, every evening.
pub async fn family_bookings(session: Session) -> Result<Vec<Booking>, ApiError> {
    let url = format!("/api/bookings?as={}", Role::Guardian);
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `POST /api/evenings/{id}/bookings`. Retried once if it never reached the
/// server; the idempotency key makes that safe.
pub async fn book(
    session: Session,
    evening: i64,
    input: BookingInput,
    idempotency_key: String,
) -> Result<Booking, ApiError> {
    let url = format!("/api/evenings/{evening}/bookings");
    post_once(session, url, input, idempotency_key).await
}

/// `POST /api/evenings/{id}/bookings/batch`: a whole plan, all or nothing.
pub async fn book_all(
    session: Session,
    evening: i64,
    input: BatchBookingInput,
    idempotency_key: String,
) -> Result<BatchBooked, ApiError> {
    let url = format!("/api/evenings/{evening}/bookings/batch");
    post_once(session, url, input, idempotency_key).await
}

/// POSTs with an `Idempotency-Key`, sent again once if the first attempt
/// never got an answer: the key makes sure it takes effect only once.
async fn post_once<I: serde::Serialize + Clone, T: DeserializeOwned>(
    session: Session,
    url: String,
    input: I,
    idempotency_key: String,
) -> Result<T, ApiError> {
    let attempt = || {
        let url = url.clone();
        let key = idempotency_key.clone();
        let input = input.clone();
        authorized(session, move |auth| {
            with_auth(Request::post(&url), &auth)
                .header("Idempotency-Key", &key)
                .json(&input)
        })
    };
    let response = match attempt().await {
        Err(ApiError::Network) => attempt().await?,
        other => other?,
    };
    decode(response).await
}

/// `DELETE /api/bookings/{id}`.
pub async fn cancel(session: Session, id: i64) -> Result<Booking, ApiError> {
    let url = format!("/api/bookings/{id}");
    decode(
        authorized(session, |auth| {
            with_auth(Request::delete(&url), &auth).build()
        })
        .await?,
    )
    .await
}

/// `PUT /api/evenings/{id}/teachers/{teacher_id}/late`: running `minutes` late (0: on time).
pub async fn set_late(
    session: Session,
    evening: i64,
    teacher: i64,
    minutes: u32,
) -> Result<RunningLate, ApiError> {
    let url = format!("/api/evenings/{evening}/teachers/{teacher}/late");
    let body = RunningLate { minutes };
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&body)
        })
        .await?,
    )
    .await
}

/// `PUT /api/bookings/{id}/note`: the teacher's private note (empty removes it).
pub async fn set_note(session: Session, id: i64, note: String) -> Result<Booking, ApiError> {
    let url = format!("/api/bookings/{id}/note");
    let body = NoteInput { note };
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&body)
        })
        .await?,
    )
    .await
}

/// `PUT /api/bookings/{id}/status`.
pub async fn mark(session: Session, id: i64, status: BookingStatus) -> Result<Booking, ApiError> {
    let url = format!("/api/bookings/{id}/status");
    let body = StatusInput { status };
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&body)
        })
        .await?,
    )
    .await
}

/// Downloads an authenticated file (a calendar or an export): the token
/// cannot go in a link, so the file is fetched and handed to the browser.
pub async fn download(session: Session, path: &str, filename: &str) -> Result<(), ApiError> {
    let response = authorized(session, |auth| with_auth(Request::get(path), &auth).build()).await?;
    if !response.ok() {
        return Err(error_from(response).await);
    }
    let bytes = response.binary().await.map_err(|_| ApiError::Network)?;
    crate::files::save(
        &bytes,
        filename,
        response
            .headers()
            .get("content-type")
            .as_deref()
            .unwrap_or("application/octet-stream"),
    );
    Ok(())
}

/// `POST /api/evenings`.
pub async fn create_evening(session: Session, input: EveningInput) -> Result<Evening, ApiError> {
    decode(
        authorized(session, |auth| {
            with_auth(Request::post("/api/evenings"), &auth).json(&input)
        })
        .await?,
    )
    .await
}

/// `PUT /api/evenings/{id}/status`.
pub async fn set_evening_status(
    session: Session,
    id: i64,
    status: EveningStatus,
) -> Result<Evening, ApiError> {
    let url = format!("/api/evenings/{id}/status");
    let body = EveningStatusChange { status };
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&body)
        })
        .await?,
    )
    .await
}

/// `GET /api/evenings/{id}/teachers/{teacher}/availability`.
pub async fn availability(
    session: Session,
    evening: i64,
    teacher: i64,
) -> Result<AvailabilityView, ApiError> {
    let url = format!("/api/evenings/{evening}/teachers/{teacher}/availability");
    decode(authorized(session, |auth| with_auth(Request::get(&url), &auth).build()).await?).await
}

/// `PUT /api/evenings/{id}/teachers/{teacher}/availability`.
pub async fn set_availability(
    session: Session,
    evening: i64,
    teacher: i64,
    input: AvailabilityInput,
) -> Result<AvailabilityView, ApiError> {
    let url = format!("/api/evenings/{evening}/teachers/{teacher}/availability");
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&input)
        })
        .await?,
    )
    .await
}

/// `PUT /api/bookings/{id}/slot`: move a booking to another time with the same teacher, atomically.
pub async fn move_booking(
    session: Session,
    id: i64,
    start: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Booking, ApiError> {
    let url = format!("/api/bookings/{id}/slot");
    let body = MoveInput { start };
    decode(
        authorized(session, |auth| {
            with_auth(Request::put(&url), &auth).json(&body)
        })
        .await?,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(field: Option<&str>) -> ApiError {
        ApiError::Api(ErrorDetail {
            code: ErrorCode::SlotTaken,
            message: "someone else has just booked this time".into(),
            field: field.map(str::to_owned),
        })
    }

    #[test]
    fn a_batch_refusal_names_its_booking() {
        assert_eq!(refused(Some("bookings[2]")).batch_index(), Some(2));
        assert_eq!(
            refused(Some("bookings[10].teacher_id")).batch_index(),
            Some(10)
        );
        assert_eq!(refused(Some("bookings")).batch_index(), None);
        assert_eq!(refused(Some("email")).batch_index(), None);
        assert_eq!(refused(None).batch_index(), None);
        assert_eq!(ApiError::Network.batch_index(), None);
    }
}
