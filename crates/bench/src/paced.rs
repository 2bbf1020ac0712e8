//! Paced load, for latency: a closed loop (`--concurrency N`: N requests in
//! flight, each worker sending its next request when the last is answered)
//! or an open loop (`--rate R`: requests arrive at R per second with
//! exponential gaps, whether or not earlier ones were answered). In the open
//! loop a request's latency counts from when it was due, not from when it
//! went out, so a stalled server cannot hide its queue.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::load::{Answer, FamilyPicks, Lcg, Outcome};

/// How requests arrive.
#[derive(Clone, Copy, Debug)]
pub enum Arrivals {
    /// N requests in flight at all times.
    Closed(usize),
    /// R requests per second, Poisson arrivals.
    Open(f64),
}

/// One request of a paced run.
#[derive(Clone, Debug)]
pub enum Request {
    /// A booking attempt, as a family's picks make it.
    Book { token: Arc<str>, body: Arc<str> },
    /// A parent reading the evening's slot grid.
    Grid { token: Arc<str> },
}

/// Every family's picks as one list, first picks of every family first, so
/// each family's picks stay in their order and no family waits on itself.
pub fn bookings(families: &[FamilyPicks]) -> Vec<Request> {
    let rounds = families.iter().map(|f| f.picks.len()).max().unwrap_or(0);
    let mut out = Vec::new();
    for round in 0..rounds {
        for family in families {
            if let Some(pick) = family.picks.get(round) {
                let body = serde_json::json!({
                    "teacher_id": pick.teacher_id,
                    "student_id": pick.student_id,
                    "start": pick.start,
                });
                out.push(Request::Book {
                    token: family.token.as_str().into(),
                    body: body.to_string().into(),
                });
            }
        }
    }
    out
}

/// `per_family` grid reads by every family's own session, interleaved.
pub fn grid_reads(families: &[FamilyPicks], per_family: usize) -> Vec<Request> {
    (0..per_family)
        .flat_map(|_| families.iter())
        .map(|family| Request::Grid {
            token: family.token.as_str().into(),
        })
        .collect()
}

/// What one request came back with: the answer and, for a booking made, its id;
/// `None` when no answer came.
type Seen = Option<(Answer, Option<i64>)>;

struct Target {
    client: reqwest::Client,
    bookings: String,
    grid: String,
}

impl Target {
    async fn send(&self, request: &Request, due: Instant) -> Seen {
        let sent = match request {
            Request::Book { token, body } => {
                self.client
                    .post(&self.bookings)
                    .bearer_auth(token)
                    .header("content-type", "application/json")
                    .body(body.to_string())
                    .send()
                    .await
            }
            Request::Grid { token } => self.client.get(&self.grid).bearer_auth(token).send().await,
        };
        let response = sent.ok()?;
        let status = response.status().as_u16();
        // The whole body is received; only a booking's is read (for its id).
        // Not checking a grid's 160 KB as text keeps the load generator's
        // CPU off the two cores the API is measured on.
        let body = response.bytes().await.ok()?;
        let latency = due.elapsed();
        let id = (status == 201)
            .then(|| serde_json::from_slice::<serde_json::Value>(&body).ok())
            .flatten()
            .and_then(|v| v["id"].as_i64());
        let busy = status == 503;
        Some((
            Answer {
                status,
                latency,
                busy,
            },
            id,
        ))
    }
}

/// Sends every request, paced as `arrivals` says.
pub async fn run(
    port: u16,
    evening_id: i64,
    requests: Vec<Request>,
    arrivals: Arrivals,
) -> anyhow::Result<Outcome> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(usize::MAX)
        .timeout(Duration::from_secs(30))
        .build()?;
    let base = format!("http://127.0.0.1:{port}/api/evenings/{evening_id}");
    let target = Arc::new(Target {
        client,
        bookings: format!("{base}/bookings"),
        grid: format!("{base}/slots"),
    });
    let requests = Arc::new(requests);
    let started = Instant::now();
    let tasks: Vec<tokio::task::JoinHandle<Vec<Seen>>> = match arrivals {
        Arrivals::Closed(workers) => {
            let next = Arc::new(AtomicUsize::new(0));
            (0..workers.max(1))
                .map(|_| {
                    let (target, requests, next) = (target.clone(), requests.clone(), next.clone());
                    tokio::spawn(async move {
                        let mut seen = Vec::new();
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(request) = requests.get(k) else {
                                break;
                            };
                            seen.push(target.send(request, Instant::now()).await);
                        }
                        seen
                    })
                })
                .collect()
        }
        Arrivals::Open(rate) => {
            let mut rng = Lcg(7);
            let mut due = started;
            let mut tasks = Vec::with_capacity(requests.len());
            for k in 0..requests.len() {
                // Exponential gaps with mean 1/rate: Poisson arrivals.
                let uniform = (rng.below(1 << 30) as f64 + 0.5) / f64::from(1u32 << 30);
                due += Duration::from_secs_f64(-uniform.ln() / rate.max(1e-3));
                tokio::time::sleep_until(due.into()).await;
                let (target, requests) = (target.clone(), requests.clone());
                tasks.push(tokio::spawn(async move {
                    vec![target.send(&requests[k], due).await]
                }));
            }
            tasks
        }
    };
    let mut outcome = Outcome::default();
    for task in tasks {
        for seen in task.await? {
            match seen {
                Some((answer, id)) => {
                    outcome.answers.push(answer);
                    outcome.booked_ids.extend(id);
                }
                None => outcome.interrupted += 1,
            }
        }
    }
    outcome.elapsed = started.elapsed();
    outcome.server_errors = outcome.answers.iter().filter(|a| a.status >= 500).count();
    Ok(outcome)
}
