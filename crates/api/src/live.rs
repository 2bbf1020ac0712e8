//! Live slot updates: every change to a slot is published to everyone
//! watching that evening, within the process through a broadcast channel and,
//! on PostgreSQL, between API processes through LISTEN/NOTIFY.

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use tokio::sync::broadcast;

use crate::storage::Engine;

/// The PostgreSQL channel slot events travel on.
pub const CHANNEL: &str = "confero_slots";

/// A slot was taken or freed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotEvent {
    pub school_id: i64,
    pub evening_id: i64,
    pub teacher_id: i64,
    pub start: i64,
    pub taken: bool,
}

/// What travels between processes: the event and which process made it.
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    origin: String,
    event: SlotEvent,
}

/// The hub of this process.
#[derive(Clone, Debug)]
pub struct Live {
    sender: broadcast::Sender<SlotEvent>,
    origin: String,
}

impl Default for Live {
    fn default() -> Live {
        let (sender, _) = broadcast::channel(4096);
        Live {
            sender,
            origin: uuid::Uuid::new_v4().to_string(),
        }
    }
}

impl Live {
    /// Listens for this process's and (on PostgreSQL) other processes' events.
    pub fn subscribe(&self) -> broadcast::Receiver<SlotEvent> {
        self.sender.subscribe()
    }

    /// Queues events for other processes inside the transaction that makes
    /// them true: PostgreSQL delivers a NOTIFY only if the transaction commits.
    pub async fn notify_in(
        &self,
        conn: &mut AnyConnection,
        engine: Engine,
        events: &[SlotEvent],
    ) -> Result<(), sqlx::Error> {
        if engine != Engine::Postgres {
            return Ok(());
        }
        for event in events {
            let payload = serde_json::to_string(&Envelope {
                origin: self.origin.clone(),
                event: event.clone(),
            })
            .unwrap_or_default();
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Tells this process's watchers, after the change committed.
    pub fn publish(&self, events: Vec<SlotEvent>) {
        for event in events {
            // No receivers is fine: nobody is watching.
            let _ = self.sender.send(event);
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
                Err(error) => tracing::warn!(%error, "could not connect to LISTEN for slot events"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    fn relay(&self, payload: &str) {
        match serde_json::from_str::<Envelope>(payload) {
            Ok(envelope) if envelope.origin != self.origin => {
                let _ = self.sender.send(envelope.event);
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "an unreadable slot event"),
        }
    }
}
