//! The accept loop: it serves, it serves many connections at once (a task
//! each), and at `max_connections` it stops calling accept() until one
//! ends, so the next client waits in the kernel's backlog, unanswered.

use std::net::Ipv4Addr;

use super::report::wrong;
use super::{
    ACCEPT_LOOP, GET, GET_CLOSE, SERVE, Server, WAIT, check, config,
    status_line,
};

/// A request on a connection of its own is answered (200, then the
/// server's FIN), and `run_with` returns once its shutdown future resolves.
#[test]
fn serves_a_request() {
    check(async {
        let mut server =
            Server::start(Ipv4Addr::LOCALHOST, config(2, WAIT)).await;
        let mut client = server.connect().await;
        server.send(&mut client, GET_CLOSE).await;
        let what = "the response to GET / with Connection: close";
        let response = server.read_to_end(&mut client, what, ACCEPT_LOOP).await;
        if !response.starts_with(b"HTTP/1.1 200 OK\r\n") {
            wrong(
                format!("the server answered {:?}", status_line(&response)),
                "HTTP/1.1 200 OK: chapter 8's Connection serves the request",
                ACCEPT_LOOP,
            );
        }
        drop(client);
        server.shut_down().await;
        server.returned("no connection open").await;
    });
}

/// Two connections at once: one open and silent, the other served
/// meanwhile. A loop that serves each connection before the next accept
/// answers nobody else while one client says nothing.
#[test]
fn serves_connections_at_once() {
    check(async {
        let mut server =
            Server::start(Ipv4Addr::LOCALHOST, config(2, WAIT)).await;
        let silent = server.connect().await;
        let mut client = server.connect().await;
        server.send(&mut client, GET).await;
        let what = "the second client's response, while the first client is \
                    connected and says nothing";
        let response = server.response(&mut client, what, SERVE).await;
        if !response.starts_with(b"HTTP/1.1 200 OK\r\n") {
            wrong(
                format!("the server answered {:?}", status_line(&response)),
                "HTTP/1.1 200 OK",
                SERVE,
            );
        }
        drop((silent, client));
        server.shut_down().await;
        server.returned("both clients gone").await;
    });
}

/// `max_connections` 1: while one connection is open, the next client's
/// handshake completes (the kernel's) but it is not accepted: its request
/// waits unanswered, and `connect` is not called for it, even after the
/// open connection has been served again. Once that connection ends, the
/// waiting one is accepted and answered.
#[test]
fn max_connections_waits_in_the_backlog() {
    check(async {
        let mut server =
            Server::start(Ipv4Addr::LOCALHOST, config(1, WAIT)).await;
        let mut first = server.connect().await;
        server.send(&mut first, GET).await;
        server
            .response(&mut first, "the first client's response", SERVE)
            .await;

        let mut second = server.connect().await;
        server.send(&mut second, GET).await;
        // a round trip on the first connection: the server has run since
        server.send(&mut first, GET).await;
        let what = "the first client's second response (keep-alive)";
        server.response(&mut first, what, SERVE).await;
        let accepted = server.accepted();
        if accepted == 0 {
            wrong(
                "run_with served a connection without calling `connect`",
                "each accepted stream made into a Connection by \
                 connect(stream, peer, config.connection)",
                ACCEPT_LOOP,
            );
        }
        if accepted > 1 || second.has_bytes() {
            wrong(
                format!(
                    "with max_connections 1 and one connection open, the loop \
                     accepted {accepted} connections{}",
                    match second.has_bytes() {
                        true => " and answered the second",
                        false => "",
                    }
                ),
                "at the limit, no accept(): the next client waits in the \
                 listen backlog until a connection ends",
                ACCEPT_LOOP,
            );
        }

        server.send(&mut first, GET_CLOSE).await;
        let what = "the first client's last response and FIN";
        server.read_to_end(&mut first, what, SERVE).await;
        drop(first); // our FIN ends the server's close: the task ends
        let what = "the second client's response once the first connection \
                    ended (a task that ends leaves the set: join_next, and \
                    accept() again)";
        let response = server.response(&mut second, what, ACCEPT_LOOP).await;
        if !response.starts_with(b"HTTP/1.1 200 OK\r\n")
            || server.accepted() != 2
        {
            wrong(
                format!(
                    "the second client read {:?}; connections accepted: {}",
                    status_line(&response),
                    server.accepted()
                ),
                "HTTP/1.1 200 OK, the second connection accepted once the \
                 first ended",
                ACCEPT_LOOP,
            );
        }
        drop(second);
        server.shut_down().await;
        server.returned("both clients gone").await;
    });
}
