//! `GET /api/classes/{id}`: a class list, for its teacher and the school's admins.

use axum::extract::State;
use axum::Json;
use confero_core::dto::ClassRoster;
use confero_core::{ErrorBody, Role};

use super::error::{ApiError, ApiResult};
use super::extract::{ApiPath, AuthSession, IdParam};
use super::AppState;
use crate::storage::roster;

/// A class and its students.
#[utoipa::path(
    get, path = "/api/classes/{id}", tag = "roster",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "The class id")),
    responses(
        (status = 200, description = "The class list", body = ClassRoster),
        (status = 401, description = "No valid session", body = ErrorBody),
        (status = 403, description = "Neither the class's teacher nor an admin", body = ErrorBody),
        (status = 404, description = "No such class in your school", body = ErrorBody),
    )
)]
pub async fn class_roster(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<ClassRoster>> {
    session.require_any(&[Role::Admin, Role::Teacher])?;
    let class = roster::class_with_students(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if !session.has(Role::Admin) && class.teacher_id != session.person_id {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(ClassRoster {
        id: class.id,
        name: class.name,
        subject: class.subject,
        teacher_name: class.teacher_name,
        students: class.students,
    }))
}
