use crate::support::{Client, Normalizer, Program};

/// The server never closes first: it answers every chunk until the client sends FIN.
#[test]
fn conversation_until_the_client_closes() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let mut client = Client::connect(addr);
    for line in [&b"hello\n"[..], b"still here\n", b"bye\n"] {
        client.write(line);
        assert_eq!(client.read_exact(4), b"test");
        server.wait_for("received");
    }
    client.shutdown_write();
    assert_eq!(client.read_to_end(), b"");
    server.wait_for("sent FIN");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("conversation", ports.apply(&server.interrupt().stdout));
}

/// TCP is a byte stream: the server's two writes of `test` are read by the client
/// in one read, once both have arrived. Message boundaries are not kept. The
/// client is the chapter's example program `two-writes`: it writes `one`, peeks
/// until the first `test` is buffered, writes `two`, peeks until 8 bytes are, then
/// calls read() once.
#[test]
fn two_writes_one_read() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let client = Program::example(
        "ch04-keep-alive",
        "two-writes",
        &["--addr", &addr.to_string()],
    )
    .finish();
    assert!(client.status.success(), "{}", client.stderr);
    assert!(
        client
            .stdout
            .contains("read: one read() returned 8 bytes \"testtest\""),
        "{}",
        client.stdout
    );
    server.wait_for("the client sent FIN");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("two_writes_client", ports.apply(&client.stdout));
    insta::assert_snapshot!("two_writes_server", ports.apply(&server.interrupt().stdout));
}

/// A client that never says anything is closed after the idle timeout.
#[test]
fn idle_timeout_closes() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &["--idle-timeout", "50ms"]);
    let mut client = Client::connect(addr);
    assert_eq!(client.read_to_end(), b"");
    server.wait_for("nothing received for 50ms");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("idle_timeout", ports.apply(&server.interrupt().stdout));
}

/// A client that vanishes with a reset: one line naming it; the next client is served.
#[test]
fn reset_by_peer() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let mut client = Client::connect(addr);
    client.write(b"hi");
    assert_eq!(client.read_exact(4), b"test");
    server.wait_for("received");
    client.reset();
    server.wait_for("connection failed");

    let mut next = Client::connect(addr);
    next.write(b"next");
    assert_eq!(next.read_exact(4), b"test");
    server.wait_for("received");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("reset", ports.apply(&server.interrupt().stdout));
}

/// A megabyte at once: answered chunk by chunk (how many chunks is up to the
/// kernel), nothing lost, and the server goes on.
#[test]
fn a_megabyte() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let mut client = Client::connect(addr);
    client.write(&vec![b'x'; 1 << 20]);
    client.shutdown_write();
    let replies = client.read_to_end();
    assert!(
        !replies.is_empty() && replies.chunks(4).all(|r| r == b"test"),
        "{replies:?}"
    );
    server.wait_for("sent FIN");

    let received: usize = server
        .transcript()
        .lines()
        .filter_map(|l| l.split(": received ").nth(1))
        .filter_map(|r| r.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(received, 1 << 20);
    assert_eq!(
        replies.len() / 4,
        server.transcript().matches(": received ").count()
    );

    let mut next = Client::connect(addr);
    next.write(b"next");
    assert_eq!(next.read_exact(4), b"test");
}

/// Ctrl-C on a server with an idle connection open: the server prints its last line
/// and exits; its kernel closes the connection with FIN, as any close with nothing
/// unread does. The client (chapter 3) sees the FIN as `end:`; its next write
/// reaches a socket no program holds, and that kernel answers with RST.
#[test]
fn ctrl_c_with_a_client_connected() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let mut client = Program::manual_client(addr);
    server.wait_for("connected");

    let server = server.interrupt();
    assert!(server.status.success(), "{:?}", server.status);
    client.wait_for("end:");
    client.press_enter();
    client.wait_for("write:");
    client.wait_for("reset:");
    client.press_enter();
    client.wait_for("error: write failed");
    let client = client.finish();
    assert!(client.status.success());

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("ctrl_c_server", ports.apply(&server.stdout));
    insta::assert_snapshot!("ctrl_c_client", ports.apply(&client.stdout));
}

/// A stopped server (Ctrl-Z) with bytes it has not read, killed: its kernel closes
/// the connection with RST, not FIN, because data would be lost (RFC 9293 §3.6.1).
/// The client's write is accepted and acknowledged by the server's kernel while the
/// program is stopped; the kill (SIGKILL, which a stopped program cannot outrun)
/// leaves those 8 bytes unread, and the client's next read fails with the reset.
#[test]
fn killed_with_unread_data() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &[]);
    let mut client = Program::manual_client(addr);
    server.wait_for("connected");
    server.freeze();
    client.press_enter();
    client.wait_for("write:");

    let server = server.kill();
    client.wait_for("error: read failed");
    let client = client.finish();
    assert!(client.status.success());

    let mut ports = Normalizer::new(addr);
    // what the terminal shows after the program's last line: the keys, then the kill
    let shown = format!("{}<Ctrl-Z>\n<kill -9>\n", server.stdout);
    insta::assert_snapshot!("killed_server", ports.apply(&shown));
    insta::assert_snapshot!("killed_client", ports.apply(&client.stdout));
}
