//! Starting a server pinned to a core, learning its port, and reading what the
//! kernel counts for it: CPU time (schedstat) and resident memory (VmRSS).
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long a server may take to print `listening on ADDR`.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// A running server; dropping it kills the process (by its own pid).
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `command` (pinned with `taskset -c CORE` when `core` is given) and
    /// reads its first line, `listening on ADDR`.
    pub fn start(name: &str, command: &[String], core: Option<usize>) -> Result<Server, String> {
        let Some((program, args)) = command.split_first() else {
            return Err(format!("{name}: empty command"));
        };
        let mut cmd = match core {
            Some(core) => {
                let mut cmd = Command::new("taskset");
                cmd.args(["-c", &core.to_string()]).arg(program);
                cmd
            }
            None => Command::new(program),
        };
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd
            .spawn()
            .map_err(|err| format!("{name}: cannot start {program}: {err}"))?;
        let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
            return Err(format!("{name}: no pipe to read from"));
        };
        let (first_tx, first) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = first_tx.send(lines.next());
            for _ in lines {} // keep reading so the server never blocks on a full pipe
        });
        let (err_tx, errors) = mpsc::channel();
        thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            let _ = err_tx.send(text);
        });
        let line = match first.recv_timeout(START_TIMEOUT) {
            Ok(Some(Ok(line))) => line,
            outcome => {
                let _ = child.kill();
                let _ = child.wait();
                let stderr = errors
                    .recv_timeout(Duration::from_secs(1))
                    .unwrap_or_default();
                let why = match outcome {
                    Err(_) => format!("no first line within {START_TIMEOUT:?}"),
                    _ => "exited before printing its address".to_string(),
                };
                return Err(format!("{name}: {why}: {}", stderr.trim()));
            }
        };
        // the first line of every server: `listening on 127.0.0.1:PORT`
        let addr = line
            .strip_prefix("listening on ")
            .and_then(|addr| addr.trim().parse().ok());
        match addr {
            Some(addr) => Ok(Server { child, addr }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(format!(
                    "{name}: expected `listening on ADDR` first, got {line:?}"
                ))
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Ctrl-C (SIGINT), then waits for the server to exit: a program under valgrind
    /// writes its counts as it exits.
    pub fn interrupt(mut self, within: Duration) -> Result<(), String> {
        let Ok(pid) = libc::pid_t::try_from(self.child.id()) else {
            return Err("pid out of range".to_string());
        };
        // SAFETY: kill(2) sends a signal to the process we started and still own
        // (not yet waited for, so its pid cannot have been reused).
        if unsafe { libc::kill(pid, libc::SIGINT) } != 0 {
            return Err(format!(
                "kill -INT {pid}: {}",
                std::io::Error::last_os_error()
            ));
        }
        let deadline = std::time::Instant::now() + within;
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return Ok(()),
                Ok(None) if std::time::Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(10)); // polling for exit, nothing else
                }
                Ok(None) => return Err(format!("pid {pid} still running {within:?} after Ctrl-C")),
                Err(err) => return Err(format!("waiting for pid {pid}: {err}")),
            }
        }
    }

    /// Whether the server is still running (a crash under load shows here).
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ANCHOR: cpu_ns
/// The CPU time all of a process's threads have run, in nanoseconds: the first field
/// of `/proc/PID/task/TID/schedstat` (time on a CPU), summed over the threads.
pub fn cpu_ns(pid: u32) -> Result<u64, String> {
    let tasks = format!("/proc/{pid}/task");
    let entries = std::fs::read_dir(&tasks).map_err(|err| format!("cannot read {tasks}: {err}"))?;
    let mut total = 0;
    for entry in entries.flatten() {
        let path = entry.path().join("schedstat");
        // a thread that exited between read_dir and here has nothing left to count
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let on_cpu = text
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok());
        match on_cpu {
            Some(ns) => total += ns,
            None => return Err(format!("{}: unexpected {text:?}", path.display())),
        }
    }
    Ok(total)
}
// ANCHOR_END: cpu_ns

// ANCHOR: rss_kib
/// The process's resident memory in KiB (`VmRSS` in `/proc/PID/status`).
pub fn rss_kib(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let status =
        std::fs::read_to_string(&path).map_err(|err| format!("cannot read {path}: {err}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| format!("{path}: no VmRSS line"))
}
// ANCHOR_END: rss_kib

/// The program's path when `name` is on PATH (or is a path that exists).
pub fn find_program(name: &str) -> Option<PathBuf> {
    if name.contains('/') {
        return Path::new(name).is_file().then(|| PathBuf::from(name));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Raises this process's soft limit on open files to `wanted` (children inherit it),
/// or as far as the hard limit allows; returns the limit now in force.
pub fn raise_open_files(wanted: u64) -> Result<u64, String> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct we own.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(format!("getrlimit: {}", std::io::Error::last_os_error()));
    }
    if limit.rlim_cur >= wanted {
        return Ok(limit.rlim_cur);
    }
    limit.rlim_cur = wanted.min(limit.rlim_max);
    // SAFETY: setrlimit reads the struct we pass; raising the soft limit up to the hard
    // one needs no privilege.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) } != 0 {
        return Err(format!("setrlimit: {}", std::io::Error::last_os_error()));
    }
    Ok(limit.rlim_cur)
}
