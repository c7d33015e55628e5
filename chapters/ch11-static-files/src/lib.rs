//! Chapter 11: a static file server on chapter 9's server. It serves a
//! directory (`--root`) and nothing outside it: every request path is
//! percent-decoded once, checked segment by segment, and resolved by the
//! file system with its symbolic links, whose answer must still lie under
//! the root. It names each file's type, answers a directory with its
//! `index.html`, sends `Last-Modified` and `ETag` and answers 304 to a
//! client whose copy is current, serves byte ranges (206, 416), and sends
//! a large file in bounded pieces, never whole in memory.
//!
//! Try it: `cargo run -p ch11-static-files -- --root book/`, then
//! `curl -i http://127.0.0.1:5000/` or
//! `curl -i --path-as-is http://127.0.0.1:5000/../Cargo.toml` (404).

pub mod conditional;
pub mod files;
pub mod mime;
pub mod path;
pub mod range;

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;

use ch08_persistent::{Connection, Service};
use tokio::net::TcpListener;

pub use files::Files;

/// The program's name, as its lines start.
pub const PROGRAM: &str = "ch11-static-files";

// ANCHOR: run
/// Chapter 9's server, every connection answered by `files`: its limits,
/// timeouts and graceful shutdown hold for the files too.
pub async fn run<S: Display>(
    listener: TcpListener,
    files: Files,
    config: ch09_concurrency::Config,
    shutdown: impl Future<Output = S>,
) {
    let files: Arc<dyn Service> = Arc::new(files);
    let connect = move |stream, peer, config| {
        Connection::new(stream, peer, config).with_service(files.clone())
    };
    ch09_concurrency::run_with(listener, config, connect, shutdown).await;
}
// ANCHOR_END: run
