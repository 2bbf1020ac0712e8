//! Times [`confero_core::plan::plan`] on the benchmark evenings: one JSON
//! line per instance with the median, 90th percentile and worst time in
//! microseconds over the timed runs, and the plan's measures.
//!
//! `cargo run --profile server -p confero-core --example plan_bench`
//! (`-- RUNS [CASE [SEED]]`: other run counts, one case, another seed;
//! `-- sweep [SEEDS]`: each shape from many other seeds). It panics if a
//! plan breaks the family rule.

use std::time::Instant;

use confero_core::plan::{examples, plan_counting_nodes, Plan, PlanInput};
use confero_core::Interval;

fn main() {
    if std::env::args().nth(1).as_deref() == Some("sweep") {
        let seeds = std::env::args()
            .nth(2)
            .and_then(|arg| arg.parse().ok())
            .unwrap_or(100);
        return sweep(seeds);
    }
    // `-- RUNS` times fewer runs (after a tenth as many warm-ups).
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(200);
    // `-- RUNS CASE` only the named case; `-- RUNS CASE SEED` from another seed.
    let only = std::env::args().nth(2);
    let seed = std::env::args()
        .nth(3)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(examples::SEED);
    let warm_up = runs / 10;
    for instance in examples::all_seeded(seed) {
        if only.as_ref().is_some_and(|name| name != instance.name) {
            continue;
        }
        let input = instance.input();
        for _ in 0..warm_up {
            std::hint::black_box(plan_counting_nodes(std::hint::black_box(&input)));
        }
        let mut micros: Vec<f64> = (0..runs)
            .map(|_| {
                let began = Instant::now();
                std::hint::black_box(plan_counting_nodes(std::hint::black_box(&input)));
                began.elapsed().as_secs_f64() * 1e6
            })
            .collect();
        micros.sort_by(f64::total_cmp);
        let (plan, nodes) = plan_counting_nodes(&input);
        assert!(
            feasible(&input, &plan),
            "{}: the plan breaks the family rule",
            instance.name
        );
        let line = serde_json::json!({
            "case": instance.name,
            "runs": runs,
            "median_us": round(micros[runs / 2]),
            "p90_us": round(micros[runs * 9 / 10]),
            "max_us": round(micros[runs - 1]),
            "wanted": instance.wanted.len(),
            "placed": plan.placed.len(),
            "span_min": plan.span_secs as f64 / 60.0,
            "room_changes": plan.room_changes,
            "nodes": nodes,
        });
        println!("{line}");
    }
}

/// Whether every two appointments of the plan (placed, and placed against
/// existing) keep the family rule, and each slot is one of its pair's
/// options inside the window.
fn feasible(input: &PlanInput<'_>, plan: &Plan) -> bool {
    let stops: Vec<(Interval, Option<&str>)> = plan
        .placed
        .iter()
        .map(|p| (p.slot, input.wanted[p.wanted].room.as_deref()))
        .collect();
    let fits = |a: &(Interval, Option<&str>), b: &(Interval, Option<&str>)| {
        !a.0.overlaps(&b.0) && (a.1 == b.1 || a.0.gap_to(&b.0) >= input.travel_buffer_secs)
    };
    let own_options = plan.placed.iter().all(|p| {
        input.wanted[p.wanted].options.contains(&p.slot)
            && input.window.is_none_or(|w| w.contains(&p.slot))
    });
    let existing: Vec<(Interval, Option<&str>)> = input
        .existing
        .iter()
        .map(|a| (a.span, a.room.as_deref()))
        .collect();
    own_options
        && stops
            .iter()
            .enumerate()
            .all(|(i, a)| stops[i + 1..].iter().chain(&existing).all(|b| fits(a, b)))
}

fn round(micros: f64) -> f64 {
    (micros * 10.0).round() / 10.0
}

/// `-- sweep [SEEDS]`: each shape from other seeds (100 unless told), each
/// solved 5 times; per shape, the median, 90th percentile and worst of the
/// per-seed medians.
fn sweep(seeds: u64) {
    let mut per_shape: Vec<(&'static str, Vec<(f64, u64)>)> = Vec::new();
    for seed in 1000..1000 + seeds {
        for (k, instance) in examples::all_seeded(seed).into_iter().enumerate() {
            let input = instance.input();
            let mut micros: Vec<f64> = (0..5)
                .map(|_| {
                    let began = Instant::now();
                    std::hint::black_box(plan_counting_nodes(std::hint::black_box(&input)));
                    began.elapsed().as_secs_f64() * 1e6
                })
                .collect();
            micros.sort_by(f64::total_cmp);
            if per_shape.len() <= k {
                per_shape.push((instance.name, Vec::new()));
            }
            per_shape[k].1.push((micros[2], seed));
        }
    }
    for (name, mut results) in per_shape {
        results.sort_by(|a, b| a.0.total_cmp(&b.0));
        let worst = results[results.len() - 1];
        let line = serde_json::json!({
            "case": name,
            "seeds": results.len(),
            "median_us": round(results[results.len() / 2].0),
            "p90_us": round(results[results.len() * 9 / 10].0),
            "max_us": round(worst.0),
            "worst_seed": worst.1,
        });
        println!("{line}");
    }
}
