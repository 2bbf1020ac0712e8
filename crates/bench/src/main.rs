//! `confero-bench`: the booking-opening rush.
//!
//! Seeds a generated school straight into a fresh database (60 teachers × 30
//! slots, 1,500 families, one signed-in session each), starts the real API
//! binary on it, and has every family try to book its picks at once over
//! loopback HTTP. Prints throughput and latency, then checks every booking
//! rule in the database. `--crash` kills the API with SIGKILL mid-rush,
//! restarts it, and checks that no acknowledged booking was lost.

mod load;
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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let database_url = match &args.postgres_admin_url {
        Some(admin) => create_postgres_database(admin, &args.database_url).await?,
        None => args.database_url.clone(),
    };
    let db = Db::connect(&database_url, 4).await?;
    let engine = db.engine.name();
    println!(
        "\n== rush: {engine}, {:?} workload, {} families × {} picks, {} teachers × {} slots{}",
        args.workload,
        args.families,
        args.picks,
        args.teachers,
        args.slots,
        if args.crash { ", with a crash" } else { "" }
    );
    let seeded = school::seed(&db, args.families, args.teachers, args.slots).await?;
    db.close().await;

    let port = free_port()?;
    let mut api = start_api(&args, &database_url, port).await?;
    let picks = load::picks(&seeded, args.workload, args.picks);
    // Crash once about a sixth of the bookings that can succeed are acknowledged.
    let kill_after = args.crash.then_some(seeded.families.len() / 4);
    let outcome = load::rush(port, seeded.evening_id, &picks, kill_after, &mut api).await?;
    if args.crash {
        let _ = api.wait().await;
        println!(
            "API killed with SIGKILL after {} acknowledged bookings; restarting it",
            outcome.acknowledged_at_kill
        );
        api = start_api(&args, &database_url, port).await?;
    }
    report::print(&outcome);

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
