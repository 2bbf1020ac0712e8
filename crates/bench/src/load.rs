//! The load: every family at once, each trying its picks one after another.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone as _, Utc};
use tokio::process::Child;

use crate::school::{Seeded, POPULAR, SLOT_SECS};
use crate::Workload;

/// One family's session and booking attempts, in the order it makes them.
#[derive(Clone, Debug)]
pub struct FamilyPicks {
    pub token: String,
    pub picks: Vec<Pick>,
}

/// One booking attempt.
#[derive(Clone, Debug)]
pub struct Pick {
    pub teacher_id: i64,
    pub student_id: i64,
    pub start: String,
}

/// A deterministic generator: the same picks every run.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// Each family's picks.
pub fn picks(seeded: &Seeded, workload: Workload, per_family: usize) -> Vec<FamilyPicks> {
    let mut rng = Lcg(2026);
    let start_of = |slot: usize| {
        let at = seeded.session_start + SLOT_SECS * slot as i64;
        Utc.timestamp_opt(at, 0)
            .single()
            .unwrap_or_default()
            .to_rfc3339()
    };
    seeded
        .families
        .iter()
        .map(|family| {
            let picks = (0..per_family)
                .map(|p| {
                    let (teacher, slot) = match workload {
                        Workload::Hot if p % 2 == 0 => {
                            (family.teachers[rng.below(POPULAR)], rng.below(3))
                        }
                        _ => (
                            family.teachers[rng.below(family.teachers.len())],
                            rng.below(seeded.slots),
                        ),
                    };
                    Pick {
                        teacher_id: teacher,
                        student_id: family.student_id,
                        start: start_of(slot),
                    }
                })
                .collect();
            FamilyPicks {
                token: family.token.clone(),
                picks,
            }
        })
        .collect()
}

/// One answer.
#[derive(Clone, Copy, Debug)]
pub struct Answer {
    pub status: u16,
    pub latency: Duration,
    pub busy: bool,
}

/// Everything the run saw.
#[derive(Debug, Default)]
pub struct Outcome {
    pub answers: Vec<Answer>,
    pub elapsed: Duration,
    pub booked_ids: Vec<i64>,
    pub interrupted: usize,
    pub server_errors: usize,
    pub acknowledged_at_kill: usize,
}

/// Runs every family at once; with `kill_after`, SIGKILLs the API once that many bookings are acknowledged.
pub async fn rush(
    port: u16,
    evening_id: i64,
    families: &[FamilyPicks],
    kill_after: Option<usize>,
    api: &mut Child,
) -> anyhow::Result<Outcome> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .timeout(Duration::from_secs(30))
        .build()?;
    let url = Arc::new(format!(
        "http://127.0.0.1:{port}/api/evenings/{evening_id}/bookings"
    ));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(families.len());
    for family in families {
        let client = client.clone();
        let url = url.clone();
        let acknowledged = acknowledged.clone();
        let FamilyPicks { token, picks } = family.clone();
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut booked = Vec::new();
            let mut interrupted = 0;
            for pick in picks {
                let body = serde_json::json!({"teacher_id": pick.teacher_id, "student_id": pick.student_id, "start": pick.start});
                let sent = Instant::now();
                match client.post(url.as_str()).bearer_auth(&token).json(&body).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        let text = response.text().await.unwrap_or_default();
                        let latency = sent.elapsed();
                        if status == 201 {
                            acknowledged.fetch_add(1, Ordering::Relaxed);
                            if let Some(id) = serde_json::from_str::<serde_json::Value>(&text).ok().and_then(|v| v["id"].as_i64()) {
                                booked.push(id);
                            }
                        }
                        answers.push(Answer { status, latency, busy: text.contains("\"unavailable\"") });
                    }
                    Err(_) => interrupted += 1,
                }
            }
            (answers, booked, interrupted)
        }));
    }
    let mut acknowledged_at_kill = 0;
    if let Some(threshold) = kill_after {
        while acknowledged.load(Ordering::Relaxed) < threshold
            && !tasks.iter().all(|t| t.is_finished())
        {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        api.start_kill()?;
        acknowledged_at_kill = acknowledged.load(Ordering::Relaxed);
    }
    let mut outcome = Outcome {
        acknowledged_at_kill,
        ..Outcome::default()
    };
    for task in tasks {
        let (answers, booked, interrupted) = task.await?;
        outcome.answers.extend(answers);
        outcome.booked_ids.extend(booked);
        outcome.interrupted += interrupted;
    }
    outcome.elapsed = started.elapsed();
    outcome.server_errors = outcome.answers.iter().filter(|a| a.status >= 500).count();
    Ok(outcome)
}
