use crate::support::{Normalizer, Program, unused_addr};

/// The client connects (the handshake happens inside connect), shows both ends,
/// sends its FIN, and waits for the server's; chapter 1 sees a silent client.
#[test]
fn against_ch01() {
    let (mut server, addr) = Program::server("ch01-raw-server", &[]);
    let client = Program::start("ch02-client", &["--addr", &addr.to_string()]).finish();
    assert!(client.status.success(), "{}", client.stderr);
    server.wait_for("closed without sending anything");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("client", ports.apply(&client.stdout));
    insta::assert_snapshot!("server", ports.apply(&server.interrupt().stdout));
}

/// Nothing listens: one line that says so and how to start a server; exit status 1.
#[test]
fn server_not_running() {
    let addr = unused_addr();
    let client = Program::start("ch02-client", &["--addr", &addr.to_string()]).finish();
    assert_eq!(client.status.code(), Some(1));
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("server_not_running", ports.apply(&client.stderr));
}
