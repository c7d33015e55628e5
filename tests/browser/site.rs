//! The book as the browser tests see it: the book suite's build (once per test process, with
//! the library API), served on 127.0.0.1 port 0 by chapter 11's server, as
//! `cargo run -- serve`.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `<out>/ko`, `<out>/en`: the book suite's build of this test process, shared with its
/// other checks (a panic names the book's problems).
pub fn site() -> &'static Path {
    crate::book::support::site()
}

/// `http://127.0.0.1:PORT`, serving [`site`]; the server thread lives as long as the test run.
pub fn origin() -> &'static str {
    static ORIGIN: OnceLock<String> = OnceLock::new();
    ORIGIN.get_or_init(|| {
        let dir = site().to_path_buf();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr: SocketAddr = listener.local_addr().expect("local address");
        std::thread::spawn(move || tcp_http_book::serve::serve_on(&dir, listener));
        format!("http://{addr}")
    })
}

/// The pages `SUMMARY.md` lists, in order (`introduction.html`, `ch01-raw-server.html`, …).
pub fn chapters() -> Vec<String> {
    let summary = std::fs::read_to_string(root().join("book/SUMMARY.md")).expect("SUMMARY.md");
    Regex::new(r"\]\(([^)]+)\.md\)")
        .expect("regex")
        .captures_iter(&summary)
        .map(|c| format!("{}.html", &c[1]))
        .collect()
}
