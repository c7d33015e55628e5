//! Chapter 10: the client against the book's server, chapter 9's (several
//! URLs on one connection, HEAD, chunked /echo, 404), against chapter 5 (its response
//! accepted, the seed's refused with the rule it breaks), against an
//! outside server (Python's http.server), and against a tiny server in
//! this file that writes fixed bytes: a table of framings the client must
//! read right, and a table of malformed responses it must refuse, each
//! with its one line. Then a server that closes an idle connection.

use crate::support::python3;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use ch01_raw_server::printable;

use crate::support::{self, Normalizer, Program, WAIT};

const CHAPTER: &str = "ch10-http-client";
/// The book's server: chapter 9's (chapter 8's connection, under a limit).
const SERVER: &str = "ch09-concurrency";

/// What one run of the client showed, stdout and stderr in one stream as
/// a terminal shows them, and its exit status.
struct Run {
    shown: String,
    code: Option<i32>,
}

impl Run {
    /// The last line: the error line of a refused response.
    fn last_line(&self) -> &str {
        self.shown.lines().last().unwrap_or_default()
    }
}

/// Runs the client with `args`; the transcript starts with the command a
/// reader types. stdout and stderr share one pipe, so their lines keep
/// the order the client wrote them in.
fn client(args: &[&str]) -> Run {
    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    let mut command = Command::new(support::binary(CHAPTER));
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(writer.try_clone().expect("clone the pipe"))
        .stderr(writer);
    let mut child = command.spawn().expect("start the client");
    drop(command); // our copies of the pipe's write end: EOF at the exit
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    let bytes = rx
        .recv_timeout(WAIT)
        .unwrap_or_else(|_| panic!("{CHAPTER} {args:?}: no exit within {WAIT:?}"));
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the client") {
            break status;
        }
        assert!(Instant::now() < deadline, "{CHAPTER} did not exit");
        thread::sleep(Duration::from_millis(1)); // polling for exit
    };
    let output = String::from_utf8_lossy(&bytes);
    Run {
        shown: format!("$ cargo run -p {CHAPTER} -- {}\n{output}", args.join(" ")),
        code: status.code(),
    }
}

/// What the tiny server answers one request with.
#[derive(Clone, Copy)]
enum Reply {
    /// These bytes, in one write.
    Bytes(&'static [u8]),
    /// These bytes, one byte per write (TCP_NODELAY: one segment each).
    Trickle(&'static [u8]),
    /// Nothing: the client's response timeout must end it.
    Silence,
    /// A reset (RST) instead of an answer: the request is read, then the
    /// connection is closed with SO_LINGER 0.
    Reset,
}

/// A server that answers each connection's requests with fixed replies,
/// connection after connection, then closes each one politely (our FIN,
/// then reading until the client's). Returns its address; the thread ends
/// by itself when the script is done or the client goes away.
fn fixed_server(script: Vec<Vec<Reply>>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    thread::spawn(move || {
        for replies in script {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let _ = stream.set_read_timeout(Some(WAIT));
            let silent = replies.iter().any(|reply| matches!(reply, Reply::Silence));
            let reset = replies.iter().any(|reply| matches!(reply, Reply::Reset));
            for reply in replies {
                if !read_request(&mut stream) {
                    return; // the client left: the script ends here
                }
                match reply {
                    Reply::Bytes(bytes) if stream.write_all(bytes).is_err() => return,
                    Reply::Trickle(bytes) => {
                        let _ = stream.set_nodelay(true);
                        for byte in bytes.chunks(1) {
                            if stream.write_all(byte).is_err() {
                                return;
                            }
                        }
                    }
                    Reply::Reset => {
                        let linger =
                            socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
                        linger.expect("set SO_LINGER 0");
                        break; // dropped below: RST, not FIN
                    }
                    _ => {}
                }
            }
            // our FIN; then drain until the client's FIN, so our close
            // sends no reset that could destroy what we wrote
            if reset {
                continue; // the stream is dropped: the kernel sends RST
            }
            if !silent {
                let _ = stream.shutdown(Shutdown::Write);
            }
            let mut sink = [0; 4096];
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        }
    });
    addr
}

/// Reads one request head and its Content-Length body (the client sends
/// no other framing here); `false` when the client closed first.
fn read_request(stream: &mut TcpStream) -> bool {
    let mut buf = Vec::new();
    let mut chunk = [0; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("content-length: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return false,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    true
}

/// `run` for every case at once, each on a thread of its own (each case
/// has its own server and client process); the results in the cases' order.
fn in_parallel<C: Sync, R: Send>(cases: &[C], run: impl Fn(&C) -> R + Sync) -> Vec<R> {
    thread::scope(|scope| {
        let handles: Vec<_> = cases.iter().map(|case| scope.spawn(|| run(case))).collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("a case's thread"))
            .collect()
    })
}

/// The bytes a server wrote, one `< ` line per line, every byte that is
/// not plain text escaped (`\r`, `\n`, `\x07`).
fn shown_bytes(bytes: &[u8]) -> String {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|line| format!("< {}\n", printable(line)))
        .collect()
}

/// `http://{addr}{path}` for each path.
fn urls(addr: SocketAddr, paths: &[&str]) -> Vec<String> {
    paths
        .iter()
        .map(|path| format!("http://{addr}{path}"))
        .collect()
}

/// Several URLs on one connection to the book's server: `-v` shows the
/// request written, `connected` once, then `reusing`; the server's log
/// shows one connection and three requests.
#[test]
fn three_urls_one_connection() {
    let (mut server, addr) = Program::server(SERVER, &[]);
    let urls = urls(addr, &["/", "/nope", "/"]);
    let mut args = vec!["-v"];
    args.extend(urls.iter().map(String::as_str));
    let run = client(&args);
    assert_eq!(run.code, Some(0), "{}", run.shown);
    assert_eq!(
        run.shown.matches("* connected to").count(),
        1,
        "{}",
        run.shown
    );
    server.wait_for("closed by the client after 3 requests");
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("three_urls", ports.apply(&run.shown));
    insta::assert_snapshot!("three_urls_server", ports.apply(&server.interrupt().stdout));
}

/// HEAD (the fields, no body), a body echoed with Content-Length, and the
/// same body sent chunked, echoed chunked and decoded.
#[test]
fn head_and_echo() {
    let (_server, addr) = Program::server(SERVER, &[]);
    let root = format!("http://{addr}/");
    let echo = format!("http://{addr}/echo");
    let mut shown = String::new();
    for args in [
        &["--head", root.as_str()][..],
        &["-d", "hello", echo.as_str()],
        &["-v", "--chunked", "-d", "hello, chunks", echo.as_str()],
    ] {
        let run = client(args);
        assert_eq!(run.code, Some(0), "{}", run.shown);
        shown += &run.shown;
        if !shown.ends_with('\n') {
            shown.push('\n'); // the body has no line end of its own
        }
    }
    assert!(
        shown.contains("Transfer-Encoding: chunked\n\nhello, chunks"),
        "{shown}"
    );
    insta::assert_snapshot!("head_and_echo", Normalizer::new(addr).apply(&shown));
}

/// Chapter 5's response is accepted; the seed's is refused, and the line
/// says why: its first line is empty where the status-line belongs.
#[test]
fn chapter_5_and_the_seed() {
    let (_correct, addr) = Program::server("ch05-raw-http", &[]);
    let ok = client(&[&format!("http://{addr}/")]);
    assert_eq!(ok.code, Some(0), "{}", ok.shown);
    insta::assert_snapshot!("ch05", Normalizer::new(addr).apply(&ok.shown));

    let (_seed, addr) = Program::server("ch05-raw-http", &["--seed-response"]);
    let seed = client(&[&format!("http://{addr}/")]);
    assert_eq!(seed.code, Some(1), "{}", seed.shown);
    assert!(
        seed.last_line().contains("not an empty line"),
        "{}",
        seed.shown
    );
    insta::assert_snapshot!("seed", Normalizer::new(addr).apply(&seed.shown));
}

/// Starts Python's http.server on port 0 in `dir` (`None` where Python is
/// missing, except in CI); its first stdout line names the port.
fn python(dir: &std::path::Path, args: &[&str]) -> Option<(Program, SocketAddr)> {
    if Command::new(python3()).arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is required in CI"
        );
        eprintln!("skipped: python3 is not installed");
        return None;
    }
    let mut command = Command::new(python3());
    command
        .args(["-u", "-m", "http.server", "--bind", "127.0.0.1"])
        .arg("--directory")
        .arg(dir)
        .args(args)
        .arg("0");
    let mut server = Program::spawn("python3", command, "$ python3 -m http.server".into());
    // "Serving HTTP on 127.0.0.1 port 41235 (http://127.0.0.1:41235/) ..."
    let line = server.wait_for("Serving HTTP on");
    let port = line
        .split_whitespace()
        .skip_while(|word| *word != "port")
        .nth(1)
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    Some((server, SocketAddr::from(([127, 0, 0, 1], port))))
}

/// A directory with one file, dated so that `Last-Modified` is fixed.
fn served_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ch10-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create the served directory");
    let file = dir.join("hello.txt");
    std::fs::write(&file, "hello from python\n").expect("write hello.txt");
    let date = std::time::UNIX_EPOCH + Duration::from_secs(1_767_225_600); // 2026-01-01
    std::fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|file| file.set_modified(date))
        .expect("set the file's time");
    dir
}

/// Python's version in its `Server` field, as a placeholder.
fn without_python_version(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("Server: SimpleHTTP/") {
            Some(_) => "Server: SimpleHTTP/<version> Python/<version>",
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// An outside server: Python's http.server answers in HTTP/1.0, with a
/// Content-Length and then its close, so two URLs take two connections;
/// with `--protocol HTTP/1.1` the same two share one.
#[test]
fn python_http_server() {
    let dir = served_dir("python");
    let variants = [(&[][..], 2), (&["--protocol", "HTTP/1.1"][..], 1)];
    // both started at once: Python takes a while to start
    let servers = in_parallel(&variants, |(protocol, _)| python(&dir, protocol));
    let mut shown = String::new();
    for ((protocol, connections), server) in variants.into_iter().zip(servers) {
        let Some((_server, addr)) = server else {
            return;
        };
        let urls = urls(addr, &["/hello.txt", "/hello.txt"]);
        let run = client(&["-v", &urls[0], &urls[1]]);
        assert_eq!(run.code, Some(0), "{}", run.shown);
        let connected = run.shown.matches("* connected to").count();
        assert_eq!(connected, connections, "{}", run.shown);
        let mut server_line = "$ python3 -m http.server --bind 127.0.0.1".to_string();
        for arg in protocol {
            server_line += &format!(" {arg}");
        }
        shown += &format!("{server_line} 5000\n");
        shown += &Normalizer::new(addr).apply(&run.shown);
    }
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!("python", without_python_version(&shown));
}

/// A response the client must read right: its bytes (each connection's
/// replies in order), the URLs' paths and options, and the RFC's rule.
struct Framing {
    name: &'static str,
    rfc: &'static str,
    script: &'static [&'static [&'static [u8]]],
    paths: &'static [&'static str],
    args: &'static [&'static str],
}

const FRAMINGS: &[Framing] = &[
    Framing {
        name: "a body framed by the close",
        rfc: "RFC 9112 §6.3 item 8",
        script: &[&[b"HTTP/1.1 200 OK\r\n\r\nup to the close\n"]],
        paths: &["/"],
        args: &[],
    },
    Framing {
        name: "chunked, with an extension and a trailer field",
        rfc: "RFC 9112 §7.1",
        script: &[&[b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
            6\r\nhello \r\n7;note=x\r\nchunks\n\r\n0\r\nX-Sum: 13\r\n\r\n"]],
        paths: &["/"],
        args: &[],
    },
    Framing {
        name: "204 and 304 have no body, whatever Content-Length says",
        rfc: "RFC 9112 §6.3 item 1",
        script: &[&[
            b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
            b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nthird\n",
        ]],
        paths: &["/1", "/2", "/3"],
        args: &[],
    },
    Framing {
        name: "a response to HEAD has no body",
        rfc: "RFC 9112 §6.3 item 1",
        script: &[&[
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        ]],
        paths: &["/1", "/2"],
        args: &["--head"],
    },
    Framing {
        name: "interim responses before the final one",
        rfc: "RFC 9110 §15.2",
        script: &[&[b"HTTP/1.1 100 Continue\r\n\r\n\
            HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n\
            HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nfinal\n"]],
        paths: &["/"],
        args: &[],
    },
    Framing {
        name: "the same Content-Length twice",
        rfc: "RFC 9112 §6.3 item 5",
        script: &[&[b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\
            Content-Length: 3\r\n\r\nabc\n"]],
        paths: &["/"],
        args: &[],
    },
    Framing {
        name: "bare LF line ends",
        rfc: "RFC 9112 §2.2",
        script: &[&[b"HTTP/1.1 200 OK\nContent-Length: 3\n\nabc\n"]],
        paths: &["/"],
        args: &[],
    },
    Framing {
        name: "Connection: close, then a new connection",
        rfc: "RFC 9112 §9.3",
        script: &[
            &[b"HTTP/1.1 200 OK\r\nConnection: close\r\n\
                Content-Length: 4\r\n\r\none\n"],
            &[b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ntwo\n"],
        ],
        paths: &["/1", "/2"],
        args: &["-v"],
    },
    Framing {
        name: "HTTP/1.0 keep-alive",
        rfc: "RFC 9112 §9.3",
        script: &[&[
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\
                Content-Length: 4\r\n\r\none\n",
            b"HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\ntwo\n",
        ]],
        paths: &["/1", "/2"],
        args: &["-v"],
    },
    Framing {
        name: "a head of exactly --max-head bytes, --max-fields fields",
        rfc: "limits",
        script: &[&[b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 3\r\n\r\nok\n"]],
        paths: &["/"],
        args: &["--max-head", "50", "--max-fields", "3"],
    },
];

/// Every framing: exit status 0 and what the client printed.
#[test]
fn framings_read_right() {
    let runs = in_parallel(FRAMINGS, |case| {
        let script = case
            .script
            .iter()
            .map(|replies| replies.iter().map(|&bytes| Reply::Bytes(bytes)).collect())
            .collect();
        let addr = fixed_server(script);
        let urls = urls(addr, case.paths);
        let mut args = case.args.to_vec();
        args.extend(urls.iter().map(String::as_str));
        (addr, client(&args))
    });
    let mut shown = String::new();
    for (case, (addr, run)) in FRAMINGS.iter().zip(runs) {
        assert_eq!(run.code, Some(0), "{}: {}", case.name, run.shown);
        shown += &format!("# {} ({})\n", case.name, case.rfc);
        for replies in case.script {
            for reply in *replies {
                shown += &shown_bytes(reply);
            }
        }
        shown += &Normalizer::new(addr).apply(&run.shown);
    }
    insta::assert_snapshot!("framings", shown);
}

/// A response that arrives one byte per segment reads as it does in one:
/// the head is looked at again only when a line ends, chunks are decoded
/// from whatever has arrived.
#[test]
fn a_response_in_many_writes() {
    let response: &[u8] = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
        6\r\nhello \r\n7;note=x\r\nchunks\n\r\n0\r\nX-Sum: 13\r\n\r\n";
    let mut shown = Vec::new();
    for reply in [Reply::Bytes(response), Reply::Trickle(response)] {
        let addr = fixed_server(vec![vec![reply]]);
        let run = client(&[&format!("http://{addr}/")]);
        assert_eq!(run.code, Some(0), "{}", run.shown);
        shown.push(Normalizer::new(addr).apply(&run.shown));
    }
    assert_eq!(shown[0], shown[1]);
    assert!(
        shown[0].ends_with("\n\nhello chunks\nX-Sum: 13\n"),
        "{}",
        shown[0]
    );
}

/// A response the client must refuse: its bytes, the options, and the
/// start of the one line the client must end with.
struct Refused {
    name: &'static str,
    reply: Reply,
    args: &'static [&'static str],
    line: &'static str,
}

const fn refused(name: &'static str, bytes: &'static [u8], line: &'static str) -> Refused {
    Refused {
        name,
        reply: Reply::Bytes(bytes),
        args: &[],
        line,
    }
}

const REFUSED: &[Refused] = &[
    refused(
        "HTTP/0.9: no status-line",
        b"<h1>hello</h1>\n",
        "HTTP-version = HTTP-name \"/\" DIGIT \".\" DIGIT (RFC 9112 §2.3) at byte 0",
    ),
    refused(
        "a lower-case version",
        b"http/1.1 200 OK\r\n\r\n",
        "HTTP-version = HTTP-name \"/\" DIGIT \".\" DIGIT (RFC 9112 §2.3) at byte 0",
    ),
    refused(
        "HTTP/2.0",
        b"HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.x only: a response of another major version (RFC 9110 §2.5) at byte 5",
    ),
    refused(
        "a two-digit status",
        b"HTTP/1.1 20 OK\r\n\r\n",
        "status-code = 3DIGIT, 100 to 599 (RFC 9112 §4, RFC 9110 §15) at byte 11",
    ),
    refused(
        "status 600",
        b"HTTP/1.1 600 Odd\r\n\r\n",
        "status-code = 3DIGIT, 100 to 599 (RFC 9112 §4, RFC 9110 §15) at byte 9",
    ),
    refused(
        "no SP after the status code",
        b"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
        "status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4) at byte 12",
    ),
    refused(
        "a control byte in the reason",
        b"HTTP/1.1 200 O\x07K\r\n\r\n",
        "reason-phrase = 1*( HTAB / SP / VCHAR / obs-text ) (RFC 9112 §4) at byte 14",
    ),
    refused(
        "a bare CR",
        b"HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
        "a CR must be followed by LF (RFC 9112 §2.2) at byte 15",
    ),
    refused(
        "whitespace before the first field",
        b"HTTP/1.1 200 OK\r\n Content-Length: 0\r\n\r\n",
        "no whitespace between start-line and first field (RFC 9112 §2.2) at byte 17",
    ),
    refused(
        "a space before the colon",
        b"HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
        "no whitespace between field name and colon (RFC 9112 §5.1) at byte 31",
    ),
    refused(
        "a field line without a colon",
        b"HTTP/1.1 200 OK\r\nhello\r\n\r\n",
        "field-line = field-name \":\" OWS field-value OWS (RFC 9112 §5) at byte 22",
    ),
    refused(
        "obs-fold",
        b"HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 0\r\n\r\n",
        "obs-fold = OWS CRLF RWS is rejected (RFC 9112 §5.2) at byte 25",
    ),
    refused(
        "Content-Length and Transfer-Encoding",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\
          Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "Content-Length with Transfer-Encoding (RFC 9112 §6.1, §11.2)",
    ),
    refused(
        "two different Content-Lengths",
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "Content-Length values differ (RFC 9110 §8.6, RFC 9112 §6.3)",
    ),
    refused(
        "a negative Content-Length",
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "Content-Length = 1*DIGIT (RFC 9110 §8.6, RFC 9112 §6.3)",
    ),
    refused(
        "a transfer coding we did not ask for",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        "transfer-coding not implemented (RFC 9112 §6.1)",
    ),
    refused(
        "chunked twice",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\
          Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "chunked more than once (RFC 9112 §6.1)",
    ),
    refused(
        "Transfer-Encoding in HTTP/1.0",
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "Transfer-Encoding in an HTTP/1.0 response (RFC 9112 §6.1)",
    ),
    refused(
        "a bad chunk size",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n",
        "chunk-size = 1*HEXDIG (RFC 9112 §7.1) at byte 47",
    ),
    refused(
        "chunk data longer than its size",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello!\r\n0\r\n\r\n",
        "chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1) at byte 55",
    ),
    refused(
        "a bare LF in the chunked framing",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n",
        "a chunk line ends in CRLF, not a bare LF (RFC 9112 §7.1, §2.2) at byte 47",
    ),
    refused(
        "101 without an Upgrade",
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        "101 Switching Protocols, but the request asked for no Upgrade (RFC 9110 §15.2.2) at byte 9",
    ),
    refused(
        "the head cut short",
        b"HTTP/1.1 200 OK\r\nContent-Le",
        "the connection closed inside the response head (RFC 9112 §8) at byte 27",
    ),
    refused(
        "the body shorter than its Content-Length",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
        "the connection closed before Content-Length bytes of body (RFC 9112 §8) at byte 44",
    ),
    refused(
        "a chunked body without its last chunk",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
        "the connection closed before the last chunk (RFC 9112 §8) at byte 53",
    ),
    refused(
        "no response at all",
        b"",
        "closed the connection without a response",
    ),
    Refused {
        name: "a head one byte over --max-head",
        reply: Reply::Bytes(b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 3\r\n\r\nok\n"),
        args: &["--max-head", "49"],
        line: "response head larger than --max-head at byte 49",
    },
    Refused {
        name: "one field over --max-fields",
        reply: Reply::Bytes(b"HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 3\r\n\r\nok\n"),
        args: &["--max-fields", "2"],
        line: "more field lines than --max-fields at byte 29",
    },
    Refused {
        name: "a server that says nothing",
        reply: Reply::Silence,
        args: &["--response-timeout", "50ms"],
        line: "sent nothing for 50ms (--response-timeout)",
    },
];

/// Every malformed response: exit status 1, and the last line the client
/// prints is `ch10-http-client: …` naming the rule and where it is broken.
#[test]
fn malformed_responses_are_refused() {
    let runs = in_parallel(REFUSED, |case| {
        let addr = fixed_server(vec![vec![case.reply]]);
        let url = format!("http://{addr}/");
        let mut args = case.args.to_vec();
        args.push(&url);
        (addr, client(&args))
    });
    let mut shown = String::new();
    for (case, (addr, run)) in REFUSED.iter().zip(runs) {
        assert_eq!(run.code, Some(1), "{}: {}", case.name, run.shown);
        let last = run.last_line();
        assert!(
            last.starts_with("ch10-http-client: "),
            "{}: {}",
            case.name,
            run.shown
        );
        assert!(last.ends_with(case.line), "{}: {}", case.name, run.shown);
        assert!(
            !run.shown.contains("panicked"),
            "{}: {}",
            case.name,
            run.shown
        );
        shown += &format!("# {}\n", case.name);
        if let Reply::Bytes(bytes) = case.reply {
            shown += &shown_bytes(bytes);
        }
        shown += &Normalizer::new(addr).apply(&format!("{last}\n"));
    }
    insta::assert_snapshot!("refused", shown);
}

/// The server closes a kept-alive connection while it is idle (a FIN, or
/// a reset on the client's first read): the GET is sent again, once, on a
/// new connection, with one line saying so. A POST is not (it is not
/// idempotent): one line, exit status 1.
#[test]
fn a_closed_idle_connection() {
    let one: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\none\n";
    let two: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ntwo\n";
    // the first connection: one response, then our close
    let script = vec![vec![Reply::Bytes(one)], vec![Reply::Bytes(two)]];
    let addr = fixed_server(script);
    let first = urls(addr, &["/1", "/2"]);
    let run = client(&["-v", &first[0], &first[1]]);
    assert_eq!(run.code, Some(0), "{}", run.shown);
    assert_eq!(
        run.shown.matches("again on a new one").count(),
        1,
        "{}",
        run.shown
    );
    let retried = Normalizer::new(addr).apply(&run.shown);
    insta::assert_snapshot!("retried", retried);

    // the same with a reset: the server reads the second request, then
    // resets the connection (so the client has read the first response)
    let one_then_reset = vec![Reply::Bytes(one), Reply::Reset];
    let addr = fixed_server(vec![one_then_reset, vec![Reply::Bytes(two)]]);
    let again = urls(addr, &["/1", "/2"]);
    let run = client(&["-v", &again[0], &again[1]]);
    assert_eq!(run.code, Some(0), "{}", run.shown);
    assert_eq!(Normalizer::new(addr).apply(&run.shown), retried);

    let addr = fixed_server(vec![vec![Reply::Bytes(one)]]);
    let urls = urls(addr, &["/1", "/2"]);
    let run = client(&["-d", "x", &urls[0], &urls[1]]);
    assert_eq!(run.code, Some(1), "{}", run.shown);
    assert!(
        run.last_line()
            .ends_with("POST is not idempotent (RFC 9110 §9.2.2)"),
        "{}",
        run.shown
    );
    insta::assert_snapshot!("not_retried", Normalizer::new(addr).apply(&run.shown));
}

/// What the client refuses before it sends anything, a port where nothing
/// listens, and a connection that does not come within --connect-timeout:
/// one line each, exit status 1.
#[test]
fn command_line_errors() {
    let nothing = support::unused_addr();
    let refused = format!("http://{nothing}/");
    let mut shown = String::new();
    for args in [
        &["https://127.0.0.1:5000/"][..],
        &["ftp://127.0.0.1:5000/"],
        &["http://127.0.0.1:5000/a b"],
        &["http://user@127.0.0.1:5000/"],
        &["-X", "GET /", "http://127.0.0.1:5000/"],
        &["-X", "CONNECT", "http://127.0.0.1:5000/"],
        &[refused.as_str()],
    ] {
        let run = client(args);
        assert_eq!(run.code, Some(1), "{}", run.shown);
        assert_eq!(run.shown.lines().count(), 2, "{}", run.shown);
        shown += &run.shown;
    }
    let mut shown = Normalizer::new(nothing).apply(&shown);

    // a listener whose accept queue is full: the kernel drops our SYN, so
    // connect() waits, and --connect-timeout ends the wait
    let full =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    full.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
        .expect("bind");
    full.listen(0).expect("listen with a backlog of 0");
    let addr = full
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_socket())
        .expect("its address");
    let _queued = TcpStream::connect(addr).expect("the one queued connection");
    let run = client(&["--connect-timeout", "50ms", &format!("http://{addr}/")]);
    assert_eq!(run.code, Some(1), "{}", run.shown);
    assert!(
        run.last_line()
            .ends_with("no answer within 50ms (--connect-timeout)"),
        "{}",
        run.shown
    );
    shown += &Normalizer::new(addr).apply(&run.shown);
    insta::assert_snapshot!("command_line_errors", shown);
}

/// `--help` describes every option.
#[test]
fn help_describes_every_option() {
    let output = Program::start(CHAPTER, &["--help"]).finish();
    assert!(output.status.success());
    for option in [
        "--request",
        "--data",
        "--chunked",
        "--head",
        "--verbose",
        "--connect-timeout",
        "--response-timeout",
        "--max-head",
        "--max-fields",
    ] {
        // clap puts each description on the line after its option
        let lines: Vec<&str> = output.stdout.lines().map(str::trim).collect();
        let described = lines.windows(2).any(|pair| {
            let option_line = pair[0].split_once(", ").map_or(pair[0], |(_, long)| long);
            option_line.starts_with(option) && pair[1].len() > 16 && !pair[1].starts_with('-')
        });
        assert!(
            described,
            "--help does not describe {option}:\n{}",
            output.stdout
        );
    }
}
