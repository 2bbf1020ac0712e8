//! Retention: each school's rules applied. A parent or carer whose children
//! have all left and who has not signed in for the school's leaver period
//! (a year by default) is erased; a closed school's data goes after its
//! closed period (30 days by default). `confero-api purge` shows what is due
//! and applies it with `--apply`; the server applies it once a day. Every
//! purge is audited by counts.

use std::collections::BTreeMap;

use crate::storage::retention::{self, Leaver};
use crate::storage::{audit, erasure, Db};

/// What is due now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Due {
    pub leavers: Vec<Leaver>,
    /// Closed schools past their period: (id, name).
    pub schools: Vec<(i64, String)>,
}

impl Due {
    /// Leavers per school.
    pub fn leavers_by_school(&self) -> BTreeMap<i64, usize> {
        let mut counts = BTreeMap::new();
        for leaver in &self.leavers {
            *counts.entry(leaver.school_id).or_insert(0) += 1;
        }
        counts
    }

    pub fn is_empty(&self) -> bool {
        self.leavers.is_empty() && self.schools.is_empty()
    }
}

/// What the schools' rules say is due at `now`.
pub async fn due(db: &Db, now: i64) -> Result<Due, sqlx::Error> {
    Ok(Due {
        leavers: retention::due_leavers(db, now).await?,
        schools: retention::due_schools(db, now).await?,
    })
}

/// Applies what is due: leavers erased, each school's count audited in its
/// own log; closed schools deleted whole (their log with them, so the count
/// goes to the operator's log). Returns what was done.
pub async fn apply(db: &Db, now: i64) -> Result<Due, sqlx::Error> {
    let due = due(db, now).await?;
    let closing: Vec<i64> = due.schools.iter().map(|(id, _)| *id).collect();
    for (school_id, count) in due.leavers_by_school() {
        if closing.contains(&school_id) {
            continue;
        }
        let mut tx = db.writer.begin().await?;
        for leaver in due.leavers.iter().filter(|l| l.school_id == school_id) {
            // A leaver has no children on the roster, so no booking to free.
            let _ = erasure::erase(&mut tx, school_id, leaver.person_id, now).await?;
        }
        tx.commit().await?;
        if let Some(admin) = crate::storage::people::first_admin(db, school_id).await? {
            audit::record(
                db,
                school_id,
                admin,
                "retention_purge",
                &format!(
                    "{count} parent or carer account(s) whose children had all left, erased by the school's retention rules (automatic)"
                ),
                now,
            )
            .await?;
        }
        tracing::info!(school_id, erased = count, "retention: leavers erased");
    }
    for (school_id, name) in &due.schools {
        let mut tx = db.writer.begin().await?;
        retention::delete_school(&mut tx, *school_id).await?;
        tx.commit().await?;
        tracing::info!(school_id, %name, "retention: closed school deleted");
    }
    Ok(due)
}
