//! `confero-bench`: the booking-opening rush.
//!
//! Seeds a generated school straight into a fresh database (60 teachers × 30
//! slots, 1,500 families, one signed-in session each), starts the real API
//! binary on it, and has every family try to book its picks at once over
//! loopback HTTP. Prints throughput and latency, then checks every booking
//! rule in the database. `--crash` kills the API with SIGKILL mid-rush,
//! restarts it, and checks that no acknowledged booking was lost.
//! `--concurrency N` and `--rate R` pace the same requests instead, for
//! latency; `--workload grid` reads the slot grid as parents.

mod cpu;
mod load;
mod paced;
mod report;
mod school;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use confero_api::storage::{bookings, Db};
use tokio::process::{Child, Command};

/// Where picks aim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Workload {
    /// Half the picks aim at five popular teachers' first three slots.
    Hot,
    /// Picks spread evenly over each child's teachers and the whole evening.
    Spread,
    /// No bookings: parents read the evening's slot grid, each with their own session.
    Grid,
}

#[derive(Parser, Debug)]
#[command(about = "The booking-opening rush benchmark")]
struct Args {
    /// `sqlite://FILE` (created) or `postgres://…/DB`.
    #[arg(long)]
    database_url: String,
    /// With PostgreSQL: the maintenance database URL; a fresh database is created through it.
    #[arg(long)]
    postgres_admin_url: Option<String>,
    /// The `confero-api` binary to start.
    #[arg(long)]
    api: PathBuf,
    #[arg(long, value_enum, default_value_t = Workload::Hot)]
    workload: Workload,
    #[arg(long, default_value_t = 1500)]
    families: usize,
    #[arg(long, default_value_t = 60)]
    teachers: usize,
    #[arg(long, default_value_t = 30)]
    slots: usize,
    #[arg(long, default_value_t = 4)]
    picks: usize,
    /// Kill the API mid-rush, restart it, and check nothing acknowledged was lost.
    #[arg(long)]
    crash: bool,
    /// The API's database pool size.
    #[arg(long, default_value_t = 8)]
    db_connections: u32,
    /// Closed loop: this many requests in flight, each answered before its worker sends the next.
    #[arg(long, conflicts_with_all = ["rate", "crash"])]
    concurrency: Option<usize>,
    /// Open loop: this many requests per second, Poisson arrivals.
    #[arg(long, conflicts_with = "crash")]
    rate: Option<f64>,
    /// With `--workload grid`: grid reads per family.
    #[arg(long, default_value_t = 10)]
    reads_per_family: usize,
}

impl Args {
    /// How the requests arrive, when paced; `None` is every family at once.
    fn arrivals(&self) -> Option<paced::Arrivals> {
        match (self.concurrency, self.rate, self.workload) {
            (Some(n), _, _) => Some(paced::Arrivals::Closed(n)),
            (None, Some(rate), _) => Some(paced::Arrivals::Open(rate)),
            (None, None, Workload::Grid) => Some(paced::Arrivals::Closed(64)),
            (None, None, _) => None,
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let database_url = match &args.postgres_admin_url {
        Some(admin) => create_postgres_database(admin, &args.database_url).await?,
        None => args.database_url.clone(),
    };
    anyhow::ensure!(
        !(args.crash && args.workload == Workload::Grid),
        "--crash needs bookings, not grid reads"
    );
    let db = Db::connect(&database_url, 4).await?;
    let engine = db.engine.name();
    let arrivals = args.arrivals();
    let pacing = match arrivals {
        None => "every family at once".to_owned(),
        Some(paced::Arrivals::Closed(n)) => format!("closed loop, {n} in flight"),
        Some(paced::Arrivals::Open(rate)) => format!("open loop, {rate} requests/s"),
    };
    println!(
        "\n== rush: {engine}, {:?} workload, {pacing}, {} families × {} picks, {} teachers × {} slots{}",
        args.workload,
        args.families,
        args.picks,
        args.teachers,
        args.slots,
        if args.crash { ", with a crash" } else { "" }
    );
    let seeded = school::seed(&db, args.families, args.teachers, args.slots).await?;
    if db_is_postgres(&database_url) {
        // A school's database has its planner statistics long before booking
        // opens (autovacuum gathers them within a minute of the import); a
        // database written a second ago has none, and plans joins blind.
        sqlx::query("ANALYZE").execute(&db.writer).await?;
    }
    db.close().await;

    let port = free_port()?;
    let mut api = start_api(&args, &database_url, port).await?;
    let picks = load::picks(&seeded, args.workload, args.picks);
    // Crash once about a sixth of the bookings that can succeed are acknowledged.
    let kill_after = args.crash.then_some(seeded.families.len() / 4);
    let before = cpu::Sample::now(api.id());
    let outcome = match arrivals {
        None => load::rush(port, seeded.evening_id, &picks, kill_after, &mut api).await?,
        Some(arrivals) => {
            let requests = match args.workload {
                Workload::Grid => paced::grid_reads(&picks, args.reads_per_family),
                Workload::Hot | Workload::Spread => paced::bookings(&picks),
            };
            paced::run(port, seeded.evening_id, requests, arrivals).await?
        }
    };
    let spent = cpu::Sample::now(api.id()).since(before);
    if args.crash {
        let _ = api.wait().await;
        println!(
            "API killed with SIGKILL after {} acknowledged bookings; restarting it",
            outcome.acknowledged_at_kill
        );
        api = start_api(&args, &database_url, port).await?;
    }
    report::print(&outcome, args.workload == Workload::Grid);
    report::print_cpu(&outcome, spent, cpu::cores(), db_is_postgres(&database_url));

    let db = Db::connect(&database_url, 2).await?;
    let violations = bookings::violations(&db).await?;
    let found = bookings::count_existing(&db, &outcome.booked_ids).await?;
    println!(
        "invariants: {} double-booked slots, {} duplicate student–teacher pairs, {} family overlaps, {} outside the window",
        violations.double_booked_slots, violations.duplicate_pairs, violations.family_overlaps, violations.outside_window
    );
    println!(
        "acknowledged bookings present after the run: {found} of {}",
        outcome.booked_ids.len()
    );
    db.close().await;
    let _ = api.kill().await;

    let clean = violations == bookings::Violations::default()
        && found == outcome.booked_ids.len()
        && outcome.server_errors == 0;
    anyhow::ensure!(
        clean,
        "the rush broke an invariant, lost a booking or answered 5xx"
    );
    Ok(())
}

async fn create_postgres_database(admin_url: &str, url: &str) -> anyhow::Result<String> {
    use sqlx::Connection as _;
    let name = url
        .rsplit('/')
        .next()
        .context("the database URL names a database")?;
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .context("connecting to PostgreSQL")?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut admin)
        .await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(url.to_owned())
}

fn db_is_postgres(url: &str) -> bool {
    url.starts_with("postgres")
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn start_api(args: &Args, database_url: &str, port: u16) -> anyhow::Result<Child> {
    let child = Command::new(&args.api)
        .arg("serve")
        .env("CONFERO_DATABASE_URL", database_url)
        .env("CONFERO_BIND", format!("127.0.0.1:{port}"))
        .env("CONFERO_STATIC_DIR", "/nonexistent-confero-bench")
        .env(
            "CONFERO_DB_MAX_CONNECTIONS",
            args.db_connections.to_string(),
        )
        .env("CONFERO_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", args.api.display()))?;
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(response) = client
            .get(format!("http://127.0.0.1:{port}/api/health"))
            .send()
            .await
        {
            if response.status().is_success() {
                return Ok(child);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the API did not become healthy")
}
