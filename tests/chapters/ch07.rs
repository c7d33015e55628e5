//! Chapter 7: the parser against its table of named cases (each fed whole,
//! in two reads split at every byte, and one byte at a time), its limits at
//! the limit and one byte past it, and the program: `--stdin`, and the
//! server answering curl, nc's bytes and bad requests.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ch07_request_parser::cases::{CASES, Case, Expect};
use ch07_request_parser::{Error, Field, Limits, Parsed, Rule, parse};

use ch01_raw_server::printable;

use crate::support::{self, Client, Normalizer, Program, WAIT, curl, visible};

const CHAPTER: &str = "ch07-request-parser";

/// A parse's outcome as plain data, so two outcomes compare with `==`.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Partial,
    Request {
        method: String,
        target: String,
        form: String,
        version: String,
        fields: Vec<(String, Vec<u8>)>,
        used: usize,
    },
    Reject(Error),
}

fn outcome(input: &[u8], limits: &Limits) -> Outcome {
    let mut fields: Vec<Field> = Vec::new();
    match parse(input, limits, &mut fields) {
        Ok(Parsed::Partial) => Outcome::Partial,
        Ok(Parsed::Complete(r)) => Outcome::Request {
            method: r.method.to_string(),
            target: r.target.raw.to_string(),
            form: r.target.form.to_string(),
            version: r.version.to_string(),
            fields: r
                .fields
                .iter()
                .map(|f| (f.name_str().to_string(), f.value.to_vec()))
                .collect(),
            used: r.used,
        },
        Err(error) => Outcome::Reject(error),
    }
}

fn expected(case: &Case) -> Outcome {
    match case.expect {
        Expect::Request {
            method,
            target,
            form,
            version,
            fields,
            used,
        } => Outcome::Request {
            method: method.to_string(),
            target: target.to_string(),
            form: form.to_string(),
            version: version.to_string(),
            fields: fields
                .iter()
                .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
                .collect(),
            used,
        },
        Expect::Reject { rule, offset, .. } => Outcome::Reject(Error { rule, offset }),
    }
}

/// What a server sees reading `input` in pieces of the given sizes: it parses
/// everything so far after each read and stops at the first answer.
fn fed(input: &[u8], pieces: impl Iterator<Item = usize>) -> Outcome {
    let mut buf = Vec::new();
    let mut rest = input;
    for size in pieces {
        let (piece, after) = rest.split_at(size.min(rest.len()));
        buf.extend_from_slice(piece);
        rest = after;
        let now = outcome(&buf, &Limits::DEFAULT);
        if now != Outcome::Partial || rest.is_empty() {
            return now;
        }
    }
    outcome(&buf, &Limits::DEFAULT)
}

/// Every row of the table: the expected outcome and status, fed whole, in two
/// reads split at every position, and one byte at a time.
#[test]
fn every_case_fed_whole_split_and_byte_by_byte() {
    for case in CASES {
        let want = expected(case);
        let input = case.input;
        let whole = outcome(input, &Limits::DEFAULT);
        assert_eq!(whole, want, "{} ({})", case.name, case.rfc);
        if let Expect::Reject { rule, status, .. } = case.expect {
            assert_eq!(rule.status(), status, "{}: the status", case.name);
        }
        for split in 0..=input.len() {
            let two = [split, input.len()].into_iter();
            assert_eq!(fed(input, two), want, "{}: split at {split}", case.name);
        }
        let bytewise = fed(input, std::iter::repeat(1));
        assert_eq!(bytewise, want, "{}: one byte at a time", case.name);
    }
}

/// A prefix is `Partial` until the byte at fault (or the end of the head);
/// past it, `Partial` or the very same rejection, never another answer.
#[test]
fn no_answer_before_the_byte_that_decides() {
    for case in CASES {
        let want = expected(case);
        let decides = match case.expect {
            Expect::Request { used, .. } => used,
            Expect::Reject { offset, .. } => offset + 1,
        };
        for k in 0..=case.input.len() {
            let got = outcome(&case.input[..k], &Limits::DEFAULT);
            if k < decides {
                assert_eq!(got, Outcome::Partial, "{}: prefix {k}", case.name);
            } else if got != Outcome::Partial {
                assert_eq!(got, want, "{}: prefix {k}", case.name);
            }
        }
    }
}

/// The table covers every rule the parser can break, and each name is unique.
#[test]
fn the_table_covers_every_rule() {
    let mut names: Vec<_> = CASES.iter().map(|case| case.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), CASES.len(), "case names are unique");
    let parser_rules = [
        Rule::Method,
        Rule::RequestLine,
        Rule::Target,
        Rule::PctEncoded,
        Rule::AbsoluteForm,
        Rule::AuthorityForm,
        Rule::AsteriskForm,
        Rule::Version,
        Rule::VersionNotSupported,
        Rule::BareCr,
        Rule::FieldLine,
        Rule::FieldName,
        Rule::SpaceBeforeColon,
        Rule::FieldValue,
        Rule::ObsFold,
        Rule::SpaceAfterStartLine,
        Rule::MissingHost,
        Rule::DuplicateHost,
        Rule::HostValue,
    ];
    for rule in parser_rules {
        let covered = CASES
            .iter()
            .any(|case| matches!(case.expect, Expect::Reject { rule: r, .. } if r == rule));
        assert!(covered, "no row for {rule:?}");
    }
}

/// Field lookup ignores the letter case of the name; `field` finds the first
/// line, `field_values` every line, in order; the body is not read.
#[test]
fn lookup_by_name() {
    let input = b"POST /echo HTTP/1.1\r\nHost: x\r\nAccept: a\r\n\
                  ACCEPT: b\r\naccept:c\r\n\r\nbody";
    let mut fields = Vec::new();
    let Ok(Parsed::Complete(request)) = parse(input, &Limits::DEFAULT, &mut fields) else {
        panic!("a complete head");
    };
    assert_eq!(request.field("HOST"), Some(&b"x"[..]));
    assert_eq!(request.field("accept"), Some(&b"a"[..]));
    let all: Vec<_> = request.field_values("Accept").collect();
    assert_eq!(all, [&b"a"[..], b"b", b"c"]);
    assert_eq!(request.field("Content-Length"), None);
    assert_eq!(&input[request.used..], b"body");
}

/// Two pipelined requests: the second one starts where the first one's
/// `used` ends.
#[test]
fn pipelined_requests_parse_one_after_the_other() {
    let input = b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: y\r\n\r\n";
    let mut fields = Vec::new();
    let Ok(Parsed::Complete(first)) = parse(input, &Limits::DEFAULT, &mut fields) else {
        panic!("the first request");
    };
    assert_eq!(first.target.raw, "/1");
    let rest = &input[first.used..];
    let mut fields = Vec::new();
    let Ok(Parsed::Complete(second)) = parse(rest, &Limits::DEFAULT, &mut fields) else {
        panic!("the second request");
    };
    assert_eq!(
        (second.target.raw, second.field("host")),
        ("/2", Some(&b"y"[..]))
    );
    assert_eq!(second.used, rest.len());
}

fn limits(max_request_line: usize, max_head: usize, max_fields: usize) -> Limits {
    Limits {
        max_request_line,
        max_head,
        max_fields,
    }
}

fn rejected(rule: Rule, offset: usize) -> Outcome {
    Outcome::Reject(Error { rule, offset })
}

/// `max_request_line` counts the line without its CRLF: a line of exactly the
/// limit parses, one byte more is 414 at the byte past the limit, also while
/// the line is still arriving and also with a bare LF.
#[test]
fn request_line_limit() {
    let head = |target: &str| format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
    let line = "GET /0123456789 HTTP/1.1".len();
    let at = limits(line, 1024, 10);
    let fits = head("/0123456789");
    assert!(matches!(
        outcome(fits.as_bytes(), &at),
        Outcome::Request { .. }
    ));
    let lf = fits.replace("\r\n", "\n");
    assert!(matches!(
        outcome(lf.as_bytes(), &at),
        Outcome::Request { .. }
    ));
    let over = head("/0123456789a");
    let too_long = rejected(Rule::RequestLineTooLong, line);
    assert_eq!(outcome(over.as_bytes(), &at), too_long);
    assert_eq!(outcome(&over.as_bytes()[..line + 1], &at), too_long);
    assert_eq!(outcome(&over.as_bytes()[..line], &at), Outcome::Partial);
    assert_eq!(Rule::RequestLineTooLong.status(), 414);
    // leading empty lines are not part of the request-line
    let skipped = format!("\r\n\r\n{fits}");
    assert!(matches!(
        outcome(skipped.as_bytes(), &at),
        Outcome::Request { .. }
    ));
}

/// `max_head` counts every byte up to and including the empty line.
#[test]
fn head_limit() {
    let head = b"GET / HTTP/1.1\r\nHost: x\r\nX: 0123456789\r\n\r\n";
    let at = limits(1024, head.len(), 10);
    assert!(matches!(outcome(head, &at), Outcome::Request { .. }));
    let mut body = head.to_vec();
    body.extend_from_slice(b"and a body after it");
    assert!(matches!(outcome(&body, &at), Outcome::Request { .. }));
    let one_less = limits(1024, head.len() - 1, 10);
    let too_large = rejected(Rule::HeadTooLarge, head.len() - 1);
    assert_eq!(outcome(head, &one_less), too_large);
    assert_eq!(
        outcome(&head[..head.len() - 1], &one_less),
        Outcome::Partial
    );
    assert_eq!(Rule::HeadTooLarge.status(), 431);
    // empty lines before the request-line count toward the head
    let mut leading = b"\r\n".to_vec();
    leading.extend_from_slice(head);
    assert_eq!(
        outcome(&leading, &at),
        rejected(Rule::HeadTooLarge, head.len())
    );
}

/// `max_fields` field lines parse; one more is 431 at its first byte.
#[test]
fn field_count_limit() {
    let mut head = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 1..5 {
        head.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
    }
    let fifth_line = head.len();
    head.extend_from_slice(b"X-5: 5\r\n\r\n");
    let five = limits(1024, 1024, 6);
    let Outcome::Request { fields, .. } = outcome(&head, &five) else {
        panic!("six fields fit a limit of six");
    };
    assert_eq!(fields.len(), 6);
    let at = limits(1024, 1024, 5);
    let too_many = rejected(Rule::TooManyFields, fifth_line);
    assert_eq!(outcome(&head, &at), too_many);
    assert_eq!(outcome(&head[..fifth_line], &at), Outcome::Partial);
    assert_eq!(Rule::TooManyFields.status(), 431);
}

/// The defaults the `--help` text and the page promise.
#[test]
fn default_limits() {
    assert_eq!(Limits::DEFAULT, limits(8192, 65536, 100));
    assert_eq!(Limits::default(), Limits::DEFAULT);
}

/// Runs `--stdin` with `input` on standard input; the transcript shows the
/// `printf | cargo run` a reader types, then stdout, then stderr.
fn stdin_run(input: &[u8], args: &[&str]) -> (String, Option<i32>) {
    let mut child = Command::new(support::binary(CHAPTER))
        .arg("--stdin")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the chapter");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin.write_all(input).expect("write the head");
    drop(stdin); // EOF, as printf's end is
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            break status;
        }
        assert!(Instant::now() < deadline, "--stdin did not exit");
        std::thread::sleep(Duration::from_millis(2)); // polling for exit
    };
    let mut out = String::new();
    let mut err = String::new();
    let _ = child.stdout.take().expect("piped").read_to_string(&mut out);
    let _ = child.stderr.take().expect("piped").read_to_string(&mut err);
    let mut extra = args.join(" ");
    if !extra.is_empty() {
        extra.insert(0, ' ');
    }
    let shown = format!(
        "$ printf '{}' | cargo run -q -p {CHAPTER} -- --stdin{extra}\n{out}{err}",
        printf_format(input)
    );
    (shown, status.code())
}

/// `input` as a printf format a shell prints back byte for byte.
fn printf_format(input: &[u8]) -> String {
    let mut out = String::new();
    for &b in input {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            b'\\' => out.push_str("\\\\"),
            b'%' => out.push_str("%%"),
            b'\'' => out.push_str("'\\''"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// `--stdin`: a head described part by part (exit status 0), a head followed
/// by a body, and rejected heads, one line each (exit status 1).
#[test]
fn stdin_describes_a_head() {
    let (ok, status) = stdin_run(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", &[]);
    assert_eq!(status, Some(0), "{ok}");
    let (body, status) = stdin_run(
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        &[],
    );
    assert_eq!(status, Some(0), "{body}");
    insta::assert_snapshot!("stdin", format!("{ok}{body}"));

    let mut shown = String::new();
    for (input, args) in [
        (&b"GET / HTTP/1.1\r\nHost : x\r\n\r\n"[..], &[][..]),
        (b"GET / HTTP/1.1\r\nHost: x\r\n", &[]),
        (
            b"GET /a-long-path HTTP/1.1\r\nHost: x\r\n\r\n",
            &["--max-request-line", "16"],
        ),
    ] {
        let (text, status) = stdin_run(input, args);
        assert_eq!(status, Some(1), "{text}");
        shown += &text;
    }
    insta::assert_snapshot!("stdin_rejected", shown);
}

/// curl's request, described back to it as `text/plain`.
#[test]
fn curl_gets_a_description() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let Some(output) = curl(addr, "/hello?lang=ko", &["--include"]) else {
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    server.wait_for("answered");
    let mut ports = Normalizer::new(addr);
    let shown = format!(
        "$ curl --include 'http://127.0.0.1:{}/hello?lang=ko'\n{}",
        addr.port(),
        visible(&output.stdout)
    );
    insta::assert_snapshot!("curl", ports.apply(&shown));
    insta::assert_snapshot!("curl_server", ports.apply(&server.interrupt().stdout));
}

/// Sends `request` on a connection of its own, as `printf … | nc` does, and
/// returns the response once the server closes.
fn exchange(addr: std::net::SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut client = Client::connect(addr);
    client.write(request);
    client.read_to_end()
}

/// The status line and the body of a response, for a compact transcript.
fn status_and_body(response: &[u8]) -> String {
    let text = String::from_utf8_lossy(response);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.lines().next().unwrap_or_default();
    format!("{status}\n{body}")
}

/// What nc shows: the bytes of two requests a reader types by hand, one
/// fine (bare LF line ends, as a terminal sends them), one with a space
/// before the colon; and the server's log of both.
#[test]
fn nc_requests() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut shown = String::new();
    for request in [
        &b"GET /typed HTTP/1.1\nHost: 127.0.0.1\nAccept: */*\n\n"[..],
        b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
    ] {
        let response = exchange(addr, request);
        server.wait_for("answered");
        shown += &format!(
            "$ printf '{}' | nc 127.0.0.1 5000\n{}",
            printf_format(request),
            visible(&response)
        );
    }
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("nc", ports.apply(&shown));
    insta::assert_snapshot!("nc_server", ports.apply(&server.interrupt().stdout));
}

/// Every rejected row of the table, sent to the server: the status line and
/// the one-line reason it answers each with.
#[test]
fn bad_requests_get_their_status() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut shown = String::new();
    for case in CASES {
        let Expect::Reject { status, .. } = case.expect else {
            continue;
        };
        let response = exchange(addr, case.input);
        server.wait_for("answered");
        let answer = status_and_body(&response);
        let wanted = format!("HTTP/1.1 {status} ");
        assert!(answer.starts_with(&wanted), "{}: {answer}", case.name);
        // the body is one line, and it starts with the status
        let (_, reason) = answer.split_once('\n').unwrap_or_default();
        shown += &format!("# {} ({})\n", case.name, case.rfc);
        for line in case.input.split_inclusive(|&b| b == b'\n') {
            shown += &format!("> {}\n", printable(line));
        }
        shown += &format!("< {reason}");
    }
    insta::assert_snapshot!("bad_requests", shown);
}

/// The limits as options: a head at each limit is answered 200, one byte
/// (or one field) past it 414 or 431; a client that closes mid-head gets
/// 400, one that says nothing is closed after the head timeout.
#[test]
fn limits_and_cut_off_heads() {
    let args = [
        "--max-request-line",
        "32",
        "--max-head",
        "128",
        "--max-fields",
        "3",
        "--head-timeout",
        "50ms",
    ];
    let (mut server, addr) = Program::server(CHAPTER, &args);
    let line_at = b"GET /123456789012345678 HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_eq!(line_at.iter().position(|&b| b == b'\r'), Some(32));
    let line_over = b"GET /1234567890123456789 HTTP/1.1\r\nHost: x\r\n\r\n";
    let fields_at = b"GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\n";
    let fields_over = b"GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    let mut head_at = b"GET / HTTP/1.1\r\nHost: x\r\nA: ".to_vec();
    head_at.resize(128 - 4, b'a');
    head_at.extend_from_slice(b"\r\n\r\n");
    let mut head_over = head_at.clone();
    head_over.insert(40, b'a');
    let mut shown = String::new();
    for (name, request, status) in [
        ("a 32-byte request-line", &line_at[..], 200),
        ("a 33-byte request-line", line_over, 414),
        ("3 field lines", fields_at, 200),
        ("4 field lines", fields_over, 431),
        ("a 128-byte head", &head_at, 200),
        ("a 129-byte head", &head_over, 431),
    ] {
        let response = exchange(addr, request);
        server.wait_for("answered");
        let answer = status_and_body(&response);
        let line = answer.lines().next().unwrap_or_default();
        assert!(
            line.starts_with(&format!("HTTP/1.1 {status} ")),
            "{name}: {answer}"
        );
        shown += &format!("# {name}\n< {line}\n");
    }
    insta::assert_snapshot!("limits", shown);

    let mut cut = Client::connect(addr);
    cut.write(b"GET / HTTP/1.1\r\nHost: x\r\n");
    cut.shutdown_write();
    let answer = status_and_body(&cut.read_to_end());
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    server.wait_for("answered 400");
    let mut silent = Client::connect(addr);
    assert_eq!(silent.read_to_end(), b"", "closed after the head timeout");
    server.wait_for("no complete head within 50ms");
    Client::connect(addr).shutdown_write();
    server.wait_for("closed without sending a request");
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("limits_server", ports.apply(&server.interrupt().stdout));
}

/// A head that arrives one byte per write still parses (the parser looks at
/// everything so far after every read), and the answer is the same.
#[test]
fn a_head_in_many_writes() {
    let (_server, addr) = Program::server(CHAPTER, &[]);
    let request = b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
    let whole = status_and_body(&exchange(addr, request));
    let mut client = Client::connect(addr);
    client.stream.set_nodelay(true).expect("TCP_NODELAY");
    for byte in request {
        client.write(std::slice::from_ref(byte));
    }
    let split = status_and_body(&client.read_to_end());
    assert_eq!(split, whole);
    assert!(whole.starts_with("HTTP/1.1 200 OK\n"), "{whole}");
}

/// `--help` describes every option.
#[test]
fn help_describes_every_option() {
    let output = Program::start(CHAPTER, &["--help"]).finish();
    assert!(output.status.success());
    for option in [
        "--addr",
        "--stdin",
        "--max-request-line",
        "--max-head",
        "--max-fields",
        "--head-timeout",
    ] {
        let described = output.stdout.lines().any(|line| {
            let line = line.trim_start();
            line.starts_with(option) && line.len() > option.len() + 8
        });
        assert!(
            described,
            "--help does not describe {option}:\n{}",
            output.stdout
        );
    }
}

/// Bytes that end before any line does, then the client's FIN: the server
/// still names the rule they broke (here a TLS ClientHello's first bytes:
/// a control byte where the request-line should start), rather than only
/// "closed early".
#[test]
fn a_rule_broken_before_the_fin_is_named() {
    let (_server, addr) = Program::server(CHAPTER, &[]);
    let mut client = Client::connect(addr);
    client.write(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03");
    client.shutdown_write();
    let answer = status_and_body(&client.read_to_end());
    assert!(
        answer.starts_with(
            "HTTP/1.1 400 Bad Request\n400 Bad Request: request-line = method SP \
             request-target SP HTTP-version (RFC 9112 §3) at byte 0"
        ),
        "{answer}"
    );
}
