//! The seed post's own programs, their files unchanged, run on Node.js so that what
//! the book says about them is shown, not assumed. `observe.js`, loaded first,
//! changes four things: the server listens on 127.0.0.1 (the seed: every address,
//! so its clients show as `::ffff:127.0.0.1`) and both use the test's port; the
//! `setInterval` callback fires once per line on stdin, not every second; and
//! `[observer]` lines report both ends, each write() and its result, and the close.
//! Without `node` these tests say so in one line and pass; in CI they must run.

use crate::support;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use support::{Client, Normalizer, Program};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/seed");

fn node_available(test: &str) -> bool {
    static NODE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let found = *NODE.get_or_init(|| {
        Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    });
    if !found {
        assert!(std::env::var_os("CI").is_none(), "node is required in CI");
        eprintln!(
            "skipped {test}: node is not installed (install Node.js to run the seed's own programs)"
        );
    }
    found
}

fn node(program: &str, port: Option<SocketAddr>) -> Program {
    let mut command = Command::new("node");
    command
        .current_dir(DIR)
        .args(["--require", "./observe.js", program]);
    if let Some(addr) = port {
        command.env("SEED_PORT", addr.port().to_string());
    }
    assert!(Path::new(DIR).join(program).exists());
    Program::spawn("node", command, format!("$ node {program}"))
}

/// Starts the seed's server and reads the observer's `listening on` line.
fn seed_server() -> (Program, SocketAddr) {
    let mut server = node("server.js", None);
    let line = server.wait_for("[observer] listening on ");
    let addr = line
        .rsplit(' ')
        .next()
        .and_then(|a| a.parse().ok())
        .expect("an address");
    server.wait_for("listen on port 5000");
    (server, addr)
}

/// The seed's interval client against the seed's server on Node: after `end`,
/// Node closes the socket itself, and the later writes return false with no
/// 'error' event at all; the seed's "an error occurs" never shows.
#[test]
fn seed_client_after_end() {
    if !node_available("seed_client_after_end") {
        return;
    }
    let (mut server, addr) = seed_server();
    let mut client = node("client.js", Some(addr));
    client.wait_for("connect to server!");
    client.press_enter();
    client.wait_for("receive:");
    client.wait_for("disconnected.");
    client.wait_for("[observer] close");
    client.press_enter();
    client.wait_for("[observer] write");
    client.press_enter();
    client.wait_for("[observer] write");
    client.close_stdin();
    let client = client.finish();
    assert!(!client.stdout.contains("Error"), "{}", client.stdout);
    server.wait_for("[observer] write(\"test\")");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("seed_client", ports.apply(&client.stdout));
    insta::assert_snapshot!("seed_client_server", ports.apply(&server.transcript()));
}

/// The seed's server crashes when a peer sends a second chunk after its `end()`:
/// the 'data' handler writes after end, and nothing handles the 'error' event.
#[test]
fn seed_server_crashes_on_a_second_chunk() {
    if !node_available("seed_server_crashes_on_a_second_chunk") {
        return;
    }
    let (mut server, addr) = seed_server();
    let mut client = Client::connect(addr);
    client.write(b"a");
    assert_eq!(client.read_to_end(), b"test");
    server.wait_for("[observer] write(\"test\")");
    client.write(b"b");
    let output = server.finish();
    assert_eq!(output.status.code(), Some(1));

    let error = output
        .stderr
        .lines()
        .find(|l| l.starts_with("Error"))
        .unwrap_or("(no Error line)");
    let mut ports = Normalizer::new(addr);
    let shown = format!("{}{error}\n", output.stdout);
    insta::assert_snapshot!("seed_server_crash", ports.apply(&shown));
}
