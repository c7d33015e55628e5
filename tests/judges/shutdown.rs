//! Chapter 9's graceful shutdown from outside: a request still arriving when
//! the shutdown begins is answered, as the last on its connection.

use crate::judges::support::{Client, Program};

/// A request whose head is still arriving at Ctrl-C is answered, and that
/// answer is the connection's last: it says `Connection: close` (RFC 9112
/// §9.6; issue 11: "the `Connection: close` on the last response"). Finding
/// F3 of the judges' note, fixed in ch08's 6ca89c7.
#[test]
fn the_last_answer_says_close() {
    let (mut server, addr) = Program::server("ch09-concurrency", &[]);
    let mut busy = Client::connect(addr);
    busy.write(b"GET / HTTP/1.1\r\nHost: a\r\n");
    server.wait_for("connected");
    // a second, idle connection: its line says the shutdown has reached the connections
    let _idle = Client::connect(addr);
    server.wait_for("connected");
    server.send_signal("-INT"); // Ctrl-C; the server goes on shutting down
    server.wait_for("idle at shutdown");
    busy.write(b"\r\n");
    let answer = String::from_utf8_lossy(&busy.read_to_end()).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("\r\nConnection: close\r\n"), "{answer}");
}
