//! h11 and llhttp (httptools) read every response byte of a varied script
//! (pipelined requests, HEAD, 404, /echo by Content-Length and chunked,
//! 100-continue, HTTP/1.0 with and without keep-alive, and the error responses),
//! and httplint checks each response; tests/judges/strict.py is the script.
//! Any deviation fails; the snapshot is what they read.

use crate::judges::python;
use crate::judges::support::Program;

fn strict(chapter: &str) -> Option<String> {
    if !python::available("strict_parsers", "h11, httptools, httplint") {
        return None;
    }
    let (server, addr) = Program::server(chapter, &["--quiet"]);
    let output = python::run("strict.py", addr);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        // the server's side of the story too: did it exit, and what did it say?
        let server = server.kill();
        panic!(
            "{}\n{stdout}\nserver ({}): {}{}",
            String::from_utf8_lossy(&output.stderr),
            server.status,
            server.stdout,
            server.stderr
        );
    }
    Some(stdout)
}

/// ch08's responses, every byte read by h11 and llhttp, each linted.
#[test]
fn strict_parsers_ch08() {
    if let Some(transcript) = strict("ch08-persistent") {
        insta::assert_snapshot!("strict_parsers_ch08", transcript);
    }
}
