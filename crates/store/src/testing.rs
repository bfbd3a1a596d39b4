//! Test support (feature `testing`): logs of realistic commands and a
//! private PostgreSQL server.

use xvpc_model::vpc::{create_vpc, CreateVpc};
use xvpc_model::{Ctx, State};

use crate::{Origin, Store};

/// Appends `commands` CreateVpc commands to `store`, one logged command
/// each, 5 per account (AWS's quota); returns the state they build.
pub fn append_vpcs(store: &mut dyn Store, commands: usize) -> State {
    let mut state = State::default();
    for i in 0..commands {
        let ctx = Ctx::new(&format!("{:012}", 100_000_000_000 + i / 5), "us-east-1", i as i64);
        let input = CreateVpc { cidr: format!("10.{}.0.0/16", i % 5), ..Default::default() };
        let (ch, _) = create_vpc(&state, &ctx, input).expect("a valid CreateVpc");
        let after = store.head().expect("head");
        store.append(after, &Origin::default(), &ch.events).expect("append");
        ch.events.into_iter().for_each(|e| state.apply(e));
    }
    state
}

/// A private PostgreSQL server for tests: `initdb` in a temporary
/// directory, `pg_ctl` on a free port of 127.0.0.1, trust authentication
/// for the user `xvpc`. Stopped and removed when dropped. As root, the
/// server runs as the `postgres` user (or `nobody`): PostgreSQL refuses
/// root.
pub struct PrivatePostgres {
    dir: std::path::PathBuf,
    bin: std::path::PathBuf,
    pub port: u16,
}

impl PrivatePostgres {
    /// Starts one. Panics, saying what to install, when the PostgreSQL
    /// binaries are missing (scripts/test-deps installs them).
    pub fn start(name: &str) -> PrivatePostgres {
        let bin = postgres_bin().expect("PostgreSQL's initdb and pg_ctl are missing: apt-get install postgresql (scripts/test-deps does)");
        let dir = std::env::temp_dir().join(format!("xvpc-pg-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let pg = PrivatePostgres { dir, bin, port };
        if let Some((uid, gid)) = run_as() {
            std::os::unix::fs::chown(&pg.dir, Some(uid), Some(gid)).unwrap();
        }
        pg.run("initdb", &["-D", &pg.data(), "-U", "xvpc", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        pg.ctl("start");
        pg
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let exe = self.bin.join(tool);
        let mut cmd = match run_as() {
            Some(_) => {
                let mut c = std::process::Command::new("runuser");
                c.args(["-u", run_as_user(), "--"]).arg(&exe);
                c
            }
            None => std::process::Command::new(&exe),
        };
        let out = cmd.args(args).output().unwrap_or_else(|e| panic!("running {}: {e}", exe.display()));
        assert!(out.status.success(), "{tool} {args:?}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    }

    /// `pg_ctl start` or `stop` (fast), waiting until done.
    pub fn ctl(&self, what: &str) {
        let opts = format!("-p {} -k {} -c listen_addresses=127.0.0.1", self.port, self.dir.display());
        let log = self.dir.join("log").display().to_string();
        match what {
            "start" => self.run("pg_ctl", &["-D", &self.data(), "-o", &opts, "-l", &log, "-w", "start"]),
            _ => self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]),
        }
    }

    /// A URL for database `db`, created first (empty).
    pub fn database(&self, db: &str) -> String {
        let port = self.port.to_string();
        self.run("psql", &["-h", "127.0.0.1", "-p", &port, "-U", "xvpc", "-d", "postgres", "-q", "-c", &format!("DROP DATABASE IF EXISTS {db}")]);
        self.run("psql", &["-h", "127.0.0.1", "-p", &port, "-U", "xvpc", "-d", "postgres", "-q", "-c", &format!("CREATE DATABASE {db}")]);
        format!("postgres://xvpc@127.0.0.1:{}/{db}", self.port)
    }

    /// Runs one SQL statement in `db` (tests that tamper with the schema).
    pub fn sql(&self, db: &str, sql: &str) {
        self.run("psql", &["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "xvpc", "-d", db, "-q", "-c", sql]);
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = std::process::Command::new(if run_as().is_some() { "runuser" } else { "true" })
            .args(if run_as().is_some() { vec!["-u", run_as_user(), "--"] } else { vec![] })
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "-w", "stop"])
            .output();
        if run_as().is_none() {
            let _ = std::process::Command::new(self.bin.join("pg_ctl")).args(["-D", &self.data(), "-m", "immediate", "-w", "stop"]).output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// PostgreSQL's binaries: `$XVPC_PG_BIN`, `pg_config --bindir`, or the
/// newest /usr/lib/postgresql/*/bin.
pub fn postgres_bin() -> Option<std::path::PathBuf> {
    let has_initdb = |d: &std::path::Path| d.join("initdb").exists();
    if let Some(d) = std::env::var_os("XVPC_PG_BIN").map(std::path::PathBuf::from).filter(|d| has_initdb(d)) {
        return Some(d);
    }
    if let Ok(out) = std::process::Command::new("pg_config").arg("--bindir").output() {
        let d = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has_initdb(&d) {
            return Some(d);
        }
    }
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql").ok()?.flatten().map(|e| e.path().join("bin")).filter(|d| has_initdb(d)).collect();
    found.sort();
    found.pop()
}

fn run_as_user() -> &'static str {
    if std::process::Command::new("id").arg("postgres").output().is_ok_and(|o| o.status.success()) {
        "postgres"
    } else {
        "nobody"
    }
}

/// The uid and gid to run PostgreSQL as, when this process is root.
fn run_as() -> Option<(u32, u32)> {
    use std::os::unix::fs::MetadataExt;
    if std::fs::metadata("/proc/self").ok()?.uid() != 0 {
        return None;
    }
    let id = |flag: &str| -> Option<u32> {
        let out = std::process::Command::new("id").args([flag, run_as_user()]).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}
