//! A private PostgreSQL cluster on loopback for the tests, removed afterwards.

use std::path::PathBuf;
use std::process::Command;

use crate::process::check;

/// The folder of PostgreSQL's server binaries, if installed.
pub fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort();
    versions.pop()
}

/// A running cluster; dropping it stops the server and deletes its files.
pub struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    pub port: u16,
}

impl Cluster {
    /// Creates and starts a cluster owned by the `postgres` user when run as root
    /// (initdb refuses to run as root), trusting local connections as `confero`.
    pub fn start() -> Result<Cluster, String> {
        let bin = bin_dir().ok_or("PostgreSQL is not installed")?;
        let as_postgres = crate::process::output("id", &["-u"]).as_deref() == Some("0");
        let dir = std::env::temp_dir().join(format!("confero-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        if as_postgres {
            check(
                "chown the cluster folder",
                Command::new("chown")
                    .arg("postgres:postgres")
                    .arg(&dir)
                    .status()
                    .map_err(|e| e.to_string())?,
            )?;
        }
        let port = crate::test::free_port()?;
        let cluster = Cluster {
            dir,
            bin,
            as_postgres,
            port,
        };
        let data = cluster.dir.join("data");
        let data = data.to_string_lossy();
        cluster.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "confero", "--no-sync"],
        )?;
        let options = format!(
            "-k {} -p {} -c listen_addresses=127.0.0.1 -c fsync=off",
            cluster.dir.display(),
            port
        );
        let log = cluster.dir.join("server.log");
        cluster.run(
            "pg_ctl",
            &[
                "-D",
                &data,
                "-l",
                &log.to_string_lossy(),
                "-o",
                &options,
                "-w",
                "start",
            ],
        )?;
        Ok(cluster)
    }

    /// The URL of the cluster's maintenance database.
    pub fn admin_url(&self) -> String {
        format!("postgres://confero@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) -> Result<(), String> {
        let program = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        let output = command
            .args(args)
            .output()
            .map_err(|e| format!("{tool}: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{tool} failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                &data.to_string_lossy(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
