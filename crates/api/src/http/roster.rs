//! Roster import for admins: upload the school information system's CSV
//! files, see what would change, then apply exactly that.
//!
//! Both requests are `multipart/form-data` with up to four files, in fields
//! named `students`, `guardians`, `staff` and `classes`; applying adds a
//! `token` field, the preview's. Files with problems get a 422 whose `report`
//! lists each by file, line and column; nothing changes while any stands.

use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::Json;
use confero_core::dto::{RosterApplied, RosterPreview, RosterProblems};
use confero_core::{ErrorBody, Role};

use super::error::{ApiError, ApiResult};
use super::extract::AuthSession;
use super::AppState;
use crate::import::Importer;
use crate::roster::{RosterFiles, MAX_FILE_BYTES};

/// The largest upload of one import: four files at most.
pub const MAX_UPLOAD_BYTES: usize = 4 * MAX_FILE_BYTES + 64 * 1024;

/// An import's upload: the files, and the preview's token when applying.
struct Upload {
    files: RosterFiles,
    token: Option<String>,
}

fn multipart_error(error: MultipartError) -> ApiError {
    if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge(MAX_UPLOAD_BYTES)
    } else {
        ApiError::invalid(
            "body",
            format!("is not a readable multipart upload: {}", error.body_text()),
        )
    }
}

async fn read_upload(request: Request) -> ApiResult<Upload> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| ApiError::invalid("body", "send the files as multipart/form-data"))?;
    let mut upload = Upload {
        files: RosterFiles::default(),
        token: None,
    };
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        let slot = match name.as_str() {
            "students" => &mut upload.files.students,
            "guardians" => &mut upload.files.guardians,
            "staff" => &mut upload.files.staff,
            "classes" => &mut upload.files.classes,
            "token" => {
                let token = field.text().await.map_err(multipart_error)?;
                upload.token = Some(token.trim().to_owned());
                continue;
            }
            other => {
                return Err(ApiError::invalid(
                    other,
                    "is not a roster file: send students, guardians, staff or classes",
                ))
            }
        };
        if slot.is_some() {
            return Err(ApiError::invalid(&name, "was sent twice"));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > MAX_FILE_BYTES {
                return Err(ApiError::PayloadTooLarge(MAX_FILE_BYTES));
            }
            bytes.extend_from_slice(&chunk);
        }
        *slot = Some(bytes);
    }
    let files = &upload.files;
    if files.students.is_none()
        && files.guardians.is_none()
        && files.staff.is_none()
        && files.classes.is_none()
    {
        return Err(ApiError::invalid(
            "body",
            "send at least one of students, guardians, staff or classes",
        ));
    }
    Ok(upload)
}

fn importer(state: &AppState) -> Importer<'_> {
    Importer {
        db: &state.db,
        clock: &state.clock,
        live: &state.live,
        mail: &state.mail,
        mail_wake: &state.mail_wake,
    }
}

/// What importing these files would change (the dry run). Nothing is changed.
#[utoipa::path(
    post, path = "/api/roster/preview", tag = "roster", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "Fields `students`, `guardians`, `staff`, `classes`: CSV files (each optional)"),
    responses(
        (status = 200, body = RosterPreview),
        (status = 403, body = ErrorBody),
        (status = 413, description = "A file is over 20 MiB", body = ErrorBody),
        (status = 422, description = "Problems in the files, each with file, line and column", body = RosterProblems),
    )
)]
pub async fn preview(
    State(state): State<AppState>,
    session: AuthSession,
    request: Request,
) -> ApiResult<Json<RosterPreview>> {
    session.require_any(&[Role::Admin])?;
    let upload = read_upload(request).await?;
    Ok(Json(
        importer(&state)
            .preview(session.school_id, session.person_id, &upload.files)
            .await?,
    ))
}

/// Applies the import whose preview the admin confirmed, in one transaction.
/// Future bookings of anyone leaving are cancelled and their families and
/// teachers emailed.
#[utoipa::path(
    post, path = "/api/roster/apply", tag = "roster", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "The same files as the preview, and `token`: the preview's"),
    responses(
        (status = 200, body = RosterApplied),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`roster_changed`: the roster or files changed since the preview", body = ErrorBody),
        (status = 413, description = "A file is over 20 MiB", body = ErrorBody),
        (status = 422, description = "Problems in the files, or no token", body = RosterProblems),
    )
)]
pub async fn apply(
    State(state): State<AppState>,
    session: AuthSession,
    request: Request,
) -> ApiResult<Json<RosterApplied>> {
    session.require_any(&[Role::Admin])?;
    let upload = read_upload(request).await?;
    let token = upload
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::invalid("token", "send the token of the preview you confirmed"))?;
    let applied = importer(&state)
        .apply(session.school_id, session.person_id, &upload.files, &token)
        .await?;
    // Evenings' audiences name classes the import may have removed.
    state.caches.forget_school(session.school_id);
    tracing::info!(
        school_id = session.school_id,
        cancelled = applied.cancelled_bookings,
        "roster imported"
    );
    crate::import::offer_freed_times(&state.booker(), session.school_id).await?;
    Ok(Json(applied))
}
