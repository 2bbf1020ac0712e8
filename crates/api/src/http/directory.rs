//! The school directory: members find each other by name and see of each
//! person only what that person shows them (`GET /api/directory`), and open
//! one person (`GET /api/directory/{id}`).

use axum::extract::State;
use axum::Json;
use confero_core::dto::{DirectoryPage, PersonView};
use confero_core::{Audience, ErrorBody};
use serde::Deserialize;

use super::error::{ApiError, ApiResult};
use super::extract::{search_term, ApiPath, ApiQuery, AuthSession, IdParam};
use super::AppState;
use crate::privacy::{self, ProfileViewer};
use crate::storage::{audit, profiles, Db};

/// A search and a page.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DirectoryQuery {
    /// Part of a name, any case.
    pub q: Option<String>,
    /// From 1.
    pub page: Option<u32>,
    /// 1 to 100; default 25.
    pub per_page: Option<u32>,
}

/// The people of my school I may see, by family name, each with only what
/// they show me. Someone who shows me nothing but their name is listed by
/// name only; someone whose name is not shown to me is not listed.
/// Admins see here what staff see; hidden fields only on a profile.
#[utoipa::path(
    get, path = "/api/directory", tag = "directory", security(("bearer" = [])),
    params(DirectoryQuery),
    responses((status = 200, body = DirectoryPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody))
)]
pub async fn search(
    State(state): State<AppState>,
    session: AuthSession,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> ApiResult<Json<DirectoryPage>> {
    let per_page = query.per_page.unwrap_or(25);
    if !(1..=100).contains(&per_page) {
        return Err(ApiError::invalid("per_page", "must be 1 to 100"));
    }
    let page = query.page.unwrap_or(1);
    if page == 0 {
        return Err(ApiError::invalid("page", "pages count from 1"));
    }
    let search = search_term(query.q.as_deref())?;
    let viewer = ProfileViewer::of(&session, &state.db).await?;
    listing(
        &state.db,
        session.school_id,
        &viewer,
        search,
        page,
        per_page,
    )
    .await
    .map(Json)
    .map_err(ApiError::from)
}

/// One page of the directory as `viewer` may see it (the handler's work,
/// without HTTP: the benchmark times it).
pub async fn listing(
    db: &Db,
    school_id: i64,
    viewer: &ProfileViewer,
    search: Option<&str>,
    page: u32,
    per_page: u32,
) -> Result<DirectoryPage, sqlx::Error> {
    // The rule decides for those who show their name to fewer than the
    // whole school; everyone else is listed to every member.
    let also: Vec<i64> = profiles::narrow_names(db, school_id)
        .await?
        .iter()
        .filter(|c| {
            privacy::is_listed(
                c.show_name,
                viewer.listing_audience(c.id, c.staff, c.teacher),
            )
        })
        .map(|c| c.id)
        .collect();
    let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
    let (ids, total) =
        profiles::directory_page(db, school_id, search, &also, i64::from(per_page), offset).await?;
    let records = profiles::load_many(db, school_id, &ids).await?;
    let people = records
        .iter()
        .filter_map(|record| {
            let audience = viewer.listing_audience(record.id, record.staff, record.teacher);
            privacy::person_view(record, audience)
        })
        .collect();
    Ok(DirectoryPage {
        people,
        total,
        page,
        per_page,
    })
}

/// One person of my school as I may see them; 404 if I may not see them at
/// all. An admin sees every field; when that includes fields the person
/// hides from staff, the view is audited and the person can see it.
#[utoipa::path(
    get, path = "/api/directory/{id}", tag = "directory", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, body = PersonView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody))
)]
pub async fn person(
    State(state): State<AppState>,
    session: AuthSession,
    ApiPath(IdParam { id }): ApiPath<IdParam>,
) -> ApiResult<Json<PersonView>> {
    let record = profiles::load(&state.db, session.school_id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let viewer = ProfileViewer::of(&session, &state.db).await?;
    let audience = viewer.audience(record.id, record.staff, record.teacher);
    let view = privacy::person_view(&record, audience).ok_or(ApiError::NotFound)?;
    if audience == Audience::Admin {
        let hidden = privacy::hidden_from_staff(&record);
        if !hidden.is_empty() {
            let fields = hidden
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            audit::record_about(
                &state.db,
                session.school_id,
                session.person_id,
                "viewed_hidden_fields",
                &fields,
                record.id,
                state.clock.now().timestamp(),
            )
            .await?;
        }
    }
    Ok(Json(view))
}
