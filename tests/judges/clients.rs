//! Real clients: curl (several URLs on one connection, `--http1.0`, `-T` for
//! a chunked upload) and Python's standard http.client (tests/judges/stdlib.py).
//! The server's own lines say how many connections they opened.

use std::net::SocketAddr;
use std::process::Command;

use crate::judges::python;
use crate::judges::support::{Normalizer, Program};

/// Runs curl with `args` (verbose, so its stderr shows reuse and the exchanged
/// heads); None where curl is missing, except in CI.
fn curl(args: &[&str]) -> Option<(String, Vec<u8>)> {
    let run = Command::new("curl")
        .args(["--silent", "--show-error", "--verbose", "--max-time", "20"])
        .args(args)
        .output();
    match run {
        Ok(output) => {
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert!(output.status.success(), "curl {args:?} failed:\n{stderr}");
            Some((stderr, output.stdout))
        }
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("judges: skipped a curl test: curl is not installed ({err})");
            None
        }
        Err(err) => panic!("curl is required in CI: {err}"),
    }
}

/// The server's lines until `connections` connections have ended (`closed
/// by the client`, or a response `closing` it), normalised.
fn until_closed(server: &mut Program, addr: SocketAddr, connections: usize) -> String {
    let mut ended = 0;
    while ended < connections {
        let line = server.line();
        ended += usize::from(line.contains("closed") || line.ends_with("closing"));
    }
    by_connection(&Normalizer::new(addr).apply(&server.transcript()))
}

/// The lines of each connection together, connections in the order they
/// opened: one connection's task may print its last line after the next
/// connection's first (each runs on its own), and that order is not the
/// test's to keep.
fn by_connection(transcript: &str) -> String {
    let mut order: Vec<&str> = Vec::new();
    let mut lines: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    let mut out = String::new();
    for line in transcript.lines() {
        match line
            .strip_prefix("127.0.0.1:")
            .and_then(|rest| rest.split_once(": "))
        {
            Some((peer, _)) => {
                if !lines.contains_key(peer) {
                    order.push(peer);
                }
                lines.entry(peer).or_default().push(line);
            }
            None => {
                out += line;
                out.push('\n');
            }
        }
    }
    for peer in order {
        for line in &lines[peer] {
            out += line;
            out.push('\n');
        }
    }
    out
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

/// curl with three URLs: one connection (the server says `connected` once),
/// reused twice (curl says so).
#[test]
fn curl_reuses_one_connection() {
    curl_three_urls("ch08-persistent", "curl_reuses_one_connection");
}

pub fn curl_three_urls(chapter: &str, snapshot: &str) {
    let (mut server, addr) = Program::server(chapter, &[]);
    let urls = ["/", "/headers", "/missing"].map(|p| url(addr, p));
    let mut args = vec!["--header", "Host: 127.0.0.1:5000", "--user-agent", "curl"];
    for u in &urls {
        args.extend(["--output", "/dev/null", u.as_str()]);
    }
    let Some((stderr, _)) = curl(&args) else {
        return;
    };
    let transcript = until_closed(&mut server, addr, 1);
    assert_eq!(count(&stderr, "Re-using existing"), 2, "{stderr}");
    assert_eq!(count(&transcript, ": connected"), 1, "{transcript}");
    insta::assert_snapshot!(snapshot, transcript);
}

/// `curl --http1.0`: a connection per request, unless it asks for keep-alive.
#[test]
fn curl_http10_closes_unless_keep_alive() {
    let (mut server, addr) = Program::server("ch08-persistent", &[]);
    let (a, b) = (url(addr, "/"), url(addr, "/missing"));
    let plain = [
        "--http1.0",
        "--output",
        "/dev/null",
        &a,
        "--output",
        "/dev/null",
        &b,
    ];
    let Some((stderr, _)) = curl(&plain) else {
        return;
    };
    assert_eq!(count(&stderr, "Re-using existing"), 0, "{stderr}");
    let keep_alive = [
        "--http1.0",
        "--header",
        "Connection: keep-alive",
        "--output",
        "/dev/null",
        &a,
        "--output",
        "/dev/null",
        &b,
    ];
    let (stderr, _) = curl(&keep_alive).expect("curl ran a moment ago");
    assert_eq!(count(&stderr, "Re-using existing"), 1, "{stderr}");
    let transcript = until_closed(&mut server, addr, 3);
    assert_eq!(count(&transcript, ": connected"), 3, "{transcript}");
    insta::assert_snapshot!("curl_http10_closes_unless_keep_alive", transcript);
}

/// `curl -T file -H 'Transfer-Encoding: chunked'` to /echo: the file comes
/// back whole, chunked both ways, after a 100 (Continue); then the same file
/// by Content-Length (`--data-binary`).
#[test]
fn curl_uploads_chunked() {
    let (mut server, addr) = Program::server("ch08-persistent", &[]);
    let file = std::env::temp_dir().join(format!("judges-upload-{}.bin", std::process::id()));
    let content: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &content).expect("write the upload");
    let echo = url(addr, "/echo");
    let path = file.to_string_lossy().into_owned();
    let chunked = ["-T", &path, "--header", "Transfer-Encoding: chunked", &echo];
    let by_length = ["--data-binary", &format!("@{path}"), &echo];
    let (Some((chunked_err, chunked_out)), Some((length_err, length_out))) =
        (curl(&chunked), curl(&by_length))
    else {
        return;
    };
    let _ = std::fs::remove_file(&file);
    assert!(
        chunked_out == content,
        "the chunked echo differs ({} bytes)",
        chunked_out.len()
    );
    assert!(
        length_out == content,
        "the echo differs ({} bytes)",
        length_out.len()
    );
    for line in [
        "> Transfer-Encoding: chunked",
        "< HTTP/1.1 100 Continue",
        "< Transfer-Encoding: chunked",
    ] {
        assert!(
            chunked_err.contains(line),
            "curl -T: no {line:?}:\n{chunked_err}"
        );
    }
    assert!(
        length_err.contains("< Content-Length: 100000"),
        "{length_err}"
    );
    let transcript = until_closed(&mut server, addr, 2);
    insta::assert_snapshot!("curl_uploads_chunked", transcript);
}

/// Python's http.client: eight requests on one HTTPConnection.
#[test]
fn python_http_client() {
    if !python::available("python_http_client", "http.client") {
        return;
    }
    let (mut server, addr) = Program::server("ch08-persistent", &[]);
    let output = python::run("stdlib.py", addr);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("requests on 1 connection(s); closed after the last: True"),
        "{stdout}"
    );
    server.wait_for("closing");
    let mut normalizer = Normalizer::new(addr);
    let transcript = normalizer.apply(&server.transcript());
    assert_eq!(count(&transcript, ": connected"), 1, "{transcript}");
    insta::assert_snapshot!(
        "python_http_client",
        format!("{}{transcript}", normalizer.apply(&stdout))
    );
}
