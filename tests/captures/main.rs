//! The wire under every Part I transcript: the real TCP segments on loopback,
//! captured with tcpdump while the chapters run, and the kernel's socket states
//! (`ss`) at the moments that matter, normalised and asserted as snapshots. The
//! sequence diagrams in `book/wire/` are drawn from those snapshots.
//!
//! Capturing needs CAP_NET_RAW: `sudo -E cargo test captures::`. Without it (or
//! without tcpdump) the capture tests say so in one line and pass, except in CI.
//!
//! Each scenario is made deterministic by its steps, not by a lenient normaliser:
//! a step waits for the program's line and for the segments it causes; where a
//! person's pace lets a delayed ACK go out before the next keypress, the test waits
//! for that ACK too; where two programs would race, one is frozen (Ctrl-Z) until
//! the kernel has done its part.

use crate::support;

mod capture;
mod diagram;
mod part2;
mod states;

use std::io::Write;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::time::Instant;

use capture::{Capture, FIN, RST, Segment, all_acked, closed};
use states::Socket;
use support::{Program, WAIT};

/// Every capture test, for the one line that says which were skipped.
const CAPTURE_TESTS: [&str; 9] = [
    "ch01_ch02",
    "ch01_ch03",
    "ch04_ch03",
    "ch05_curl",
    "ch05_seed_curl",
    "ch04_ctrl_c",
    "ch04_killed_with_unread_data",
    "ch04_three_segment_close",
    "ch05_unread_request_drained",
];

/// The captures drawn as pictures in `book/wire/` (checked by `diagrams_match_the_captures`).
const DRAWN: [&str; 5] = [
    "ch01_ch02",
    "ch01_ch03",
    "ch04_ch03",
    "ch05_curl",
    "ch05_seed_curl",
];

/// One scenario on the wire: the capture of the server's port, and the `ss` lines
/// taken along the way, each after the segments captured by then.
struct Wire {
    port: u16,
    capture: Capture,
    moments: Vec<(usize, String)>,
}

impl Wire {
    /// Starts capturing on the server's port, or says (once for all tests) why it cannot.
    fn start(server: SocketAddr) -> Option<Wire> {
        if let Err(unavailable) = capture::availability() {
            skip(&unavailable.reason, unavailable.fix);
            return None;
        }
        let capture = match Capture::start(server.port()) {
            Ok(capture) => capture,
            Err(unavailable) => panic!("tcpdump worked a moment ago: {}", unavailable.reason),
        };
        Some(Wire {
            port: server.port(),
            capture,
            moments: Vec::new(),
        })
    }

    /// Waits until the capture shows `what`.
    fn wait(&mut self, what: &str, done: impl Fn(&[Segment]) -> bool) {
        self.capture.wait_until(what, done);
    }

    /// Records the socket states now (once settled), after the segments seen so far.
    fn states(&mut self) {
        self.states_when(|_| true);
    }

    /// Like [`Wire::states`], once `ready` also holds.
    fn states_when(&mut self, ready: impl Fn(&[Socket]) -> bool) {
        let mut clients = Vec::new();
        for s in self.capture.seen() {
            if !clients.contains(&s.client_port) {
                clients.push(s.client_port);
            }
        }
        let line = states::settled(self.port, &clients, ready);
        self.moments.push((self.capture.seen().len(), line));
    }

    /// Stops the capture; the story: every segment, with the `ss` lines in place.
    fn finish(self) -> String {
        let segments = self.capture.finish();
        let lines: Vec<String> = capture::normalise(&segments)
            .lines()
            .map(str::to_string)
            .collect();
        let mut story = String::new();
        for at in 0..=lines.len() {
            for (_, moment) in self.moments.iter().filter(|(after, _)| *after == at) {
                story += &format!("   {moment}\n");
            }
            if let Some(line) = lines.get(at) {
                story += line;
                story.push('\n');
            }
        }
        story
    }
}

/// Says once, in one line past the test harness's output capture, which capture
/// tests did not run and how to run them. In CI a missing tool or privilege fails.
fn skip(reason: &str, fix: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "the capture tests must run in CI: {reason}; {fix}"
    );
    static SAID: Once = Once::new();
    SAID.call_once(|| {
        let line = format!(
            "captures: skipped {} capture tests ({}): {reason}; {fix}\n",
            CAPTURE_TESTS.len(),
            CAPTURE_TESTS.join(", ")
        );
        let _ = std::io::stderr().write_all(line.as_bytes());
    });
}

fn is(segment: Option<&Segment>, from_client: bool, flag: u8) -> bool {
    segment.is_some_and(|s| s.from_client == from_client && s.has(flag))
}

/// A segment `from_client`'s side sent with `flag` was captured.
fn sent(seen: &[Segment], from_client: bool, flag: u8) -> bool {
    seen.iter().any(|s| is(Some(s), from_client, flag))
}

/// Whether `chrt --fifo` may be used here (root or CAP_SYS_NICE); in CI it must.
fn realtime_available() -> bool {
    let works = Command::new("chrt")
        .args(["--fifo", "1", "true"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    assert!(
        works || std::env::var_os("CI").is_none(),
        "the capture tests must run in CI: chrt --fifo needs root (sudo -E cargo test captures::)"
    );
    if !works {
        eprintln!(
            "captures: skipped ch04_three_segment_close: chrt --fifo needs root or CAP_SYS_NICE; run: sudo -E cargo test captures::"
        );
    }
    works
}

/// Chapter 2 against chapter 1: the handshake inside `connect`, the client's FIN
/// at once, the server's FIN once it has read the end; the client closed first and
/// waits in TIME-WAIT. The server is frozen (Ctrl-Z) until its kernel has
/// acknowledged the client's FIN: otherwise that ACK rides on the server's FIN or
/// goes alone, depending on whether the program or the delayed-ACK timer is first.
#[test]
fn ch01_ch02() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    wire.states();
    server.freeze();
    let mut client = Program::start("ch02-client", &["--addr", &addr.to_string()]);
    client.wait_for("sent FIN");
    wire.wait("the ACK of the client's FIN", |seen| {
        sent(seen, true, FIN) && all_acked(seen)
    });
    wire.states(); // the half-closed connection
    server.thaw();
    let client = client.finish();
    assert!(client.status.success(), "{}", client.stderr);
    server.wait_for("closed without sending anything");
    wire.wait("the end of the connection", closed);
    wire.states_when(|sockets| sockets.iter().any(|s| s.state == "TIME-WAIT"));

    insta::assert_snapshot!("ch01_ch02", wire.finish());
}

/// A close in three segments: the client's FIN; the server's FIN, which carries the
/// ACK of the client's; the client's ACK. The server's kernel does not acknowledge
/// a FIN at once: it waits (the delayed ACK, 40 ms on Linux loopback once data has
/// arrived on the connection), and when the program closes within that time, the
/// ACK rides on its FIN. Here chapter 4 reads the end of the stream and closes
/// within microseconds; it runs at real-time priority (`chrt`), so that even on a
/// busy machine it is never kept waiting anywhere near 40 ms. (The other captures
/// freeze the second closer, which makes the ACK go alone: four segments.)
/// The data round before it is made deterministic as in `ch04_ch03`.
#[test]
fn ch04_three_segment_close() {
    if !realtime_available() {
        return;
    }
    let (mut server, addr) = Program::server_realtime("ch04-keep-alive", &[]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    server.freeze();
    let mut client = support::Client::connect(addr);
    client.write(b"hello\n");
    wire.wait("the data and its ACK", |seen| {
        seen.iter().any(|s| s.from_client && s.len > 0) && all_acked(seen)
    });
    server.thaw();
    assert_eq!(client.read_exact(4), b"test");
    server.wait_for("received");
    wire.wait("the answer and its ACK", |seen| {
        seen.iter().any(|s| !s.from_client && s.len > 0) && all_acked(seen)
    });
    client.shutdown_write();
    assert_eq!(client.read_to_end(), b"");
    server.wait_for("sent FIN");
    wire.wait("the end of the connection", closed);
    wire.states_when(|sockets| sockets.iter().any(|s| s.state == "TIME-WAIT"));
    insta::assert_snapshot!("ch04_three_segment_close", wire.finish());
}

/// The seed's story, one write per Enter: data, the answer, the server's FIN (the
/// half-close: FIN-WAIT-2 and CLOSE-WAIT), then a write after the FIN, which the
/// server's kernel answers with RST, because the server's socket is closed.
#[test]
fn ch01_ch03() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    wire.states();
    let mut client = Program::manual_client(addr);
    wire.wait("the handshake", |seen| seen.len() >= 3);
    wire.states();

    client.press_enter();
    client.wait_for("write:");
    client.wait_for("end:");
    server.wait_for("replied");
    // a person presses Enter again only after the client's delayed ACK of the FIN
    wire.wait("the ACK of the server's FIN", |seen| {
        sent(seen, false, FIN) && all_acked(seen)
    });
    // ...and after the server's program has closed its socket (no process holds it)
    wire.states_when(|sockets| sockets.iter().any(|s| s.name == "server" && !s.held));

    client.press_enter();
    client.wait_for("write:");
    wire.wait("the server's RST", |seen| sent(seen, false, RST));
    client.press_enter();
    client.wait_for("error: write failed");
    assert!(client.finish().status.success());
    wire.states();

    insta::assert_snapshot!("ch01_ch03", wire.finish());
}

/// Chapter 3 against chapter 4: three writes, three answers, each acknowledged;
/// then the server's idle timeout sends its FIN, the client closes too, and the
/// server, which closed first, waits in TIME-WAIT.
///
/// Each round the server is frozen until its kernel has acknowledged the data, so
/// that ACK goes alone every time (a running server's answer would carry it, or
/// not, depending on whether the program or the delayed-ACK timer is first). A
/// frozen server's idle timer cannot close early: when it goes on, the data is
/// there to read, and a read that is ready wins over an expired timeout.
#[test]
fn ch04_ch03() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &["--idle-timeout", "2s"]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    wire.states();
    server.freeze();
    let mut client = Program::start(
        "ch03-interval-client",
        &["--addr", &addr.to_string(), "--manual", "--count", "3"],
    );
    client.wait_for("connect:");
    wire.wait("the handshake", |seen| seen.len() >= 3);
    for round in 1..=3 {
        let sent_by = |seen: &[Segment], from_client: bool| {
            seen.iter()
                .filter(|s| s.from_client == from_client && s.len > 0)
                .count()
        };
        client.press_enter();
        client.wait_for("write:");
        wire.wait("the data and its ACK", |seen| {
            sent_by(seen, true) == round && all_acked(seen)
        });
        if round == 1 {
            wire.states();
        }
        server.thaw();
        server.wait_for("received");
        client.wait_for("data:");
        // everything acknowledged, as by the time a person presses Enter again
        wire.wait("the answer and its ACK", |seen| {
            sent_by(seen, false) == round && all_acked(seen)
        });
        if round < 3 {
            server.freeze();
        }
    }
    // frozen until its kernel has acknowledged the server's FIN, so that ACK never
    // races the client's own FIN
    client.freeze();
    server.wait_for("nothing received for 2s");
    wire.wait("the ACK of the server's FIN", |seen| {
        sent(seen, false, FIN) && all_acked(seen)
    });
    wire.states();
    client.thaw();
    client.wait_for("end:");
    assert!(client.finish().status.success());
    wire.wait("the end of the connection", closed);
    wire.states_when(|sockets| sockets.iter().any(|s| s.state == "TIME-WAIT"));

    insta::assert_snapshot!("ch04_ch03", wire.finish());
}

/// Ctrl-C on chapter 4 while chapter 3 is connected and idle: the server exits, and
/// its kernel closes the connection with FIN (nothing was left unread) and takes the
/// listener away. The client's kernel acknowledges the FIN; the client's next write
/// reaches a socket no program holds (FIN-WAIT-2), which answers with RST.
#[test]
fn ch04_ctrl_c() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    let mut client = Program::manual_client(addr);
    server.wait_for("connected");
    wire.wait("the handshake", |seen| seen.len() >= 3);
    wire.states();

    let server = server.interrupt(); // Ctrl-C
    assert!(server.status.success(), "{:?}", server.status);
    client.wait_for("end:");
    wire.wait("the ACK of the server's FIN", |seen| {
        sent(seen, false, FIN) && all_acked(seen)
    });
    wire.states(); // no listener; the server's socket outlives its program

    client.press_enter();
    client.wait_for("write:");
    wire.wait("the RST", |seen| sent(seen, false, RST));
    client.wait_for("reset:");
    client.press_enter();
    client.wait_for("error: write failed");
    assert!(client.finish().status.success());
    wire.states();

    insta::assert_snapshot!("ch04_ctrl_c", wire.finish());
}

/// Chapter 4 stopped (Ctrl-Z) while chapter 3 writes: the server's kernel
/// acknowledges the 8 bytes, which wait unread. Killed (SIGKILL), the program runs
/// no more code, and its kernel closes the connection with RST, not FIN: closing a
/// socket with unread data resets it (RFC 9293 §3.6.1). The client's read fails.
#[test]
fn ch04_killed_with_unread_data() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    let mut client = Program::manual_client(addr);
    server.wait_for("connected");
    wire.wait("the handshake", |seen| seen.len() >= 3);
    server.freeze(); // Ctrl-Z
    client.press_enter();
    client.wait_for("write:");
    wire.wait("the data and its ACK", |seen| {
        seen.iter().any(|s| s.from_client && s.len > 0) && all_acked(seen)
    });
    wire.states(); // both ESTAB: a stopped program's connection is still open

    let _ = server.kill(); // kill -9
    wire.wait("the server's RST", |seen| sent(seen, false, RST));
    client.wait_for("error: read failed");
    assert!(client.finish().status.success());
    wire.states();

    insta::assert_snapshot!("ch04_killed_with_unread_data", wire.finish());
}

/// Chapter 5's drain on the wire: two requests in one segment, the first exactly as
/// long as the server's one read (1024 bytes), so the second stays unread. The server
/// answers, sends FIN, and reads (drops) the rest until the client's FIN: the
/// connection closes with FIN both ways and no RST. (Without the drain, its kernel
/// would answer the close with RST right after its FIN.) The server is frozen while
/// the requests arrive, so their ACK goes alone; the test's client touches its
/// socket only once everything the server sent is acknowledged, so its kernel
/// answers each segment as it arrives, as a waiting program's would.
#[test]
fn ch05_unread_request_drained() {
    let (mut server, addr) = Program::server("ch05-raw-http", &[]);
    let Some(mut wire) = Wire::start(addr) else {
        return;
    };
    server.freeze();
    let mut client = support::Client::connect(addr);
    let mut first = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nX-Padding: ".to_vec();
    first.resize(1024 - 4, b'a');
    first.extend_from_slice(b"\r\n\r\n");
    let second = b"GET /again HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n";
    client.write(&[first.as_slice(), second].concat());
    wire.wait("the requests and their ACK", |seen| {
        seen.iter().any(|s| s.from_client && s.len > 0) && all_acked(seen)
    });
    server.thaw();
    server.wait_for("request head, 1024 bytes");
    server.wait_for("answered 200");
    wire.wait("the response, the server's FIN and their ACKs", |seen| {
        sent(seen, false, FIN) && all_acked(seen) || sent(seen, false, RST)
    });
    assert!(
        !sent(wire.capture.seen(), false, RST),
        "the server's kernel reset the connection:\n{}",
        capture::normalise(wire.capture.seen())
    );
    // as in the chapters test: the server has read everything (the drain), or reset
    let ours = client.stream.local_addr().expect("local address");
    support::wait_for_kernel("drain or reset", || {
        let drained = support::tcp_socket(addr, ours).is_some_and(|server_side| {
            server_side.unread == 0
                && matches!(
                    server_side.state,
                    support::TcpState::FinWait1 | support::TcpState::FinWait2
                )
        });
        drained || support::tcp_socket(ours, addr).is_none()
    });
    assert!(
        support::tcp_socket(ours, addr).is_some(),
        "the server's kernel reset the connection"
    );
    wire.states(); // the server still holds its socket: it is draining
    let response = client.read_to_end();
    assert!(response.ends_with(b"</html>\n"), "the whole response");
    client.shutdown_write();
    wire.wait("the end of the connection", closed);
    assert!(client.closed_error(addr).is_none(), "no RST");
    wire.states_when(|sockets| sockets.iter().any(|s| s.state == "TIME-WAIT"));

    insta::assert_snapshot!("ch05_unread_request_drained", wire.finish());
}

/// curl against chapter 5: the request, the response, the server's FIN, curl's FIN.
#[test]
fn ch05_curl() {
    if let Some(capture) = curl_scenario(&[], "answered 200", 0) {
        insta::assert_snapshot!("ch05_curl", capture);
    }
}

/// curl against chapter 5's `--seed-response`: the same segments; curl refuses the
/// bytes it receives (HTTP/0.9) and closes.
#[test]
fn ch05_seed_curl() {
    if let Some(capture) = curl_scenario(&["--seed-response"], "sent the seed's response", 1) {
        insta::assert_snapshot!("ch05_seed_curl", capture);
    }
}

/// The server is frozen while curl connects and sends its request (the kernel
/// completes the handshake and acknowledges the request without it), then curl is
/// frozen while the server answers and sends its FIN, until curl's kernel has
/// acknowledged that FIN: so the two FINs never race, and the ACK never races
/// curl's own FIN. The capture, or `None` when capturing is not possible here.
fn curl_scenario(args: &[&str], answered: &str, curl_status: i32) -> Option<String> {
    let (mut server, addr) = Program::server("ch05-raw-http", args);
    let mut wire = Wire::start(addr)?;
    wire.states();
    server.freeze();
    let mut curl = Curl::start(addr);
    wire.wait("the request and its ACK", |seen| {
        seen.iter().any(|s| s.from_client && s.len > 0) && all_acked(seen)
    });
    curl.freeze();
    server.thaw();
    server.wait_for(answered);
    wire.wait("the ACK of the server's FIN", |seen| {
        sent(seen, false, FIN) && all_acked(seen)
    });
    wire.states();
    curl.thaw();
    let status = curl.finish();
    assert_eq!(status, curl_status, "curl's exit status");
    wire.wait("the end of the connection", closed);
    wire.states_when(|sockets| sockets.iter().any(|s| s.state == "TIME-WAIT"));

    Some(wire.finish())
}

/// curl as the reader runs it, with the request pinned to what curl 7.88.1 sends
/// for `http://127.0.0.1:5000/`, so the lengths in the capture do not depend on
/// the test's port or the installed curl's version.
struct Curl {
    child: Child,
}

impl Curl {
    fn start(addr: SocketAddr) -> Curl {
        let child = Command::new("curl")
            .args(["--silent", "--max-time", "20", "--include"])
            .args(["--header", "Host: 127.0.0.1:5000"])
            .args(["--user-agent", "curl/7.88.1"])
            .arg(format!("http://{addr}/"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run curl (apt-get install curl)");
        Curl { child }
    }

    fn freeze(&self) {
        support::freeze(&self.child);
    }

    fn thaw(&self) {
        support::signal(&self.child, "-CONT");
    }

    /// Waits (bounded) for curl to exit; its exit status.
    fn finish(&mut self) -> i32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll curl") {
                return status.code().unwrap_or(-1);
            }
            assert!(
                Instant::now() < deadline,
                "curl did not exit within {WAIT:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(5)); // polling for exit
        }
    }
}

impl Drop for Curl {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The pictures in `book/wire/` are drawn from the capture snapshots; this fails
/// when one differs from its snapshot. `UPDATE_WIRE=1` rewrites them.
#[test]
fn diagrams_match_the_captures() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_WIRE").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for name in DRAWN {
        let snapshot = root.join(format!(
            "tests/captures/snapshots/chapters__captures__{name}.snap"
        ));
        let text = std::fs::read_to_string(&snapshot)
            .unwrap_or_else(|err| panic!("{}: {err}", snapshot.display()));
        let svg = diagram::render(name, diagram::snapshot_body(&text));
        let path = root.join(format!("book/wire/{name}.svg"));
        if std::fs::read_to_string(&path).ok().as_deref() == Some(svg.as_str()) {
            continue;
        }
        if update {
            std::fs::create_dir_all(path.parent().expect("book/wire")).expect("mkdir book/wire");
            std::fs::write(&path, svg).expect("write the diagram");
        } else {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "diagrams differ from their capture snapshots (UPDATE_WIRE=1 cargo test captures:: rewrites them): {stale:?}"
    );
}
