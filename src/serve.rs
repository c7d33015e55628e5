//! `cargo run -- serve`: `target/book` served by the book's own code, chapter 11's static file
//! server on chapter 9's server (keep-alive, limits, timeouts, `Last-Modified`/`ETag` and 304,
//! each language's `404.html`, graceful shutdown at Ctrl-C).

use std::num::NonZeroUsize;
use std::path::Path;
use std::time::Duration;

use ch11_static_files::Files;

/// Chapter 9's defaults, but a browser opens several connections per page and may keep them:
/// room for many readers' tabs; at Ctrl-C, a second for the responses under way.
pub fn config(quiet: bool) -> ch09_concurrency::Config {
    ch09_concurrency::Config {
        connection: ch08_persistent::Config {
            quiet,
            ..ch08_persistent::Config::DEFAULT
        },
        max_connections: NonZeroUsize::new(1000).unwrap_or(NonZeroUsize::MIN),
        shutdown_timeout: Duration::from_secs(1),
    }
}

/// Serves `dir` on `addr` until Ctrl-C (or SIGTERM), one log line per request.
pub fn serve(dir: &Path, addr: &str) -> Result<(), String> {
    let files = Files::new(dir).map_err(|err| format!("cannot serve {}: {err}", dir.display()))?;
    let listener = std::net::TcpListener::bind(addr).map_err(|err| {
        format!("cannot listen on {addr}: {err} (is another server running? try `cargo run -- serve 127.0.0.1:0`)")
    })?;
    let local = listener
        .local_addr()
        .map_err(|err| format!("cannot listen on {addr}: {err}"))?;
    println!("serving {} on http://{local}/", dir.display());
    println!("  Korean:  http://{local}/ko/");
    println!("  English: http://{local}/en/");
    println!("press Ctrl-C to stop");
    ch11_static_files::serve_blocking(listener, files, config(false), ch09_concurrency::signals)
        .map_err(|err| format!("serve: {err}"))
}

/// Serves `dir` on a bound `listener`, quietly, until the process ends (the browser tests bind
/// 127.0.0.1:0 and run this on a thread).
pub fn serve_on(dir: &Path, listener: std::net::TcpListener) {
    let forever = || Ok(std::future::pending::<&str>());
    if let Err(err) = Files::new(dir)
        .and_then(|files| ch11_static_files::serve_blocking(listener, files, config(true), forever))
    {
        eprintln!("tcp-http-book serve: {err}");
    }
}
