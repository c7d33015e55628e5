//! Part II on the wire: chapter 8's persistent connection (two requests over one
//! handshake), a pipelined pair, a chunked body's chunks echoed as they come;
//! chapter 9's head deadline cutting off a slowloris client, and its graceful
//! shutdown. Made deterministic as Part I's captures are: the server is frozen
//! (Ctrl-Z) while a client's segment arrives, so its kernel's ACK goes alone,
//! and each step waits until everything sent is acknowledged, as by the time a
//! person (or a slow client) takes the next step.

use crate::captures::capture::{FIN, Segment, all_acked, closed};
use crate::captures::support::{Client, Program};
use crate::captures::{Wire, sent};

const CH08: &str = "ch08-persistent";

/// Between requests the server waits this long: far more than any scenario
/// takes, even on a loaded machine, so its idle timer never closes first.
const IDLE: &[&str] = &["--idle-timeout", "60s"];

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
    // this connection over before any capture starts: our FIN sent and
    // acknowledged, so no late segment of it (a delayed ACK, our FIN) can
    // show in the capture that follows
    client.shutdown_write();
    assert!(client.closed_error(server).is_none(), "a reset");
    second as u32
}

/// Two requests, one after the other, on one connection: one handshake, each
/// request answered in turn; then the client's FIN ends it.
#[test]
fn ch08_two_requests_one_connection() {
    let (mut server, addr) = Program::server(CH08, IDLE);
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
        seen.iter()
            .filter(|s| s.has(crate::captures::capture::SYN))
            .count(),
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
    let (mut server, addr) = Program::server(CH08, IDLE);
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
    let (mut server, addr) = Program::server(CH08, IDLE);
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

const CH09: &str = "ch09-concurrency";

/// With two clients there are two sockets named `server`, which `ss` lists in
/// either order: the last moment's `server` entries, sorted by state.
fn servers_in_order(wire: &mut Wire) {
    if let Some((_, line)) = wire.moments.last_mut()
        && let Some(list) = line.strip_prefix("ss: ")
    {
        let mut entries: Vec<&str> = list.split(", ").collect();
        let servers: Vec<usize> = (0..entries.len())
            .filter(|&i| entries[i].starts_with("server "))
            .collect();
        let mut sorted: Vec<&str> = servers.iter().map(|&i| entries[i]).collect();
        sorted.sort();
        for (&i, entry) in servers.iter().zip(sorted) {
            entries[i] = entry;
        }
        *line = format!("ss: {}", entries.join(", "));
    }
}

/// A slowloris client: the start of a head, in two segments, then nothing;
/// at the head deadline (`--head-timeout`) the server answers 408 and
/// closes, and the client reads the answer and closes too. The server is
/// frozen while the pieces arrive (its kernel acknowledges each alone) and
/// while `ss` looks, so its deadline cannot pass in between: its clock starts
/// when it reads the first byte, after it goes on.
#[test]
fn ch09_slowloris_cut_off() {
    let (mut server, addr) = Program::server(CH09, &["--head-timeout", "500ms"]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    let mut client = Client::connect(addr);
    server.wait_for("connected");
    wire.wait("the handshake", |seen| seen.len() >= 3);
    server.freeze();
    for (n, piece) in [&b"GET / HTTP/1.1\r\n"[..], b"Host: 127.0.0.1:5000\r\n"]
        .into_iter()
        .enumerate()
    {
        client.write(piece);
        wire.wait("the piece and its ACK", |seen| {
            data(seen, true) == n + 1 && all_acked(seen)
        });
    }
    wire.states(); // half a head there, both sides ESTAB
    server.thaw();
    server.wait_for("408");
    wire.wait("the 408, the server's FIN and their ACKs", |seen| {
        sent(seen, false, FIN) && all_acked(seen)
    });
    let answer = client.read_to_end();
    assert!(
        answer.starts_with(b"HTTP/1.1 408 "),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    wire.states(); // the server closed first: it drains until the client's FIN
    client.shutdown_write();
    wire.wait("the end of the connection", closed);
    wire.states_when(|sockets| sockets.iter().any(|s| s.state == "TIME-WAIT"));
    insta::assert_snapshot!("ch09_slowloris_cut_off", wire.finish());
}

/// Ctrl-C with two clients: one idle between requests, one in the middle of
/// sending a request head. The listener goes at once; the idle connection is
/// closed politely (FIN); the busy one is answered when its head is whole,
/// with `Connection: close` (its last answer), then closed; then the server
/// exits.
#[test]
fn ch09_graceful_shutdown() {
    let (mut server, addr) = Program::server(
        CH09,
        &["--shutdown-timeout", "20s", "--idle-timeout", "60s"],
    );
    let missing = answer_length(&mut server, addr, MISSING);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    // the idle client: one request answered, the connection kept
    let mut idle = Client::connect(addr);
    server.wait_for("connected");
    wire.wait("the first handshake", |seen| seen.len() >= 3);
    round(&mut wire, &server, &mut idle, MISSING, missing);
    server.wait_for("GET /missing");
    // the busy client: half a head
    let mut busy = Client::connect(addr);
    server.wait_for("connected");
    wire.wait("the second handshake", |seen| {
        seen.iter()
            .filter(|s| s.has(crate::captures::capture::SYN))
            .count()
            == 4
            && all_acked(seen)
    });
    let head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n";
    let sent_before = bytes(wire.capture.seen(), true);
    server.freeze();
    busy.write(head);
    wire.wait("the half head and its ACK", |seen| {
        bytes(seen, true) == sent_before + head.len() as u32 && all_acked(seen)
    });
    server.thaw();
    wire.states();
    servers_in_order(&mut wire);

    server.send_signal("-INT"); // Ctrl-C; the server goes on shutting down
    server.wait_for("shutting down");
    server.wait_for("idle at shutdown");
    wire.wait("the idle connection's FIN and its ACK", |seen| {
        sent(seen, false, FIN) && all_acked(seen)
    });
    wire.states(); // no listener; the idle connection half closed, the busy one open
    servers_in_order(&mut wire);
    assert_eq!(idle.read_to_end(), b"");
    idle.shutdown_write();
    wire.wait("the idle connection's end", |seen| {
        seen.iter().filter(|s| s.has(FIN)).count() == 2 && all_acked(seen)
    });
    // the end of the head: the answer, the connection's last
    server.freeze();
    busy.write(b"\r\n");
    wire.wait("the end of the head and its ACK", |seen| {
        all_acked(seen) && bytes(seen, true) == sent_before + head.len() as u32 + 2
    });
    server.thaw();
    server.wait_for("closing");
    wire.wait("the busy connection's FIN and its ACK", |seen| {
        seen.iter().filter(|s| s.has(FIN)).count() == 3 && all_acked(seen)
    });
    let answer = String::from_utf8_lossy(&busy.read_to_end()).into_owned();
    assert!(
        answer.starts_with("HTTP/1.1 200 OK\r\n") && answer.contains("\r\nConnection: close\r\n"),
        "{answer:?}"
    );
    busy.shutdown_write();
    let server = server.finish();
    assert!(server.status.success(), "{:?}", server.status);
    assert!(
        server.stdout.contains("every connection closed"),
        "{}",
        server.stdout
    );
    wire.wait("the end of both connections", |seen| {
        seen.iter().filter(|s| s.has(FIN)).count() == 4 && all_acked(seen)
    });
    wire.states();
    servers_in_order(&mut wire);
    insta::assert_snapshot!("ch09_graceful_shutdown", wire.finish());
}
