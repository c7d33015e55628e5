//! Chapter 8: a persistent HTTP/1.1 server on chapter 7's parser. One
//! connection carries many requests (RFC 9112 §9.3), in order, pipelined or
//! not; request bodies come by Content-Length or chunked (§6, §7.1); every
//! response is framed and dated, so a client knows where it ends without
//! waiting for a close; and a request whose framing two servers could read
//! two ways is refused, then the connection closed (§11.2).
//!
//! Try it: `cargo run -p ch08-persistent`, then
//! `curl -v http://127.0.0.1:5000/ http://127.0.0.1:5000/headers` (one
//! connection, two requests) or
//! `curl -T - -H 'Transfer-Encoding: chunked' http://127.0.0.1:5000/echo`.
//!
//! It serves `GET`/`HEAD /` (a small page), `/echo` (the request body back,
//! framed as it came), `/headers` (the field lines as received), 404 for
//! anything else; one line per event on stdout, unless `--quiet`.
//! Chapter 9 wraps [`Connection`] with a connection limit and a shutdown.

pub mod body;
pub mod cases;
pub mod chunked;
pub mod connection;
pub mod framing;
pub mod options;
pub mod request;
pub mod response;
pub mod routes;
pub mod rules;
pub mod service;

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};

pub use ch07_request_parser::{Limits, Request, Version};
pub use connection::Connection;
pub use options::Options;
pub use response::{Content, Response};
pub use rules::Rule;
pub use service::Service;

// ANCHOR: config
/// How the server reads: every limit and timeout is an option of the
/// program (`--help`).
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Chapter 7's limits on a head (414, 431).
    pub limits: Limits,
    /// The whole head must arrive within this (slowloris) -> 408, close.
    pub head_timeout: Duration,
    /// Between requests, and between reads of a body: nothing for this
    /// long and the connection is closed.
    pub idle_timeout: Duration,
    /// A response write that makes no progress for this long: close.
    pub send_timeout: Duration,
    /// Request body bytes; more -> 413, close.
    pub max_body: u64,
    /// No per-connection lines on stdout (load tests).
    pub quiet: bool,
}

impl Config {
    pub const DEFAULT: Config = Config {
        limits: Limits::DEFAULT,
        head_timeout: Duration::from_secs(10),
        idle_timeout: Duration::from_secs(5),
        send_timeout: Duration::from_secs(10),
        max_body: 1024 * 1024,
        quiet: false,
    };
}
// ANCHOR_END: config

impl Default for Config {
    fn default() -> Config {
        Config::DEFAULT
    }
}

// ANCHOR: next
/// What waiting between two requests ended with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// A request's first bytes are in (or were already buffered).
    Request,
    /// The client closed: it sends no more requests.
    Closed,
    /// No request within `idle_timeout`.
    TimedOut,
}

/// Whether the connection can carry another request after this response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persist {
    KeepOpen,
    Close,
}
// ANCHOR_END: next

// ANCHOR: no_delay
/// Turns Nagle's algorithm off for every connection `listener` accepts. An
/// echo goes out in pieces as they come, and none of them may wait for the
/// ACK of the one before. Linux copies TCP_NODELAY from a listening socket
/// to each socket accept() makes of it (tests/chapters/ch08.rs checks), so
/// one setsockopt here spares one per connection.
pub fn no_delay(listener: &TcpListener) -> io::Result<()> {
    socket2::SockRef::from(listener).set_tcp_nodelay(true)
}
// ANCHOR_END: no_delay

// ANCHOR: handle_connection
/// Requests one after the other until the client closes, goes quiet, or a
/// response ends the connection.
pub async fn handle_connection(
    stream: TcpStream,
    peer: SocketAddr,
    config: Config,
) -> io::Result<()> {
    let mut connection = Connection::new(stream, peer, config);
    loop {
        match connection.wait_for_request().await? {
            Next::Request => {}
            Next::Closed => return Ok(()),
            Next::TimedOut => break,
        }
        if connection.serve_request(|| false).await? == Persist::Close {
            break;
        }
    }
    connection.close().await
}
// ANCHOR_END: handle_connection
