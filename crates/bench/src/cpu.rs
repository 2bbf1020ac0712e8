//! CPU time, kept apart by who spent it: the API process, PostgreSQL's
//! processes (when the database is PostgreSQL) and the load generator
//! itself, read from `/proc` and `getrusage` before and after a run. On a
//! small machine the load generator competes with the server for the same
//! cores; these figures say what the server itself cost.

use std::time::Duration;

/// CPU time spent so far by each party.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sample {
    pub api: Duration,
    pub postgres: Duration,
    pub load: Duration,
}

impl Sample {
    /// Reads the counters now; `api_pid` is the API server's process.
    pub fn now(api_pid: Option<u32>) -> Sample {
        Sample {
            api: api_pid.and_then(process_cpu).unwrap_or_default(),
            postgres: postgres_cpu(),
            load: own_cpu(),
        }
    }

    /// What each party spent between `earlier` and `self`.
    pub fn since(self, earlier: Sample) -> Sample {
        Sample {
            api: self.api.saturating_sub(earlier.api),
            postgres: self.postgres.saturating_sub(earlier.postgres),
            load: self.load.saturating_sub(earlier.load),
        }
    }
}

/// The machine's cores, as the scheduler offers them to this process.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn ticks_per_second() -> u64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    u64::try_from(ticks).ok().filter(|&t| t > 0).unwrap_or(100)
}

/// User plus system time of a process and all its threads, from
/// `/proc/<pid>/stat` (fields 14 and 15, in clock ticks).
fn process_cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_cpu(&stat)
}

fn stat_cpu(stat: &str) -> Option<Duration> {
    // The command name is in parentheses and may hold spaces: count from after it.
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    let ticks = ticks_per_second();
    Some(Duration::from_micros((user + system) * 1_000_000 / ticks))
}

/// Every `postgres` process on the machine (the benchmark's cluster is the
/// only one in a benchmark run).
fn postgres_cpu() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .bytes()
                .all(|b| b.is_ascii_digit())
        })
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| stat.contains("(postgres)"))
        .filter_map(|stat| stat_cpu(&stat))
        .sum()
}

/// This process's own user plus system time.
fn own_cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given and nothing else.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) != 0 {
            return Duration::ZERO;
        }
        usage
    };
    let micros = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    micros(usage.ru_utime) + micros(usage.ru_stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_line_gives_user_plus_system_time() {
        let line =
            "4242 (confero api) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1 2 3";
        let ticks = ticks_per_second();
        assert_eq!(
            stat_cpu(line),
            Some(Duration::from_micros(300 * 1_000_000 / ticks))
        );
    }

    #[test]
    fn this_process_has_spent_some_cpu() {
        let spin: u64 = (0..2_000_000u64).map(|n| n % 7).sum();
        assert!(spin > 0);
        assert!(own_cpu() > Duration::ZERO);
        assert!(process_cpu(std::process::id()).is_some());
    }
}
