//! Exercise 9: chapter 8's server, made hard to knock over. Write
//! [`run_with`]: the accept loop with a connection limit around chapter 8's
//! [`Connection`], a task per connection, and the graceful shutdown.
//! Chapter 9's own checks run it in-process on port 0 and tell you what
//! your server did, what was wanted, and which section of the page
//! explains it.
//!
//! `cargo test -p ex09-concurrency` runs the checks (every one fails until
//! you write the code); `git checkout -- exercises/ex09-concurrency` puts
//! the starter back as it was.
//!
//! Given: [`Config`] (chapter 9's), [`run`], chapter 8's [`Connection`]
//! (`wait_for_request`, `serve_request`, `close`, `peer`), and the crates a
//! solution needs: tokio (`select!`, `task::JoinSet`, `time::sleep`),
//! tokio-util (`sync::CancellationToken`), humantime, chapter 1's `say!`.

// the parameters are yours to use: while the body is todo!(), they are not
#![allow(unused_variables)]

use std::fmt::Display;
use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::Duration;

pub use ch08_persistent::{Connection, Next, Persist};
use tokio::net::{TcpListener, TcpStream};

/// The program's name, as its lines start.
pub const PROGRAM: &str = "ex09-concurrency";

/// How the server behaves.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Chapter 8's limits and timeouts, for every connection.
    pub connection: ch08_persistent::Config,
    /// Most connections served at once; the next ones wait in the kernel.
    pub max_connections: NonZeroUsize,
    /// How long a shutdown waits for busy connections before it cuts them.
    pub shutdown_timeout: Duration,
}

/// Serves connections from `listener` with chapter 8's routes until
/// `shutdown` resolves, then shuts down gracefully and returns.
pub async fn run<S: Display>(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = S>,
) {
    run_with(listener, config, Connection::new, shutdown).await;
}

/// [`run`], with each accepted stream made into a [`Connection`] by
/// `connect` (the checks count the connections this way). What to write:
///
/// 1. The accept loop: wait at once for `shutdown`, for a connection's task
///    to end, and (only while fewer than `max_connections` are open) for
///    `listener.accept()`. At the limit, do not accept: the kernel keeps
///    the next clients in the listen backlog. An accept that fails is one
///    line, and the loop goes on. The page: ch09, "연결 한도 아래의
///    accept 루프 / The accept loop under a connection limit".
/// 2. A task per connection (chapter 8's `handle_connection` loop, with the
///    shutdown as a second thing to wait for between requests, and only
///    there): `wait_for_request`, then `serve_request(|| <shutdown has
///    begun>)`, until the client closes, goes quiet, or the response ends
///    the connection; then `close`. The page: ch09, "연결마다 태스크 하나 /
///    A task per connection".
/// 3. Once `shutdown` resolves: drop the listener (new clients are
///    refused), tell every task (idle ones close now, busy ones after their
///    response, which says `Connection: close`), wait for them all, and
///    after `shutdown_timeout` cut those still busy; then return. The
///    page: ch09, "정상 종료 / Graceful shutdown".
pub async fn run_with<C, S>(
    listener: TcpListener,
    config: Config,
    connect: C,
    shutdown: impl Future<Output = S>,
) where
    C: Fn(TcpStream, SocketAddr, ch08_persistent::Config) -> Connection,
    S: Display,
{
    todo!()
}
