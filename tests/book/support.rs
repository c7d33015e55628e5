//! Builds the book once per test run, into the test target's scratch folder.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tcp_http_book::LANGUAGES;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scratch folder of this test binary.
pub fn scratch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// The site: `<out>/ko`, `<out>/en`, built once per test process, for the book's checks and
/// the browser tests alike. One folder per process: runs side by side (cargo nextest runs
/// each test in its own process) must not rebuild the site another one is reading or serving.
pub fn built() -> Result<&'static Path, &'static Vec<String>> {
    static SITE: OnceLock<Result<PathBuf, Vec<String>>> = OnceLock::new();
    SITE.get_or_init(|| {
        remove_stale_sites();
        let out = scratch(&format!("book-{}", std::process::id()));
        tcp_http_book::build_all(&root(), &out).map(|_| out)
    })
    .as_ref()
    .map(PathBuf::as_path)
}

/// Removes the sites of earlier test processes that have ended.
fn remove_stale_sites() {
    let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("book-") else {
            continue;
        };
        if pid.bytes().all(|b| b.is_ascii_digit()) && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The messages `cargo run -- pot` would write, extracted once.
pub fn catalog() -> &'static polib::catalog::Catalog {
    static CATALOG: OnceLock<polib::catalog::Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        tcp_http_book::extract_catalog(&root()).unwrap_or_else(|p| panic!("{}", p.join("\n")))
    })
}

/// The site, or a panic naming its problems.
pub fn site() -> &'static Path {
    match built() {
        Ok(out) => out,
        Err(problems) => panic!("the book has problems:\n{}", problems.join("\n")),
    }
}

/// Every page of a language: (path inside the language folder, file).
pub fn pages(language: &str) -> Vec<(String, PathBuf)> {
    let dir = site().join(language);
    let mut files = Vec::new();
    tcp_http_book::html_files(&dir, &mut files).unwrap();
    files
        .into_iter()
        .map(|file| (tcp_http_book::page_path(&dir, &file), file))
        .collect()
}

pub fn languages() -> [&'static str; 2] {
    LANGUAGES
}
