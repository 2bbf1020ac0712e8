//! How long a sign-in must wait after repeated failures.
//!
//! The first few failures cost nothing (people mistype). After that each
//! failure doubles the wait, up to a cap, so guessing is slow but nobody can
//! lock a parent out for good: the wait never exceeds the cap, attempts made
//! while waiting are refused without counting, and failures are forgotten a
//! day after the last one.

use crate::storage::throttle::Failures;

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
