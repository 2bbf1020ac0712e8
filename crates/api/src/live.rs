//! Live updates: every change to a slot is published to everyone watching
//! that school, within the process through one broadcast channel per school
//! and, on PostgreSQL, between API processes through LISTEN/NOTIFY.
//!
//! Besides slot changes, two events make open sockets re-check themselves at
//! once rather than at their next periodic check: a person's sessions were
//! revoked (sign-out, password change, disabled account), and an evening's
//! settings changed (it may have gone back to draft).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};

use crate::storage::{Db, Engine};

/// The PostgreSQL channel live events travel on.
pub const CHANNEL: &str = "confero_live";

/// How many events a slow watcher may fall behind before it is told to reload.
const BACKLOG: usize = 1024;

/// A slot was taken or freed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotEvent {
    pub school_id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub start: i64,
    pub taken: bool,
}

/// Something watchers of a school must hear about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    Slot(SlotEvent),
    /// An evening's settings or status changed.
    Evening {
        school_id: i64,
        evening_id: i64,
    },
    /// A teacher said how late they are running (0: on time again).
    Late {
        school_id: i64,
        evening_id: i64,
        teacher_id: i64,
        minutes: u32,
    },
    /// Some of a person's sessions were revoked.
    Sessions {
        school_id: i64,
        person_id: i64,
    },
}

impl LiveEvent {
    /// The school whose watchers hear it.
    pub fn school_id(&self) -> i64 {
        match self {
            LiveEvent::Slot(slot) => slot.school_id,
            LiveEvent::Evening { school_id, .. }
            | LiveEvent::Late { school_id, .. }
            | LiveEvent::Sessions { school_id, .. } => *school_id,
        }
    }
}

/// What travels between processes: the event and which process made it.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    origin: String,
    event: LiveEvent,
}

/// Caps on open live sockets: in all, and per session.
#[derive(Debug)]
pub struct SocketLimits {
    total: Arc<Semaphore>,
    per_session: usize,
    open: Mutex<HashMap<String, usize>>,
}

/// A socket's place under the caps; dropping it gives the place back.
#[derive(Debug)]
pub struct SocketPlace {
    _total: OwnedSemaphorePermit,
    session: Option<(Arc<SocketLimits>, String)>,
}

impl SocketLimits {
    /// At most `total` sockets at once (counting those not yet signed in),
    /// and `per_session` for any one session.
    pub fn new(total: usize, per_session: usize) -> Arc<SocketLimits> {
        Arc::new(SocketLimits {
            total: Arc::new(Semaphore::new(total.max(1))),
            per_session: per_session.max(1),
            open: Mutex::new(HashMap::new()),
        })
    }

    /// A place for a new socket, or `None` when the server has all it takes.
    pub fn admit(&self) -> Option<SocketPlace> {
        self.total
            .clone()
            .try_acquire_owned()
            .ok()
            .map(|permit| SocketPlace {
                _total: permit,
                session: None,
            })
    }

    /// Counts an admitted socket against its session; false when the session
    /// already has all the sockets it may.
    pub fn claim(self: &Arc<Self>, place: &mut SocketPlace, token_hash: &str) -> bool {
        let mut open = lock(&self.open);
        let count = open.entry(token_hash.to_owned()).or_default();
        if *count >= self.per_session {
            return false;
        }
        *count += 1;
        place.session = Some((self.clone(), token_hash.to_owned()));
        true
    }
}

impl Drop for SocketPlace {
    fn drop(&mut self) {
        if let Some((limits, token_hash)) = self.session.take() {
            let mut open = lock(&limits.open);
            if let Some(count) = open.get_mut(&token_hash) {
                *count -= 1;
                if *count == 0 {
                    open.remove(&token_hash);
                }
            }
        }
    }
}

/// The hub of this process.
#[derive(Clone, Debug)]
pub struct Live {
    schools: Arc<Mutex<HashMap<i64, broadcast::Sender<LiveEvent>>>>,
    /// Per evening, how many slot or evening changes this process has heard
    /// of: what the shared grid cache is keyed by.
    generations: Arc<Mutex<HashMap<i64, u64>>>,
    origin: String,
    pub sockets: Arc<SocketLimits>,
}

impl Live {
    /// A hub with the given socket caps.
    pub fn new(sockets: Arc<SocketLimits>) -> Live {
        Live {
            schools: Arc::default(),
            generations: Arc::default(),
            origin: uuid::Uuid::new_v4().to_string(),
            sockets,
        }
    }

    /// Listens for one school's events, from this process and (on PostgreSQL) others.
    pub fn subscribe(&self, school_id: i64) -> broadcast::Receiver<LiveEvent> {
        lock(&self.schools)
            .entry(school_id)
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe()
    }

    /// What a `NOTIFY` on [`CHANNEL`] carries for an event: the event and
    /// this process's origin (a process skips its own).
    pub fn notify_payload(&self, event: &LiveEvent) -> String {
        serde_json::to_string(&Envelope {
            origin: self.origin.clone(),
            event: event.clone(),
        })
        .unwrap_or_default()
    }

    /// Queues events for other processes inside the transaction that makes
    /// them true: PostgreSQL delivers a NOTIFY only if the transaction commits.
    pub async fn notify_in(
        &self,
        conn: &mut AnyConnection,
        engine: Engine,
        events: &[LiveEvent],
    ) -> Result<(), sqlx::Error> {
        if engine != Engine::Postgres {
            return Ok(());
        }
        for event in events {
            let payload = self.notify_payload(event);
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Tells every process's watchers about a change that has already
    /// committed. Delivery to other processes is best effort: their sockets
    /// also re-check on a timer.
    pub async fn announce(&self, db: &Db, events: Vec<LiveEvent>) {
        if db.engine == Engine::Postgres {
            match db.pool.acquire().await {
                Ok(mut conn) => {
                    if let Err(error) = self.notify_in(&mut conn, db.engine, &events).await {
                        tracing::warn!(%error, "could not tell other processes of a change");
                    }
                }
                Err(error) => tracing::warn!(%error, "could not tell other processes of a change"),
            }
        }
        self.publish(events);
    }

    /// How many slot or evening changes of the evening this process has heard of.
    pub fn generation(&self, evening_id: i64) -> u64 {
        lock(&self.generations)
            .get(&evening_id)
            .copied()
            .unwrap_or(0)
    }

    /// Tells this process's watchers, after the change committed.
    pub fn publish(&self, events: Vec<LiveEvent>) {
        {
            let mut generations = lock(&self.generations);
            for event in &events {
                if let LiveEvent::Slot(SlotEvent { evening_id, .. })
                | LiveEvent::Evening { evening_id, .. } = event
                {
                    *generations.entry(*evening_id).or_default() += 1;
                }
            }
        }
        let mut schools = lock(&self.schools);
        for event in events {
            let school_id = event.school_id();
            if let Some(sender) = schools.get(&school_id) {
                if sender.send(event).is_err() {
                    // Nobody watches this school any more.
                    schools.remove(&school_id);
                }
            }
        }
    }

    /// Forwards other processes' events to this process's watchers, for as
    /// long as the process runs, reconnecting after a lost connection.
    pub async fn relay_from_postgres(self, url: String) {
        loop {
            match sqlx::postgres::PgListener::connect(&url).await {
                Ok(mut listener) => {
                    if let Err(error) = listener.listen(CHANNEL).await {
                        tracing::warn!(%error, "LISTEN failed");
                    } else {
                        loop {
                            match listener.recv().await {
                                Ok(notification) => self.relay(notification.payload()),
                                Err(error) => {
                                    tracing::warn!(%error, "the LISTEN connection broke; reconnecting");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(error) => tracing::warn!(%error, "could not connect to LISTEN for live events"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    fn relay(&self, payload: &str) {
        match serde_json::from_str::<Envelope>(payload) {
            Ok(envelope) if envelope.origin != self.origin => self.publish(vec![envelope.event]),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "an unreadable live event"),
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(school_id: i64) -> LiveEvent {
        LiveEvent::Slot(SlotEvent {
            school_id,
            evening_id: 1,
            teacher_id: 2,
            start: 3,
            taken: true,
        })
    }

    #[test]
    fn a_school_hears_only_its_own_events() {
        let live = Live::new(SocketLimits::new(10, 2));
        let mut first = live.subscribe(1);
        let mut second = live.subscribe(2);
        live.publish(vec![slot(1), slot(2), slot(3)]);
        assert_eq!(first.try_recv().unwrap(), slot(1));
        assert!(first.try_recv().is_err());
        assert_eq!(second.try_recv().unwrap(), slot(2));
        assert!(second.try_recv().is_err());
    }

    #[test]
    fn sockets_are_capped_in_all_and_per_session() {
        let limits = SocketLimits::new(3, 2);
        let mut a = limits.admit().unwrap();
        let mut b = limits.admit().unwrap();
        let mut c = limits.admit().unwrap();
        assert!(limits.admit().is_none(), "the total is reached");
        assert!(limits.claim(&mut a, "session"));
        assert!(limits.claim(&mut b, "session"));
        assert!(!limits.claim(&mut c, "session"), "two per session");
        drop(a);
        assert!(
            limits.claim(&mut c, "session"),
            "a closed socket frees its place"
        );
        assert!(limits.admit().is_some());
    }

    #[test]
    fn events_survive_the_trip_between_processes() {
        for event in [
            slot(4),
            LiveEvent::Evening {
                school_id: 4,
                evening_id: 9,
            },
            LiveEvent::Sessions {
                school_id: 4,
                person_id: 7,
            },
        ] {
            let text = serde_json::to_string(&Envelope {
                origin: "x".into(),
                event: event.clone(),
            })
            .unwrap();
            let back: Envelope = serde_json::from_str(&text).unwrap();
            assert_eq!(back.event, event);
        }
    }
}
