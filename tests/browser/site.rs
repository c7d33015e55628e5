//! The book as the browser tests see it: built once per test run into this test's scratch
//! folder with the library API, and served on 127.0.0.1 port 0 by the same std-only server
//! as `cargo run -- serve`.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use regex::Regex;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `<out>/ko`, `<out>/en`, built once (a panic names the book's problems).
pub fn site() -> &'static Path {
    static SITE: OnceLock<Result<PathBuf, Vec<String>>> = OnceLock::new();
    let built = SITE.get_or_init(|| {
        // one folder per test process: runs side by side (cargo nextest runs each test in its
        // own process) must not rebuild the site another one is serving
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_stale(scratch);
        let out = scratch.join(format!("browser-book-{}", std::process::id()));
        tcp_http_book::build_all(&root(), &out).map(|_| out)
    });
    match built {
        Ok(out) => out,
        Err(problems) => panic!("the book has problems:\n{}", problems.join("\n")),
    }
}

/// Removes the sites of earlier test processes that have ended.
fn remove_stale(scratch: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("browser-book-") else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `http://127.0.0.1:PORT`, serving [`site`]; the server thread lives as long as the test run.
pub fn origin() -> &'static str {
    static ORIGIN: OnceLock<String> = OnceLock::new();
    ORIGIN.get_or_init(|| {
        let dir = site().to_path_buf();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr: SocketAddr = listener.local_addr().expect("local address");
        std::thread::spawn(move || tcp_http_book::serve::serve_on(&dir, &listener));
        format!("http://{addr}")
    })
}

/// Every page of a language, as its path inside the language folder (`ch01-raw-server.html`).
pub fn pages(language: &str) -> Vec<String> {
    let dir = site().join(language);
    let mut files = Vec::new();
    tcp_http_book::html_files(&dir, &mut files).expect("list the pages");
    files
        .iter()
        .map(|file| tcp_http_book::page_path(&dir, file))
        .collect()
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
