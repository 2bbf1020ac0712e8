//! Separated households: the office marks a child's guardians as living
//! apart; each then books, and sees, only their own household's appointments.

use axum::extract::State;
use axum::Json;
use confero_core::dto::{ChildHouseholds, HouseholdsInput};
use confero_core::{ErrorBody, Role};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::extract::{search_term, ApiJson, ApiPath, ApiQuery, AuthSession, IdParam};
use super::AppState;
use crate::storage::audit;
use crate::storage::households::{self, ChildRow};

/// Which children to list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct HouseholdsQuery {
    /// Part of the child's or a guardian's name.
    pub q: Option<String>,
}

fn view(row: ChildRow) -> ChildHouseholds {
    ChildHouseholds {
        student_id: row.student_id,
        given_name: row.given_name,
        family_name: row.family_name,
        year_group: row.year_group,
        guardians: row.guardians,
        separate: row.separate,
    }
}

/// The school's children with more than one guardian (at most 200, by
/// family name), each saying whether their guardians are marked as
/// separate households.
#[utoipa::path(
    get, path = "/api/households", tag = "households", security(("bearer" = [])),
    params(HouseholdsQuery),
    responses((status = 200, body = Vec<ChildHouseholds>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn list(
    State(state): State<AppState>,
    session: AuthSession,
    ApiQuery(query): ApiQuery<HouseholdsQuery>,
) -> ApiResult<Json<Vec<ChildHouseholds>>> {
    session.require_any(&[Role::Admin])?;
    let search = search_term(query.q.as_deref())?.unwrap_or_default();
    let rows = households::children(&state.db, session.school_id, search, None).await?;
    Ok(Json(rows.into_iter().map(view).collect()))
}

/// Marks a child's guardians as separate households, or joins them again.
/// Separating gives each guardian's appointments and waiting places to
/// their own household; from then on each guardian books for their
/// household (one appointment per teacher each) and neither sees the
/// other's. Joining again is refused while both households have an
/// appointment with (or wait for) the same teacher, or appointments that
/// would clash in one family's evening: nothing changes.
#[utoipa::path(
    put, path = "/api/students/{id}/households", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = HouseholdsInput,
    responses(
        (status = 200, body = ChildHouseholds),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "Both households hold the same teacher", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
pub async fn set(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
    ApiJson(input): ApiJson<HouseholdsInput>,
) -> ApiResult<Json<ChildHouseholds>> {
    session.require_any(&[Role::Admin])?;
    let children = households::children(&state.db, session.school_id, "", Some(id)).await?;
    if children.is_empty() {
        // Not in the school, or with one guardian: nothing to separate.
        return Err(ApiError::NotFound);
    }
    let now = state.clock.now().timestamp();
    let mut tx = state.db.writer.begin().await?;
    if !households::set_separate(&mut tx, session.school_id, id, input.separate).await? {
        return Err(ApiError::NotFound);
    }
    let moved = if input.separate {
        households::split(&mut tx, id, now).await
    } else {
        households::join(&mut tx, id, now).await
    };
    match moved {
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            return Err(ApiError::Conflict(
                "both households have an appointment with, or wait for, the same teacher: cancel one first"
                    .into(),
            ));
        }
        other => other?,
    }
    if !input.separate && households::clashes(&mut tx, id).await? > 0 {
        return Err(ApiError::Conflict(
            "the two households have appointments at the same time (or too close to walk between rooms): cancel one first"
                .into(),
        ));
    }
    tx.commit().await?;
    let action = if input.separate {
        "households_separated"
    } else {
        "households_joined"
    };
    audit::record(
        &state.db,
        session.school_id,
        session.person_id,
        action,
        &format!("student {id}"),
        now,
    )
    .await?;
    let row = households::children(&state.db, session.school_id, "", Some(id))
        .await?
        .into_iter()
        .find(|c| c.student_id == id)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(view(row)))
}
