//! Bookings: book, list, cancel, move, mark, and calendar files.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use confero_core::dto::{
    BookedBy, Booking, BookingInput, BookingStatus, MeetingMode, MoveInput, StatusInput,
};
use confero_core::{ErrorBody, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::evenings::{visible_evening, zone_of};
use super::extract::{ApiJson, ApiPath, ApiQuery, AuthSession, BearerToken, IdParam};
use super::AppState;
use crate::booking::{Actor, Idempotency, BOOKED};
use crate::privacy::{self, ProfileViewer, Viewer};
use crate::storage::bookings::{self, BookingDetail, Scope, SlotAsked};
use crate::storage::profiles;
use crate::zone::SchoolZone;
use sha2::{Digest as _, Sha256};

/// The acting person, as the booking rules see them.
pub fn actor(session: &AuthSession) -> Actor {
    Actor {
        school_id: session.school_id,
        viewer: Viewer::of(session),
    }
}

/// The outgoing view of a booking.
pub fn booking_view(zone: &SchoolZone, detail: &BookingDetail) -> Booking {
    let row = &detail.row;
    Booking {
        id: row.id,
        evening_id: row.evening_id,
        evening_name: detail.evening_name.clone(),
        teacher_id: row.teacher_id,
        teacher_name: detail.teacher_name.clone(),
        student_id: row.student_id,
        student_name: detail.student_name.clone(),
        start: zone.rfc3339(row.span.start),
        end: zone.rfc3339(row.span.end),
        room: row.room.clone(),
        mode: MeetingMode::parse(&detail.mode).unwrap_or(MeetingMode::InPerson),
        video_link: detail.video_link.clone(),
        status: BookingStatus::parse(&row.status).unwrap_or(BookingStatus::Booked),
        family: None,
        booked_by: None,
        staff_note: None,
        class_name: None,
    }
}

pub(super) async fn view(state: &AppState, school_id: i64, id: i64) -> ApiResult<Json<Booking>> {
    let zone = zone_of(state, school_id).await?;
    let detail = bookings::detail_of(&state.db, school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(booking_view(&zone, &detail)))
}

pub(super) fn idempotency_key(headers: &HeaderMap) -> ApiResult<Option<String>> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(value) => {
            let key = value
                .to_str()
                .map_err(|_| ApiError::invalid("Idempotency-Key", "must be printable ASCII"))?;
            if key.is_empty() || key.len() > 200 {
                return Err(ApiError::invalid(
                    "Idempotency-Key",
                    "must be 1 to 200 characters",
                ));
            }
            Ok(Some(key.to_owned()))
        }
    }
}

/// What identifies a booking request: the same key on a different request
/// is refused rather than answered with the first request's booking.
fn fingerprint(evening_id: i64, input: &BookingInput) -> String {
    let request = format!(
        "POST /api/evenings/{evening_id}/bookings teacher={} student={} start={}",
        input.teacher_id,
        input.student_id,
        input.start.timestamp()
    );
    hex::encode(Sha256::digest(request.as_bytes()))
}

/// The first answer given for an idempotency key.
pub(super) enum Replayed {
    /// The request booked: these bookings, in the order asked.
    Booked(Vec<i64>),
    /// It was refused: the response, as given then.
    Refused(Response),
}

/// Replays the first answer given for an idempotency key, if there is one.
pub(super) async fn replay(
    state: &AppState,
    session: &AuthSession,
    key: &str,
    fingerprint: &str,
) -> ApiResult<Option<Replayed>> {
    let Some(answer) = bookings::idempotent_answer(&state.db, session.person_id, key).await? else {
        return Ok(None);
    };
    if !answer.fingerprint.is_empty() && answer.fingerprint != fingerprint {
        return Err(ApiError::IdempotencyKeyReused);
    }
    if answer.status == BOOKED {
        let ids = answer
            .body
            .split(',')
            .map(str::parse)
            .collect::<Result<Vec<i64>, _>>()
            .map_err(ApiError::internal)?;
        return Ok(Some(Replayed::Booked(ids)));
    }
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::CONFLICT);
    Ok(Some(Replayed::Refused(
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            answer.body,
        )
            .into_response(),
    )))
}

/// A replayed answer to a single booking.
async fn replayed_one(state: &AppState, school_id: i64, replayed: Replayed) -> ApiResult<Response> {
    match replayed {
        Replayed::Booked(ids) => {
            let id = *ids.first().ok_or(ApiError::NotFound)?;
            let booking = view(state, school_id, id).await?;
            Ok((StatusCode::CREATED, booking).into_response())
        }
        Replayed::Refused(response) => Ok(response),
    }
}

/// Books a slot for a child. Parents book their own children with teachers
/// who teach them, inside the booking window; a teacher books children they
/// teach into their own slots; admins book any child of the school. A child
/// the caller may not see is a 404, like one that does not exist. Send an
/// `Idempotency-Key` header so a retried tap never books twice: a retry with
/// the same key returns the first answer, and the same key on a different
/// request is a 422 `idempotency_key_reused`.
#[utoipa::path(
    post, path = "/api/evenings/{id}/bookings", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = BookingInput,
    responses(
        (status = 201, description = "Booked", body = Booking),
        (status = 403, description = "`not_their_teacher`, or a teacher booking another teacher's slot", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "A rule said no: `slot_taken`, `family_overlap`, `already_booked_with_teacher`, `outside_window`, `no_such_slot`, `slot_blocked`, `evening_not_open`", body = ErrorBody),
        (status = 422, description = "A field is invalid, or `idempotency_key_reused`", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    token: BearerToken,
    headers: HeaderMap,
    path: Result<ApiPath<IdParam>, ApiError>,
    body: Result<ApiJson<BookingInput>, ApiError>,
) -> ApiResult<Response> {
    let (ApiPath(IdParam { id }), ApiJson(input)) = match (path, body) {
        (Ok(path), Ok(body)) => (path, body),
        (Err(error), _) | (Ok(_), Err(error)) => {
            // A 401 comes before any complaint about the request, as everywhere.
            token.check(&state).await?;
            return Err(error);
        }
    };
    // The session, with whether the teacher teaches the child and the slot
    // is taken: one query (used only for a guardian's own child).
    let asked = SlotAsked {
        evening_id: id,
        teacher_id: input.teacher_id,
        student_id: input.student_id,
        start: input.start.timestamp(),
    };
    let (session, known) = token.check_with_slot(&state, asked).await?;
    let key = idempotency_key(&headers)?;
    let fingerprint = fingerprint(id, &input);
    if let Some(key) = &key {
        if let Some(answer) = replay(&state, &session, key, &fingerprint).await? {
            return replayed_one(&state, session.school_id, answer).await;
        }
    }
    let record = visible_evening(&state, &session, id).await?;
    let actor = actor(&session);
    let idempotency = key.as_deref().map(|key| Idempotency {
        key,
        fingerprint: &fingerprint,
    });
    let result = state
        .booker()
        .book(&actor, &record, asked, idempotency, known)
        .await;
    match result {
        Ok(booking_id) => Ok((
            StatusCode::CREATED,
            view(&state, session.school_id, booking_id).await?,
        )
            .into_response()),
        Err(error) => {
            if let Some(key) = &key {
                // A concurrent retry with the same key may have won: give its answer.
                if let Some(answer) = replay(&state, &session, key, &fingerprint).await? {
                    return replayed_one(&state, session.school_id, answer).await;
                }
            }
            Err(error.into())
        }
    }
}

/// `?evening_id=` narrows the list; `?as=` picks the role to list for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    pub evening_id: Option<i64>,
    #[serde(rename = "as")]
    pub as_role: Option<Role>,
}

/// Active bookings: a family's own (guardians), a teacher's schedule, or the
/// whole school's (admins). Defaults to the first role held of admin, teacher, guardian.
#[utoipa::path(
    get, path = "/api/bookings", tag = "bookings", security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = Vec<Booking>), (status = 403, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    session: AuthSession,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<Booking>>> {
    let role = match query.as_role {
        Some(role) if session.has(role) => role,
        Some(_) => return Err(ApiError::Forbidden),
        None => *Role::ALL
            .iter()
            .find(|r| session.has(**r))
            .ok_or(ApiError::Forbidden)?,
    };
    let scope = match role {
        Role::Admin => Scope::School,
        Role::Teacher => Scope::Teacher(session.person_id),
        Role::Guardian => Scope::Guardian(session.person_id),
    };
    let zone = zone_of(&state, session.school_id).await?;
    let details =
        bookings::list_details(&state.db, session.school_id, query.evening_id, scope).await?;
    let mut views: Vec<Booking> = details.iter().map(|d| booking_view(&zone, d)).collect();
    if role == Role::Guardian {
        who_booked(&state, &session, &details, &mut views).await?;
    } else {
        // Staff see who is coming, through the privacy filter.
        let mut ids: Vec<i64> = details.iter().map(|d| d.booked_by).collect();
        ids.sort_unstable();
        ids.dedup();
        let viewer = ProfileViewer::of(&session, &state.db).await?;
        let families = profiles::load_many(&state.db, session.school_id, &ids).await?;
        let mut teachers: Vec<i64> = details.iter().map(|d| d.row.teacher_id).collect();
        teachers.sort_unstable();
        teachers.dedup();
        let mut classes = std::collections::HashMap::new();
        for teacher in teachers {
            for (student, class) in bookings::classes_of_teacher(&state.db, teacher).await? {
                classes.insert((teacher, student), class);
            }
        }
        for (view, detail) in views.iter_mut().zip(&details) {
            view.staff_note = detail.staff_note.clone();
            view.class_name = classes
                .get(&(detail.row.teacher_id, detail.row.student_id))
                .cloned();
            view.family = families
                .iter()
                .find(|f| f.id == detail.booked_by && f.guardian)
                .and_then(|f| {
                    privacy::person_view(f, viewer.listing_audience(f.id, f.staff, f.teacher))
                });
        }
    }
    Ok(Json(views))
}

/// Says who booked each of the family's appointments: the asker, another of
/// the child's guardians (their name through the privacy filter), or the school.
async fn who_booked(
    state: &AppState,
    session: &AuthSession,
    details: &[BookingDetail],
    views: &mut [Booking],
) -> ApiResult<()> {
    let mut others: Vec<i64> = details
        .iter()
        .map(|d| d.booked_by)
        .filter(|id| *id != session.person_id)
        .collect();
    others.sort_unstable();
    others.dedup();
    let viewer = ProfileViewer::of(session, &state.db).await?;
    let people = profiles::load_many(&state.db, session.school_id, &others).await?;
    let mut children_of = Vec::with_capacity(others.len());
    for id in &others {
        children_of.push((*id, bookings::children_of(&state.db, *id).await?));
    }
    for (view, detail) in views.iter_mut().zip(details) {
        let by = detail.booked_by;
        let guardian_of_child = children_of
            .iter()
            .any(|(id, children)| *id == by && children.contains(&detail.row.student_id));
        view.booked_by = Some(if by == session.person_id {
            BookedBy::You
        } else if guardian_of_child {
            let name = people.iter().find(|p| p.id == by).and_then(|p| {
                privacy::person_view(p, viewer.listing_audience(p.id, p.staff, p.teacher))
                    .and_then(|v| v.name)
            });
            BookedBy::Guardian { name }
        } else {
            BookedBy::School
        });
    }
    Ok(())
}

/// One booking (its family, its teacher, admins).
#[utoipa::path(
    get, path = "/api/bookings/{id}", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<Booking>> {
    let actor = actor(&session);
    state.booker().visible(&actor, id).await?;
    view(&state, session.school_id, id).await
}

/// Cancels a booking: parents until the evening's cut-off, staff at any time.
#[utoipa::path(
    delete, path = "/api/bookings/{id}", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, description = "`cancellation_closed`", body = ErrorBody))
)]
pub async fn cancel(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<Booking>> {
    let actor = actor(&session);
    state.booker().cancel(&actor, id).await?;
    view(&state, session.school_id, id).await
}

/// Moves a booking to another slot of the same teacher in one atomic step.
#[utoipa::path(
    put, path = "/api/bookings/{id}/slot", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = MoveInput,
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn move_slot(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<MoveInput>,
) -> ApiResult<Json<Booking>> {
    let actor = actor(&session);
    state
        .booker()
        .move_to(&actor, id, input.start.timestamp())
        .await?;
    view(&state, session.school_id, id).await
}

/// The teacher (or an admin) marks an appointment attended or no-show, or back to booked.
#[utoipa::path(
    put, path = "/api/bookings/{id}/status", tag = "bookings", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = StatusInput,
    responses((status = 200, body = Booking), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn set_status(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<StatusInput>,
) -> ApiResult<Json<Booking>> {
    if input.status == BookingStatus::Cancelled {
        return Err(ApiError::invalid(
            "status",
            "cancel with DELETE /api/bookings/{id}",
        ));
    }
    if input.status == BookingStatus::Held {
        return Err(ApiError::invalid(
            "status",
            "only the waiting list holds a time",
        ));
    }
    let actor = actor(&session);
    state
        .booker()
        .mark(&actor, id, input.status.as_str())
        .await?;
    view(&state, session.school_id, id).await
}
