//! The office runs an evening: how full it is per teacher and year group,
//! the pupils with no appointment yet (with a reminder to their families and
//! a CSV), and finding a pupil to book for.

use std::collections::{BTreeMap, HashMap, HashSet};

use axum::extract::State;
use axum::Json;
use confero_core::dto::{
    EveningOverview, EveningStatus, PupilTeacher, PupilToBook, RemindersSent, TeacherLoad,
    UnbookedPupil, YearLoad,
};
use confero_core::{ErrorBody, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::evenings::{visible_evening, zone_of};
use super::extract::{ApiPath, ApiQuery, AuthSession, IdParam};
use super::AppState;
use crate::cache::EveningSnapshot;
use crate::mail::worker::ReminderDetails;
use crate::storage::overview::{self, PupilFilter};
use crate::storage::{audiences, audit, bookings, notices};
use crate::zone::SchoolZone;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The pupils with no appointment yet, with their guardians' names and ids.
pub(super) struct Unbooked {
    pub pupils: Vec<UnbookedPupil>,
    /// Each unbooked pupil's guardians' ids.
    pub guardians: HashMap<i64, Vec<i64>>,
}

/// Everything the overview says, from one read of the evening.
pub(super) async fn build(
    state: &AppState,
    school_id: i64,
    zone: &SchoolZone,
    record: &EveningSnapshot,
) -> ApiResult<(EveningOverview, Unbooked)> {
    let restricted = !record.audience.is_everyone();
    let pupils = overview::pupils(
        &state.db,
        school_id,
        record.id,
        restricted,
        PupilFilter::default(),
    )
    .await?;
    let holders = bookings::holders(&state.db, record.id).await?;
    let teachers: Vec<TeacherLoad> = record
        .teachers
        .iter()
        .map(|t| {
            let mine: HashMap<i64, &str> = holders
                .iter()
                .filter(|h| h.teacher_id == t.teacher_id)
                .map(|h| (h.start, h.status.as_str()))
                .collect();
            let booked = mine.values().filter(|s| **s != "held").count();
            let slots = record.teacher_slots(t.teacher_id);
            let free = slots
                .iter()
                .filter(|s| !s.blocked && !mine.contains_key(&s.start))
                .count();
            let unavailable = slots
                .iter()
                .filter(|s| match mine.get(&s.start) {
                    Some(status) => *status == "held",
                    None => s.blocked,
                })
                .count();
            TeacherLoad {
                teacher_id: t.teacher_id,
                name: t.name.clone(),
                booked: count(booked),
                free: count(free),
                unavailable: count(unavailable),
            }
        })
        .collect();
    let mut years: BTreeMap<Vec<(u8, u64, String)>, YearLoad> = BTreeMap::new();
    for pupil in &pupils {
        let year = years
            .entry(audiences::natural_key(&pupil.year_group))
            .or_insert_with(|| YearLoad {
                year_group: pupil.year_group.clone(),
                pupils: 0,
                pupils_booked: 0,
                appointments: 0,
            });
        year.pupils += 1;
        year.pupils_booked += u32::from(pupil.appointments > 0);
        year.appointments += u32::try_from(pupil.appointments).unwrap_or(0);
    }
    let unbooked_ids: HashSet<i64> = pupils
        .iter()
        .filter(|p| p.appointments == 0)
        .map(|p| p.student_id)
        .collect();
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    let mut guardians: HashMap<i64, Vec<i64>> = HashMap::new();
    for g in overview::guardians(&state.db, school_id).await? {
        if unbooked_ids.contains(&g.student_id) {
            names.entry(g.student_id).or_default().push(g.name);
            guardians
                .entry(g.student_id)
                .or_default()
                .push(g.guardian_id);
        }
    }
    let nudged = overview::nudged(&state.db, record.id).await?;
    let unbooked = pupils
        .iter()
        .filter(|p| p.appointments == 0)
        .map(|p| UnbookedPupil {
            student_id: p.student_id,
            name: p.name.clone(),
            year_group: p.year_group.clone(),
            guardians: names.remove(&p.student_id).unwrap_or_default(),
            reminded_at: guardians
                .get(&p.student_id)
                .into_iter()
                .flatten()
                .filter_map(|g| nudged.get(g))
                .max()
                .map(|at| zone.rfc3339(*at)),
        })
        .collect::<Vec<_>>();
    let view = EveningOverview {
        evening_id: record.id,
        appointments: teachers.iter().map(|t| t.booked).sum(),
        free_times: teachers.iter().map(|t| t.free).sum(),
        pupils: count(pupils.len()),
        pupils_booked: count(pupils.iter().filter(|p| p.appointments > 0).count()),
        teachers,
        year_groups: years.into_values().collect(),
        unbooked: unbooked.clone(),
    };
    Ok((
        view,
        Unbooked {
            pupils: unbooked,
            guardians,
        },
    ))
}

/// How full the evening is, per teacher and per year group, and which
/// pupils it is for have no appointment yet.
#[utoipa::path(
    get, path = "/api/evenings/{id}/overview", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = EveningOverview), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn get(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<EveningOverview>> {
    session.require_any(&[Role::Admin])?;
    let record = visible_evening(&state, &session, id).await?;
    let zone = zone_of(&state, session.school_id).await?;
    Ok(Json(
        build(&state, session.school_id, &zone, &record).await?.0,
    ))
}

/// Emails the guardians of every pupil the evening is for who has no
/// appointment yet, asking them to book: at most once a day each. Refused
/// (409) unless the evening is published.
#[utoipa::path(
    post, path = "/api/evenings/{id}/reminders", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = RemindersSent), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody))
)]
pub async fn remind(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<RemindersSent>> {
    session.require_any(&[Role::Admin])?;
    let record = visible_evening(&state, &session, id).await?;
    if record.status != EveningStatus::Published.as_str() {
        return Err(ApiError::Conflict(
            "families can be reminded once the evening is published".into(),
        ));
    }
    let zone = zone_of(&state, session.school_id).await?;
    let (_, unbooked) = build(&state, session.school_id, &zone, &record).await?;
    let mut guardians: Vec<i64> = unbooked.guardians.into_values().flatten().collect();
    guardians.sort_unstable();
    guardians.dedup();
    let now = state.clock.now().timestamp();
    let day = zone.rfc3339(now).format("%Y-%m-%d").to_string();
    let mut sent = RemindersSent {
        guardians: 0,
        already_today: 0,
    };
    let mut tx = state.db.writer.begin().await?;
    for guardian_id in guardians {
        let details = serde_json::to_string(&ReminderDetails {
            evening_id: record.id,
            guardian_id,
        })
        .map_err(ApiError::internal)?;
        let key = overview::nudge_key(record.id, guardian_id, &day);
        let queued = notices::insert(
            &mut tx,
            session.school_id,
            notices::kind::BOOKING_NUDGE,
            None,
            &details,
            Some(&key),
            now,
        )
        .await?;
        if queued {
            sent.guardians += 1;
        } else {
            sent.already_today += 1;
        }
    }
    tx.commit().await?;
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "remind_unbooked",
        &format!("evening {}: {} guardians", record.id, sent.guardians),
        now,
    )
    .await?;
    state.mail_wake.notify_one();
    Ok(Json(sent))
}

/// `?q=`: part of a pupil's name.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PupilQuery {
    pub q: Option<String>,
}

/// Pupils the evening is for whose name contains `q` (at most 20), each
/// with their teachers at the evening and any appointment with them: the
/// office finds a family to book for.
#[utoipa::path(
    get, path = "/api/evenings/{id}/pupils", tag = "evenings", security(("bearer" = [])),
    params(("id" = i64, Path), PupilQuery),
    responses((status = 200, body = Vec<PupilToBook>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn pupils(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiQuery(query): ApiQuery<PupilQuery>,
) -> ApiResult<Json<Vec<PupilToBook>>> {
    session.require_any(&[Role::Admin])?;
    let record = visible_evening(&state, &session, id).await?;
    let zone = zone_of(&state, session.school_id).await?;
    let wanted = query.q.unwrap_or_default().trim().to_lowercase();
    if wanted.chars().count() > 100 {
        return Err(ApiError::invalid("q", "must be at most 100 characters"));
    }
    // `%` and `_` would be LIKE wildcards: a name never holds them.
    if wanted.contains(['%', '_', '\\']) {
        return Ok(Json(Vec::new()));
    }
    let filter = PupilFilter {
        name: Some(wanted.as_str()).filter(|w| !w.is_empty()),
        limit: Some(20),
        ..PupilFilter::default()
    };
    let found = overview::pupils(
        &state.db,
        session.school_id,
        record.id,
        !record.audience.is_everyone(),
        filter,
    )
    .await?;
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    let ids: HashSet<i64> = found.iter().map(|p| p.student_id).collect();
    for g in overview::guardians(&state.db, session.school_id).await? {
        if ids.contains(&g.student_id) {
            names.entry(g.student_id).or_default().push(g.name);
        }
    }
    let mut out = Vec::new();
    for pupil in found {
        let teachers = overview::teachers_of(&state.db, record.id, pupil.student_id)
            .await?
            .into_iter()
            .filter_map(|t| {
                let teacher = record.teacher(t.teacher_id)?;
                Some(PupilTeacher {
                    teacher_id: t.teacher_id,
                    name: teacher.name.clone(),
                    subject: t.subject,
                    booked_at: t.booked_at.map(|at| zone.rfc3339(at)),
                })
            })
            .collect();
        out.push(PupilToBook {
            student_id: pupil.student_id,
            guardians: names.remove(&pupil.student_id).unwrap_or_default(),
            name: pupil.name,
            year_group: pupil.year_group,
            teachers,
        });
    }
    Ok(Json(out))
}
