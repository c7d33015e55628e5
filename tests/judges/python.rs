//! Python from the tests: one `python3` process per test runs a whole script
//! (its start-up and imports cost more than the script itself). Needs
//! h11==0.16.0, httptools==0.9.0 and httplint==2026.10.4 from PyPI; without
//! them a test says so in one line and passes, except in CI.

use crate::judges::support::python3;
use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;

use crate::judges::support::WAIT;

pub const PIP: &str = "python3 -m pip install h11==0.16.0 httptools==0.9.0 httplint==2026.10.4";

/// Whether python3 can import `modules`; in CI it must.
pub fn available(test: &str, modules: &str) -> bool {
    let works = Command::new(python3())
        .args(["-c", &format!("import {modules}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI: python3 with {modules} is needed ({PIP})"
        );
        // one line past the test harness's output capture
        let line = format!("judges: skipped {test}: python3 lacks {modules} ({PIP})\n");
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
    works
}

/// Runs `tests/judges/{script}` with the server's address; its output, within [`WAIT`].
pub fn run(script: &str, addr: SocketAddr) -> Output {
    let path = format!("{}/tests/judges/{script}", env!("CARGO_MANIFEST_DIR"));
    let child = Command::new(python3())
        .arg(&path)
        .arg(addr.ip().to_string())
        .arg(addr.port().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run python3 {path}: {e}"));
    let id = child.id();
    let (done, output) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match output.recv_timeout(WAIT) {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => panic!("python3 {script}: {e}"),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &id.to_string()])
                .status();
            panic!("python3 {script} did not finish within {WAIT:?}")
        }
    }
}
