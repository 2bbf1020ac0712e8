//! Prints what the rush measured.

use std::time::Duration;

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

/// Prints throughput, latency by outcome, and errors.
pub fn print(outcome: &Outcome) {
    let secs = outcome.elapsed.as_secs_f64().max(1e-9);
    let wins = latencies(&outcome.answers, 201);
    let losses = latencies(&outcome.answers, 409);
    let decided = wins.len() + losses.len();
    println!(
        "requests answered: {} in {:.2} s",
        outcome.answers.len(),
        secs
    );
    println!(
        "decided (201 + 409): {decided} → {:.0} requests decided/s",
        decided as f64 / secs
    );
    println!(
        "successful bookings: {} → {:.0} bookings/s",
        wins.len(),
        wins.len() as f64 / secs
    );
    for (name, set) in [("wins (201)", &wins), ("refusals (409)", &losses)] {
        println!(
            "latency of {name}: p50 {}, p99 {}, max {}",
            ms(percentile(set, 50.0)),
            ms(percentile(set, 99.0)),
            ms(set.last().copied().unwrap_or_default())
        );
    }
    let other = outcome
        .answers
        .iter()
        .filter(|a| a.status != 201 && a.status != 409)
        .count();
    let busy = outcome.answers.iter().filter(|a| a.busy).count();
    println!(
        "5xx: {}, \"database busy\": {busy}, other statuses: {other}, interrupted (no answer): {}",
        outcome.server_errors, outcome.interrupted
    );
}
