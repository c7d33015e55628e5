//! Chapter 7: a hand-written, incremental HTTP/1.1 request-head parser
//! (RFC 9112 §2–§5, RFC 9110 §5), and a server that answers every request
//! with what the parser made of it.
//!
//! Try it: `cargo run -p ch07-request-parser`, then
//! `curl http://127.0.0.1:5000/hello` or
//! `printf 'GET / HTTP/1.1\r\nHost : x\r\n\r\n' | nc 127.0.0.1 5000`.
//! Without a server:
//! `printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' | cargo run -q -p ch07-request-parser -- --stdin`.
//!
//! It prints one line per event: `connected`, what it parsed or why it
//! rejected the head, `answered …`. Chapter 8 builds on [`parse`].

pub mod cases;
pub mod parse;
pub mod rules;

use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use ch01_raw_server::{bytes, printable};
use ch05_raw_http::close;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

pub use parse::{
    Error, Field, Form, Limits, Parsed, Request, Target, Version,
    check_transfer_coding, parse, response_fields,
};
pub use rules::{Rule, reason};

/// How the server behaves: set from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    pub limits: Limits,
    /// How long a client may take to send its whole request head.
    pub head_timeout: Duration,
}

// ANCHOR: describe
/// What the parser made of a head, one line per part, as the server's
/// response body and `--stdin` show it.
pub fn describe(request: &Request) -> String {
    let mut out = String::new();
    let target = &request.target;
    // writing to a String cannot fail
    let _ = writeln!(out, "method:  {}", request.method);
    let _ = writeln!(out, "target:  {} ({})", target.raw, target.form);
    let _ = writeln!(out, "version: {}", request.version);
    for (i, field) in request.fields.iter().enumerate() {
        let (name, value) = (field.name_str(), printable(field.value));
        let _ = writeln!(out, "field {}: {name}: {value}", i + 1);
    }
    let _ = writeln!(out, "head:    {}", bytes(request.used));
    out
}

/// The one line that says why a head was rejected.
pub fn rejection(error: &Error) -> String {
    let status = error.status();
    format!("{status} {}: {error}", reason(status))
}
// ANCHOR_END: describe

/// What reading a request head ended with.
pub enum Head {
    /// A whole head, parsed: `buf[..used]`.
    Complete {
        used: usize,
    },
    /// The bytes broke a rule (or a limit).
    Rejected(Error),
    /// The client sent its FIN first; how many bytes it sent before.
    Closed(usize),
    TimedOut,
}

// ANCHOR: read_head
/// Reads into `buf` until it holds a whole head, the parser rejects it, the
/// client closes, or `head_timeout` passes for the whole head. The parser
/// keeps no state between calls: each look parses everything so far, so a
/// head split over a thousand reads parses like one read.
pub async fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    config: &Config,
) -> io::Result<Head> {
    let deadline = Instant::now() + config.head_timeout;
    let limits = &config.limits;
    let mut seen = 0; // how much of buf the parser has looked at
    loop {
        // the answer can change only once a line has ended or a limit is
        // passed: look only then, so that a client sending a byte at a time
        // cannot make us parse the whole head again for every byte
        let line_ended = buf[seen..].contains(&b'\n');
        let passed = |limit: usize| seen <= limit && limit < buf.len();
        let limit = passed(limits.max_request_line) || passed(limits.max_head);
        if (line_ended || limit)
            && let Some(head) = look(buf, limits)
        {
            return Ok(head);
        }
        seen = buf.len();
        let read = timeout_at(deadline, stream.read_buf(buf)).await;
        let Ok(read) = read else {
            return Ok(Head::TimedOut);
        };
        if read? == 0 {
            // a rule the bytes broke, or else a head cut short
            return Ok(look(buf, limits).unwrap_or(Head::Closed(buf.len())));
        }
    }
}

// ANCHOR_END: read_head

// ANCHOR: look
/// What the parser makes of `buf` so far; `None` means "read more".
fn look(buf: &[u8], limits: &Limits) -> Option<Head> {
    let mut fields = Vec::new(); // it borrows from buf: one per look
    match parse(buf, limits, &mut fields) {
        Ok(Parsed::Complete(request)) => {
            Some(Head::Complete { used: request.used })
        }
        Err(error) => Some(Head::Rejected(error)),
        Ok(Parsed::Partial) => None,
    }
}
// ANCHOR_END: look

// ANCHOR: handle_connection
/// One request head, one answer (what was parsed, or why not), then a
/// close that lets the client read it all. Chapter 8 keeps the connection.
pub async fn handle_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    config: Config,
) -> io::Result<()> {
    println!("{peer}: connected");
    let mut buf = Vec::with_capacity(4096);
    let head = read_head(&mut stream, &mut buf, &config).await?;
    let (status, body) = match head {
        Head::Complete { .. } => answer(peer, &buf, &config.limits),
        Head::Rejected(error) => {
            println!("{peer}: rejected: {error}");
            (error.status(), rejection(&error) + "\n")
        }
        Head::Closed(0) => {
            println!("{peer}: closed without sending a request");
            return Ok(());
        }
        Head::Closed(n) => {
            let line = format!("the client closed after {}", bytes(n));
            println!("{peer}: {line}, before the end of the head");
            (400, format!("400 Bad Request: {line}\n"))
        }
        Head::TimedOut => {
            let waited = humantime::format_duration(config.head_timeout);
            println!("{peer}: no complete head within {waited}, closing");
            return close(&mut stream).await;
        }
    };
    respond(&mut stream, peer, status, &body).await
}
// ANCHOR_END: handle_connection

/// Parses the head `read_head` saw complete, again, to borrow it from `buf`
/// (a value borrowed inside the read loop cannot leave it), and describes it.
fn answer(peer: SocketAddr, buf: &[u8], limits: &Limits) -> (u16, String) {
    let mut fields = Vec::new();
    match parse(buf, limits, &mut fields) {
        Ok(Parsed::Complete(request)) => {
            println!("{peer}: {}", summary(&request));
            (200, describe(&request))
        }
        // the same bytes and limits: the same answer as in read_head
        Ok(Parsed::Partial) => (400, "400 Bad Request\n".to_string()),
        Err(error) => (error.status(), rejection(&error) + "\n"),
    }
}

/// `GET / HTTP/1.1, 3 field lines, 78 bytes`: the server's log line.
pub fn summary(request: &Request) -> String {
    let fields = match request.fields.len() {
        1 => "1 field line".to_string(),
        n => format!("{n} field lines"),
    };
    let (method, target) = (request.method, request.target.raw);
    let used = bytes(request.used);
    format!("{method} {target} {}, {fields}, {used}", request.version)
}

// ANCHOR: respond
/// A `text/plain` response with `Connection: close`, then the polite close.
async fn respond(
    stream: &mut TcpStream,
    peer: SocketAddr,
    status: u16,
    body: &str,
) -> io::Result<()> {
    let reason = reason(status);
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\n\
         Date: {date}\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {length}\r\n\
         Connection: close\r\n\
         \r\n",
        date = httpdate::fmt_http_date(SystemTime::now()),
        length = body.len(),
    );
    // one write: a second small one could wait for the first one's ACK
    // (Nagle's algorithm), which the client may delay
    stream
        .write_all(&[head.as_bytes(), body.as_bytes()].concat())
        .await?;
    println!("{peer}: answered {status} {reason}");
    // chapter 5's polite close: our FIN, then drain until the client's
    close(stream).await
}

// ANCHOR_END: respond

// ANCHOR: stdin
/// `--stdin`: reads standard input until it holds a whole head (so typing
/// a head in a terminal works: the empty line ends it), prints what was
/// parsed, and returns the exit status: 0, or 1 with one line on stderr.
pub fn parse_stdin(program: &str, limits: &Limits) -> i32 {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0; 4096];
    loop {
        let mut fields = Vec::new();
        match parse(&buf, limits, &mut fields) {
            Ok(Parsed::Complete(request)) => {
                print!("{}", describe(&request));
                let rest = buf.len() - request.used;
                if rest > 0 {
                    println!("then:    {} after the head", bytes(rest));
                }
                return 0;
            }
            Err(error) => {
                eprintln!("{program}: {}", rejection(&error));
                return 1;
            }
            Ok(Parsed::Partial) => {}
        }
        match io::stdin().read(&mut chunk) {
            Ok(0) => {
                let n = bytes(buf.len());
                eprintln!("{program}: input ended after {n}, inside the head");
                return 1;
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                eprintln!("{program}: cannot read standard input: {err}");
                return 1;
            }
        }
    }
}
// ANCHOR_END: stdin
