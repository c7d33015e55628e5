//! Chapter 11: the static file server, the real binary over loopback. The
//! transcripts the page shows (a file, a directory's index, 304, 206, 416,
//! a traversal attempt refused), and the traversal corpus: every
//! combination of dot and slash encodings, depths, prefixes and suffixes,
//! against a root with a secret file beside it.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, UNIX_EPOCH};

use crate::support::{Client, Normalizer, Program, visible};

const CHAPTER: &str = "ch11-static-files";

/// What the file beside the root holds; no response may ever contain it.
const SECRET: &str = "the-secret-beside-the-root";

/// Every file's modification time, so ETag and Last-Modified are the same
/// in every run: Sun, 01 Nov 2026 00:00:00 GMT.
const MODIFIED: u64 = 1_793_491_200;

/// A site to serve, beside a secret; removed when dropped:
/// ```text
/// secret.txt
/// site/index.html  hello.txt  docs/index.html  docs/guide.txt
///      out -> ../secret.txt  up -> ..
/// ```
struct Site {
    top: PathBuf,
}

impl Site {
    fn new(name: &str) -> Site {
        let unique = format!("ch11-{name}-{}", std::process::id());
        let top = std::env::temp_dir().join(unique);
        let _ = fs::remove_dir_all(&top);
        let site = top.join("site");
        fs::create_dir_all(site.join("docs")).expect("create the site");
        fs::write(top.join("secret.txt"), SECRET).expect("write the secret");
        let files = [
            (
                "index.html",
                "<!doctype html>\n<title>Home</title>\n<p>Hello.\n",
            ),
            ("hello.txt", "Hello, static world!\n"),
            ("docs/index.html", "<!doctype html>\n<title>Docs</title>\n"),
            ("docs/guide.txt", "Read the book.\n"),
        ];
        let modified = UNIX_EPOCH + Duration::from_secs(MODIFIED);
        for (name, text) in files {
            let path = site.join(name);
            fs::write(&path, text).expect("write a file of the site");
            let file = fs::File::options().write(true).open(&path).expect("open");
            file.set_modified(modified)
                .expect("set the modification time");
        }
        std::os::unix::fs::symlink("../secret.txt", site.join("out")).expect("symlink");
        std::os::unix::fs::symlink("..", site.join("up")).expect("symlink");
        Site { top }
    }

    fn root(&self) -> String {
        self.top.join("site").to_string_lossy().into_owned()
    }

    fn secret(&self) -> PathBuf {
        self.top.join("secret.txt")
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.top);
    }
}

/// The server on `site`, with `args` after `--root`.
fn server(site: &Site, args: &[&str]) -> (Program, SocketAddr) {
    let root = site.root();
    let mut all = vec!["--root", root.as_str()];
    all.extend_from_slice(args);
    Program::server(CHAPTER, &all)
}

/// One response read from a connection: status, whether it closes the
/// connection, and its bytes.
struct Response {
    status: u16,
    closes: bool,
    bytes: Vec<u8>,
}

/// Reads responses one at a time (bodies framed by Content-Length, or none),
/// keeping what follows for the next.
struct Responses {
    client: Client,
    buf: Vec<u8>,
    /// Where the next response starts in `buf`.
    at: usize,
}

impl Responses {
    fn connect(addr: SocketAddr) -> Responses {
        Responses {
            client: Client::connect(addr),
            buf: Vec::new(),
            at: 0,
        }
    }

    /// The next response; `None` if the server closed first.
    fn next(&mut self, head_only: bool) -> Option<Response> {
        loop {
            let rest = &self.buf[self.at..];
            if let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&rest[..end]).to_ascii_lowercase();
                let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
                let length = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|value| value.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                let total = end
                    + 4
                    + if head_only || status == 304 {
                        0
                    } else {
                        length
                    };
                if rest.len() >= total {
                    let closes = head.contains("\r\nconnection: close");
                    let bytes = rest[..total].to_vec();
                    self.at += total;
                    return Some(Response {
                        status,
                        closes,
                        bytes,
                    });
                }
            }
            self.buf.drain(..self.at); // keep only the response begun
            self.at = 0;
            match self.client.read_once() {
                Ok(more) if !more.is_empty() => self.buf.extend_from_slice(&more),
                _ => return None,
            }
        }
    }
}

/// `GET target` with a Host, as one request's bytes.
fn get(target: &str, fields: &str) -> Vec<u8> {
    format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n{fields}\r\n").into_bytes()
}

/// Sends `request` on its own connection, and shows it as the page does:
/// the command, then the response with `\r\n` visible.
fn exchange(addr: SocketAddr, request: &[u8]) -> (Response, String) {
    let mut responses = Responses::connect(addr);
    responses.client.write(request);
    let head_only = request.starts_with(b"HEAD ");
    let response = responses.next(head_only).expect("a response");
    let shown = format!(
        "$ printf '{}' | nc 127.0.0.1 5000\n{}",
        printf_format(request),
        visible(&response.bytes)
    );
    (response, shown)
}

/// Bytes as a printf format: `\r\n` as escapes, `%` doubled, `'` and `\` escaped.
fn printf_format(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'%' => out.push_str("%%"),
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("'\\''"),
            b => out.push(b as char),
        }
    }
    out
}

/// The answers the page shows, one connection each (the last request of
/// each asks for the close, so `nc` ends): a file; a directory without its
/// slash (301) and with it (its index.html); 304 for a copy that is
/// current; a range (206); a range past the end (416); a traversal refused
/// with 404, and an overlong encoding with 400. Every file's modification
/// time is fixed, so the ETag and Last-Modified are the same in every run.
#[test]
fn transcripts() {
    let site = Site::new("transcripts");
    let (mut server, addr) = server(&site, &[]);
    let close = "Connection: close\r\n";
    let etag = format!("\"15-{MODIFIED:x}00000000\"");
    let mut ports = Normalizer::new(addr);
    // each snapshot's name written out: the book's test finds the page's
    // transcripts by the literal name in `assert_snapshot!("name", …)`
    let mut shown = |request: Vec<u8>, status: u16| {
        let (response, shown) = exchange(addr, &request);
        assert_eq!(response.status, status, "{shown}");
        server.wait_for(" → ");
        ports.apply(&shown)
    };
    let not_modified = format!("If-None-Match: {etag}\r\n{close}");
    let range = format!("Range: bytes=7-12\r\n{close}");
    let unsatisfiable = format!("Range: bytes=100-\r\n{close}");
    let traversal = "/docs/%2e%2e/%2e%2e/secret.txt";
    insta::assert_snapshot!("file", shown(get("/hello.txt", close), 200));
    insta::assert_snapshot!("directory", shown(get("/docs", close), 301));
    insta::assert_snapshot!("index", shown(get("/docs/", close), 200));
    insta::assert_snapshot!("not_modified", shown(get("/hello.txt", &not_modified), 304));
    insta::assert_snapshot!("range", shown(get("/hello.txt", &range), 206));
    insta::assert_snapshot!(
        "unsatisfiable",
        shown(get("/hello.txt", &unsatisfiable), 416)
    );
    insta::assert_snapshot!("traversal", shown(get(traversal, close), 404));
    insta::assert_snapshot!(
        "overlong",
        shown(get("/%c0%ae%c0%ae/secret.txt", close), 400)
    );
    // the log up to the last answer (what follows is the shutdown's)
    let log = server.transcript().replace(&site.root(), "site");
    assert!(!log.contains(SECRET));
    insta::assert_snapshot!("transcripts_server", ports.apply(&log));
}

/// One request per row, all on one connection: (name, request head
/// without its Host line, expected status).
#[rustfmt::skip]
const ROWS: &[(&str, &str, u16)] = &[
    ("GET", "GET /hello.txt", 200),
    ("HEAD: GET's head, no body (RFC 9110 §9.3.2)", "HEAD /hello.txt", 200),
    ("another method: 405 with Allow (§15.5.6)", "POST /hello.txt\r\nContent-Length: 2", 405),
    ("If-Modified-Since, no If-None-Match (§13.1.3)", "GET /hello.txt\r\nIf-Modified-Since: Sun, 01 Nov 2026 00:00:00 GMT", 304),
    ("If-None-Match wins over the date (§13.2.2)", "GET /hello.txt\r\nIf-None-Match: \"x\"\r\nIf-Modified-Since: Sun, 01 Nov 2026 00:00:00 GMT", 200),
    ("If-Match false: 412 (§13.1.1)", "GET /hello.txt\r\nIf-Match: \"x\"", 412),
    ("If-Range with the ETag: the range (§13.1.5)", "GET /hello.txt\r\nRange: bytes=0-4\r\nIf-Range: \"15-6ae6810000000000\"", 206),
    ("If-Range with another tag: the whole file", "GET /hello.txt\r\nRange: bytes=0-4\r\nIf-Range: \"x\"", 200),
    ("Range on HEAD: ignored (§14.2)", "HEAD /hello.txt\r\nRange: bytes=0-4", 200),
    ("several ranges: the whole file", "GET /hello.txt\r\nRange: bytes=0-1,3-4", 200),
    ("a link out of the site", "GET /out", 404),
    ("through a link out of the site", "GET /up/secret.txt", 404),
    ("the directory's own 404.html", "GET /docs/nothing", 404),
    ("not UTF-8 once decoded: 400, and the connection goes on", "GET /%ff", 400),
    ("absolute-form (RFC 9112 §3.2.2)", "GET http://127.0.0.1:5000/hello.txt", 200),
];

/// Methods, preconditions, If-Range, links out of the site, the site's own
/// 404 page: [`ROWS`], pipelined on one connection.
#[test]
fn methods_and_conditions() {
    let site = Site::new("methods");
    fs::write(
        Path::new(&site.root()).join("docs/404.html"),
        "<p>Not in the docs.\n",
    )
    .expect("write docs/404.html");
    let (server, addr) = server(&site, &["--quiet"]);
    let mut responses = Responses::connect(addr);
    let requests: Vec<u8> = ROWS
        .iter()
        .flat_map(|(_, head, _)| {
            let (line, fields) = head.split_once("\r\n").unwrap_or((head, ""));
            let fields = if fields.is_empty() {
                String::new()
            } else {
                format!("{fields}\r\n")
            };
            let body = if line.starts_with("POST") { "hi" } else { "" };
            format!("{line} HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n{fields}\r\n{body}").into_bytes()
        })
        .collect();
    responses.client.write(&requests);
    let mut got = Vec::new();
    for (name, head, status) in ROWS {
        let response = responses
            .next(head.starts_with("HEAD"))
            .expect("a response");
        let text = String::from_utf8_lossy(&response.bytes).into_owned();
        assert_eq!(response.status, *status, "{name}:\n{text}");
        assert!(!text.contains(SECRET), "{name}: the secret leaked:\n{text}");
        got.push(text);
    }
    let without_date = |text: &str| -> Vec<String> {
        let head = text.split("\r\n\r\n").next().unwrap_or_default();
        head.lines()
            .filter(|l| !l.starts_with("Date:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        without_date(&got[1]),
        without_date(&got[0]),
        "HEAD's head is GET's"
    );
    assert!(got[2].contains("\r\nAllow: GET, HEAD\r\n"), "405 has Allow");
    assert!(got[6].ends_with("\r\n\r\nHello"), "the range: {}", got[6]);
    assert!(got[12].ends_with("<p>Not in the docs.\n"), "docs/404.html");
    drop(server);
}

/// Chapter 9's server underneath: an idle connection is closed after
/// `--idle-timeout`, and Ctrl-C shuts down gracefully.
#[test]
fn chapter_9_underneath() {
    let site = Site::new("ch09");
    let (mut server, addr) = server(&site, &["--idle-timeout", "50ms"]);
    let mut responses = Responses::connect(addr);
    responses.client.write(&get("/hello.txt", ""));
    assert_eq!(responses.next(false).map(|r| r.status), Some(200));
    server.wait_for("idle for 50ms, closing");
    assert!(responses.next(false).is_none(), "closed by the server");
    drop(responses); // our FIN, which the server's polite close waits for
    let output = server.interrupt();
    assert!(
        output.stdout.contains("every connection closed"),
        "{}",
        output.stdout
    );
}

/// A file larger than any piece the server reads (64 KiB): it arrives
/// whole and intact, and so does a range across two pieces.
#[test]
fn large_file_streamed() {
    let site = Site::new("large");
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    fs::write(Path::new(&site.root()).join("big.bin"), &big).expect("write big.bin");
    let (server, addr) = server(&site, &["--quiet"]);
    let mut responses = Responses::connect(addr);
    responses.client.write(&get("/big.bin", ""));
    responses
        .client
        .write(&get("/big.bin", "Range: bytes=65000-70999\r\n"));
    let whole = responses.next(false).expect("the whole file");
    let part = responses.next(false).expect("the range");
    assert_eq!(whole.status, 200);
    assert!(whole.bytes.ends_with(&big), "the whole file, intact");
    assert_eq!(part.status, 206);
    assert!(
        part.bytes.ends_with(&big[65_000..71_000]),
        "the range, intact"
    );
    let head = String::from_utf8_lossy(&part.bytes[..part.bytes.len() - 6000]).into_owned();
    assert!(
        head.contains("Content-Range: bytes 65000-70999/300000\r\n"),
        "{head}"
    );
    drop(server);
}

// ANCHOR: corpus
/// Every way we know to spell a dot of `..`.
const DOTS: [&str; 5] = [".", "%2e", "%2E", "%252e", "%c0%ae"];

/// Every way we know to spell the slash after it.
const SLASHES: [&str; 9] = [
    "/", "%2f", "%2F", "%5c", "%5C", "\\", "%252f", "%c0%af", "//",
];

/// What comes before the climb, and what after it.
const PREFIXES: [&str; 4] = ["/", "/docs/", "//", "/docs%2f"];
#[rustfmt::skip]
const SUFFIXES: [&str; 3] = [
    "secret.txt", "secret.txt%00.html", "secret.txt?x=1",
];

/// Links out of the site, other dots, NUL, absolute-form, 3- and 4-byte
/// overlong dots, and what curl --path-as-is would send.
#[rustfmt::skip]
const BY_HAND: [&str; 18] = [
    "/out", "/up/secret.txt", "/up/", "/up", "/./secret.txt",
    "/.../secret.txt", "/..%00/secret.txt", "/%00", "/%2e%2e", "/..", "/%2e",
    "//..//secret.txt", "http://127.0.0.1/../secret.txt",
    "http://127.0.0.1/%2e%2e/secret.txt", "/%e0%80%ae%e0%80%ae/secret.txt",
    "/%f0%80%80%ae%f0%80%80%ae/secret.txt", "/docs/..%2f..%2fsecret.txt",
    "/docs/../../secret.txt",
];

/// prefix, then depth × (dot dot slash), then suffix: 5 × 5 dots, 9 slashes,
/// depths 1 to 4, 4 prefixes, 3 suffixes = 10,800 targets; and a few by hand.
fn traversal_corpus() -> Vec<String> {
    let mut corpus = Vec::new();
    for first in DOTS {
        for second in DOTS {
            for slash in SLASHES {
                for depth in 1..=4 {
                    let climb = format!("{first}{second}{slash}").repeat(depth);
                    for prefix in PREFIXES {
                        for suffix in SUFFIXES {
                            corpus.push(format!("{prefix}{climb}{suffix}"));
                        }
                    }
                }
            }
        }
    }
    corpus.extend(BY_HAND.map(str::to_string));
    corpus
}
// ANCHOR_END: corpus

/// What one connection after another answered to `attempts`, in order:
/// pipelined, 200 at a time; after a response that ends the connection (a
/// raw `\` is no request-target byte: chapter 7 answers 400 and closes) a
/// new connection takes up the attempts not yet answered, one at a time
/// until one keeps the connection open. Returns the connections used.
fn attempt_all(addr: SocketAddr, attempts: &[String]) -> (usize, Vec<u16>) {
    let requests: Vec<Vec<u8>> = attempts.iter().map(|target| get(target, "")).collect();
    let (mut statuses, mut connections, mut batch) = (Vec::new(), 0, 200);
    while statuses.len() < attempts.len() {
        let mut responses = Responses::connect(addr);
        connections += 1;
        'connection: while statuses.len() < attempts.len() {
            let from = statuses.len();
            let to = attempts.len().min(from + batch);
            responses.client.write(&requests[from..to].concat());
            for target in &attempts[from..to] {
                let Some(response) = responses.next(false) else {
                    break 'connection; // closed before answering
                };
                let text = String::from_utf8_lossy(&response.bytes);
                assert!(
                    !text.contains(SECRET),
                    "{target} leaked the secret:\n{text}"
                );
                assert!(
                    matches!(response.status, 400 | 404),
                    "{target}: expected 400 or 404:\n{text}"
                );
                statuses.push(response.status);
                batch = if response.closes { 1 } else { 200 };
                if response.closes {
                    break 'connection;
                }
            }
        }
    }
    (connections, statuses)
}

/// Security shown, not claimed: 10,818 traversal attempts against a site
/// with a secret file beside it, over real sockets to the real server, and
/// no response contains the secret; each is a 400 (it cannot name a file)
/// or a 404 (it names none we serve). Two clients at once, each with half
/// of the attempts (see [`attempt_all`]).
#[test]
fn traversal_corpus_never_leaks() {
    let site = Site::new("corpus");
    let secret = fs::read_to_string(site.secret()).expect("the secret is there");
    assert_eq!(secret, SECRET, "the secret beside the root is readable");
    let (server, addr) = server(&site, &["--quiet"]);
    let corpus = traversal_corpus();
    assert!(corpus.len() >= 10_000, "{} attempts", corpus.len());
    let started = Instant::now();
    let halves: Vec<Vec<String>> = (0..2)
        .map(|i| corpus.iter().skip(i).step_by(2).cloned().collect())
        .collect();
    let clients: Vec<_> = halves
        .into_iter()
        .map(|half| std::thread::spawn(move || attempt_all(addr, &half)))
        .collect();
    let mut connections = 0;
    let mut statuses = std::collections::BTreeMap::new();
    for client in clients {
        let (used, answers) = client.join().expect("a client thread");
        connections += used;
        for status in answers {
            *statuses.entry(status).or_insert(0) += 1;
        }
    }
    let elapsed = started.elapsed();
    assert_eq!(
        statuses.values().sum::<usize>(),
        corpus.len(),
        "every attempt answered"
    );
    // the server is still there and still serves the site
    let (response, _) = exchange(addr, &get("/hello.txt", "Connection: close\r\n"));
    assert_eq!(response.status, 200);
    eprintln!(
        "{} attempts, {connections} connections, {statuses:?}, {elapsed:?}",
        corpus.len()
    );
    drop(server);
}

/// `--help` names `--root` beside chapter 9's options; a root that is not
/// a directory is one line on stderr and exit status 1, before any listening.
#[test]
fn help_and_a_bad_root() {
    let help = Program::start(CHAPTER, &["--help"]).finish();
    assert!(help.status.success(), "--help: {:?}", help.status);
    for option in [
        "--root",
        "--addr",
        "--max-connections",
        "--idle-timeout",
        "--quiet",
    ] {
        assert!(
            help.stdout.contains(option),
            "--help lacks {option}:\n{}",
            help.stdout
        );
    }
    let site = Site::new("bad-root");
    let file = format!("{}/hello.txt", site.root());
    for (root, error) in [
        (
            "/nonexistent-ch11-root",
            "No such file or directory (os error 2)",
        ),
        (file.as_str(), "not a directory"),
    ] {
        let output = Program::start(CHAPTER, &["--root", root]).finish();
        assert_eq!(output.status.code(), Some(1), "--root {root}");
        // the transcript's first line is the command; nothing after it
        assert_eq!(output.stdout.lines().count(), 1, "{}", output.stdout);
        let line = format!("{CHAPTER}: cannot serve {root}: {error}\n");
        assert_eq!(output.stderr, line);
    }
}
