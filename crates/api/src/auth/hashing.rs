//! Every password hash the server computes goes through here.
//!
//! An argon2id hash takes 19 MiB and tens of milliseconds of one core. Left
//! unbounded, a flood of sign-ins with made-up emails queues a blocking task
//! per request and the server's memory grows with the flood. Here at most
//! `concurrency` hashes run at once, each in working memory kept for reuse,
//! so hashing never holds more than `concurrency` × 19 MiB. A request that
//! cannot start its hash within `wait` — or arrives when too many are
//! already waiting — is answered "busy, retry shortly" instead of queued.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::Semaphore;

use super::password::{self, Memory};

/// Why a hash was not computed.
#[derive(Debug, thiserror::Error)]
pub enum HashingError {
    /// Every hashing slot is busy: retry after a moment.
    #[error("too many password checks in progress")]
    Busy,
    #[error("hashing failed: {0}")]
    Failed(String),
}

/// The server's password hashing, bounded.
#[derive(Debug)]
pub struct Hashing {
    slots: Semaphore,
    memory: Mutex<Vec<Memory>>,
    wait: Duration,
    waiting: AtomicUsize,
    max_waiting: usize,
}

/// Decrements the waiting count however the wait ends.
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hashing {
    /// At most `concurrency` hashes at once; a request waits at most `wait`
    /// for its turn, and at most `16 × concurrency` requests wait at all.
    pub fn new(concurrency: usize, wait: Duration) -> Hashing {
        let concurrency = concurrency.max(1);
        Hashing {
            slots: Semaphore::new(concurrency),
            memory: Mutex::new(Vec::new()),
            wait,
            waiting: AtomicUsize::new(0),
            max_waiting: concurrency * 16,
        }
    }

    /// As many hashes at once as the machine has cores.
    pub fn default_concurrency() -> usize {
        std::thread::available_parallelism().map_or(2, usize::from)
    }

    /// Runs `job` on a blocking thread with one slot's working memory.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, HashingError> {
        let _waiting = Waiting(&self.waiting);
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            return Err(HashingError::Busy);
        }
        let _slot = tokio::time::timeout(self.wait, self.slots.acquire())
            .await
            .map_err(|_| HashingError::Busy)?
            .map_err(|_| HashingError::Busy)?;
        let mut memory = self
            .memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            .unwrap_or_default();
        let (result, memory) = tokio::task::spawn_blocking(move || {
            let result = job(&mut memory);
            (result, memory)
        })
        .await
        .map_err(|error| HashingError::Failed(error.to_string()))?;
        self.memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(memory);
        Ok(result)
    }

    /// Checks a password against a stored PHC string.
    pub async fn verify(&self, candidate: String, stored: String) -> Result<bool, HashingError> {
        self.run(move |memory| password::verify_with(&candidate, &stored, memory))
            .await
    }

    /// Hashes a new password.
    pub async fn hash(&self, new_password: String) -> Result<String, HashingError> {
        self.run(move |memory| password::hash_with(&new_password, memory))
            .await?
            .map_err(|error| HashingError::Failed(error.to_string()))
    }

    /// Checks `current` against `stored` and, only if it matches, hashes
    /// `new_password`: one turn for both, so a password change cannot be
    /// starved between the two steps.
    pub async fn verify_then_hash(
        &self,
        current: String,
        stored: String,
        new_password: String,
    ) -> Result<Option<String>, HashingError> {
        self.run(move |memory| {
            if password::verify_with(&current, &stored, memory) {
                password::hash_with(&new_password, memory).map(Some)
            } else {
                Ok(None)
            }
        })
        .await?
        .map_err(|error| HashingError::Failed(error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_more_memory_than_slots() {
        let hashing = Arc::new(Hashing::new(2, Duration::from_secs(30)));
        let stored = password::hash("secret").unwrap();
        let checks: Vec<_> = (0..8)
            .map(|i| {
                let hashing = hashing.clone();
                let stored = stored.clone();
                tokio::spawn(async move { hashing.verify(format!("guess {i}"), stored).await })
            })
            .collect();
        for check in checks {
            assert!(!check.await.unwrap().unwrap());
        }
        assert!(hashing.verify("secret".into(), stored).await.unwrap());
        let kept = hashing.memory.lock().unwrap().len();
        assert!(kept <= 2, "{kept} working memories for two slots");
    }

    #[tokio::test]
    async fn a_request_that_cannot_start_in_time_is_told_busy() {
        let hashing = Arc::new(Hashing::new(1, Duration::from_millis(1)));
        let stored = password::hash("secret").unwrap();
        let slow = {
            let hashing = hashing.clone();
            let stored = stored.clone();
            tokio::spawn(async move { hashing.verify("a".into(), stored).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        let second = hashing.verify("b".into(), stored).await;
        assert!(matches!(second, Err(HashingError::Busy)), "{second:?}");
        assert!(slow.await.unwrap().is_ok());
    }
}
