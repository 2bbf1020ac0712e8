//! How long a sign-in must wait after repeated failures.
//!
//! The first few failures cost nothing (people mistype). After that each
//! failure doubles the wait, up to a cap, so guessing is slow but nobody can
//! lock a parent out for good: the wait never exceeds the cap, attempts made
//! while waiting are refused without counting, and failures are forgotten a
//! day after the last one. Every attempt counts the moment it arrives, before
//! its password is checked, so guesses sent in parallel count one by one.

use crate::storage::throttle::{self as attempts, Failures};
use crate::storage::Db;

/// Failures allowed before any wait.
pub const FREE_FAILURES: i64 = 5;
/// The longest wait, in seconds.
pub const MAX_WAIT_SECS: i64 = 5 * 60;
/// Failures older than this many seconds are forgotten.
pub const FORGET_AFTER_SECS: i64 = 24 * 60 * 60;

/// Seconds to wait after `count` failures before the next attempt is heard.
pub fn wait_after(count: i64) -> i64 {
    if count < FREE_FAILURES {
        return 0;
    }
    let doublings = (count - FREE_FAILURES).min(20) as u32;
    (1i64 << doublings).min(MAX_WAIT_SECS)
}

/// Seconds until an attempt at `now` will be heard; zero means go ahead.
pub fn retry_after(failures: Option<Failures>, now: i64) -> i64 {
    let Some(failures) = failures else { return 0 };
    if now - failures.last_at >= FORGET_AFTER_SECS {
        return 0;
    }
    (failures.last_at + wait_after(failures.count) - now).max(0)
}

/// Counts an attempt for `email_key` before its password is checked. Returns
/// the seconds to wait when the attempt may not be heard now (then nothing is
/// counted and no hash need be spent); zero means go ahead.
pub async fn admit(db: &Db, email_key: &str, now: i64) -> Result<i64, sqlx::Error> {
    attempts::count_attempt(db, email_key, now, now - FORGET_AFTER_SECS, retry_after).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_then_stop_growing() {
        let table = [
            (0, 0),
            (4, 0),
            (5, 1),
            (6, 2),
            (7, 4),
            (10, 32),
            (13, 256),
            (14, 300),
            (1000, 300),
        ];
        for (count, wait) in table {
            assert_eq!(wait_after(count), wait, "after {count} failures");
        }
    }

    #[test]
    fn retry_after_counts_down_and_forgets() {
        let failures = Some(Failures {
            count: 8,
            last_at: 1_000,
        });
        assert_eq!(retry_after(failures, 1_000), 8);
        assert_eq!(retry_after(failures, 1_005), 3);
        assert_eq!(retry_after(failures, 1_008), 0);
        assert_eq!(retry_after(None, 1_000), 0);
        let stale = Some(Failures {
            count: 1000,
            last_at: 0,
        });
        assert_eq!(retry_after(stale, FORGET_AFTER_SECS), 0);
    }
}
