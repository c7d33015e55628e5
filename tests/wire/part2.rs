//! Part II on the wire: chapter 8's persistent connection (two requests over one
//! handshake), a pipelined pair, a chunked body's chunks echoed as they come;
//! chapter 9's head deadline cutting off a slowloris client, and its graceful
//! shutdown. Made deterministic as Part I's captures are: the server is frozen
//! (Ctrl-Z) while a client's segment arrives, so its kernel's ACK goes alone,
//! and each step waits until everything sent is acknowledged, as by the time a
//! person (or a slow client) takes the next step.

use crate::capture::{FIN, Segment, all_acked, closed};
use crate::support::{Client, Program};
use crate::{Wire, sent};

const CH08: &str = "ch08-persistent";

/// Data segments `from_client`'s side has sent so far.
fn data(seen: &[Segment], from_client: bool) -> usize {
    seen.iter()
        .filter(|s| s.from_client == from_client && s.len > 0)
        .count()
}

/// Payload bytes `from_client`'s side has sent so far.
fn bytes(seen: &[Segment], from_client: bool) -> u32 {
    seen.iter()
        .filter(|s| s.from_client == from_client)
        .map(|s| s.len)
        .sum()
}

/// The client writes `request` while the server is frozen (its kernel
/// acknowledges it, alone); then the server goes on and answers; returns once
/// the answer (`answer` bytes) has arrived and been acknowledged.
fn round(wire: &mut Wire, server: &Program, client: &mut Client, request: &[u8], answer: u32) {
    let (sent_before, answered_before) = (
        bytes(wire.capture.seen(), true),
        bytes(wire.capture.seen(), false),
    );
    server.freeze();
    client.write(request);
    let sent_now = sent_before + request.len() as u32;
    wire.wait("the request and its ACK", |seen| {
        bytes(seen, true) == sent_now && all_acked(seen)
    });
    server.thaw();
    wire.wait("the answer and its ACK", |seen| {
        bytes(seen, false) >= answered_before + answer && all_acked(seen)
    });
    client.read_exact(answer as usize);
}

/// The client's FIN while the server is frozen (acknowledged alone); then
/// the server reads the end, says so, and closes; the end of the connection.
fn close(wire: &mut Wire, server: &mut Program, client: &mut Client, line: &str) {
    server.freeze();
    client.shutdown_write();
    wire.wait("the ACK of the client's FIN", |seen| {
        sent(seen, true, FIN) && all_acked(seen)
    });
    server.thaw();
    server.wait_for(line);
    assert_eq!(client.read_to_end(), b"");
    wire.wait("the end of the connection", closed);
    wire.states_when(|sockets| sockets.iter().any(|s| s.state == "TIME-WAIT"));
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n";
const MISSING: &[u8] = b"GET /missing HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n";

/// The length of chapter 8's answer to `request` (its Date is always 29
/// bytes long), asked on a connection of its own before the capture starts.
fn answer_length(program: &mut Program, server: std::net::SocketAddr, request: &[u8]) -> u32 {
    let mut client = Client::connect(server);
    client.write(request);
    client.write(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    let all = client.read_to_end();
    // the first response ends where the second begins
    let second = all
        .windows(9)
        .skip(1)
        .position(|w| w == b"HTTP/1.1 ")
        .map(|i| i + 1)
        .expect("two responses");
    program.wait_for("closing");
    second as u32
}

/// Two requests, one after the other, on one connection: one handshake, each
/// request answered in turn; then the client's FIN ends it.
#[test]
fn ch08_two_requests_one_connection() {
    let (mut server, addr) = Program::server(CH08, &[]);
    let page = answer_length(&mut server, addr, GET);
    let missing = answer_length(&mut server, addr, MISSING);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    let mut client = Client::connect(addr);
    server.wait_for("connected");
    wire.wait("the handshake", |seen| seen.len() >= 3);
    round(&mut wire, &server, &mut client, GET, page);
    round(&mut wire, &server, &mut client, MISSING, missing);
    wire.states(); // still open: the server waits for a third request
    close(
        &mut wire,
        &mut server,
        &mut client,
        "closed by the client after 2 requests",
    );
    let seen = wire.capture.seen();
    assert_eq!(
        seen.iter().filter(|s| s.has(crate::capture::SYN)).count(),
        2,
        "one handshake"
    );
    assert_eq!((data(seen, true), data(seen, false)), (2, 2));
    insta::assert_snapshot!("ch08_two_requests_one_connection", wire.finish());
}

/// Two requests in one segment (pipelined): both answered, in order, before
/// the client sends anything more.
#[test]
fn ch08_pipelined_pair() {
    let (mut server, addr) = Program::server(CH08, &[]);
    let page = answer_length(&mut server, addr, GET);
    let missing = answer_length(&mut server, addr, MISSING);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    let mut client = Client::connect(addr);
    server.wait_for("connected");
    wire.wait("the handshake", |seen| seen.len() >= 3);
    let both = [GET, MISSING].concat();
    round(&mut wire, &server, &mut client, &both, page + missing);
    server.wait_for("GET /missing");
    close(
        &mut wire,
        &mut server,
        &mut client,
        "closed by the client after 2 requests",
    );
    let seen = wire.capture.seen();
    assert_eq!(data(seen, true), 1, "both requests in one segment");
    insta::assert_snapshot!("ch08_pipelined_pair", wire.finish());
}

/// A chunked body in three writes, one chunk each, then the last chunk: the
/// server echoes each chunk as it arrives (its response head goes with the
/// first), and ends its chunked answer when the body ends.
#[test]
fn ch08_chunked_body_echoed() {
    let (mut server, addr) = Program::server(CH08, &[]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    let mut client = Client::connect(addr);
    server.wait_for("connected");
    wire.wait("the handshake", |seen| seen.len() >= 3);
    let head = b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nTransfer-Encoding: chunked\r\n\r\n";
    // the response head: status line, Date (29 bytes), type, framing
    let response_head = "HTTP/1.1 200 OK\r\nDate: Tue, 01 Dec 2026 00:00:00 GMT\r\n\
        Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
        .len() as u32;
    let first = [&head[..], b"5\r\nhello\r\n"].concat();
    round(&mut wire, &server, &mut client, &first, response_head + 10);
    round(&mut wire, &server, &mut client, b"7\r\n, world\r\n", 12);
    round(&mut wire, &server, &mut client, b"1\r\n!\r\n", 6);
    round(&mut wire, &server, &mut client, b"0\r\n\r\n", 5);
    server.wait_for("chunked body");
    close(
        &mut wire,
        &mut server,
        &mut client,
        "closed by the client after 1 request",
    );
    insta::assert_snapshot!("ch08_chunked_body_echoed", wire.finish());
}
