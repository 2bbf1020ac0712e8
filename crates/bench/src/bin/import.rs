//! `confero-import-bench`: a 5,000-student school's roster through dry run
//! and apply, timed, on a fresh database of either engine.
//!
//! The files are generated deterministically the way a school information
//! system exports them: 5,000 students in seven year groups, about 9,000
//! guardians (one child in most families, two in one in ten; two guardians
//! in all but one family in twenty),
//! 300 staff, and 1,000 classes of 25 — 25,000 enrolments. The import runs
//! through the same code as the API's endpoints (parse, check, plan,
//! preview, apply in one transaction), without HTTP.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use confero_api::clock::{Clock, SystemClock};
use confero_api::import::Importer;
use confero_api::live::{Live, SocketLimits};
use confero_api::roster::RosterFiles;
use confero_api::storage::Db;

#[derive(Parser, Debug)]
#[command(about = "Roster import of a 5,000-student school, timed")]
struct Args {
    /// `sqlite://FILE` (created) or `postgres://…/DB` (created through `--postgres-admin-url`).
    #[arg(long)]
    database_url: String,
    #[arg(long)]
    postgres_admin_url: Option<String>,
    #[arg(long, default_value_t = 5000)]
    students: usize,
    /// Timed runs of each step.
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// After the last run, time directory searches on the imported school.
    #[arg(long)]
    directory: bool,
}

/// The four files of a generated school.
fn generate(students: usize) -> (RosterFiles, [usize; 4]) {
    let mut s = String::from("UPN,Legal Forename,Surname,Year Group\n");
    let mut g =
        String::from("Contact ID,Title,Forename,Surname,Email,Mobile,Pupil ID,Relationship\n");
    let mut st = String::from("Staff ID,Title,First Name,Last Name,Email,Role\n");
    let mut c = String::from("Class,Subject,Teacher ID,Student ID\n");
    const GIVEN: [&str; 12] = [
        "Ava", "Noah", "Mia", "Leo", "Isla", "Arlo", "Zoë", "Omar", "Priya", "Kai", "Lena", "Sam",
    ];
    const FAMILY: [&str; 10] = [
        "Patel",
        "Smith",
        "Nowak",
        "Okafor",
        "Jones",
        "Chen",
        "Ødegård",
        "Khan",
        "Brown",
        "Silva",
    ];
    let mut guardians = 0;
    let mut family = 0;
    let mut n = 0;
    while n < students {
        family += 1;
        // One child in most families, two in one in ten.
        let children = if family % 10 == 0 { 2 } else { 1 };
        let surname = format!("{}{}", FAMILY[family % FAMILY.len()], family / FAMILY.len());
        let members: Vec<usize> = (n..(n + children).min(students)).collect();
        for &child in &members {
            let _ = writeln!(
                s,
                "S{child:05},{},{surname},{}",
                GIVEN[child % GIVEN.len()],
                7 + child % 7
            );
        }
        // Two guardians, but one in twenty families has one.
        let parents = if family % 20 == 0 { 1 } else { 2 };
        for p in 0..parents {
            guardians += 1;
            let (title, given, relationship) = if p == 0 {
                ("Mrs", "Anna", "Mother")
            } else {
                ("Mr", "Ben", "Father")
            };
            for &child in &members {
                let _ = writeln!(
                    g,
                    "C{guardians:05},{title},{given},{surname},{}.{guardians}@families.example,07700 9{:05},S{child:05},{relationship}",
                    given.to_lowercase(),
                    guardians % 100_000
                );
            }
        }
        n += members.len();
    }
    let staff = 300;
    for t in 0..staff {
        let role = if t < 10 { "admin;teacher" } else { "teacher" };
        let _ = writeln!(st, "T{t:03},Dr,Teach{t},Er{t},t{t}@school.example,{role}");
    }
    let per_student = 5;
    let class_size = 25;
    let classes = students * per_student / class_size;
    for class in 0..classes {
        let teacher = class % staff;
        for k in 0..class_size {
            // Each student in `per_student` distinct classes.
            let student = (class / per_student * class_size + k) % students;
            let _ = writeln!(
                c,
                "C{class:04},Subject {},T{teacher:03},S{student:05}",
                class % per_student
            );
        }
    }
    let counts = [students, guardians, staff, classes * class_size];
    (
        RosterFiles {
            students: Some(s.into_bytes()),
            guardians: Some(g.into_bytes()),
            staff: Some(st.into_bytes()),
            classes: Some(c.into_bytes()),
        },
        counts,
    )
}

async fn fresh_database(args: &Args) -> anyhow::Result<String> {
    let Some(admin) = &args.postgres_admin_url else {
        return Ok(args.database_url.clone());
    };
    use sqlx::Connection as _;
    let name = args
        .database_url
        .rsplit('/')
        .next()
        .unwrap_or("import_bench")
        .to_owned();
    let mut conn = sqlx::PgConnection::connect(admin).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await?;
    Ok(args.database_url.clone())
}

/// Directory searches on the imported school, through the code the
/// endpoint runs (relations, candidates, the privacy filter, one page of
/// profiles), as a parent, a teacher and an admin: median and slowest of 21.
async fn time_directory(db: &Db, school: i64) -> anyhow::Result<()> {
    use confero_api::http::directory::listing;
    use confero_api::privacy::ProfileViewer;
    let people: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE school_id = $1")
        .bind(school)
        .fetch_one(&db.pool)
        .await?;
    let first = |role: &'static str| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT MIN(p.id) FROM people p JOIN person_roles r ON r.person_id = p.id AND r.role = $1 WHERE p.school_id = $2",
        )
        .bind(role)
        .bind(school)
        .fetch_one(&db.pool)
        .await
    };
    let viewers = [
        (
            "parent",
            ProfileViewer::read(db, school, first("guardian").await?, false, false).await?,
        ),
        (
            "teacher",
            ProfileViewer::read(db, school, first("teacher").await?, false, true).await?,
        ),
        (
            "admin",
            ProfileViewer::read(db, school, first("admin").await?, true, false).await?,
        ),
    ];
    for (role, viewer) in &viewers {
        for (label, search) in [
            ("everyone, page 1", None),
            ("\"smi\"", Some("smi")),
            ("\"ava patel\"", Some("ava patel")),
        ] {
            let mut times = Vec::new();
            let mut total = 0;
            for _ in 0..21 {
                // Each search reads the viewer's relations afresh, as a request does.
                let viewer =
                    ProfileViewer::read(db, school, viewer.person_id, viewer.admin, viewer.teacher)
                        .await?;
                let started = Instant::now();
                let page = listing(db, school, &viewer, search, 1, 25).await?;
                times.push(ms(started));
                total = page.total;
            }
            times.sort_by(f64::total_cmp);
            println!(
                "directory ({people} people) as {role}, {label}: {total} listed; median {:.1} ms, slowest {:.1} ms",
                times[times.len() / 2],
                times[times.len() - 1]
            );
        }
    }
    Ok(())
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let (files, counts) = generate(args.students);
    let bytes: usize = [
        &files.students,
        &files.guardians,
        &files.staff,
        &files.classes,
    ]
    .iter()
    .filter_map(|f| f.as_ref().map(Vec::len))
    .sum();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let live = Live::new(SocketLimits::new(1, 1));
    let mail = Arc::new(confero_api::config::Config::with_database("").mail_settings());
    let wake = Arc::new(tokio::sync::Notify::new());
    let mut rows = Vec::new();
    for run in 0..args.runs {
        let url = fresh_database(&args).await?;
        if url.starts_with("sqlite://") {
            let path = url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        let db = Db::connect(&url, 8).await?;
        let (school, _) = confero_api::cli::create_school(
            &db,
            "Benchmark High",
            "Europe/London",
            "t0@school.example",
            "Teach0",
            "Er0",
            Some("a long enough password".into()),
        )
        .await?;
        let admin: i64 =
            sqlx::query_scalar("SELECT id FROM people WHERE email = 't0@school.example'")
                .fetch_one(&db.pool)
                .await?;
        let importer = Importer {
            db: &db,
            clock: &clock,
            live: &live,
            mail: &mail,
            mail_wake: &wake,
        };
        let started = Instant::now();
        let preview = importer
            .preview(school, admin, &files)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let dry = ms(started);
        let started = Instant::now();
        importer
            .apply(school, admin, &files, &preview.token)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let apply = ms(started);
        let started = Instant::now();
        let again = importer
            .preview(school, admin, &files)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let second_dry = ms(started);
        anyhow::ensure!(
            !again.students.has_changes()
                && !again.guardians.has_changes()
                && !again.staff.has_changes()
                && !again.classes.has_changes(),
            "a second import of the same files would change something"
        );
        println!(
            "run {}: dry run {dry:.0} ms, apply {apply:.0} ms (dry run + apply {:.2} s), second dry run {second_dry:.0} ms",
            run + 1,
            (dry + apply) / 1000.0
        );
        rows.push((dry, apply, second_dry));
        if args.directory && run + 1 == args.runs {
            time_directory(&db, school).await?;
        }
        db.close().await;
    }
    let range = |f: fn(&(f64, f64, f64)) -> f64| {
        let values: Vec<f64> = rows.iter().map(f).collect();
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(0.0, f64::max);
        format!("{min:.0}–{max:.0} ms")
    };
    let engine = if args.database_url.starts_with("sqlite") {
        "SQLite"
    } else {
        "PostgreSQL"
    };
    println!(
        "import ({engine}): {} students, {} guardians, {} staff, {} enrolments ({:.1} MiB of CSV); dry run {}, apply {}, re-import dry run {} ({} runs)",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        bytes as f64 / 1024.0 / 1024.0,
        range(|r| r.0),
        range(|r| r.1),
        range(|r| r.2),
        rows.len()
    );
    Ok(())
}
