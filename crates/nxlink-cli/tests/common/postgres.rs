//! A real PostgreSQL server for the tests: `initdb` and `pg_ctl` in a temporary
//! directory, on a free port of 127.0.0.1, trust authentication, stopped on drop (a
//! panicking test too). PostgreSQL refuses to run as root, so under root (CI) the
//! server runs as the unprivileged user `nobody` (`runuser`), or as
//! `$NXLINK_TEST_PG_USER`.
//!
//! The binaries are looked up in `$NXLINK_TEST_PG_BIN`, then
//! `/usr/lib/postgresql/*/bin` (Debian's packages, newest first). When they are missing
//! the test fails, saying how to install them: a skipped test would hide a broken CI.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// What to run to install the server (the step in `.ci/run`).
pub(crate) const INSTALL: &str = "apt-get update && apt-get install -y postgresql";

/// A running server; stopped when dropped.
pub(crate) struct PgServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    user: Option<String>,
}

fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("NXLINK_TEST_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("pg_ctl").is_file().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    match dirs.pop() {
        Some((_, bin)) => bin,
        None => panic!(
            "the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found in \
             /usr/lib/postgresql/*/bin nor $NXLINK_TEST_PG_BIN: install them with `{INSTALL}` \
             (the install step of .ci/run), then run the tests again"
        ),
    }
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn id_of(user: &str, flag: &str) -> u32 {
    let output = Command::new("id").args([flag, user]).output().unwrap();
    assert!(output.status.success(), "no user `{user}` to run PostgreSQL as (it refuses root)");
    String::from_utf8(output.stdout).unwrap().trim().parse().unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl PgServer {
    /// Starts a fresh server (a few seconds: initdb).
    pub(crate) fn start() -> Self {
        let bin = bin_dir();
        for tool in ["initdb", "pg_ctl", "postgres", "psql"] {
            assert!(
                bin.join(tool).is_file(),
                "{} is missing: install PostgreSQL with `{INSTALL}` (the install step of .ci/run)",
                bin.join(tool).display()
            );
        }
        let user = is_root().then(|| std::env::var("NXLINK_TEST_PG_USER").unwrap_or_else(|_| "nobody".to_owned()));
        let dir = tempfile::Builder::new().prefix("nxlink-pg-").tempdir_in(std::env::temp_dir()).unwrap();
        if let Some(user) = &user {
            std::os::unix::fs::chown(dir.path(), Some(id_of(user, "-u")), Some(id_of(user, "-g"))).unwrap();
        }
        let mut server = Self { bin, dir, port: 0, user };
        let data = server.data();
        let output = server.as_owner(
            "initdb",
            &["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
        );
        assert!(output.status.success(), "initdb failed: {}", String::from_utf8_lossy(&output.stderr));
        // A port taken between the probe and the start makes pg_ctl fail: try a few.
        for _ in 0..5 {
            server.port = free_port();
            let options = format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
                server.port,
                server.dir.path().display()
            );
            let log = server.dir.path().join("server.log").display().to_string();
            let output =
                server.as_owner("pg_ctl", &["-D", &data, "-o", &options, "-l", &log, "-w", "-t", "60", "start"]);
            if output.status.success() {
                return server;
            }
            eprintln!(
                "pg_ctl start failed (port {}): {}{}",
                server.port,
                String::from_utf8_lossy(&output.stderr),
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        panic!("PostgreSQL did not start; see the lines above");
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn as_owner(&self, tool: &str, args: &[&str]) -> Output {
        let program = self.bin.join(tool);
        let mut command = match &self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        command.args(args).current_dir(self.dir.path()).stdin(std::process::Stdio::null());
        command.output().unwrap_or_else(|err| panic!("cannot run {}: {err}", program.display()))
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// A new empty database; its URL.
    pub(crate) fn create_database(&self, name: &str) -> String {
        self.psql("postgres", &format!("CREATE DATABASE \"{name}\""));
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// Runs `sql` in `database` through psql; its output, unaligned, tuples only.
    #[track_caller]
    pub(crate) fn psql(&self, database: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "postgres"])
            .args(["-p", &self.port.to_string(), "-d", database, "-c", sql])
            .env_remove("PGPASSWORD")
            .output()
            .unwrap();
        assert!(output.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let data = self.data();
        let output = self.as_owner("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
        if !output.status.success() {
            eprintln!("pg_ctl stop: {}", String::from_utf8_lossy(&output.stderr));
        }
    }
}
