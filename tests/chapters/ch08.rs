//! Chapter 8: the framing and chunked tables (each row fed whole, in two
//! reads split at every byte, and one byte at a time), the body limits at
//! the limit and one byte past it, and the server: two requests on one
//! connection (curl), a pipelined pair, chunked uploads, HEAD,
//! 100-continue, HTTP/1.0 keep-alive, and every refused request.

use std::net::SocketAddr;

use ch01_raw_server::printable;
use ch07_request_parser::{Limits, Parsed, parse};
use ch08_persistent::body::Body;
use ch08_persistent::cases::{CASES_CHUNKED, CASES_FRAMING, Case, Expect};
use ch08_persistent::chunked::{MAX_CHUNK_LINE, Step};
use ch08_persistent::framing::Framing;
use ch08_persistent::request::Exchange;
use ch08_persistent::{Config, Rule};

use crate::support::{Client, Normalizer, Program, curl, tcp_socket, visible};

const CHAPTER: &str = "ch08-persistent";

/// What reading one request from some bytes came to, as plain data.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The input ended first.
    Partial,
    Body {
        framing: Framing,
        body: Vec<u8>,
        trailers: usize,
        rest: Vec<u8>,
    },
    Reject(Rule),
    Head(ch07_request_parser::Rule),
}

fn expected(case: &Case) -> Outcome {
    match case.expect {
        Expect::Body {
            framing,
            body,
            trailers,
            rest,
        } => Outcome::Body {
            framing,
            body: body.to_vec(),
            trailers,
            rest: rest.to_vec(),
        },
        Expect::Reject(rule) => Outcome::Reject(rule),
        Expect::Head(rule) => Outcome::Head(rule),
    }
}

/// Reads one request the way a connection does, from `input` arriving in
/// pieces of the given sizes: the head is parsed again after each piece
/// until it is complete, then its bytes are dropped and the body is
/// decoded from what is left, each step's bytes dropped in turn.
fn fed(input: &[u8], pieces: impl Iterator<Item = usize>, config: &Config) -> Outcome {
    let mut buf = Vec::new();
    let mut rest = input;
    let mut reading: Option<(Framing, Body)> = None;
    let mut body = Vec::new();
    for size in pieces {
        let (piece, after) = rest.split_at(size.min(rest.len()));
        buf.extend_from_slice(piece);
        rest = after;
        loop {
            let Some((framing, decoder)) = &mut reading else {
                let mut fields = Vec::new();
                let exchange = match parse(&buf, &config.limits, &mut fields) {
                    Ok(Parsed::Partial) => break,
                    Err(error) => return Outcome::Head(error.rule),
                    Ok(Parsed::Complete(request)) => {
                        (request.used, Exchange::new(&request, config))
                    }
                };
                let (used, exchange) = exchange;
                let exchange = match exchange {
                    Ok(exchange) => exchange,
                    Err(rule) => return Outcome::Reject(rule),
                };
                buf.drain(..used);
                let decoder = Body::new(exchange.framing, config.max_body, &config.limits);
                reading = Some((exchange.framing, decoder));
                continue;
            };
            match decoder.step(&buf) {
                Err(rule) => return Outcome::Reject(rule),
                Ok(Step::More) => break,
                Ok(Step::Framing(n)) => drop(buf.drain(..n)),
                Ok(Step::Data(n)) => body.extend(buf.drain(..n)),
                Ok(Step::End(n)) => {
                    buf.drain(..n);
                    buf.extend_from_slice(rest);
                    let trailers = match decoder {
                        Body::Chunked(chunks) => chunks.trailers,
                        Body::Length(_) => 0,
                    };
                    return Outcome::Body {
                        framing: *framing,
                        body,
                        trailers,
                        rest: buf,
                    };
                }
            }
        }
        if rest.is_empty() {
            break;
        }
    }
    Outcome::Partial
}

fn whole(input: &[u8], config: &Config) -> Outcome {
    fed(input, std::iter::once(input.len()), config)
}

/// Every row of both tables: the expected outcome, fed whole, in two reads
/// split at every position, and one byte at a time; and a status per rule.
#[test]
fn every_case_fed_whole_split_and_byte_by_byte() {
    let config = Config::DEFAULT;
    for case in CASES_FRAMING.iter().chain(CASES_CHUNKED) {
        let want = expected(case);
        let input = case.input;
        assert_eq!(whole(input, &config), want, "{} ({})", case.name, case.rfc);
        for split in 0..=input.len() {
            let two = [split, input.len()].into_iter();
            let got = fed(input, two, &config);
            assert_eq!(got, want, "{}: split at {split}", case.name);
        }
        let bytewise = fed(input, std::iter::repeat(1), &config);
        assert_eq!(bytewise, want, "{}: one byte at a time", case.name);
    }
}

/// The tables name each case once, and cover every rule of this chapter
/// but the limits (their own tests below).
#[test]
fn the_tables_cover_every_rule() {
    let cases: Vec<&Case> = CASES_FRAMING.iter().chain(CASES_CHUNKED).collect();
    let mut names: Vec<_> = cases.iter().map(|case| case.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    use Rule::*;
    for rule in [
        EmptyHost,
        ContentLength,
        DifferentLengths,
        LengthAndChunked,
        Http10Chunked,
        FinalNotChunked,
        ChunkedTwice,
        UnknownCoding,
        ChunkSize,
        ChunkExtension,
        BareLf,
        ChunkDataEnd,
        TrailerField,
        BodyTooLarge,
        Expectation,
    ] {
        let covered = cases.iter().any(|case| case.expect == Expect::Reject(rule));
        assert!(covered, "no row for {rule:?}");
    }
    let statuses = [
        (UnknownCoding, 501),
        (BodyTooLarge, 413),
        (Expectation, 417),
        (TooManyTrailers, 431),
        (TrailerTooLarge, 431),
        (ChunkLineTooLong, 400),
        (LengthAndChunked, 400),
    ];
    for (rule, status) in statuses {
        assert_eq!(rule.status(), status, "{rule:?}");
    }
}

fn post(fields: &str, body: &[u8]) -> Vec<u8> {
    let mut input = format!("POST /echo HTTP/1.1\r\nHost: x\r\n{fields}\r\n").into_bytes();
    input.extend_from_slice(body);
    input
}

fn read_body(input: &[u8], config: &Config) -> Result<Vec<u8>, Rule> {
    match whole(input, config) {
        Outcome::Body { body, .. } => Ok(body),
        Outcome::Reject(rule) => Err(rule),
        other => panic!("{other:?}"),
    }
}

/// `--max-body` bytes are read, one more is 413: by Content-Length before
/// the body is read, and for a chunked body at the chunk-size line that
/// passes it, whatever the split.
#[test]
fn body_limit() {
    let config = Config {
        max_body: 5,
        ..Config::DEFAULT
    };
    let at = post("Content-Length: 5\r\n", b"hello");
    assert_eq!(read_body(&at, &config), Ok(b"hello".to_vec()));
    let over = post("Content-Length: 6\r\n", b"hello!");
    assert_eq!(read_body(&over, &config), Err(Rule::BodyTooLarge));
    let chunked = "Transfer-Encoding: chunked\r\n";
    let at = post(chunked, b"3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n");
    assert_eq!(read_body(&at, &config), Ok(b"hello".to_vec()));
    let over = post(chunked, b"3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n");
    assert_eq!(read_body(&over, &config), Err(Rule::BodyTooLarge));
    for split in 0..=over.len() {
        let two = [split, over.len()].into_iter();
        let got = fed(&over, two, &config);
        assert_eq!(got, Outcome::Reject(Rule::BodyTooLarge), "split at {split}");
    }
    assert_eq!(Config::DEFAULT.max_body, 1024 * 1024);
}

/// A chunk-size line of MAX_CHUNK_LINE bytes (extensions included) is
/// read; one byte more is 400, also when it has not ended yet.
#[test]
fn chunk_line_limit() {
    let config = Config::DEFAULT;
    let line = |len: usize| {
        let mut line = b"5;x=".to_vec();
        line.resize(len, b'a');
        line
    };
    let body = |line: Vec<u8>| {
        let mut body = line;
        body.extend_from_slice(b"\r\nhello\r\n0\r\n\r\n");
        post("Transfer-Encoding: chunked\r\n", &body)
    };
    let at = body(line(MAX_CHUNK_LINE));
    assert_eq!(read_body(&at, &config), Ok(b"hello".to_vec()));
    let over = body(line(MAX_CHUNK_LINE + 1));
    assert_eq!(read_body(&over, &config), Err(Rule::ChunkLineTooLong));
    let unended = post("Transfer-Encoding: chunked\r\n", &line(MAX_CHUNK_LINE + 2));
    assert_eq!(
        whole(&unended, &config),
        Outcome::Reject(Rule::ChunkLineTooLong)
    );
    let waiting = post("Transfer-Encoding: chunked\r\n", &line(MAX_CHUNK_LINE + 1));
    assert_eq!(
        whole(&waiting, &config),
        Outcome::Partial,
        "its CR may come"
    );
}

/// The trailer section is held to the head's limits: `--max-fields` lines
/// and `--max-head` bytes (CRLFs included) are read, one more is 431.
#[test]
fn trailer_limits() {
    let config = Config {
        limits: Limits {
            max_fields: 2,
            max_head: 100,
            ..Limits::DEFAULT
        },
        ..Config::DEFAULT
    };
    let chunked = |trailers: &[String]| {
        let body = format!("0\r\n{}\r\n", trailers.concat());
        post("Transfer-Encoding: chunked\r\n", body.as_bytes())
    };
    // a field line of `len` bytes, its CRLF included
    let line = |name: &str, len: usize| format!("{name}: {}\r\n", "v".repeat(len - 5));
    let at = chunked(&[line("A", 50), line("B", 50)]);
    assert!(matches!(
        whole(&at, &config),
        Outcome::Body { trailers: 2, .. }
    ));
    let too_large = chunked(&[line("A", 50), line("B", 51)]);
    assert_eq!(
        whole(&too_large, &config),
        Outcome::Reject(Rule::TrailerTooLarge)
    );
    let too_many = chunked(&[line("A", 6), line("B", 6), line("C", 6)]);
    assert_eq!(
        whole(&too_many, &config),
        Outcome::Reject(Rule::TooManyTrailers)
    );
}

/// A client connection that reads one response at a time, keeping what
/// follows it (the next pipelined response).
struct Http {
    client: Client,
    buf: Vec<u8>,
}

impl Http {
    fn connect(addr: SocketAddr) -> Http {
        Http {
            client: Client::connect(addr),
            buf: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.client.write(bytes);
    }

    /// Reads more; false at the server's FIN.
    fn fill(&mut self) -> bool {
        let more = self.client.read_once().expect("read from the server");
        self.buf.extend_from_slice(&more);
        !more.is_empty()
    }

    /// Waits until `buf` holds `n` bytes.
    fn want(&mut self, n: usize) {
        while self.buf.len() < n {
            assert!(
                self.fill(),
                "the server closed; so far:\n{}",
                visible(&self.buf)
            );
        }
    }

    /// One response: a 1xx head, or a whole response framed by
    /// Content-Length or chunked (no body after a HEAD).
    fn response(&mut self, head_only: bool) -> Vec<u8> {
        let end = loop {
            if let Some(at) = find(&self.buf, b"\r\n\r\n") {
                break at + 4;
            }
            assert!(
                self.fill(),
                "the server closed; so far:\n{}",
                visible(&self.buf)
            );
        };
        let head = String::from_utf8_lossy(&self.buf[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .map(|n| n.trim().parse::<usize>().expect("a length"));
        let mut used = end;
        if head.starts_with("http/1.1 1") || head_only {
        } else if let Some(n) = length {
            used += n;
        } else if head.contains("transfer-encoding: chunked") {
            loop {
                let line = loop {
                    if let Some(at) = find(&self.buf[used..], b"\r\n") {
                        break at;
                    }
                    assert!(self.fill(), "closed inside a chunk");
                };
                let text = String::from_utf8_lossy(&self.buf[used..used + line]);
                let size = usize::from_str_radix(&text, 16).expect("a chunk-size");
                used += line + 2 + size + if size == 0 { 0 } else { 2 };
                if size == 0 {
                    used += 2;
                    break;
                }
                self.want(used);
            }
        }
        self.want(used);
        self.buf.drain(..used).collect()
    }

    /// The server closed the connection with nothing more to read.
    fn closed(&mut self) -> bool {
        !self.fill() && self.buf.is_empty()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `input` as a printf format a shell prints back byte for byte.
fn printf_format(input: &[u8]) -> String {
    let mut out = String::new();
    for &b in input {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\\' => out.push_str("\\\\"),
            b'%' => out.push_str("%%"),
            b'\'' => out.push_str("'\\''"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// curl with two URLs: one connection, two requests (`Re-using existing
/// connection`), and the server's log shows one `connected` for both.
#[test]
fn curl_two_requests_on_one_connection() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    // curl puts the URL it is given last: "/" goes first in the arguments
    let first = format!("http://{addr}/");
    let args = ["--verbose", "-o", "/dev/null", "-o", "/dev/null", &first];
    let Some(output) = curl(addr, "/headers", &args) else {
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verbose = String::from_utf8_lossy(&output.stderr);
    assert!(
        verbose.contains("Re-using existing connection"),
        "{verbose}"
    );
    server.wait_for("closed by the client after 2 requests");
    // curl's own notes vary with its version; its requests and the
    // responses do not
    let shown: Vec<String> = verbose
        .lines()
        .filter(|line| {
            line.starts_with("> ")
                || line.starts_with("< ")
                || line.contains("Connected to")
                || line.contains("Re-using")
        })
        .map(|line| match line.strip_prefix("< Date: ") {
            Some(_) => "< Date: <date>".to_string(),
            None => line.replace(&format!("port {}", addr.port()), "port 5000"),
        })
        .collect();
    let mut ports = Normalizer::new(addr);
    let command = format!(
        "$ curl -v -o /dev/null -o /dev/null http://127.0.0.1:{port}/ \
         http://127.0.0.1:{port}/headers\n{}",
        shown.join("\n"),
        port = addr.port(),
    );
    insta::assert_snapshot!("curl_two", ports.apply(&command));
    insta::assert_snapshot!("curl_two_server", ports.apply(&server.interrupt().stdout));
}

/// Three requests in one write: two responses, in order; the second asked
/// for the close, and the server closes after it, leaving the third
/// unanswered (RFC 9112 §9.6).
#[test]
fn pipelined_pair() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let requests = b"GET /headers HTTP/1.1\r\nHost: x\r\nX-Order: first\r\n\r\n\
        GET /headers HTTP/1.1\r\nHost: x\r\nX-Order: second\r\nConnection: close\r\n\r\n\
        GET /never-answered HTTP/1.1\r\nHost: x\r\n\r\n";
    let mut http = Http::connect(addr);
    http.send(requests);
    let first = http.response(false);
    let second = http.response(false);
    assert!(http.closed(), "closed after the second response");
    server.wait_for("→ 200 OK, closing");
    let shown = format!(
        "$ printf '{}' | nc 127.0.0.1 5000\n{}{}",
        printf_format(requests),
        visible(&first),
        visible(&second)
    );
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("pipelined", ports.apply(&shown));
    insta::assert_snapshot!("pipelined_server", ports.apply(&server.interrupt().stdout));
}

/// The server's socket, as the kernel's table shows it: whether a process
/// still holds it (a socket closed by its process stays in the table,
/// orphaned, with inode 0, until the kernel has finished the close).
fn held_by_a_process(local: SocketAddr, peer: SocketAddr) -> Option<bool> {
    tcp_socket(local, peer).map(|socket| socket.inode != 0)
}

/// A request with `Connection: close`, answered whole, nothing read past
/// it: the server closes at once, without chapter 5's drain, since "A
/// client that sends a "close" connection option MUST NOT send further
/// requests on that connection" (RFC 9112 §9.6). Its close(2) sends the
/// FIN, so once we have read to the end of the stream the server's process
/// has let go of its socket (with the drain it would hold it until our FIN,
/// or for up to 2 s). The connection still ends without RST.
#[test]
fn a_client_close_is_not_drained() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut client = Client::connect(addr);
    client.write(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let response = client.read_to_end();
    assert!(
        response.starts_with(b"HTTP/1.1 200 OK\r\n"),
        "{}",
        visible(&response)
    );
    let ours = client.stream.local_addr().expect("local address");
    assert_eq!(
        held_by_a_process(addr, ours),
        Some(false),
        "after its FIN the server still holds its socket: it is draining"
    );
    client.shutdown_write();
    let error = client.closed_error(addr);
    assert!(error.is_none(), "the connection was reset: {error:?}");
    server.wait_for("GET / HTTP/1.1 → 200 OK, closing");
}

/// A client that asks for the close and sends more anyway: the start of
/// a next request in the same write (one segment on loopback, so the
/// server's one read takes it with the first), the rest of it after the
/// server's FIN. Bytes past the request are in the server's buffer, so it
/// drains as chapter 5 does, and reads the late bytes too: no RST. (Closed
/// at once, its kernel would answer them with RST, RFC 9293 §3.6.1.)
#[test]
fn a_request_after_close_is_drained() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut client = Client::connect(addr);
    let first = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    client.write(&[&first[..], b"GET /late HTTP/1.1\r\n"].concat());
    let response = client.read_to_end();
    assert!(
        response.starts_with(b"HTTP/1.1 200 OK\r\n"),
        "{}",
        visible(&response)
    );
    assert!(
        response.ends_with(b"</html>\n"),
        "one whole response, then the FIN"
    );
    client.write(b"Host: x\r\n\r\n");
    // a server that closed at once has reset the connection by now, or
    // will; either way our socket records it
    let _ = client.stream.shutdown(std::net::Shutdown::Write);
    let error = client.closed_error(addr);
    assert!(error.is_none(), "the connection was reset (RST): {error:?}");
    server.wait_for("GET / HTTP/1.1 → 200 OK, closing");
}

/// Linux copies TCP_NODELAY from a listening socket to the sockets accept()
/// makes of it, so `no_delay` sets it once, on the listener, and every
/// connection has Nagle's algorithm off (for the echo's pieces) without a
/// setsockopt of its own. Off by default: a listener without it hands out
/// sockets without it.
#[test]
fn accepted_sockets_inherit_nodelay() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local address");
        let accepted_nodelay = async || {
            let _client = tokio::net::TcpStream::connect(addr).await.expect("connect");
            let (stream, _) = listener.accept().await.expect("accept");
            stream.nodelay().expect("read TCP_NODELAY")
        };
        assert!(!accepted_nodelay().await, "on by default");
        ch08_persistent::no_delay(&listener).expect("set TCP_NODELAY on the listener");
        assert!(
            accepted_nodelay().await,
            "the accepted socket did not get it"
        );
    });
}

/// `curl -T` with `Transfer-Encoding: chunked`: curl asks for 100-continue,
/// gets it, sends its chunks, and gets them back as chunks. Then a
/// chunked body by hand, with an extension and a trailer, and a request
/// pipelined after it.
#[test]
fn chunked_uploads() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let dir = std::env::temp_dir().join(format!("ch08-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let file = dir.join("upload.txt");
    std::fs::write(&file, "hello, chunked world\n").expect("write the upload");
    let file = file.to_string_lossy().to_string();
    let args = ["--include", "-T", &file, "-H", "Transfer-Encoding: chunked"];
    let Some(output) = curl(addr, "/echo", &args) else {
        return;
    };
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    server.wait_for("closed by the client after 1 request");
    let mut shown = format!(
        "$ printf 'hello, chunked world\\n' > upload.txt\n\
         $ curl --include -T upload.txt -H 'Transfer-Encoding: chunked' \
         http://127.0.0.1:{}/echo\n{}",
        addr.port(),
        visible(&output.stdout)
    );

    let request = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
        5;note=ignored\r\nhello\r\n7\r\n, world\r\n0\r\nX-Checksum: 1234\r\n\r\n\
        GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    let mut http = Http::connect(addr);
    http.send(request);
    let echo = http.response(false);
    let next = http.response(false);
    assert!(next.starts_with(b"HTTP/1.1 404 "), "{}", visible(&next));
    assert!(http.closed());
    server.wait_for("GET /next HTTP/1.1 → 404 Not Found, closing");
    shown += &format!(
        "$ printf '{}' | nc 127.0.0.1 5000\n{}{}",
        printf_format(request),
        visible(&echo),
        visible(&next)
    );
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("chunked", ports.apply(&shown));
    insta::assert_snapshot!("chunked_server", ports.apply(&server.interrupt().stdout));
}

/// HEAD answers with GET's fields, Content-Length included, and no body;
/// the connection goes on to the GET that follows.
#[test]
fn head_has_the_fields_of_get() {
    let (_server, addr) = Program::server(CHAPTER, &[]);
    let mut http = Http::connect(addr);
    http.send(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let head = http.response(true);
    let get = http.response(false);
    let fields = |response: &[u8]| -> Vec<String> {
        let text = String::from_utf8_lossy(response);
        let (head, _) = text.split_once("\r\n\r\n").expect("a head");
        head.lines()
            .filter(|line| !line.starts_with("Date: "))
            .map(String::from)
            .collect()
    };
    assert_eq!(fields(&head), fields(&get));
    assert!(head.ends_with(b"\r\n\r\n"), "no body after HEAD");
    assert!(get.ends_with(b"</html>\n"));
    let Some(output) = curl(addr, "/", &["--head"]) else {
        return;
    };
    let shown = format!(
        "$ curl --head http://127.0.0.1:{}/\n{}",
        addr.port(),
        visible(&output.stdout)
    );
    insta::assert_snapshot!("head", Normalizer::new(addr).apply(&shown));
}

/// Bytes a client sent, `> ` before each line, `\r\n` visible.
fn sent(bytes: &[u8]) -> String {
    visible(bytes)
        .lines()
        .map(|line| format!("> {line}\n"))
        .collect()
}

/// Bytes a client received, `< ` before each line (the date left out).
fn received(bytes: &[u8]) -> String {
    visible(bytes)
        .lines()
        .map(|line| match line.starts_with("Date: ") {
            true => "< Date: <date>\\r\\n\n".to_string(),
            false => format!("< {line}\n"),
        })
        .collect()
}

/// `Expect: 100-continue`: the interim response comes before the body is
/// sent, and not at all when the body came with the head; a body over
/// `--max-body` gets 413 without it; any other expectation gets 417.
#[test]
fn expect_100_continue() {
    let (mut server, addr) = Program::server(CHAPTER, &["--max-body", "16"]);
    let mut shown = String::new();
    let mut http = Http::connect(addr);
    let head =
        b"POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    http.send(head);
    let interim = http.response(false);
    assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    http.send(b"hello");
    let echo = http.response(false);
    server.wait_for("100 Continue, 200 OK");
    shown += &sent(head);
    shown += &received(&interim);
    shown += &sent(b"hello");
    shown += &received(&echo);

    // the body in the same write as the head: no 100 Continue
    let mut whole = head.to_vec();
    whole.extend_from_slice(b"hello");
    http.send(&whole);
    let echo = http.response(false);
    assert!(
        echo.starts_with(b"HTTP/1.1 200 OK\r\n"),
        "{}",
        visible(&echo)
    );
    server.wait_for("5-byte body → 200 OK");

    for request in [
        &b"PUT /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n"[..],
        b"PUT /echo HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 5\r\n\r\n",
    ] {
        let mut http = Http::connect(addr);
        http.send(request);
        let refused = http.response(false);
        assert!(http.closed(), "closed after the error");
        shown += &sent(request);
        shown += &received(&refused);
    }
    server.wait_for("417");
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("continue", ports.apply(&shown));
    insta::assert_snapshot!("continue_server", ports.apply(&server.interrupt().stdout));
}

/// RFC 9112 §9.3 on one connection each: HTTP/1.1 persists unless the
/// client says `close` (any letter case, anywhere in the list); HTTP/1.0
/// closes unless it says `keep-alive`, and then the response says it too.
#[test]
fn persistence() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut shown = String::new();
    for (request, persists) in [
        (&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..], true),
        (
            b"GET / HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n",
            false,
        ),
        (b"GET / HTTP/1.0\r\n\r\n", false),
        (b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
    ] {
        let mut http = Http::connect(addr);
        http.send(request);
        let response = http.response(false);
        let head = String::from_utf8_lossy(&response);
        let (head, _) = head.split_once("\r\n\r\n").expect("a head");
        let connection = head.lines().find(|line| line.starts_with("Connection:"));
        let line = String::from_utf8_lossy(request);
        let (request_line, _) = line.split_once("\r\n").expect("a request-line");
        let fields: Vec<&str> = line
            .lines()
            .skip(1)
            .filter(|l| l.starts_with("Connection"))
            .collect();
        if persists {
            // the connection carries a second request
            http.send(b"GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n");
            let again = http.response(false);
            assert!(again.starts_with(b"HTTP/1.1 404 Not Found\r\n"));
        } else {
            assert!(http.closed(), "{request_line}: closed");
        }
        let after = if persists {
            "persists"
        } else {
            "closed by the server"
        };
        shown += &format!(
            "{request_line}{}\n  -> {}; {after}\n",
            fields.iter().map(|f| format!(", {f}")).collect::<String>(),
            connection.unwrap_or("(no Connection field)"),
        );
        if persists {
            drop(http);
            server.wait_for("closed by the client after 2 requests");
        } else {
            server.wait_for(", closing");
        }
    }
    insta::assert_snapshot!("persistence", shown);
}

/// The routes, on one connection: the page, `/headers` (also by an
/// absolute-form target and with a query), `/echo` without a body and by
/// HEAD, 404, and 405 with `Allow` for another method on `/`.
#[test]
fn routes() {
    let (_server, addr) = Program::server(CHAPTER, &[]);
    let mut http = Http::connect(addr);
    let mut shown = String::new();
    for (request, head_only) in [
        (&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"[..], false),
        (
            b"GET http://x/headers?q=1 HTTP/1.1\r\nHost: y\r\nAccept: */*\r\n\r\n",
            false,
        ),
        (b"GET /echo HTTP/1.1\r\nHost: x\r\n\r\n", false),
        (
            b"HEAD /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
            true,
        ),
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", false),
        (b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n", false),
    ] {
        http.send(request);
        let response = http.response(head_only);
        shown += &sent(request);
        shown += &received(&response);
    }
    insta::assert_snapshot!("routes", shown);
}

/// Every rejected row of both tables, sent to the server: the response
/// (status, `Connection: close`, the rule in one line), then the close;
/// the server's one line for each. Where the echo had begun before the
/// body broke a rule, the 200 stays unfinished (no last chunk) instead.
#[test]
fn refused_requests() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut shown = String::new();
    for case in CASES_FRAMING.iter().chain(CASES_CHUNKED) {
        let status = match case.expect {
            Expect::Reject(rule) => rule.status(),
            Expect::Head(rule) => rule.status(),
            Expect::Body { .. } => continue,
        };
        let mut client = Client::connect(addr);
        client.write(case.input);
        let response = client.read_to_end(); // every refusal ends in a close
        let text = String::from_utf8_lossy(&response);
        let (head, body) = text.split_once("\r\n\r\n").expect("a head");
        let begun = head.starts_with("HTTP/1.1 200 OK\r\n");
        let answer = if begun {
            assert!(head.contains("\r\nTransfer-Encoding: chunked"), "{text}");
            assert!(!body.ends_with("0\r\n\r\n"), "{}: unfinished", case.name);
            format!(
                "HTTP/1.1 200 OK ... {}(closed)\n",
                printable(body.as_bytes())
            )
        } else {
            let wanted = format!("HTTP/1.1 {status} ");
            assert!(head.starts_with(&wanted), "{}: {text}", case.name);
            assert!(head.contains("\r\nConnection: close"), "{}", case.name);
            body.to_string()
        };
        let needle = if begun {
            "mid-response".to_string()
        } else {
            format!(" {status} ")
        };
        let line = server.wait_for(&needle).replace("→", "->");
        let (_, line) = line.split_once(": ").expect("peer: line");
        shown += &format!("# {} ({})\n", case.name, case.rfc);
        for line in case.input.split_inclusive(|&b| b == b'\n') {
            shown += &format!("> {}\n", printable(line));
        }
        shown += &format!("< {answer}  server: {line}\n");
    }
    insta::assert_snapshot!("refused", shown);
}

/// A refused HEAD request gets the error's head and no content (RFC 9110
/// §9.3.2), whether chapter 7's parser or this chapter refused it.
#[test]
fn a_refused_head_has_no_content() {
    // with --quiet too, where the exchange keeps no request-line
    for args in [&[][..], &["--quiet"]] {
        let (_server, addr) = Program::server(CHAPTER, args);
        for request in [
            &b"HEAD /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"[..],
            b"HEAD / HTTP/1.1\r\nHost : a\r\n\r\n",
            // refused in the body, after the head was checked
            b"HEAD / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ] {
            let mut client = Client::connect(addr);
            client.write(request);
            let response = String::from_utf8_lossy(&client.read_to_end()).to_string();
            assert!(response.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{response}");
            assert!(response.contains("\r\nContent-Length: "), "{response}");
            assert!(response.ends_with("\r\nConnection: close\r\n\r\n"), "{response}");
        }
    }
}

/// A request smuggled in a body the server refuses is never answered: the
/// connection closes after the 400.
#[test]
fn a_smuggled_request_is_not_answered() {
    let (_server, addr) = Program::server(CHAPTER, &[]);
    let mut http = Http::connect(addr);
    http.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n\
          0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    let response = http.response(false);
    assert!(response.starts_with(b"HTTP/1.1 400 Bad Request\r\n"));
    assert!(http.closed(), "one response only, then the close");
}

/// The timeouts as options: a connection with nothing more to say is
/// closed after `--idle-timeout`; a head that does not all come within
/// `--head-timeout` gets 408 and the close.
#[test]
fn timeouts() {
    let args = ["--idle-timeout", "30ms", "--head-timeout", "30ms"];
    let (mut server, addr) = Program::server(CHAPTER, &args);
    let mut http = Http::connect(addr);
    http.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    http.response(false);
    assert!(http.closed(), "closed when idle");
    server.wait_for("idle for 30ms, closing");
    let mut http = Http::connect(addr);
    http.send(b"GET / HTTP/1.1\r\nHost: x\r\n");
    let response = http.response(false);
    assert!(http.closed(), "closed after the 408");
    let text = String::from_utf8_lossy(&response);
    assert!(
        text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{text}"
    );
    assert!(text.ends_with("\r\n\r\n408 Request Timeout: no complete head within 30ms\n"));
    server.wait_for("408 Request Timeout: no complete head within 30ms");
}

/// `--quiet`: the first line, and no line per connection.
#[test]
fn quiet() {
    let (server, addr) = Program::server(CHAPTER, &["--quiet"]);
    let mut http = Http::connect(addr);
    http.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    http.response(false);
    assert!(http.closed());
    let stdout = server.interrupt().stdout;
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with("listening on "), "{stdout}");
    assert_eq!(lines[1], "ch08-persistent: shutting down");
}

/// `--help` describes every option.
#[test]
fn help_describes_every_option() {
    let output = Program::start(CHAPTER, &["--help"]).finish();
    assert!(output.status.success());
    for option in [
        "--addr",
        "--max-request-line",
        "--max-head",
        "--max-fields",
        "--max-body",
        "--head-timeout",
        "--idle-timeout",
        "--send-timeout",
        "--quiet",
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
