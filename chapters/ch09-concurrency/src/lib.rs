//! Chapter 9: chapter 8's HTTP/1.1 server, made hard to knock over. Each
//! connection is a task, at most `--max-connections` at once; chapter 8's
//! deadlines cut slow and silent clients; Ctrl-C (or SIGTERM) shuts down
//! gracefully: no new connections, in-flight requests finished, idle
//! connections closed politely, and an exit after `--shutdown-timeout`
//! whatever is still busy.
//!
//! Try it: `cargo run -p ch09-concurrency -- --max-connections 1`, then
//! `nc 127.0.0.1 5000` in two terminals (the second one waits), and
//! Ctrl-C in the server's.
//!
//! [`run`] is the whole server; `main.rs` reads the options, binds, and
//! calls it, as the tests do.

use std::fmt::Display;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::Duration;

use ch01_raw_server::say;
use ch08_persistent::{Connection, Next, Persist};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::task::{JoinError, JoinSet};
use tokio_util::sync::CancellationToken;

/// The program's name, as its lines start.
pub const PROGRAM: &str = "ch09-concurrency";

// ANCHOR: config
/// How the server behaves: set from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Chapter 8's limits and timeouts, for every connection.
    pub connection: ch08_persistent::Config,
    /// Most connections served at once; the next ones wait in the kernel.
    pub max_connections: NonZeroUsize,
    /// How long a shutdown waits for busy connections before it cuts them.
    pub shutdown_timeout: Duration,
}

/// The options of [`Config`]: this chapter's two, then chapter 8's.
#[derive(clap::Args, Clone, Debug)]
#[group(skip)] // no argument group: chapter 8's `Options` has that name
pub struct Options {
    /// Most connections served at once; more wait in the listen backlog
    // 1000: each connection is a file descriptor, and the usual soft limit
    // is 1024 (`ulimit -n`), so accept() does not fail for want of one
    #[arg(long, value_name = "N", default_value = "1000")]
    pub max_connections: NonZeroUsize,
    /// At shutdown, how long busy connections may take before they are cut
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub shutdown_timeout: Duration,
    #[command(flatten)]
    pub connection: ch08_persistent::Options,
}
// ANCHOR_END: config

impl Options {
    /// The configuration these options describe.
    pub fn config(&self) -> Config {
        Config {
            connection: self.connection.config(),
            max_connections: self.max_connections,
            shutdown_timeout: self.shutdown_timeout,
        }
    }
}

// ANCHOR: signals
/// Resolves at Ctrl-C (SIGINT) or SIGTERM (what `kill`, systemd and
/// Kubernetes send), with the signal's name. Both handlers are installed
/// before this returns, so a signal that comes right after `listening on`
/// starts a shutdown instead of killing the process.
pub fn signals() -> io::Result<impl Future<Output = &'static str>> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => "Ctrl-C",
            _ = terminate.recv() => "SIGTERM",
        }
    })
}
// ANCHOR_END: signals

/// Serves connections from `listener` with chapter 8's routes until
/// `shutdown` resolves (its output names the cause in the log), then shuts
/// down gracefully and returns.
pub async fn run<S: Display>(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = S>,
) {
    run_with(listener, config, Connection::new, shutdown).await;
}

// ANCHOR: accept_loop
/// [`run`], with each accepted stream made into a [`Connection`] by
/// `connect` (a later chapter serves its own routes this way).
pub async fn run_with<C, S>(
    listener: TcpListener,
    config: Config,
    connect: C,
    shutdown: impl Future<Output = S>,
) where
    C: Fn(TcpStream, SocketAddr, ch08_persistent::Config) -> Connection,
    S: Display,
{
    // once for every connection (accept() copies it); without it only an
    // echo's pieces would be slower
    if let Err(err) = ch08_persistent::no_delay(&listener) {
        say!("{PROGRAM}: cannot set TCP_NODELAY: {err}");
    }
    let quiet = config.connection.quiet;
    let max = config.max_connections.get();
    let closing = CancellationToken::new();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    let cause = loop {
        // At the limit we stop calling accept(). The kernel still completes
        // the next clients' handshakes and queues them in the listen
        // backlog; the first one is accepted as soon as a connection ends
        // (with the backlog full too, the kernel ignores SYNs: clients
        // retry). nginx, Apache and Go's LimitListener do the same:
        // answering 503 would take an accepted socket, the very thing the
        // limit keeps in check.
        let room = connections.len() < max;
        let accepted = tokio::select! {
            cause = &mut shutdown => break cause,
            // a task that ended leaves the set, and frees its place
            Some(ended) = connections.join_next() => {
                report(ended);
                continue;
            }
            accepted = listener.accept(), if room => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                // e.g. "Too many open files": say so, breathe, go on
                say!("{PROGRAM}: accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // `connected` (printed by Connection::new), the limit, then the
        // task's lines: in this order, since the task starts last
        let connection = connect(stream, peer, config.connection);
        if connections.len() + 1 == max && !quiet {
            let open = connections_text(max);
            say!(
                "{PROGRAM}: {open} open, the limit: new ones wait \
                 in the listen backlog until one ends"
            );
        }
        // boxed: the task moves a pointer, not the whole connection's state
        let task = Box::pin(serve(connection, closing.clone(), quiet));
        connections.spawn(task);
    };
    // ANCHOR_END: accept_loop
    // ANCHOR: shutdown
    // no more accept(): the kernel refuses new clients (RST to their SYN),
    // and resets those still waiting in the backlog
    drop(listener);
    let wait = humantime::format_duration(config.shutdown_timeout);
    say!(
        "{PROGRAM}: {cause}: shutting down; no new connections, \
         {wait} for the open ones"
    );
    // idle connections close now, busy ones after their response
    closing.cancel();
    let deadline = tokio::time::sleep(config.shutdown_timeout);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            ended = connections.join_next() => match ended {
                Some(ended) => report(ended),
                None => break,
            },
            () = &mut deadline => {
                let busy = connections_text(connections.len());
                // aborting a task drops its connection: the kernel closes
                // the socket (FIN; RST if bytes we never read are left)
                connections.shutdown().await;
                say!("{PROGRAM}: {busy} still busy after {wait}: cut");
                return;
            }
        }
    }
    say!("{PROGRAM}: every connection closed");
}
// ANCHOR_END: shutdown

// ANCHOR: serve
/// One connection: chapter 8's loop, with the shutdown as a second thing to
/// wait for between requests (and only there: a request is never cut in the
/// middle, except by the shutdown deadline).
async fn serve(
    connection: Connection,
    closing: CancellationToken,
    quiet: bool,
) {
    let peer = connection.peer();
    // printed even with --quiet, as chapter 1's loop does
    if let Err(err) = requests(connection, &closing, quiet).await {
        say!("{peer}: connection failed: {err}");
    }
}

async fn requests(
    mut connection: Connection,
    closing: &CancellationToken,
    quiet: bool,
) -> io::Result<()> {
    // made once: a new one for every request would join and leave the
    // token's list of waiters each time
    let cancelled = closing.cancelled();
    tokio::pin!(cancelled);
    loop {
        let next = tokio::select! {
            // a request already buffered or arriving wins: it is answered,
            // with `Connection: close` once the shutdown has begun
            biased;
            // cancel-safe: dropped, it only leaves bytes in the buffer
            next = connection.wait_for_request() => next?,
            () = &mut cancelled => {
                if !quiet {
                    let peer = connection.peer();
                    say!("{peer}: idle at shutdown, closing");
                }
                break;
            }
        };
        match next {
            Next::Request => {}
            Next::Closed => return Ok(()),
            Next::TimedOut => break,
        }
        // never cancelled: it reads a request and writes its whole answer;
        // it asks `closing` as it writes the response head, so a request
        // in flight at Ctrl-C is answered with `Connection: close`
        let persist =
            connection.serve_request(|| closing.is_cancelled()).await?;
        if persist == Persist::Close {
            break;
        }
    }
    connection.close().await
}
// ANCHOR_END: serve

/// A task that panicked is one line; the server goes on.
fn report(ended: Result<(), JoinError>) {
    if let Err(err) = ended {
        say!("{PROGRAM}: a connection's task failed: {err}");
    }
}

/// `1 connection`, `2 connections`.
fn connections_text(n: usize) -> String {
    if n == 1 {
        "1 connection".to_string()
    } else {
        format!("{n} connections")
    }
}
