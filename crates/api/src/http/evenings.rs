//! Evenings: set up by admins, seen by the school, and the slot grid.

use std::collections::HashMap;
use std::sync::Arc;

use crate::cache::{EveningSnapshot, NeutralGrid};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use confero_core::dto::{
    AvailabilityInput, AvailabilityView, Evening, EveningInput, EveningStatus, EveningStatusChange,
    EveningTeacher, MeetingMode, SlotState, Span, StrandedBookings, TeacherSlots,
};
use confero_core::text::{self, Line};
use confero_core::{ErrorBody, Interval, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::extract::{ApiJson, ApiPath, ApiQuery, AuthSession, IdParam};
use super::AppState;
use crate::live::LiveEvent;
use crate::privacy::{slot_view, Viewer};
use crate::storage::evenings::{self, EveningFields, EveningRecord};
use crate::storage::{audiences, bookings};
use crate::stranding;
use crate::zone::SchoolZone;

/// The zone of the session's school.
pub async fn zone_of(state: &AppState, school_id: i64) -> ApiResult<SchoolZone> {
    let zone = state
        .caches
        .zone(&state.db, school_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    SchoolZone::named(&zone)
}

/// An evening of the session's school that the viewer may see: drafts are for staff only.
pub async fn visible_evening(
    state: &AppState,
    session: &AuthSession,
    id: i64,
) -> ApiResult<Arc<EveningSnapshot>> {
    let record = state
        .caches
        .evening(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let staff = session.has(Role::Admin) || session.has(Role::Teacher);
    if !staff && !for_family(state, session, &record).await? {
        return Err(ApiError::NotFound);
    }
    Ok(record)
}

/// Whether a family may see the evening: published or archived, and for one
/// of the viewer's children when it is for some year groups or classes only.
async fn for_family(
    state: &AppState,
    session: &AuthSession,
    record: &EveningSnapshot,
) -> ApiResult<bool> {
    if record.status == EveningStatus::Draft.as_str() {
        return Ok(false);
    }
    if record.audience.is_everyone() {
        return Ok(true);
    }
    Ok(audiences::guardian_invited(&state.db, record.id, session.person_id).await?)
}

fn minutes(secs: i64) -> u32 {
    u32::try_from(secs / 60).unwrap_or(0)
}

/// The outgoing view of an evening.
pub fn evening_view(zone: &SchoolZone, record: &EveningRecord) -> Evening {
    let span = |i: &Interval| Span {
        start: zone.rfc3339(i.start),
        end: zone.rfc3339(i.end),
    };
    let f = &record.fields;
    Evening {
        id: record.id,
        name: f.name.clone(),
        status: EveningStatus::parse(&record.status).unwrap_or(EveningStatus::Draft),
        sessions: record.sessions.iter().map(span).collect(),
        breaks: record.breaks.iter().map(span).collect(),
        slot_minutes: minutes(f.slot_secs),
        changeover_minutes: minutes(f.changeover_secs),
        travel_buffer_minutes: minutes(f.travel_buffer_secs),
        booking_opens_at: zone.rfc3339(f.booking_opens_at),
        booking_closes_at: zone.rfc3339(f.booking_closes_at),
        cancel_until: zone.rfc3339(f.cancel_until),
        mode: MeetingMode::parse(&f.mode).unwrap_or(MeetingMode::InPerson),
        video_link: f.video_link.clone(),
        teachers: record
            .teachers
            .iter()
            .map(|t| EveningTeacher {
                id: t.teacher_id,
                name: t.name.clone(),
                room: t.room.clone(),
                slot_minutes: t.slot_secs.map(minutes),
                late_minutes: u32::try_from(t.late_minutes).ok().filter(|m| *m > 0),
            })
            .collect(),
        audience: record.audience.clone(),
    }
}

/// After an evening changed (committed): drop the cached snapshot and tell
/// open sockets, which re-check that their viewer may still see it.
async fn changed(state: &AppState, school_id: i64, evening_id: i64) {
    state.caches.forget_evening(school_id, evening_id);
    state
        .live
        .announce(
            &state.db,
            vec![LiveEvent::Evening {
                school_id,
                evening_id,
            }],
        )
        .await;
    // Times freed or added (a teacher's hours widened, a time unblocked, a
    // booking cancelled with the change, the evening published) go to the
    // families waiting for them.
    if let Err(error) = state
        .booker()
        .offer_waiting_times(school_id, evening_id)
        .await
    {
        tracing::warn!(%error, evening_id, "offering freed times to the waitlist failed");
    }
}

/// A validated evening: its fields, sessions and breaks.
struct ValidEvening {
    fields: EveningFields,
    sessions: Vec<Interval>,
    breaks: Vec<Interval>,
}

fn validate(zone: &SchoolZone, input: &EveningInput) -> ApiResult<ValidEvening> {
    let name = Line::parse(&input.name, 200)
        .map_err(|error| ApiError::invalid("name", error.to_string()))?;
    if input.sessions.is_empty() || input.sessions.len() > 10 {
        return Err(ApiError::invalid("sessions", "must list 1 to 10 sessions"));
    }
    let mut sessions = Vec::new();
    for (i, span) in input.sessions.iter().enumerate() {
        let field = format!("sessions[{i}]");
        let session = zone.span(span, &field)?;
        if sessions
            .iter()
            .any(|other: &Interval| other.overlaps(&session))
        {
            return Err(ApiError::invalid(&field, "overlaps another session"));
        }
        sessions.push(session);
    }
    let mut breaks = Vec::new();
    for (i, span) in input.breaks.iter().enumerate() {
        let field = format!("breaks[{i}]");
        let pause = zone.span(span, &field)?;
        if !sessions.iter().any(|s| s.contains(&pause)) {
            return Err(ApiError::invalid(&field, "must fall within a session"));
        }
        breaks.push(pause);
    }
    let in_range = |field: &str, value: u32, min: u32, max: u32| {
        if (min..=max).contains(&value) {
            Ok(i64::from(value) * 60)
        } else {
            Err(ApiError::invalid(
                field,
                format!("must be {min} to {max} minutes"),
            ))
        }
    };
    let slot_secs = in_range("slot_minutes", input.slot_minutes, 3, 120)?;
    let changeover_secs = in_range("changeover_minutes", input.changeover_minutes, 0, 60)?;
    let travel_buffer_secs = in_range("travel_buffer_minutes", input.travel_buffer_minutes, 0, 60)?;
    let opens = zone.instant(input.booking_opens_at.0, "booking_opens_at")?;
    let closes = zone.instant(input.booking_closes_at.0, "booking_closes_at")?;
    let cancel_until = zone.instant(input.cancel_until.0, "cancel_until")?;
    if closes <= opens {
        return Err(ApiError::invalid(
            "booking_closes_at",
            "must be after booking opens",
        ));
    }
    let video_link = match (input.mode, input.video_link.as_deref().map(str::trim)) {
        (MeetingMode::Video, Some(link))
            if link.starts_with("https://")
                && link.len() <= 500
                && link
                    .chars()
                    .all(|c| !c.is_whitespace() && text::allowed_in_line(c)) =>
        {
            Some(link.to_owned())
        }
        (MeetingMode::Video, _) => {
            return Err(ApiError::invalid(
                "video_link",
                "a video evening needs an https:// link",
            ))
        }
        (_, _) => None,
    };
    Ok(ValidEvening {
        fields: EveningFields {
            name: name.into_string(),
            slot_secs,
            changeover_secs,
            travel_buffer_secs,
            booking_opens_at: opens,
            booking_closes_at: closes,
            cancel_until,
            mode: input.mode.as_str().to_owned(),
            video_link,
        },
        sessions,
        breaks,
    })
}

/// The audience asked for. A new evening's lists left out are empty. A
/// change that sends one list keeps the other as the evening has it, and one
/// that sends neither keeps the audience (`None`). Only the lists sent are
/// checked against the school's year groups and classes. A change that sends
/// one list may not leave a restricted evening with neither (that would open
/// it to the whole school): a 422 naming the list sent.
async fn audience_of(
    conn: &mut sqlx::AnyConnection,
    school_id: i64,
    id: Option<i64>,
    input: &EveningInput,
) -> ApiResult<Option<(Vec<String>, Vec<i64>)>> {
    let years = match &input.year_groups {
        Some(years) => Some(checked_year_groups(conn, school_id, years).await?),
        None => None,
    };
    let classes = match &input.class_ids {
        Some(classes) => Some(checked_classes(conn, school_id, classes).await?),
        None => None,
    };
    let Some(id) = id else {
        return Ok(Some((
            years.unwrap_or_default(),
            classes.unwrap_or_default(),
        )));
    };
    match (years, classes) {
        (None, None) => Ok(None),
        (Some(years), Some(classes)) => Ok(Some((years, classes))),
        (years, classes) => {
            let sent = if years.is_some() {
                "year_groups"
            } else {
                "class_ids"
            };
            let restricted = audiences::is_restricted(conn, id).await?;
            let stored = audiences::load(conn, id, restricted).await?;
            let years = years.unwrap_or(stored.year_groups);
            let classes = classes.unwrap_or_else(|| stored.classes.iter().map(|c| c.id).collect());
            if restricted && years.is_empty() && classes.is_empty() {
                return Err(ApiError::invalid(
                    sent,
                    "would leave the evening for no one: send year_groups and class_ids both empty to open it to the whole school",
                ));
            }
            Ok(Some((years, classes)))
        }
    }
}

/// Year groups asked for: at most 100, each one the school's, trimmed, sorted, once each.
async fn checked_year_groups(
    conn: &mut sqlx::AnyConnection,
    school_id: i64,
    asked: &[String],
) -> ApiResult<Vec<String>> {
    if asked.len() > MOST_IN_AUDIENCE {
        return Err(ApiError::invalid("year_groups", "must list at most 100"));
    }
    let mut year_groups: Vec<String> = asked.iter().map(|y| y.trim().to_owned()).collect();
    year_groups.sort_unstable();
    year_groups.dedup();
    let known = audiences::year_groups(conn, school_id).await?;
    if let Some(unknown) = year_groups.iter().find(|y| !known.contains(y)) {
        return Err(ApiError::invalid(
            "year_groups",
            format!("no pupil of this school is in \"{unknown}\""),
        ));
    }
    Ok(year_groups)
}

/// Classes asked for: at most 100, each one the school's, sorted, once each.
async fn checked_classes(
    conn: &mut sqlx::AnyConnection,
    school_id: i64,
    asked: &[i64],
) -> ApiResult<Vec<i64>> {
    if asked.len() > MOST_IN_AUDIENCE {
        return Err(ApiError::invalid("class_ids", "must list at most 100"));
    }
    let mut class_ids = asked.to_vec();
    class_ids.sort_unstable();
    class_ids.dedup();
    let known = audiences::known_classes(conn, school_id, &class_ids).await?;
    if let Some(unknown) = class_ids.iter().find(|id| !known.contains(id)) {
        return Err(ApiError::invalid(
            "class_ids",
            format!("{unknown} is not a class of this school"),
        ));
    }
    Ok(class_ids)
}

/// The most year groups, and the most classes, an evening can be for.
const MOST_IN_AUDIENCE: usize = 100;

/// Saves an evening (new when `id` is `None`) with its teachers, in one transaction.
async fn save(
    state: &AppState,
    session: &AuthSession,
    id: Option<i64>,
    input: &EveningInput,
) -> ApiResult<i64> {
    let zone = zone_of(state, session.school_id).await?;
    let valid = validate(&zone, input)?;
    let now = state.clock.now().timestamp();
    let mut tx = state.db.writer.begin().await?;
    let teachers = match &input.teacher_ids {
        Some(ids) => {
            let mut wanted = ids.clone();
            wanted.sort_unstable();
            wanted.dedup();
            let known = evenings::known_teachers(&mut tx, session.school_id, &wanted).await?;
            if let Some(unknown) = wanted.iter().find(|id| !known.contains(id)) {
                return Err(ApiError::invalid(
                    "teacher_ids",
                    format!("{unknown} is not a teacher of this school"),
                ));
            }
            wanted
        }
        None => evenings::teachers_with_classes(&mut tx, session.school_id).await?,
    };
    let id_asked = id;
    let id = match id {
        None => evenings::insert(&mut tx, session.school_id, &valid.fields, now).await?,
        Some(id) => {
            if !evenings::update(&mut tx, session.school_id, id, &valid.fields, now).await? {
                return Err(ApiError::NotFound);
            }
            id
        }
    };
    evenings::replace_times(&mut tx, id, &valid.sessions, &valid.breaks).await?;
    evenings::set_teachers(&mut tx, id, &teachers).await?;
    let audience = audience_of(&mut tx, session.school_id, id_asked, input).await?;
    if let Some((year_groups, class_ids)) = &audience {
        audiences::set(&mut tx, id, year_groups, class_ids).await?;
    }
    let change = stranding::Change {
        school_id: session.school_id,
        evening_id: id,
        teacher_id: None,
        agreed: &input.cancel_bookings,
        actor: session.person_id,
        now,
        why: "The evening has changed (its times, or the year groups and classes it is for) and no longer includes this appointment, so it is cancelled.",
    };
    let mut cancelled = stranding::settle(&mut tx, &zone, &change).await?;
    if audience.is_some_and(|(years, classes)| !years.is_empty() || !classes.is_empty()) {
        cancelled += stranding::withdraw_offers_outside(&mut tx, session.school_id, id, now)
            .await?
            .len();
    }
    tx.commit().await?;
    if cancelled > 0 {
        state.mail_wake.notify_one();
    }
    changed(state, session.school_id, id).await;
    Ok(id)
}

async fn view_of(state: &AppState, session: &AuthSession, id: i64) -> ApiResult<Json<Evening>> {
    let zone = zone_of(state, session.school_id).await?;
    let record = visible_evening(state, session, id).await?;
    Ok(Json(evening_view(&zone, &record)))
}

/// The school's evenings, newest first. Families see published and archived ones.
#[utoipa::path(
    get, path = "/api/evenings", tag = "evenings", security(("bearer" = [])),
    responses((status = 200, body = Vec<Evening>), (status = 401, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    session: AuthSession,
) -> ApiResult<Json<Vec<Evening>>> {
    let zone = zone_of(&state, session.school_id).await?;
    let staff = session.has(Role::Admin) || session.has(Role::Teacher);
    let mut out = Vec::new();
    for id in evenings::list(&state.db, session.school_id, staff).await? {
        if let Some(record) = state
            .caches
            .evening(&state.db, session.school_id, id)
            .await?
        {
            if staff || for_family(&state, &session, &record).await? {
                out.push(evening_view(&zone, &record));
            }
        }
    }
    Ok(Json(out))
}

/// Creates an evening, as a draft.
#[utoipa::path(
    post, path = "/api/evenings", tag = "evenings", security(("bearer" = [])),
    request_body = EveningInput,
    responses((status = 201, body = Evening), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn create(
    State(state): State<AppState>,
    session: AuthSession,
    ApiJson(input): ApiJson<EveningInput>,
) -> ApiResult<(StatusCode, Json<Evening>)> {
    session.require_any(&[Role::Admin])?;
    let id = save(&state, &session, None, &input).await?;
    Ok((StatusCode::CREATED, view_of(&state, &session, id).await?))
}

/// One evening.
#[utoipa::path(
    get, path = "/api/evenings/{id}", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = Evening), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<Evening>> {
    view_of(&state, &session, id).await
}

/// Replaces an evening's settings. `year_groups` or `class_ids` left out
/// keep the evening's (both left out: its audience as it is); `teacher_ids`
/// left out is everyone who teaches a class. A change that would leave booked
/// appointments without a time is refused (409 `would_strand_bookings`,
/// listing them) unless `cancel_bookings` names exactly those.
#[utoipa::path(
    put, path = "/api/evenings/{id}", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EveningInput,
    responses((status = 200, body = Evening), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = StrandedBookings), (status = 422, body = ErrorBody))
)]
pub async fn update(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<EveningInput>,
) -> ApiResult<Json<Evening>> {
    session.require_any(&[Role::Admin])?;
    save(&state, &session, Some(id), &input).await?;
    view_of(&state, &session, id).await
}

/// Publishes, archives, or returns an evening to draft.
#[utoipa::path(
    put, path = "/api/evenings/{id}/status", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EveningStatusChange,
    responses((status = 200, body = Evening), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn set_status(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(change): ApiJson<EveningStatusChange>,
) -> ApiResult<Json<Evening>> {
    session.require_any(&[Role::Admin])?;
    let now = state.clock.now().timestamp();
    let mut conn = state.db.writer.acquire().await?;
    let updated = evenings::set_status(
        &mut conn,
        session.school_id,
        id,
        change.status.as_str(),
        now,
    )
    .await?;
    drop(conn);
    if !updated {
        return Err(ApiError::NotFound);
    }
    changed(&state, session.school_id, id).await;
    view_of(&state, &session, id).await
}

/// The path of a teacher's availability.
#[derive(Debug, Deserialize)]
pub struct TeacherPath {
    pub id: i64,
    pub teacher_id: i64,
}

fn availability_view(
    zone: &SchoolZone,
    record: &EveningSnapshot,
    teacher_id: i64,
) -> ApiResult<AvailabilityView> {
    let teacher = record.teacher(teacher_id).ok_or(ApiError::NotFound)?;
    let availability = record
        .availability
        .get(&teacher_id)
        .cloned()
        .unwrap_or_default();
    Ok(AvailabilityView {
        teacher_id,
        room: teacher.room.clone(),
        slot_minutes: teacher.slot_secs.map(minutes),
        windows: availability
            .windows
            .iter()
            .map(|w| Span {
                start: zone.rfc3339(w.start),
                end: zone.rfc3339(w.end),
            })
            .collect(),
        blocked: availability
            .blocked
            .iter()
            .map(|b| zone.rfc3339(*b))
            .collect(),
    })
}

pub(super) fn may_edit_availability(session: &AuthSession, teacher_id: i64) -> ApiResult<()> {
    if session.has(Role::Admin) || (session.has(Role::Teacher) && session.person_id == teacher_id) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// A teacher's availability for the evening (that teacher and admins).
#[utoipa::path(
    get, path = "/api/evenings/{id}/teachers/{teacher_id}/availability", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path), ("teacher_id" = i64, Path)),
    responses((status = 200, body = AvailabilityView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get_availability(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(path): ApiPath<TeacherPath>,
) -> ApiResult<Json<AvailabilityView>> {
    may_edit_availability(&session, path.teacher_id)?;
    let zone = zone_of(&state, session.school_id).await?;
    let record = visible_evening(&state, &session, path.id).await?;
    Ok(Json(availability_view(&zone, &record, path.teacher_id)?))
}

/// Sets a teacher's windows, room, appointment length and blocked slots (that
/// teacher and admins). A change that would leave booked appointments without
/// a time is refused (409 `would_strand_bookings`, listing them) unless
/// `cancel_bookings` names exactly those: then they are cancelled with it and
/// each family is emailed.
#[utoipa::path(
    put, path = "/api/evenings/{id}/teachers/{teacher_id}/availability", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path), ("teacher_id" = i64, Path)), request_body = AvailabilityInput,
    responses((status = 200, body = AvailabilityView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = StrandedBookings), (status = 422, body = ErrorBody))
)]
pub async fn put_availability(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(path): ApiPath<TeacherPath>,
    ApiJson(input): ApiJson<AvailabilityInput>,
) -> ApiResult<Json<AvailabilityView>> {
    may_edit_availability(&session, path.teacher_id)?;
    let zone = zone_of(&state, session.school_id).await?;
    let record = visible_evening(&state, &session, path.id).await?;
    record.teacher(path.teacher_id).ok_or(ApiError::NotFound)?;
    let room = Line::parse_optional(input.room.as_deref(), 60)
        .map_err(|error| ApiError::invalid("room", error.to_string()))?;
    let slot_secs = match input.slot_minutes {
        None => None,
        Some(m) if (3..=120).contains(&m) => Some(i64::from(m) * 60),
        Some(_) => {
            return Err(ApiError::invalid(
                "slot_minutes",
                "must be 3 to 120 minutes",
            ))
        }
    };
    let mut windows = Vec::new();
    for (i, span) in input.windows.iter().enumerate() {
        let field = format!("windows[{i}]");
        let window = zone.span(span, &field)?;
        if !record.sessions.iter().any(|s| s.overlaps(&window)) {
            return Err(ApiError::invalid(
                &field,
                "must overlap a session of the evening",
            ));
        }
        windows.push(window);
    }
    let mut blocked: Vec<i64> = input.blocked.iter().map(|at| at.timestamp()).collect();
    blocked.sort_unstable();
    blocked.dedup();
    let mut tx = state.db.writer.begin().await?;
    // First, so bookings deciding at the same time serialise against this change.
    if !evenings::bump_version(&mut tx, session.school_id, record.id).await? {
        return Err(ApiError::NotFound);
    }
    evenings::set_availability(
        &mut tx,
        record.id,
        path.teacher_id,
        room.as_ref().map(Line::as_str),
        slot_secs,
        &windows,
        &blocked,
    )
    .await?;
    let change = stranding::Change {
        school_id: session.school_id,
        evening_id: record.id,
        teacher_id: Some(path.teacher_id),
        agreed: &input.cancel_bookings,
        actor: session.person_id,
        now: state.clock.now().timestamp(),
        why: "The teacher's times for the evening have changed and no longer include this appointment, so it is cancelled. Please book another time.",
    };
    let cancelled = stranding::settle(&mut tx, &zone, &change).await?;
    tx.commit().await?;
    if cancelled > 0 {
        state.mail_wake.notify_one();
    }
    changed(&state, session.school_id, path.id).await;
    let record = visible_evening(&state, &session, path.id).await?;
    Ok(Json(availability_view(&zone, &record, path.teacher_id)?))
}

/// `?teacher_id=` narrows the grid to one teacher.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SlotsQuery {
    pub teacher_id: Option<i64>,
}

/// The slot grid. Families see each slot as free, taken, blocked or theirs,
/// never who took one; a teacher sees who holds their own slots; admins see all.
#[utoipa::path(
    get, path = "/api/evenings/{id}/slots", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path), SlotsQuery),
    responses((status = 200, body = Vec<TeacherSlots>), (status = 404, body = ErrorBody))
)]
pub async fn slots(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiQuery(query): ApiQuery<SlotsQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let zone = zone_of(&state, session.school_id).await?;
    let record = visible_evening(&state, &session, id).await?;
    if !(session.has(Role::Admin) || session.has(Role::Teacher)) {
        let family = Family {
            guardian_id: session.person_id,
            teacher: query.teacher_id,
            brotli: accepts_brotli(&headers),
        };
        return family_grid(&state, &zone, &record, family).await;
    }
    let viewer = Viewer::of(&session);
    let holders = bookings::holders(&state.db, record.id).await?;
    let grid = grid_for(&zone, &record, &viewer, &holders, query.teacher_id);
    Ok(Json(grid).into_response())
}

/// Each participating teacher's column (or one teacher's), as `viewer` may see it.
fn grid_for(
    zone: &SchoolZone,
    record: &EveningSnapshot,
    viewer: &Viewer,
    holders: &[bookings::Holder],
    teacher: Option<i64>,
) -> Vec<TeacherSlots> {
    let holders: HashMap<(i64, i64), &bookings::Holder> = holders
        .iter()
        .map(|h| ((h.teacher_id, h.start), h))
        .collect();
    record
        .teachers
        .iter()
        .filter(|t| teacher.is_none_or(|wanted| wanted == t.teacher_id))
        .map(|t| TeacherSlots {
            teacher_id: t.teacher_id,
            teacher_name: t.name.clone(),
            room: t.room.clone(),
            slots: record
                .teacher_slots(t.teacher_id)
                .iter()
                .map(|slot| {
                    let holder = holders.get(&(t.teacher_id, slot.start)).copied();
                    slot_view(viewer, zone, t.teacher_id, slot, holder)
                })
                .collect(),
        })
        .collect()
}

/// Whose grid a family read is, and how it may be sent.
struct Family {
    guardian_id: i64,
    /// Only this teacher's column.
    teacher: Option<i64>,
    /// The client takes brotli.
    brotli: bool,
}

/// Whether `Accept-Encoding` offers brotli (`br`, not with `q=0`).
fn accepts_brotli(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|offer| {
            let mut parts = offer.split(';').map(str::trim);
            parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case("br"))
                && !parts.any(|p| {
                    p.strip_prefix("q=")
                        .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0))
                })
        })
}

/// Brotli at a quality cheap enough to run on every change of a busy evening.
fn compress(bytes: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 5,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 8);
    match brotli::BrotliCompress(&mut &bytes[..], &mut out, &params) {
        Ok(_) => out,
        // Writing to memory does not fail; if it ever did, the grid goes uncompressed.
        Err(_) => Vec::new(),
    }
}

/// A family's grid: the evening's neutral grid (shared by every family's
/// read until a slot changes), with the columns where the family holds a
/// time drawn again for them. The same answer as drawing every slot for
/// the family, at a fraction of the work.
async fn family_grid(
    state: &AppState,
    zone: &SchoolZone,
    record: &EveningSnapshot,
    family: Family,
) -> ApiResult<Response> {
    let Family {
        guardian_id,
        teacher,
        brotli,
    } = family;
    // Read first: a change announced while the grid is read leaves it unstored.
    let generation = state.live.generation(record.id);
    let grid = match state.caches.grid(record.id, record.version, generation) {
        Some(grid) => grid,
        None => {
            let holders = bookings::holders(&state.db, record.id).await?;
            let columns = grid_for(zone, record, &Viewer::nobody(), &holders, None);
            let encoded = columns
                .iter()
                .map(serde_json::to_string)
                .collect::<Result<Vec<_>, _>>()
                .map_err(ApiError::internal)?;
            let whole = format!("[{}]", encoded.join(","));
            let whole_br = compress(whole.as_bytes());
            let grid = Arc::new(NeutralGrid {
                columns,
                encoded,
                whole: whole.into(),
                whole_br: whole_br.into(),
            });
            if state.live.generation(record.id) == generation {
                state
                    .caches
                    .store_grid(record.id, record.version, generation, grid.clone());
            }
            grid
        }
    };
    // The guardian's children's bookings: the viewer needs no other
    // children to be drawn their own times.
    let family = bookings::family_holders(&state.db, record.id, guardian_id).await?;
    let viewer = Viewer {
        person_id: guardian_id,
        children: family.iter().map(|h| h.student_id).collect(),
        ..Viewer::nobody()
    };
    let own: Vec<bookings::Holder> = family
        .into_iter()
        .filter(|h| viewer.family_holds(h.student_id, h.household))
        .collect();
    let json = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    if own.is_empty() && teacher.is_none() {
        // Nothing of theirs: the shared grid as it is, not copied, and
        // compressed already for a browser that takes brotli.
        if brotli && !grid.whole_br.is_empty() {
            let encoding = [(header::CONTENT_ENCODING, HeaderValue::from_static("br"))];
            return Ok((json, encoding, Body::from(grid.whole_br.clone())).into_response());
        }
        return Ok((json, Body::from(grid.whole.clone())).into_response());
    }
    let mut body = String::with_capacity(grid.encoded.iter().map(String::len).sum::<usize>() + 64);
    body.push('[');
    let mut first = true;
    for (column, encoded) in grid.columns.iter().zip(&grid.encoded) {
        if teacher.is_some_and(|wanted| wanted != column.teacher_id) {
            continue;
        }
        if !std::mem::take(&mut first) {
            body.push(',');
        }
        if own.iter().any(|h| h.teacher_id == column.teacher_id) {
            let mine = grid_for(zone, record, &viewer, &own, Some(column.teacher_id));
            let neutral = column.slots.iter();
            // The family's own times, drawn for them, over the neutral column.
            let slots = mine
                .into_iter()
                .flat_map(|c| c.slots)
                .zip(neutral)
                .map(|(drawn, shared)| match drawn.state {
                    SlotState::Mine | SlotState::Taken => drawn,
                    _ => shared.clone(),
                })
                .collect();
            let patched = TeacherSlots {
                slots,
                ..column.clone()
            };
            body.push_str(&serde_json::to_string(&patched).map_err(ApiError::internal)?);
        } else {
            body.push_str(encoded);
        }
    }
    body.push(']');
    Ok((json, body).into_response())
}
