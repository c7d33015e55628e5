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

/// [`run`] for a program without tokio (the book's builder, `cargo run --
/// serve`): a runtime of its own, on this thread, until the future that
/// `shutdown` makes resolves. `shutdown` is called inside the runtime, so
/// it may be [`ch09_concurrency::signals`]; a server on a test's thread
/// passes `|| Ok(std::future::pending::<&str>())`.
pub fn serve_blocking<F, S>(
    listener: std::net::TcpListener,
    files: Files,
    config: ch09_concurrency::Config,
    shutdown: impl FnOnce() -> std::io::Result<F>,
) -> std::io::Result<()>
where
    F: Future<Output = S>,
    S: Display,
{
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        listener.set_nonblocking(true)?; // tokio's sockets never block
        let listener = TcpListener::from_std(listener)?;
        run(listener, files, config, shutdown()?).await;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::num::NonZeroUsize;
    use std::time::Duration;

    use super::*;

    /// The builder's way in: a std listener, a thread, no tokio of its own.
    #[test]
    fn serve_blocking_on_a_thread() -> std::io::Result<()> {
        let dir = std::env::temp_dir()
            .join(format!("ch11-blocking-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("index.html"), "<p>hi\n")?;
        let files = Files::new(&dir)?;
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let config = ch09_concurrency::Config {
            connection: ch08_persistent::Config {
                quiet: true,
                ..ch08_persistent::Config::DEFAULT
            },
            max_connections: NonZeroUsize::MIN,
            shutdown_timeout: Duration::from_secs(1),
        };
        let forever = || Ok(std::future::pending::<&str>());
        std::thread::spawn(move || {
            serve_blocking(listener, files, config, forever)
        });
        let mut client = TcpStream::connect(addr)?;
        client.set_read_timeout(Some(Duration::from_secs(10)))?;
        client.write_all(
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )?;
        let mut response = String::new();
        client.read_to_string(&mut response)?;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(response.ends_with("\r\n\r\n<p>hi\n"), "{response}");
        Ok(())
    }
}
