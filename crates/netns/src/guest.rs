//! Instances as processes: user data runs inside the instance's namespace
//! when it starts running; stopping or terminating it kills every process in
//! that namespace (user data, its children, and anything `xvpc exec`
//! started there), as losing power would.
//!
//! Deviation from AWS, on purpose: user data runs at every boot *of this
//! run* (launch, start after stop, and after the emulator restarts), not only
//! at the first boot, because an emulator restart rebuilds the instances'
//! machines from nothing and their services would otherwise be gone.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Stdio;

use crate::system;
use crate::topology::Guest;
use crate::Error;

/// The instances whose machines this run has booted.
pub struct Guests {
    dir: PathBuf,
    booted: BTreeMap<String, Guest>,
}

impl Guests {
    pub fn new(dir: PathBuf) -> Guests {
        Guests { dir, booted: BTreeMap::new() }
    }

    /// Kills the processes of instances that no longer run (or moved).
    pub fn stop_missing(&mut self, want: &BTreeMap<String, Guest>) -> usize {
        let gone: Vec<String> = self.booted.iter().filter(|(id, g)| want.get(*id).is_none_or(|w| w.ns != g.ns)).map(|(id, _)| id.clone()).collect();
        let nss: Vec<String> = gone.iter().filter_map(|id| self.booted.remove(id)).map(|g| g.ns).collect();
        system::kill_all_in(&nss);
        nss.len()
    }

    /// Boots instances that run now and were not booted: runs their user data.
    pub fn start_new(&mut self, want: &BTreeMap<String, Guest>) -> Result<usize, Error> {
        let mut n = 0;
        let mut first_err = None;
        for (id, g) in want {
            if self.booted.contains_key(id) {
                continue;
            }
            self.booted.insert(id.clone(), g.clone());
            n += 1;
            if let Err(e) = self.run_user_data(g) {
                tracing::error!("user data of {id}: {e}");
                first_err.get_or_insert(e);
            }
        }
        first_err.map_or(Ok(n), Err)
    }

    fn run_user_data(&self, g: &Guest) -> Result<(), Error> {
        let Some(data) = g.user_data.as_ref().filter(|d| !d.is_empty()) else { return Ok(()) };
        let io = |what: &str, e: std::io::Error| Error::Command { what: format!("{what} for {}", g.instance_id), detail: e.to_string() };
        let home = self.dir.join(&g.instance_id);
        std::fs::create_dir_all(&home).map_err(|e| io("creating the instance directory", e))?;
        let script = home.join("user-data");
        std::fs::write(&script, data).map_err(|e| io("writing user data", e))?;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).map_err(|e| io("chmod user data", e))?;
        let log = std::fs::File::create(home.join("user-data.log")).map_err(|e| io("creating the log", e))?;
        let log2 = log.try_clone().map_err(|e| io("creating the log", e))?;
        if data.starts_with(b"#cloud-config") {
            tracing::warn!("{}: cloud-config user data is not run (only scripts)", g.instance_id);
            return Ok(());
        }
        let script = script.to_string_lossy().into_owned();
        let mut cmd = crate::guest_files::command(&g.ns, &home);
        // A script with `#!` runs with its interpreter, anything else with sh.
        if !data.starts_with(b"#!") {
            cmd.arg("/bin/sh");
        }
        // The instance's credentials, none of the host's AWS settings.
        for (k, _) in std::env::vars_os() {
            if k.to_str().is_some_and(crate::instance_environment::cleared) {
                cmd.env_remove(k);
            }
        }
        cmd.envs(crate::instance_environment::variables(&g.account, &g.region, &self.dir));
        cmd.arg(&script)
            .current_dir(&home)
            .env("HOME", &home)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log2)
            .process_group(0);
        let mut child = cmd.spawn().map_err(|e| io("starting user data", e))?;
        // Reap it whenever it ends, so no zombie stays behind.
        std::thread::spawn(move || child.wait());
        Ok(())
    }

    /// Forgets every booted instance (their namespaces are about to go).
    pub fn forget_all(&mut self) {
        self.booted.clear();
    }
}
