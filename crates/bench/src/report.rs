//! Prints what the rush measured.

use std::time::Duration;

use crate::cpu::Sample;
use crate::load::{Answer, Outcome};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn latencies(answers: &[Answer], status: u16) -> Vec<Duration> {
    let mut out: Vec<Duration> = answers
        .iter()
        .filter(|a| a.status == status)
        .map(|a| a.latency)
        .collect();
    out.sort();
    out
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Prints throughput, latency by outcome, and errors; `reads` for a run of
/// grid reads rather than bookings.
pub fn print(outcome: &Outcome, reads: bool) {
    let secs = outcome.elapsed.as_secs_f64().max(1e-9);
    println!(
        "requests answered: {} in {:.2} s",
        outcome.answers.len(),
        secs
    );
    if reads {
        let read = latencies(&outcome.answers, 200);
        println!(
            "grid reads (200): {} → {:.0} reads/s",
            read.len(),
            read.len() as f64 / secs
        );
        print_latency("grid reads (200)", &read);
    } else {
        print_bookings(outcome, secs);
    }
    let other = outcome
        .answers
        .iter()
        .filter(|a| ![200, 201, 409].contains(&a.status))
        .count();
    let busy = outcome.answers.iter().filter(|a| a.busy).count();
    println!(
        "5xx: {}, \"database busy\": {busy}, other statuses: {other}, interrupted (no answer): {}",
        outcome.server_errors, outcome.interrupted
    );
}

fn print_latency(name: &str, sorted: &[Duration]) {
    println!(
        "latency of {name}: p50 {}, p99 {}, max {}",
        ms(percentile(sorted, 50.0)),
        ms(percentile(sorted, 99.0)),
        ms(sorted.last().copied().unwrap_or_default())
    );
}

/// The machine, and the CPU time the API, PostgreSQL and the load generator
/// each spent during the run.
pub fn print_cpu(outcome: &Outcome, spent: Sample, cores: usize, postgres: bool) {
    let secs = outcome.elapsed.as_secs_f64().max(1e-9);
    let share = |d: Duration| {
        format!(
            "{:.2} s ({:.0} % of a core)",
            d.as_secs_f64(),
            d.as_secs_f64() / secs * 100.0
        )
    };
    let database = if postgres {
        format!(", PostgreSQL {}", share(spent.postgres))
    } else {
        String::new()
    };
    println!(
        "machine: {cores} cores; CPU over the run: API {}{database}, load generator {}",
        share(spent.api),
        share(spent.load)
    );
    let server = spent.api
        + if postgres {
            spent.postgres
        } else {
            Duration::ZERO
        };
    let answered = outcome.answers.len().max(1);
    println!(
        "server CPU per answered request (API{}): {:.0} µs",
        if postgres { " + PostgreSQL" } else { "" },
        server.as_secs_f64() * 1e6 / answered as f64
    );
}

fn print_bookings(outcome: &Outcome, secs: f64) {
    let wins = latencies(&outcome.answers, 201);
    let losses = latencies(&outcome.answers, 409);
    let decided = wins.len() + losses.len();
    println!(
        "decided (201 + 409): {decided} → {:.0} requests decided/s",
        decided as f64 / secs
    );
    println!(
        "successful bookings: {} → {:.0} bookings/s",
        wins.len(),
        wins.len() as f64 / secs
    );
    print_latency("wins (201)", &wins);
    print_latency("refusals (409)", &losses);
}
