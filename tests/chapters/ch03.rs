use std::net::TcpListener;

use crate::support::{Client, Normalizer, Program, WAIT, unused_addr};

/// The seed's story against chapter 1, one write per Enter: the server answers,
/// sends FIN and closes; our next write is still accepted by the kernel, the
/// server's kernel answers it with RST, and the write after that fails (EPIPE).
#[test]
fn against_ch01_the_seeds_story() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let mut client = Program::manual_client(addr);

    client.press_enter();
    client.wait_for("write:");
    client.wait_for("data:");
    client.wait_for("end:");
    server.wait_for("replied");

    client.press_enter(); // the server's socket is gone: its kernel answers with RST
    client.wait_for("write:");
    client.wait_for("reset:");
    client.press_enter();
    client.wait_for("error: write failed");
    let client = client.finish();
    assert!(client.status.success());

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("against_ch01_client", ports.apply(&client.stdout));
    insta::assert_snapshot!("against_ch01_server", ports.apply(&server.transcript()));

    // the client that kept writing cost the server nothing: the next one is served
    let mut next = Client::connect(addr);
    next.write(b"next");
    assert_eq!(next.read_to_end(), b"test");
    server.wait_for("replied");
}

/// Against chapter 4 the conversation goes on: three writes, three answers. Then
/// the client is quiet, the server's idle timeout closes the connection, and the
/// client, with nothing more to write, closes too.
#[test]
fn against_ch04_then_idle_timeout() {
    let (mut server, addr) = Program::server("ch04-keep-alive", &["--idle-timeout", "1s"]);
    let mut client = Program::start(
        "ch03-interval-client",
        &["--addr", &addr.to_string(), "--manual", "--count", "3"],
    );
    client.wait_for("connect:");
    for _ in 0..3 {
        client.press_enter();
        client.wait_for("write:");
        client.wait_for("data:");
        server.wait_for("received");
    }
    client.wait_for("end:");
    server.wait_for("nothing received for 1s");
    let client = client.finish();
    assert!(client.status.success());

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("against_ch04_client", ports.apply(&client.stdout));
    insta::assert_snapshot!(
        "against_ch04_server",
        ports.apply(&server.interrupt().stdout)
    );
}

/// `--timeout` prints `timeout` after a quiet spell, once per spell, and the
/// connection stays open, as Node's `socket.setTimeout` does. Here the test is the server.
#[test]
fn idle_timeout_is_only_a_notice() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut client = Program::start(
        "ch03-interval-client",
        &["--addr", &addr.to_string(), "--manual", "--timeout", "50ms"],
    );
    let (stream, _) = listener.accept().expect("accept");
    let mut server_side = Client { stream };
    server_side
        .stream
        .set_read_timeout(Some(WAIT))
        .expect("timeout");
    client.wait_for("connect:");

    client.wait_for("timeout:");
    server_side.write(b"test"); // activity: the quiet spell starts again
    client.wait_for("data:");
    client.wait_for("timeout:");
    drop(server_side); // our FIN
    client.wait_for("end:");
    client.close_stdin(); // nothing more to write
    let client = client.finish();
    assert!(client.status.success());

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("timeout", ports.apply(&client.stdout));
}

/// The timer path, as `cargo run` uses it: with a short interval and one write.
#[test]
fn interval_writes_on_a_timer() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let client = Program::start(
        "ch03-interval-client",
        &[
            "--addr",
            &addr.to_string(),
            "--interval",
            "20ms",
            "--count",
            "1",
        ],
    )
    .finish();
    server.wait_for("replied");
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("interval", ports.apply(&client.stdout));
}

/// A server that is not running: one line, exit status 1.
#[test]
fn server_not_running() {
    let addr = unused_addr();
    let client = Program::start("ch03-interval-client", &["--addr", &addr.to_string()]).finish();
    assert_eq!(client.status.code(), Some(1));
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("server_not_running", ports.apply(&client.stderr));
}

/// A bad option value: clap's own message, exit status 2, nothing started.
#[test]
fn bad_interval() {
    let client = Program::start("ch03-interval-client", &["--interval", "soon"]).finish();
    assert_eq!(client.status.code(), Some(2));
    assert!(
        client
            .stderr
            .starts_with("error: invalid value 'soon' for '--interval"),
        "{}",
        client.stderr
    );
}
