//! CSV exports for admins, each recorded in the audit log, and the log itself.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{TimeZone as _, Utc};
use confero_core::dto::AuditEntry;
use confero_core::{ErrorBody, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::evenings::{visible_evening, zone_of};
use super::extract::{ApiPath, ApiQuery, AuthSession, IdParam};
use super::AppState;
use crate::storage::bookings::{self, Scope};
use crate::storage::{audit, people};

/// Keeps a spreadsheet from running a cell as a formula (CSV injection), and
/// any control character out of the file: quoting would keep a line break
/// inside its cell, but not every reader of CSV honours quotes.
fn cell(value: &str) -> String {
    let value = confero_core::text::flatten(value);
    match value.chars().next() {
        Some('=' | '+' | '-' | '@') => format!("'{value}"),
        _ => value,
    }
}

fn csv_response(rows: Vec<Vec<String>>, filename: &str) -> ApiResult<Response> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|v| cell(v)))
            .map_err(ApiError::internal)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?;
    let disposition = format!("attachment; filename=\"{filename}\"");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(ApiError::internal)?,
            ),
        ],
        body,
    )
        .into_response())
}

/// A student's guardians' names, emails and phones, each joined with "; ".
async fn contact_cells(state: &AppState, student_id: i64) -> ApiResult<[String; 3]> {
    let contacts = people::guardian_contacts(&state.db, student_id).await?;
    let join = |f: fn(&people::GuardianContact) -> String| {
        contacts.iter().map(f).collect::<Vec<_>>().join("; ")
    };
    Ok([
        join(|c| c.name.clone()),
        join(|c| c.email.clone()),
        join(|c| c.phone.clone().unwrap_or_default()),
    ])
}

/// Every active booking of an evening with the contact details of each child's guardians.
#[utoipa::path(
    get, path = "/api/evenings/{id}/bookings.csv", tag = "exports", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn evening_bookings(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Response> {
    session.require_any(&[Role::Admin])?;
    let record = visible_evening(&state, &session, id).await?;
    let zone = zone_of(&state, session.school_id).await?;
    let mut rows = vec![[
        "teacher",
        "start",
        "end",
        "room",
        "student",
        "status",
        "guardians",
        "guardian emails",
        "guardian phones",
    ]
    .map(String::from)
    .to_vec()];
    for detail in
        bookings::list_details(&state.db, session.school_id, Some(record.id), Scope::School).await?
    {
        let [names, emails, phones] = contact_cells(&state, detail.row.student_id).await?;
        rows.push(vec![
            detail.teacher_name.clone(),
            zone.rfc3339(detail.row.span.start)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            zone.rfc3339(detail.row.span.end)
                .format("%H:%M")
                .to_string(),
            detail.row.room.clone().unwrap_or_default(),
            detail.student_name.clone(),
            detail.row.status.clone(),
            names,
            emails,
            phones,
        ]);
    }
    let now = state.clock.now().timestamp();
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "export_bookings",
        &format!("evening {}", record.id),
        now,
    )
    .await?;
    csv_response(rows, &format!("evening-{}-bookings.csv", record.id))
}

/// The pupils an evening is for with no appointment yet, with their
/// guardians' contact details: for the office to phone or write to.
#[utoipa::path(
    get, path = "/api/evenings/{id}/unbooked.csv", tag = "exports", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn unbooked(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Response> {
    session.require_any(&[Role::Admin])?;
    let record = visible_evening(&state, &session, id).await?;
    let zone = zone_of(&state, session.school_id).await?;
    let (_, unbooked) = super::overview::build(&state, session.school_id, &zone, &record).await?;
    let mut rows = vec![[
        "student",
        "year group",
        "guardians",
        "guardian emails",
        "guardian phones",
        "last reminded",
    ]
    .map(String::from)
    .to_vec()];
    for pupil in unbooked.pupils {
        let [names, emails, phones] = contact_cells(&state, pupil.student_id).await?;
        rows.push(vec![
            pupil.name,
            pupil.year_group,
            names,
            emails,
            phones,
            pupil
                .reminded_at
                .map(|at| at.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default(),
        ]);
    }
    let now = state.clock.now().timestamp();
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "export_unbooked",
        &format!("evening {}", record.id),
        now,
    )
    .await?;
    csv_response(rows, &format!("evening-{}-not-booked.csv", record.id))
}

/// Every guardian with each of their students: the portability export.
#[utoipa::path(
    get, path = "/api/guardians.csv", tag = "exports", security(("bearer" = [])),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 403, body = ErrorBody))
)]
pub async fn guardians(State(state): State<AppState>, session: AuthSession) -> ApiResult<Response> {
    session.require_any(&[Role::Admin])?;
    let mut rows = vec![[
        "guardian",
        "email",
        "phone",
        "address",
        "relationship",
        "student id",
        "student",
        "year group",
    ]
    .map(String::from)
    .to_vec()];
    for link in people::guardians_with_students(&state.db, session.school_id).await? {
        rows.push(vec![
            link.guardian_name,
            link.email,
            link.phone.unwrap_or_default(),
            link.address.unwrap_or_default(),
            link.relationship,
            link.student_sis_id,
            link.student_name,
            link.year_group,
        ]);
    }
    let now = state.clock.now().timestamp();
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        "export_guardians",
        "all guardians",
        now,
    )
    .await?;
    csv_response(rows, "guardians-and-students.csv")
}

/// Filters for the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Exactly this action (`viewed_hidden_fields`, `export_guardians`, …).
    pub action: Option<String>,
    /// Done by, or about, this person.
    pub person: Option<i64>,
    /// Only the last this many days.
    pub days: Option<u32>,
}

/// The school's audit log, newest first (at most 500 entries): who did what
/// with whose data, and from which request; filtered by action, person, age.
#[utoipa::path(
    get, path = "/api/audit", tag = "exports", security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn log(
    State(state): State<AppState>,
    session: AuthSession,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    session.require_any(&[Role::Admin])?;
    let action = query
        .action
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if action
        .is_some_and(|a| a.len() > 40 || !a.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    {
        return Err(ApiError::invalid(
            "action",
            "is an action name such as export_guardians",
        ));
    }
    let now = state.clock.now().timestamp();
    let filter = audit::Filter {
        action: action.map(str::to_owned),
        person_id: query.person,
        since: query
            .days
            .map(|d| now - i64::from(d.min(36_500)) * 24 * 3600),
    };
    let entries = audit::entries(&state.db, session.school_id, &filter, 500).await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|e| AuditEntry {
                person_id: e.person_id,
                by: e.actor.map(|(title, given, family)| {
                    people::staff_name(title.as_deref(), &given, &family)
                }),
                action: e.action,
                subject: e.subject,
                about_id: e.target_id,
                about: e.target.map(|(given, family)| format!("{given} {family}")),
                request_id: e.request_id,
                at: Utc
                    .timestamp_opt(e.created_at, 0)
                    .single()
                    .unwrap_or_default(),
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_defused() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+44 7700"), "'+44 7700");
        assert_eq!(cell("Mrs Patel"), "Mrs Patel");
        assert_eq!(cell(""), "");
        assert_eq!(cell("\r=1+1"), " =1+1");
        assert_eq!(cell("two\nlines\0"), "two lines ");
    }
}
