use crate::support::{Client, Normalizer, Program};

/// One client: the server prints the peer's address and what it sent, replies
/// `test`, and closes; the client reads `test`, then end of stream.
#[test]
fn one_client() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let mut client = Client::connect(addr);
    client.write(b"testing~");
    assert_eq!(client.read_to_end(), b"test");
    server.wait_for("replied");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("one_client", ports.apply(&server.interrupt().stdout));
}

/// Bytes that are not text are shown as escapes, never sent raw to the terminal.
#[test]
fn garbage_bytes_are_shown_safely() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let mut client = Client::connect(addr);
    client.write(b"\x00\x01\xff\xfe caf\xc3\xa9 \x1b[31mred\\ \t\r\n");
    assert_eq!(client.read_to_end(), b"test");
    server.wait_for("replied");
    served_normally(&mut server, addr);

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("garbage", ports.apply(&server.interrupt().stdout));
}

/// A client that connects and closes without a byte: one line, and on to the next.
#[test]
fn silent_client() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let mut client = Client::connect(addr);
    client.shutdown_write();
    assert_eq!(client.read_to_end(), b"");
    server.wait_for("closed without sending anything");
    served_normally(&mut server, addr);

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("silent_client", ports.apply(&server.interrupt().stdout));
}

/// Connections are served at once, not one after another: five clients connect
/// and stay silent, then each is answered, the last first.
#[test]
fn serves_many_at_once() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let mut clients: Vec<Client> = (0..5).map(|_| Client::connect(addr)).collect();
    for client in clients.iter_mut().rev() {
        client.write(b"hello");
        assert_eq!(client.read_to_end(), b"test");
    }
    for _ in 0..5 {
        server.wait_for("replied");
    }
    let output = server.interrupt();
    assert_eq!(output.stdout.matches(": connected").count(), 5);
}

/// The port is taken: one line says which and what to do; the first server goes on.
#[test]
fn port_in_use() {
    let (mut first, addr) = Program::server("ch01-raw-server", &[]);
    let second = Program::start("ch01-raw-server", &["--addr", &addr.to_string()]).finish();
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(
        second.stdout.lines().count(),
        1,
        "only the command line: {}",
        second.stdout
    );

    served_normally(&mut first, addr);
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("port_in_use", ports.apply(&second.stderr));
}

/// A stopped server still holds its port. Ctrl-Z stops a program (SIGTSTP), it does
/// not end it: its listening socket stays open, so a second server on the same
/// address gets the same one line as against a running one. The test sends SIGSTOP,
/// the stop no program can catch or ignore (SIGTSTP can be, and is discarded outside
/// a terminal's job control); tokio installs no SIGTSTP handler, so for our servers
/// Ctrl-Z is exactly this stop. Once continued (`fg`), the first server serves again.
#[test]
fn stopped_server_holds_the_port() {
    let (mut first, addr) = Program::server("ch01-raw-server", &[]);
    first.freeze();
    let second = Program::start("ch01-raw-server", &["--addr", &addr.to_string()]).finish();
    assert_eq!(second.status.code(), Some(1));
    first.thaw();
    served_normally(&mut first, addr);

    let mut ports = Normalizer::new(addr);
    let shown = format!("{}{}", second.stdout, second.stderr);
    insta::assert_snapshot!("stopped_server_holds_the_port", ports.apply(&shown));
}

/// Ctrl-C stops the server cleanly, with a last line and exit status 0.
#[test]
fn ctrl_c_stops_cleanly() {
    let (server, _addr) = Program::server("ch01-raw-server", &[]);
    let output = server.interrupt();
    assert!(output.status.success(), "{:?}", output.status);
    assert!(
        output.stdout.ends_with("ch01-raw-server: shutting down\n"),
        "{}",
        output.stdout
    );
    assert_eq!(output.stderr, "");
}

fn served_normally(server: &mut Program, addr: std::net::SocketAddr) {
    let mut client = Client::connect(addr);
    client.write(b"still there?");
    assert_eq!(client.read_to_end(), b"test");
    server.wait_for("replied");
}

/// A client that writes again after the server's FIN (the input that crashes the
/// seed's Node server): the server's socket is closed, so its kernel answers with
/// RST and the program never even sees the bytes; it goes on serving.
#[test]
fn writing_after_the_close() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let mut client = Client::connect(addr);
    client.write(b"testing~");
    assert_eq!(client.read_to_end(), b"test");
    server.wait_for("replied");
    client.write(b"again"); // accepted by our kernel; the server's kernel answers RST
    served_normally(&mut server, addr);

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!(
        "writing_after_the_close",
        ports.apply(&server.interrupt().stdout)
    );
}
