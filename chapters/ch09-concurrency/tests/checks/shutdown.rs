//! The graceful shutdown: once the shutdown future resolves, no new
//! connections (the listener dropped), idle connections closed at once,
//! a request in flight answered with `Connection: close`, `run_with`
//! returning when every connection has ended, and `shutdown_timeout` the
//! most it waits for busy ones before it cuts them.

use std::io::ErrorKind;
use std::net::Ipv4Addr;
use std::time::Duration;

use tokio::net::TcpStream;

use super::report::{fail, wrong};
use super::{
    CONTINUE, Client, GET, SERVE, SHUTDOWN, Server, UPLOAD, WAIT, check,
    config, status_line,
};

/// A connection that has been served and waits for its next request.
async fn idle_client(server: &mut Server) -> Client {
    let mut idle = server.connect().await;
    server.send(&mut idle, GET).await;
    server
        .response(&mut idle, "the idle client's response", SERVE)
        .await;
    idle
}

/// A connection whose request head the server has read (it answered
/// `100 Continue`) and whose body is still to come.
async fn busy_client(server: &mut Server) -> Client {
    let mut busy = server.connect().await;
    server.send(&mut busy, UPLOAD).await;
    let what = "100 Continue to a POST with Expect: 100-continue";
    let interim = server.response(&mut busy, what, SERVE).await;
    if interim != CONTINUE {
        wrong(
            format!("the server answered {:?}", status_line(&interim)),
            "HTTP/1.1 100 Continue: chapter 8's Connection reads the head",
            SERVE,
        );
    }
    busy
}

/// At shutdown, a connection idle between requests is closed at once (the
/// client reads the end of the stream), and `run_with` returns once it
/// has ended.
#[test]
fn shutdown_closes_idle_connections() {
    check(async {
        let mut server =
            Server::start(Ipv4Addr::LOCALHOST, config(4, WAIT)).await;
        let mut idle = idle_client(&mut server).await;
        server.shut_down().await;
        let what = "the end of the stream on an idle connection after the \
                    shutdown (wait for closing.cancelled() between requests)";
        let rest = server.read_to_end(&mut idle, what, SHUTDOWN).await;
        if !rest.is_empty() {
            wrong(
                format!(
                    "the idle client read {:?}",
                    String::from_utf8_lossy(&rest)
                ),
                "nothing: the server's FIN",
                SHUTDOWN,
            );
        }
        drop(idle); // our FIN ends the server's close
        server.returned("the idle connection closed").await;
    });
}

/// At shutdown, a request in flight (its head read, its body not yet) is
/// not cut: once its body comes it is answered, with `Connection: close`,
/// and then the connection closes. The idle one beside it is closed
/// first, without waiting for the busy one.
#[test]
fn shutdown_answers_requests_in_flight_with_close() {
    check(async {
        let mut server =
            Server::start(Ipv4Addr::LOCALHOST, config(4, WAIT)).await;
        let mut idle = idle_client(&mut server).await;
        let mut busy = busy_client(&mut server).await;
        server.shut_down().await;
        let what = "the end of the stream on the idle connection, while \
                    another is busy";
        server.read_to_end(&mut idle, what, SHUTDOWN).await;
        drop(idle);
        server.send(&mut busy, b"hello").await;
        let what = "the busy client's response and the server's FIN";
        let response = server.read_to_end(&mut busy, what, SHUTDOWN).await;
        let text = String::from_utf8_lossy(&response);
        if !text.starts_with("HTTP/1.1 200 OK\r\n")
            || !text.contains("\r\nConnection: close\r\n")
        {
            wrong(
                format!("the busy client read {text:?}"),
                "HTTP/1.1 200 OK with Connection: close (serve_request(|| \
                 closing.is_cancelled())), then the server's FIN \
                 (RFC 9112 §9.6)",
                SHUTDOWN,
            );
        }
        drop(busy);
        server.returned("both connections ended").await;
    });
}

/// Once the shutdown has begun (an idle connection has been closed), a new
/// client is refused: the listener is gone. (The server listens on an
/// address of its own, 127.0.9.1, so that no other check's server can
/// take the port meanwhile.)
#[test]
fn shutdown_stops_accepting() {
    check(async {
        let ip = Ipv4Addr::new(127, 0, 9, 1);
        let mut server = Server::start(ip, config(4, WAIT)).await;
        let mut busy = busy_client(&mut server).await;
        let mut idle = idle_client(&mut server).await;
        server.shut_down().await;
        let what = "the end of the stream on an idle connection after the \
                    shutdown";
        server.read_to_end(&mut idle, what, SHUTDOWN).await;
        let addr = server.addr;
        let connect =
            tokio::time::timeout(WAIT, TcpStream::connect(addr)).await;
        match connect {
            Ok(Err(err)) if err.kind() == ErrorKind::ConnectionRefused => {}
            Ok(Ok(stream)) => {
                drop(stream);
                wrong(
                    "a new client connected after the shutdown began: the \
                     listener still listens",
                    "connection refused: drop the listener first, so the \
                     kernel refuses new clients (RST to their SYN)",
                    SHUTDOWN,
                );
            }
            Ok(Err(err)) => fail(format!("connect to {addr}: {err}")),
            Err(_) => fail(format!(
                "connect to {addr}: no answer within {} s",
                WAIT.as_secs()
            )),
        }
        drop(idle);
        server.send(&mut busy, b"hello").await;
        server
            .read_to_end(&mut busy, "the busy client's response", SHUTDOWN)
            .await;
        drop(busy);
        server.returned("every connection ended").await;
    });
}

/// A request whose body never comes: `shutdown_timeout` after the shutdown
/// began, the server cuts it (the client reads the end of the stream) and
/// `run_with` returns.
#[test]
fn shutdown_deadline_cuts_busy_connections() {
    check(async {
        let deadline = Duration::from_millis(50);
        let mut server =
            Server::start(Ipv4Addr::LOCALHOST, config(4, deadline)).await;
        let mut busy = busy_client(&mut server).await;
        server.shut_down().await;
        let what = "the end of the stream on a connection still busy at the \
                    shutdown deadline (50 ms; JoinSet::shutdown)";
        let rest = server.read_to_end(&mut busy, what, SHUTDOWN).await;
        if !rest.is_empty() {
            wrong(
                format!(
                    "the busy client read {:?}",
                    String::from_utf8_lossy(&rest)
                ),
                "nothing: its body never came, so it is cut",
                SHUTDOWN,
            );
        }
        server
            .returned("the busy connection cut at the deadline")
            .await;
        drop(busy);
    });
}
