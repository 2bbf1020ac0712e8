//! In-memory snapshots of what changes rarely but is read on every booking:
//! an evening with its availability and generated slots, and a school's zone.
//!
//! A write in this process drops the snapshot at once (and a load that raced
//! the write cannot put the old state back); another API process's write is
//! seen within `EVENING_TTL`. Snapshots serve reads and early refusals only:
//! the booking transaction compares the snapshot's version with the
//! evening's and decides from a fresh read when they differ. Bookings are
//! never cached for decisions; the one view of them kept here is the
//! family-neutral slot grid that parents' reads share ([`NeutralGrid`]),
//! dropped by every slot change this process hears of (its own, and other
//! processes' through the live relay) and after [`EVENING_TTL`] in any case.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use confero_core::dto::TeacherSlots;
use confero_core::slots::{self, Availability, Slot};
use sqlx::AnyConnection;

use crate::storage::evenings::{self, EveningRecord};
use crate::storage::{schools, Db};
use crate::zone::SchoolZone;

/// How long a snapshot may serve before it is rebuilt from the database.
pub const EVENING_TTL: Duration = Duration::from_secs(1);

/// An evening with everything slot decisions need.
#[derive(Debug)]
pub struct EveningSnapshot {
    pub record: EveningRecord,
    pub availability: HashMap<i64, Availability>,
    /// Each participating teacher's slots.
    pub slots: HashMap<i64, Vec<Slot>>,
}

impl Deref for EveningSnapshot {
    type Target = EveningRecord;
    fn deref(&self) -> &EveningRecord {
        &self.record
    }
}

impl EveningSnapshot {
    /// The slots of one teacher (none for a teacher not taking part).
    pub fn teacher_slots(&self, teacher_id: i64) -> &[Slot] {
        self.slots
            .get(&teacher_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Reads an evening and builds its slots, on the given connection (a
    /// pool connection, or a booking transaction's own).
    pub async fn load(
        conn: &mut AnyConnection,
        school_id: i64,
        id: i64,
    ) -> Result<Option<EveningSnapshot>, sqlx::Error> {
        let Some(record) = evenings::load(conn, school_id, id).await? else {
            return Ok(None);
        };
        let availability = evenings::availabilities(conn, &record).await?;
        let plan = record.plan();
        let slots = availability
            .iter()
            .map(|(teacher, a)| (*teacher, slots::generate(&plan, a)))
            .collect();
        Ok(Some(EveningSnapshot {
            record,
            availability,
            slots,
        }))
    }
}

/// One evening's place in the cache. The generation goes up on every
/// change, so a load that began before a change cannot store what it read
/// after the change was announced.
#[derive(Debug, Default)]
struct Entry {
    generation: u64,
    cached: Option<(Instant, Arc<EveningSnapshot>)>,
    /// Held while one request reads the evening: the requests that miss the
    /// cache meanwhile wait for its read instead of each making their own (at
    /// the opening rush, every family's first request misses at once).
    /// Only the first to miss holds it; see [`Caches::evening`].
    loading: Arc<tokio::sync::Mutex<()>>,
}

/// An evening's slot grid as every family sees the slots they do not hold:
/// free, taken or blocked, no holder named. Each teacher's column is kept
/// as JSON too, so a family's read copies the columns it holds nothing in.
#[derive(Debug)]
pub struct NeutralGrid {
    pub columns: Vec<TeacherSlots>,
    pub encoded: Vec<String>,
    /// The whole grid as JSON, for a family that holds nothing in it.
    pub whole: axum::body::Bytes,
    /// The same, brotli-compressed once (a 60 × 30 grid: ~160 KB → a few KB).
    pub whole_br: axum::body::Bytes,
}

/// A neutral grid, for the evening version and live generation it was read at.
#[derive(Debug)]
struct GridEntry {
    version: i64,
    generation: u64,
    at: Instant,
    grid: Arc<NeutralGrid>,
}

/// The process's caches.
#[derive(Debug, Default)]
pub struct Caches {
    evenings: Mutex<HashMap<(i64, i64), Entry>>,
    zones: Mutex<HashMap<i64, SchoolZone>>,
    /// Neutral grids by evening id.
    grids: Mutex<HashMap<i64, GridEntry>>,
}

impl Caches {
    /// An evening of the school, from the cache or freshly read.
    pub async fn evening(
        &self,
        db: &Db,
        school_id: i64,
        id: i64,
    ) -> Result<Option<Arc<EveningSnapshot>>, sqlx::Error> {
        let key = (school_id, id);
        let loading = match self.cached_evening(key) {
            Ok(snapshot) => return Ok(Some(snapshot)),
            Err(loading) => loading,
        };
        // The first to miss reads, holding the lock; the others wait for its
        // read and take it. If it stored nothing (it failed, found nothing,
        // or the evening changed meanwhile) they read on their own, at once,
        // rather than one after another: while changes keep coming, that can
        // be a burst of reads again, but never one read per waiter in a row.
        let _reading = match loading.try_lock() {
            Ok(guard) => {
                // Stored by a read that ended since this request missed.
                if let Ok(snapshot) = self.cached_evening(key) {
                    return Ok(Some(snapshot));
                }
                Some(guard)
            }
            Err(_) => {
                drop(loading.lock().await);
                if let Ok(snapshot) = self.cached_evening(key) {
                    return Ok(Some(snapshot));
                }
                None
            }
        };
        let generation = lock(&self.evenings).entry(key).or_default().generation;
        let mut conn = db.pool.acquire().await?;
        let Some(snapshot) = EveningSnapshot::load(&mut conn, school_id, id).await? else {
            return Ok(None);
        };
        let snapshot = Arc::new(snapshot);
        let mut entries = lock(&self.evenings);
        let entry = entries.entry(key).or_default();
        if entry.generation == generation {
            entry.cached = Some((Instant::now(), snapshot.clone()));
        }
        Ok(Some(snapshot))
    }

    /// The evening's cached snapshot if still fresh, else the lock its
    /// reader holds.
    fn cached_evening(
        &self,
        key: (i64, i64),
    ) -> Result<Arc<EveningSnapshot>, Arc<tokio::sync::Mutex<()>>> {
        let mut entries = lock(&self.evenings);
        let entry = entries.entry(key).or_default();
        match &entry.cached {
            Some((at, snapshot)) if at.elapsed() < EVENING_TTL => Ok(snapshot.clone()),
            _ => Err(entry.loading.clone()),
        }
    }

    /// Forgets an evening after it changed (call it after the change commits).
    pub fn forget_evening(&self, school_id: i64, id: i64) {
        let mut entries = lock(&self.evenings);
        let entry = entries.entry((school_id, id)).or_default();
        entry.generation += 1;
        entry.cached = None;
    }

    /// Forgets every evening of a school after a change that reaches them
    /// all without touching their rows (a roster import: who an evening's
    /// classes are, which classes are left).
    pub fn forget_school(&self, school_id: i64) {
        for (key, entry) in lock(&self.evenings).iter_mut() {
            if key.0 == school_id {
                entry.generation += 1;
                entry.cached = None;
            }
        }
    }

    /// The evening's neutral grid, if one was read at this evening version
    /// and live generation (every slot change this process hears of moves
    /// the generation) within [`EVENING_TTL`].
    pub fn grid(&self, evening_id: i64, version: i64, generation: u64) -> Option<Arc<NeutralGrid>> {
        lock(&self.grids)
            .get(&evening_id)
            .filter(|e| {
                e.version == version && e.generation == generation && e.at.elapsed() < EVENING_TTL
            })
            .map(|e| e.grid.clone())
    }

    /// Keeps a neutral grid read at `version` and `generation` (the caller
    /// checks the generation did not move while it read).
    pub fn store_grid(
        &self,
        evening_id: i64,
        version: i64,
        generation: u64,
        grid: Arc<NeutralGrid>,
    ) {
        lock(&self.grids).insert(
            evening_id,
            GridEntry {
                version,
                generation,
                at: Instant::now(),
                grid,
            },
        );
    }

    /// A school's time zone (it never changes once the school exists).
    pub async fn zone(&self, db: &Db, school_id: i64) -> Result<Option<String>, sqlx::Error> {
        if let Some(zone) = self
            .zones
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&school_id)
        {
            return Ok(Some(zone.0.name().to_owned()));
        }
        let Some(school) = schools::info(db, school_id).await? else {
            return Ok(None);
        };
        if let Ok(zone) = school.time_zone.parse() {
            self.zones
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(school_id, SchoolZone(zone));
        }
        Ok(Some(school.time_zone))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
