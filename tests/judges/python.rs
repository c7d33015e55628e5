//! Python from the tests: one `python3` process per test runs a whole script
//! (its start-up and imports cost more than the script itself). Needs
//! h11==0.16.0, httptools==0.9.0 and httplint==2026.10.4 from PyPI; without
//! them a test says so in one line and passes, except in CI.

use crate::judges::support::python3;
use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Output, Stdio};
use std::sync::{OnceLock, mpsc};

use crate::judges::support::WAIT;

pub const PIP: &str = "python3 -m pip install h11==0.16.0 httptools==0.9.0 httplint==2026.10.4";

/// Whether python3 has `modules` (`"h11, httptools"`); in CI it must. Python is asked once per
/// test run, for every module the judges use, without importing any (importlib's `find_spec`):
/// importing httplint alone costs ~0.2 s of CPU, and each script imports what it needs anyway.
pub fn available(test: &str, modules: &str) -> bool {
    static FOUND: OnceLock<Vec<String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let script = "import importlib.util, sys\n\
                      for name in sys.argv[1:]:\n    \
                      if importlib.util.find_spec(name): print(name)";
        Command::new(python3())
            .args(["-c", script])
            .args(MODULES)
            .stderr(Stdio::null())
            .output()
            .map(|out| {
                String::from_utf8_lossy(&out.stdout)
                    .lines()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    });
    let works = modules.split(", ").all(|module| {
        assert!(MODULES.contains(&module), "add {module} to MODULES");
        found.iter().any(|f| f == module)
    });
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

/// Every module a judge imports.
const MODULES: [&str; 4] = ["h11", "httptools", "httplint", "http.client"];

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
