//! The operator's command line: serve, create a school, seed the demo, migrate.

use std::sync::Arc;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use confero_core::{Email, Line, NewPassword, Role};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::storage::people::{self, NewPerson};
use crate::storage::{schools, Db};
use crate::{auth, demo, shutdown_signal, Application};

/// Confero's booking API.
#[derive(Parser, Debug)]
#[command(name = "confero-api", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API and the built SPA (the default).
    Serve {
        /// Seed the demo school first, if it is not there yet, and print its sign-ins.
        #[arg(long)]
        demo: bool,
    },
    /// Manage schools.
    #[command(subcommand)]
    School(SchoolCommand),
    /// The demo school.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The roster from the school information system.
    #[command(subcommand)]
    Roster(RosterCommand),
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Apply the schools' retention rules: shows what is due; erases and
    /// deletes it with --apply (the server does this once a day).
    Purge {
        /// Erase and delete (otherwise a dry run).
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum SchoolCommand {
    /// Create a school with its first admin.
    Create {
        /// The school's name, as its members will see it.
        #[arg(long)]
        name: String,
        /// The school's IANA time zone, e.g. Europe/London.
        #[arg(long)]
        time_zone: String,
        /// The first admin's email; they sign in with it.
        #[arg(long)]
        admin_email: String,
        #[arg(long, default_value = "School")]
        admin_given_name: String,
        #[arg(long, default_value = "Admin")]
        admin_family_name: String,
        /// The first admin's password; when absent one is generated and printed once.
        #[arg(long, env = "CONFERO_ADMIN_PASSWORD", hide_env_values = true)]
        admin_password: Option<String>,
    },
    /// Close a school: its data is deleted after its closed-retention
    /// period (30 days unless the school set another).
    Close {
        /// The school's id.
        #[arg(long)]
        school: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum RosterCommand {
    /// Import students.csv, guardians.csv, staff.csv and classes.csv (each
    /// optional) from a folder: shows what would change; changes it with --apply.
    Import {
        /// The school's id.
        #[arg(long)]
        school: i64,
        /// The folder holding the CSV files.
        #[arg(long)]
        dir: std::path::PathBuf,
        /// Apply the changes (otherwise a dry run).
        #[arg(long)]
        apply: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum DemoCommand {
    /// Create the demo school unless it exists.
    Seed,
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(cli.config, demo).await,
        Command::Migrate => {
            Db::connect(&cli.config.database_url, 1)
                .await?
                .close()
                .await;
            println!("The database is migrated.");
            Ok(())
        }
        Command::Demo(DemoCommand::Seed) => {
            let db = Db::connect(&cli.config.database_url, 1).await?;
            let seeded = demo::seed(&db, SystemClock.now().timestamp()).await?;
            db.close().await;
            print_demo(seeded.created);
            Ok(())
        }
        Command::Purge { apply } => {
            let db = Db::connect(&cli.config.database_url, 2).await?;
            let now = SystemClock.now().timestamp();
            let outcome = if apply {
                crate::retention::apply(&db, now).await
            } else {
                crate::retention::due(&db, now).await
            };
            db.close().await;
            print_purge(&outcome?, apply);
            Ok(())
        }
        Command::School(SchoolCommand::Close { school }) => {
            let db = Db::connect(&cli.config.database_url, 1).await?;
            let closed =
                crate::storage::retention::close_school(&db, school, SystemClock.now().timestamp())
                    .await;
            db.close().await;
            if closed? {
                println!("School {school} is closed; its data is deleted after its closed-retention period.");
                Ok(())
            } else {
                anyhow::bail!("there is no open school {school}")
            }
        }
        Command::Roster(RosterCommand::Import { school, dir, apply }) => {
            let db = Db::connect(&cli.config.database_url, 2).await?;
            let outcome = import_roster(&db, &cli.config, school, &dir, apply).await;
            db.close().await;
            outcome
        }
        Command::School(SchoolCommand::Create {
            name,
            time_zone,
            admin_email,
            admin_given_name,
            admin_family_name,
            admin_password,
        }) => {
            let db = Db::connect(&cli.config.database_url, 1).await?;
            let created = create_school(
                &db,
                &name,
                &time_zone,
                &admin_email,
                &admin_given_name,
                &admin_family_name,
                admin_password,
            )
            .await;
            db.close().await;
            let (school_id, generated) = created?;
            println!("Created school {school_id}: {name} ({time_zone}).");
            println!("Its admin signs in as {admin_email}");
            if let Some(password) = generated {
                println!("with this password, shown only now: {password}");
            }
            Ok(())
        }
    }
}

async fn serve(config: Config, seed_demo: bool) -> anyhow::Result<()> {
    let app = Application::build(config, Arc::new(SystemClock)).await?;
    if seed_demo {
        let seeded = demo::seed(app.db(), SystemClock.now().timestamp()).await?;
        print_demo(seeded.created);
    }
    let addr = app.local_addr();
    if !app.serves_spa() {
        tracing::warn!(
            "no built SPA found: serving the API only (build it with `cargo xtask run`)"
        );
    }
    println!("\nConfero is running at http://{addr}/  (Ctrl-C stops it)\n");
    tracing::info!(%addr, engine = app.db().engine.name(), "listening");
    app.run_until(shutdown_signal()).await
}

fn print_demo(created: bool) {
    let verb = if created { "Seeded" } else { "Found" };
    println!(
        "{verb} the demo school, {}. Sign in with password `{}` as:",
        demo::SCHOOL_NAME,
        demo::PASSWORD
    );
    println!("  admin    {}", demo::ADMIN_EMAIL);
    println!("  teacher  {}", demo::TEACHER_EMAIL);
    println!(
        "  parent   {}  (two children at the school)",
        demo::PARENT_EMAIL
    );
}

/// Creates a school and its first admin; returns the school id and, when one
/// was generated, the admin's password.
pub async fn create_school(
    db: &Db,
    name: &str,
    time_zone: &str,
    admin_email: &str,
    given_name: &str,
    family_name: &str,
    password: Option<String>,
) -> anyhow::Result<(i64, Option<String>)> {
    let name = Line::parse(name, 200).map_err(|error| anyhow::anyhow!("--name {error}"))?;
    let given_name = Line::parse(given_name, 100)
        .map_err(|error| anyhow::anyhow!("--admin-given-name {error}"))?;
    let family_name = Line::parse(family_name, 100)
        .map_err(|error| anyhow::anyhow!("--admin-family-name {error}"))?;
    time_zone.parse::<chrono_tz::Tz>().map_err(|_| {
        anyhow::anyhow!("--time-zone {time_zone:?} is not an IANA time zone such as Europe/London")
    })?;
    let email =
        Email::parse(admin_email).map_err(|error| anyhow::anyhow!("--admin-email {error}"))?;
    let (password, generated) = match password {
        Some(password) => (password, None),
        None => {
            let generated = auth::token::generate()[..20].to_owned();
            (generated.clone(), Some(generated))
        }
    };
    let password = NewPassword::parse(&password)
        .map_err(|error| anyhow::anyhow!("--admin-password {error}"))?;
    let hash = tokio::task::spawn_blocking(move || auth::password::hash(password.expose()))
        .await?
        .map_err(|error| anyhow::anyhow!("hashing the password: {error}"))?;
    let now = SystemClock.now().timestamp();
    let mut tx = db.writer.begin().await?;
    let school_id = schools::insert(&mut tx, name.as_str(), time_zone, false, now).await?;
    let admin = NewPerson {
        school_id,
        email: email.as_str(),
        password_hash: Some(&hash),
        title: None,
        given_name: given_name.as_str(),
        family_name: family_name.as_str(),
        phone: None,
        address: None,
    };
    people::insert(&mut tx, &admin, &[Role::Admin], now)
        .await
        .with_context(|| format!("creating the admin {email} (is the email already in use?)"))?;
    tx.commit().await?;
    Ok((school_id, generated))
}

/// `roster import`: prints the preview (or every problem), and applies it with `apply`.
async fn import_roster(
    db: &Db,
    config: &Config,
    school: i64,
    dir: &std::path::Path,
    apply: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        schools::info(db, school).await?.is_some(),
        "there is no school {school}"
    );
    let read = |name: &str| -> anyhow::Result<Option<Vec<u8>>> {
        let path = dir.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(anyhow::anyhow!("reading {}: {error}", path.display())),
        }
    };
    let files = crate::roster::RosterFiles {
        students: read("students.csv")?,
        guardians: read("guardians.csv")?,
        staff: read("staff.csv")?,
        classes: read("classes.csv")?,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let live = crate::live::Live::new(crate::live::SocketLimits::new(1, 1));
    let mail = Arc::new(config.mail_settings());
    let wake = Arc::new(tokio::sync::Notify::new());
    let importer = crate::import::Importer {
        db,
        clock: &clock,
        live: &live,
        mail: &mail,
        mail_wake: &wake,
    };
    let admin = people::first_admin(db, school).await?.ok_or_else(|| {
        anyhow::anyhow!("school {school} has no admin to record the import under")
    })?;
    let preview = match importer.preview(school, admin, &files).await {
        Ok(preview) => preview,
        Err(crate::import::ImportError::Problems(errors)) => {
            for error in &errors {
                eprintln!("{error}");
            }
            anyhow::bail!(
                "{} problem(s) in the files; nothing was changed",
                errors.len()
            );
        }
        Err(error) => return Err(error.into()),
    };
    for (kind, diff) in [
        ("students", &preview.students),
        ("guardians", &preview.guardians),
        ("staff", &preview.staff),
        ("classes", &preview.classes),
    ] {
        println!(
            "{kind:<10} {:>6} added {:>6} updated {:>6} removed {:>6} unchanged",
            diff.added.len(),
            diff.updated.len(),
            diff.removed.len(),
            diff.unchanged
        );
    }
    let cancels = preview.cancels;
    if cancels.total() > 0 {
        println!(
            "Cancels {} future appointment(s): pupils leaving {}, parents or carers leaving {}, teachers leaving {}, pupils no longer in the evening's year groups or classes {}.",
            cancels.total(),
            cancels.pupils_leaving,
            cancels.carers_leaving,
            cancels.teachers_leaving,
            cancels.no_longer_invited
        );
    }
    if !apply {
        println!("Dry run: nothing changed. Run again with --apply to make these changes.");
        return Ok(());
    }
    let applied = importer
        .apply(school, admin, &files, &preview.token)
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let caches = crate::cache::Caches::default();
    let booker = crate::booking::Booker {
        db,
        clock: &clock,
        live: &live,
        caches: &caches,
        mail_wake: &wake,
    };
    crate::import::offer_freed_times(&booker, school).await?;
    println!(
        "Applied. {} future booking(s) cancelled; the families and teachers concerned are emailed.",
        applied.cancelled_bookings
    );
    Ok(())
}

/// What a purge found or did.
fn print_purge(due: &crate::retention::Due, applied: bool) {
    let verb = if applied {
        "Erased"
    } else {
        "Due (dry run; --apply to erase)"
    };
    if due.is_empty() {
        println!("Nothing is due under the schools' retention rules.");
        return;
    }
    for (school, count) in due.leavers_by_school() {
        println!("{verb}: school {school}: {count} parent or carer account(s) whose children have all left");
    }
    for (school, name) in &due.schools {
        let verb = if applied {
            "Deleted"
        } else {
            "Due for deletion"
        };
        println!("{verb}: school {school} ({name}), closed past its retention period");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_defaults_are_the_flag_defaults() {
        let cli = Cli::try_parse_from(["confero-api", "serve"]).unwrap();
        assert_eq!(
            cli.config,
            Config::with_database("sqlite://data/confero.db")
        );
    }
}
