//! The request side: h11 (server role) and llhttp read the same bytes the
//! server was sent (every framing case and Http11Probe row), and the bodies
//! each read are set beside the server's (tests/judges/requests.py). The
//! snapshot lists where they differ, each difference reviewed.

use std::process::Stdio;

use crate::judges::exchange::{Exchange, exchange};
use crate::judges::support::{Program, python_hex_lines};
use crate::judges::{framing, probe, python};

/// The server's reading, in requests.py's words: the body of each request it
/// read whole (its echo on /echo; `?` elsewhere: read, not shown back), then
/// `error` if it refused one or cut its answer short.
fn ours(exchange: &Exchange, echo: &[bool]) -> String {
    let mut parts = Vec::new();
    for (i, r) in exchange.responses.iter().enumerate() {
        if r.status == 100 {
            continue;
        }
        let refused = r.status >= 400 && r.status != 404 && r.status != 405;
        if refused || !r.complete {
            parts.push("error".to_string());
            break;
        }
        if echo.get(i).copied().unwrap_or(false) {
            parts.push(quoted(&r.body));
        } else {
            parts.push("?".to_string()); // a request read, its body not shown back
        }
    }
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(", ")
    }
}

/// A body as requests.py writes it: `"…"`, with `\\` `\r` `\n` and `\xHH`
/// for any other byte outside printable ASCII, `"` and `,`.
fn quoted(body: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in body {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'"' | b',' => out.push_str(&format!("\\x{b:02x}")),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out + "\""
}

/// A judge's reading is ours: the same parts, a `?` of ours standing for any body.
fn agrees(ours: &str, judge: &str) -> bool {
    let (ours, judge): (Vec<&str>, Vec<&str>) =
        (ours.split(", ").collect(), judge.split(", ").collect());
    ours.len() == judge.len()
        && ours
            .iter()
            .zip(&judge)
            .all(|(o, j)| o == j || (*o == "?" && j.starts_with('"')))
}

/// Whether each request in `input` targets /echo (in order of request lines).
fn echoes(input: &[u8]) -> Vec<bool> {
    let text = String::from_utf8_lossy(input);
    text.split("\r\n")
        .filter(|line| line.ends_with(" HTTP/1.1") || line.ends_with(" HTTP/1.0"))
        .map(|line| line.contains(" /echo"))
        .collect()
}

/// llhttp's own request tests (test/request/*.md, strict-mode rows, as chapter
/// 7 keeps them in tests/ch07/suites/llhttp-request.tsv), whole: bodies,
/// pipelined requests and all. An HTTP/1.1 request without Host (most of
/// them: llhttp does not require it, chapter 7 does) gets `Host: a` after
/// its request line, so that what is compared is the framing.
fn llhttp_rows() -> Vec<(String, Vec<u8>)> {
    let path = format!(
        "{}/tests/ch07/suites/llhttp-request.tsv",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            if cols.get(2) != Some(&"request") {
                return None; // llhttp's lenient modes: not its defaults
            }
            let mut input = crate::judges::exchange::unescape(cols[cols.len() - 1]);
            let lower = input.to_ascii_lowercase();
            let has_host = lower.windows(7).any(|w| w == b"\nhost:");
            if let Some(end) = input.windows(2).position(|w| w == b"\r\n")
                && input[..end].ends_with(b" HTTP/1.1")
                && !has_host
            {
                input.splice(end + 2..end + 2, b"Host: a\r\n".iter().copied());
            }
            Some((format!("llhttp {} / {}", cols[0], cols[1]), input))
        })
        .collect()
}

fn judges(inputs: &[Vec<u8>]) -> (String, Vec<(String, String)>) {
    let path = format!("{}/tests/judges/requests.py", env!("CARGO_MANIFEST_DIR"));
    let out =
        python_hex_lines(&[&path], inputs, Stdio::inherit()).expect("run python3 requests.py");
    let mut lines = out.lines();
    let versions = lines.next().unwrap_or_default().to_string();
    let answers: Vec<(String, String)> = lines
        .map(|l| {
            let (a, b) = l.split_once('\t').unwrap_or((l, ""));
            (a.to_string(), b.to_string())
        })
        .collect();
    assert_eq!(answers.len(), inputs.len(), "requests.py answered {out}");
    (versions, answers)
}

/// ch08 beside h11 and llhttp on every framing case, Http11Probe row and
/// llhttp request test:
/// wherever ch08 reads the requests, h11 or llhttp reads the same bodies.
#[test]
fn request_readings_ch08() {
    if !python::available("request_readings_ch08", "h11, httptools") {
        return;
    }
    let (_server, addr) = Program::server("ch08-persistent", &["--quiet"]);
    let mut named: Vec<(String, Vec<u8>)> = framing::CASES
        .iter()
        .map(|c| (c.name.to_string(), [c.input, framing::FOLLOW_UP].concat()))
        .collect();
    named.extend(probe::rows().into_iter().map(|r| (r.id, r.input)));
    named.extend(llhttp_rows());
    let inputs: Vec<Vec<u8>> = named.iter().map(|(_, i)| i.clone()).collect();
    let (versions, answers) = judges(&inputs);
    let mut table = String::new();
    let (mut h11_agrees, mut llhttp_agrees) = (0, 0);
    for ((name, input), (h11, llhttp)) in named.iter().zip(&answers) {
        let head = input.starts_with(b"HEAD ");
        let ours = ours(&exchange(addr, input, head), &echoes(input));
        // where we read requests, some strict judge reads the very same bodies:
        // never a framing of our own (a HEAD's body is not echoed: not seen here)
        // (a judge that stopped for a protocol switch reads no further HTTP)
        let switched = h11.ends_with("upgrade") || llhttp.ends_with("upgrade");
        let read = !ours.contains("error") && !switched;
        assert!(
            !read || head || agrees(&ours, h11) || agrees(&ours, llhttp),
            "{name}: ours {ours}, h11 {h11}, llhttp {llhttp}"
        );
        let (by_h11, by_llhttp) = (agrees(&ours, h11), agrees(&ours, llhttp));
        h11_agrees += usize::from(by_h11);
        llhttp_agrees += usize::from(by_llhttp);
        if !by_h11 || !by_llhttp {
            table += &format!("{name}: ours {ours}; h11 {h11}; llhttp {llhttp}\n");
        }
    }
    let header = format!(
        "{versions}\n{} inputs; h11 reads {h11_agrees} as we do, llhttp {llhttp_agrees}\n",
        named.len()
    );
    insta::assert_snapshot!("request_readings_ch08", header + &table);
}
