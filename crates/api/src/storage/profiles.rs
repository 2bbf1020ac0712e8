//! Profiles: the fields a person fills in, each field's visibility, and the
//! relations (teacher of my child, parent of a classmate) that decide which
//! audience a viewer is in. The deciding itself is `crate::privacy`'s.

use std::collections::{BTreeMap, HashSet};

use confero_core::dto::ChildView;
use confero_core::{ProfileField, Visibility};
use sqlx::any::AnyRow;
use sqlx::Row as _;

use super::Db;

/// Everything a profile holds, unfiltered. Only `privacy.rs` turns it into
/// a view for someone else.
#[derive(Clone, Debug, PartialEq)]
pub struct ProfileRecord {
    pub id: i64,
    pub staff: bool,
    pub teacher: bool,
    pub guardian: bool,
    pub email: String,
    pub title: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    pub address: Option<String>,
    pub language: Option<String>,
    pub about: Option<String>,
    /// Filled for guardians by [`load`].
    pub children: Vec<ChildView>,
    pub visibility: BTreeMap<ProfileField, Visibility>,
    pub erasure_requested_at: Option<i64>,
}

impl ProfileRecord {
    /// The name others see: the chosen display name, or the given and family names.
    pub fn shown_name(&self) -> String {
        match self.display_name.as_deref() {
            Some(name) if !name.trim().is_empty() => name.to_owned(),
            _ => format!("{} {}", self.given_name, self.family_name),
        }
    }

    /// A field's visibility (the default if somehow unset).
    pub fn visibility_of(&self, field: ProfileField) -> Visibility {
        self.visibility
            .get(&field)
            .copied()
            .unwrap_or_else(|| field.default_visibility())
    }
}

const COLUMNS: &str = "p.id, p.email, p.title, p.given_name, p.family_name, p.display_name,
    p.phone, p.phone2, p.address, p.language, p.about, p.erasure_requested_at,
    p.show_title, p.show_name, p.show_email, p.show_phone, p.show_phone2,
    p.show_address, p.show_language, p.show_about, p.show_children,
    (SELECT COUNT(*) FROM person_roles r WHERE r.person_id = p.id AND r.role IN ('admin', 'teacher')) AS staff_roles,
    (SELECT COUNT(*) FROM person_roles r WHERE r.person_id = p.id AND r.role = 'teacher') AS teacher_roles,
    (SELECT COUNT(*) FROM person_roles r WHERE r.person_id = p.id AND r.role = 'guardian') AS guardian_roles";

fn record(row: &AnyRow) -> Result<ProfileRecord, sqlx::Error> {
    let mut visibility = BTreeMap::new();
    for field in ProfileField::ALL {
        let stored: String = row.try_get(format!("show_{}", field.as_str()).as_str())?;
        let parsed = Visibility::parse(&stored).unwrap_or_else(|| field.default_visibility());
        visibility.insert(field, parsed);
    }
    let count = |name: &str| -> Result<bool, sqlx::Error> { Ok(row.try_get::<i64, _>(name)? > 0) };
    Ok(ProfileRecord {
        id: row.try_get("id")?,
        staff: count("staff_roles")?,
        teacher: count("teacher_roles")?,
        guardian: count("guardian_roles")?,
        email: row.try_get("email")?,
        title: row.try_get("title")?,
        given_name: row.try_get("given_name")?,
        family_name: row.try_get("family_name")?,
        display_name: row.try_get("display_name")?,
        phone: row.try_get("phone")?,
        phone2: row.try_get("phone2")?,
        address: row.try_get("address")?,
        language: row.try_get("language")?,
        about: row.try_get("about")?,
        children: Vec::new(),
        visibility,
        erasure_requested_at: row.try_get("erasure_requested_at")?,
    })
}

/// One person's profile in their school, with their children.
pub async fn load(
    db: &Db,
    school_id: i64,
    person_id: i64,
) -> Result<Option<ProfileRecord>, sqlx::Error> {
    let mut found = load_many(db, school_id, &[person_id]).await?;
    Ok(found.pop())
}

/// Several people's profiles in one school, with their children, in the order asked.
/// Ids of other schools, of disabled accounts or without a role are skipped.
pub async fn load_many(
    db: &Db,
    school_id: i64,
    ids: &[i64],
) -> Result<Vec<ProfileRecord>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM people p
          WHERE p.school_id = $1 AND p.disabled_at IS NULL AND p.id IN ({list})
            AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id)"
    ))
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    let mut records = rows.iter().map(record).collect::<Result<Vec<_>, _>>()?;
    let guardians: Vec<i64> = records
        .iter()
        .filter(|r| r.guardian)
        .map(|r| r.id)
        .collect();
    let mut children = children_of(db, school_id, &guardians).await?;
    for record in &mut records {
        record.children = children.remove(&record.id).unwrap_or_default();
    }
    records.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    Ok(records)
}

/// Ids are integers we hold, never input text, so they can be listed inline.
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each guardian's children with their classes.
async fn children_of(
    db: &Db,
    school_id: i64,
    guardians: &[i64],
) -> Result<BTreeMap<i64, Vec<ChildView>>, sqlx::Error> {
    let mut by_guardian: BTreeMap<i64, Vec<ChildView>> = BTreeMap::new();
    if guardians.is_empty() {
        return Ok(by_guardian);
    }
    let rows = sqlx::query(&format!(
        "SELECT g.guardian_id, s.id, s.given_name, s.family_name, s.year_group, c.name AS class_name
           FROM guardianships g
           JOIN students s ON s.id = g.student_id AND s.school_id = $1
           LEFT JOIN enrolments e ON e.student_id = s.id
           LEFT JOIN classes c ON c.id = e.class_id
          WHERE g.guardian_id IN ({})
          ORDER BY g.guardian_id, s.given_name, s.id, c.name",
        id_list(guardians)
    ))
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    let mut last: Option<(i64, i64)> = None;
    for row in rows {
        let guardian: i64 = row.try_get("guardian_id")?;
        let student: i64 = row.try_get("id")?;
        let children = by_guardian.entry(guardian).or_default();
        if last != Some((guardian, student)) {
            let given: String = row.try_get("given_name")?;
            let family: String = row.try_get("family_name")?;
            children.push(ChildView {
                name: format!("{given} {family}"),
                year_group: row.try_get("year_group")?,
                classes: Vec::new(),
            });
            last = Some((guardian, student));
        }
        if let (Some(class), Some(child)) = (
            row.try_get::<Option<String>, _>("class_name")?,
            children.last_mut(),
        ) {
            child.classes.push(class);
        }
    }
    Ok(by_guardian)
}

/// The editable part of a profile, already checked.
#[derive(Clone, Debug, Default)]
pub struct ProfileChange {
    pub title: Option<String>,
    pub display_name: Option<String>,
    pub phone: Option<String>,
    pub phone2: Option<String>,
    pub address: Option<String>,
    pub language: Option<String>,
    pub about: Option<String>,
    pub visibility: BTreeMap<ProfileField, Visibility>,
}

/// Writes one's own profile. Returns false when the person is not in the school.
pub async fn update(
    db: &Db,
    school_id: i64,
    person_id: i64,
    change: &ProfileChange,
) -> Result<bool, sqlx::Error> {
    let shows = ProfileField::ALL
        .iter()
        .enumerate()
        .map(|(i, field)| format!("show_{} = ${}", field.as_str(), i + 10))
        .collect::<Vec<_>>()
        .join(", ");
    // The statement is built from the fixed field names only.
    let sql = format!(
        "UPDATE people SET title = $3, display_name = $4, phone = $5, phone2 = $6,
                address = $7, language = $8, about = $9, {shows}
          WHERE id = $1 AND school_id = $2 RETURNING id"
    );
    let mut query = sqlx::query_scalar::<_, i64>(&sql)
        .bind(person_id)
        .bind(school_id)
        .bind(change.title.clone())
        .bind(change.display_name.clone())
        .bind(change.phone.clone())
        .bind(change.phone2.clone())
        .bind(change.address.clone())
        .bind(change.language.clone())
        .bind(change.about.clone());
    for field in ProfileField::ALL {
        let visibility = change
            .visibility
            .get(&field)
            .copied()
            .unwrap_or_else(|| field.default_visibility());
        query = query.bind(visibility.as_str());
    }
    Ok(query.fetch_optional(&db.writer).await?.is_some())
}

/// Where a viewer stands towards the people of their school: the sets the
/// audience of each owner is decided from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Relations {
    /// Guardians of the children the viewer teaches.
    pub families_taught: HashSet<i64>,
    /// Guardians of children in a class with one of the viewer's children
    /// (the viewer's co-guardians included).
    pub classmates_families: HashSet<i64>,
    /// The teachers of the viewer's children.
    pub childrens_teachers: HashSet<i64>,
}

/// The viewer's relations in their school.
pub async fn relations(db: &Db, school_id: i64, viewer_id: i64) -> Result<Relations, sqlx::Error> {
    let families_taught: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT g.guardian_id
           FROM classes c
           JOIN enrolments e ON e.class_id = c.id
           JOIN guardianships g ON g.student_id = e.student_id
          WHERE c.teacher_id = $1 AND c.school_id = $2",
    )
    .bind(viewer_id)
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    let classmates_families: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT g2.guardian_id
           FROM guardianships g1
           JOIN students s ON s.id = g1.student_id AND s.school_id = $2
           JOIN enrolments e1 ON e1.student_id = g1.student_id
           JOIN enrolments e2 ON e2.class_id = e1.class_id
           JOIN guardianships g2 ON g2.student_id = e2.student_id
          WHERE g1.guardian_id = $1",
    )
    .bind(viewer_id)
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    let childrens_teachers: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT c.teacher_id
           FROM guardianships g
           JOIN enrolments e ON e.student_id = g.student_id
           JOIN classes c ON c.id = e.class_id AND c.school_id = $2
          WHERE g.guardian_id = $1",
    )
    .bind(viewer_id)
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(Relations {
        families_taught: families_taught.into_iter().collect(),
        classmates_families: classmates_families.into_iter().collect(),
        childrens_teachers: childrens_teachers.into_iter().collect(),
    })
}

/// Someone whose name is shown more narrowly than to the whole school:
/// enough to decide whether a viewer may see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    pub id: i64,
    pub staff: bool,
    pub teacher: bool,
    pub show_name: Visibility,
}

/// The school's people (with a role and an enabled account) who show their
/// name to fewer than the whole school. Few, usually: the caller decides
/// which of them a viewer may list.
pub async fn narrow_names(db: &Db, school_id: i64) -> Result<Vec<Listing>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.show_name,
                (SELECT COUNT(*) FROM person_roles r WHERE r.person_id = p.id AND r.role IN ('admin', 'teacher')) AS staff_roles,
                (SELECT COUNT(*) FROM person_roles r WHERE r.person_id = p.id AND r.role = 'teacher') AS teacher_roles
           FROM people p
          WHERE p.school_id = $1 AND p.disabled_at IS NULL AND p.show_name <> 'school'
            AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id)",
    )
    .bind(school_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            let shown: String = row.try_get("show_name")?;
            Ok(Listing {
                id: row.try_get("id")?,
                staff: row.try_get::<i64, _>("staff_roles")? > 0,
                teacher: row.try_get::<i64, _>("teacher_roles")? > 0,
                show_name: Visibility::parse(&shown).unwrap_or(Visibility::OnlyMe),
            })
        })
        .collect()
}

/// One page of the directory, by family name: everyone in the school with a
/// role and an enabled account whose shown name contains `search` (any
/// case) and who either shows their name to the whole school or is among
/// `also` (those the caller decided the viewer may list). Returns the page's
/// ids and how many match in all.
pub async fn directory_page(
    db: &Db,
    school_id: i64,
    search: Option<&str>,
    also: &[i64],
    limit: i64,
    offset: i64,
) -> Result<(Vec<i64>, u64), sqlx::Error> {
    // No search, no per-row name test ('' matches every row).
    let pattern = search
        .map(|s| format!("%{}%", s.to_lowercase().replace(['%', '_'], "")))
        .unwrap_or_default();
    let allowed = if also.is_empty() {
        "p.show_name = 'school'".to_owned()
    } else {
        format!("(p.show_name = 'school' OR p.id IN ({}))", id_list(also))
    };
    let from = format!(
        "FROM people p
          WHERE p.school_id = $1 AND p.disabled_at IS NULL AND {allowed}
            AND EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id)
            AND ($2 = '' OR LOWER(COALESCE(NULLIF(p.display_name, ''), p.given_name || ' ' || p.family_name)) LIKE $2)"
    );
    // The page and the count in one pass; a page past the end has no row
    // to carry the count, so only then is it counted on its own.
    let rows = sqlx::query(&format!(
        "SELECT p.id, COUNT(*) OVER () AS total {from}
          ORDER BY LOWER(p.family_name), LOWER(p.given_name), p.id LIMIT $3 OFFSET $4"
    ))
    .bind(school_id)
    .bind(&pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(&db.pool)
    .await?;
    let total: i64 = match rows.first() {
        Some(row) => row.try_get("total")?,
        None => {
            sqlx::query_scalar(&format!("SELECT COUNT(*) {from}"))
                .bind(school_id)
                .bind(&pattern)
                .fetch_one(&db.pool)
                .await?
        }
    };
    let ids = rows
        .iter()
        .map(|row| row.try_get("id"))
        .collect::<Result<Vec<i64>, _>>()?;
    Ok((ids, u64::try_from(total).unwrap_or(0)))
}
