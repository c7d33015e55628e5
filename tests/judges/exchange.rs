//! One exchange with a running server, as the scanners make it: the request
//! bytes in one write, then our FIN; everything the server sends back until its
//! FIN (or reset), cut into responses by their own framing. A server that keeps
//! the connection open closes it on our FIN, so no step waits on a timeout.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};

use crate::judges::support::WAIT;

/// One response as it came off the wire.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    /// All of its content arrived (false: the connection ended inside it).
    pub complete: bool,
}

impl Response {
    /// The value of the first field named `name` (case-insensitive).
    pub fn field(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_slice())
    }

    /// The response says the server closes after it (RFC 9112 §9.6).
    pub fn closes(&self) -> bool {
        self.field("connection").is_some_and(|v| {
            v.split(|&b| b == b',')
                .any(|option| option.trim_ascii().eq_ignore_ascii_case(b"close"))
        })
    }
}

/// How the server's side of the connection ended.
#[derive(PartialEq, Eq, Debug)]
pub enum End {
    /// Its FIN, after whole responses.
    Fin,
    /// A reset (RST) before its FIN.
    Reset,
    /// Bytes that are not a whole response, then its FIN.
    Garbage(Vec<u8>),
}

pub struct Exchange {
    pub responses: Vec<Response>,
    pub end: End,
}

/// Writes `request` at once, then FIN; reads to the server's FIN. `head`:
/// the first request is a HEAD (its response has no content, RFC 9110 §9.3.2).
pub fn exchange(addr: SocketAddr, request: &[u8], head: bool) -> Exchange {
    let mut stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect to the server");
    stream.set_read_timeout(Some(WAIT)).expect("read timeout");
    stream.set_write_timeout(Some(WAIT)).expect("write timeout");
    let mut reset = false;
    // a server that rejects early may close before reading it all: a reset then is its answer
    if let Err(err) = stream.write_all(request) {
        assert!(
            matches!(
                err.kind(),
                ErrorKind::ConnectionReset | ErrorKind::BrokenPipe
            ),
            "write to the server: {err}"
        );
        reset = true;
    }
    let _ = stream.shutdown(Shutdown::Write);
    let mut bytes = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(err) if err.kind() == ErrorKind::ConnectionReset => {
                reset = true;
                break;
            }
            Err(err) => panic!("read from the server ({} bytes so far): {err}", bytes.len()),
        }
    }
    let (responses, rest) = split(&bytes, head);
    let end = if reset {
        End::Reset
    } else if rest.is_empty() {
        End::Fin
    } else {
        End::Garbage(rest.to_vec())
    };
    Exchange { responses, end }
}

/// Cuts `bytes` into whole responses; returns them and what is left.
pub fn split(bytes: &[u8], head: bool) -> (Vec<Response>, &[u8]) {
    let mut responses = Vec::new();
    let mut rest = bytes;
    loop {
        if rest.is_empty() {
            return (responses, rest);
        }
        let mut fields = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Response::new(&mut fields);
        let Ok(httparse::Status::Complete(used)) = parsed.parse(rest) else {
            return (responses, rest);
        };
        let status = parsed.code.unwrap_or(0);
        let headers: Vec<(String, Vec<u8>)> = parsed
            .headers
            .iter()
            .map(|h| (h.name.to_string(), h.value.to_vec()))
            .collect();
        let mut response = Response {
            status,
            headers,
            body: Vec::new(),
            complete: true,
        };
        let after = &rest[used..];
        let no_content = (head && responses.is_empty())
            || (100..200).contains(&status)
            || status == 204
            || status == 304;
        let chunked = response
            .field("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case(b"chunked"));
        let length = response
            .field("content-length")
            .and_then(|v| std::str::from_utf8(v).ok()?.parse::<usize>().ok());
        let taken = if no_content {
            Some(0)
        } else if chunked {
            dechunk(after).map(|(body, used)| {
                response.body = body;
                used
            })
        } else if let Some(n) = length {
            (after.len() >= n).then(|| {
                response.body = after[..n].to_vec();
                n
            })
        } else {
            // no framing: the content runs to the close (RFC 9112 §6.3, rule 8)
            response.body = after.to_vec();
            Some(after.len())
        };
        let Some(taken) = taken else {
            // the head arrived, its content did not: the server gave up inside it
            response.complete = false;
            responses.push(response);
            return (responses, &[]);
        };
        rest = &after[taken..];
        responses.push(response);
    }
}

/// Decodes a chunked body; the content and the bytes used, or None if cut short.
fn dechunk(mut bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let start = bytes.len();
    let mut body = Vec::new();
    loop {
        let line_end = bytes.windows(2).position(|w| w == b"\r\n")?;
        let size_text = bytes[..line_end]
            .split(|&b| b == b';')
            .next()
            .unwrap_or_default();
        let size = usize::from_str_radix(std::str::from_utf8(size_text).ok()?.trim(), 16).ok()?;
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            // trailer section, then the empty line
            loop {
                let end = bytes.windows(2).position(|w| w == b"\r\n")?;
                bytes = &bytes[end + 2..];
                if end == 0 {
                    return Some((body, start - bytes.len()));
                }
            }
        }
        if bytes.len() < size + 2 || &bytes[size..size + 2] != b"\r\n" {
            return None;
        }
        body.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

/// Bytes as the data files write them (`\r` `\n` `\t` `\\` `\xHH`), and back: the same
/// escapes as chapter 7's judges write.
pub use crate::parser::judge::{escape, unescape};

/// One line for an exchange: each response's status, its body when short
/// (`"…"`) or its length (`[N bytes]`), or `cut short` when the connection
/// ended inside its content; `close` when it announces the close;
/// then `reset` or `garbage` if the connection ended so.
pub fn summary(exchange: &Exchange) -> String {
    let mut parts: Vec<String> = exchange
        .responses
        .iter()
        .map(|r| {
            let mut part = r.status.to_string();
            if !r.complete {
                part += " cut short";
            } else if r.status == 200 && r.body.len() <= 24 {
                part += &format!(" \"{}\"", escape(&r.body));
            } else if !r.body.is_empty() && r.status == 200 {
                part += &format!(" [{} bytes]", r.body.len());
            }
            if r.closes() {
                part += " close";
            }
            part
        })
        .collect();
    match &exchange.end {
        End::Fin => {}
        End::Reset => parts.push("reset".to_string()),
        End::Garbage(bytes) => parts.push(format!("garbage {:?}", escape(bytes))),
    }
    if parts.is_empty() {
        "nothing".to_string()
    } else {
        parts.join(", ")
    }
}

/// Runs `work` on every item on a few threads (the machine has two cores; the
/// server answers while the clients wait), results in the items' order.
pub fn parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = 4;
    let per = items.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|slice| {
                let work = &work;
                scope.spawn(move || slice.iter().map(work).collect::<Vec<R>>())
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a client thread panicked"))
            .collect()
    })
}
