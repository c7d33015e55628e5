//! Responses: what a route (or a later chapter's [`Service`]) answers with,
//! and the head that frames and dates it.
//!
//! [`Service`]: crate::service::Service

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use ch07_request_parser::Version;
use tokio::io::AsyncRead;

use crate::Persist;
use crate::framing::Framing;

// ANCHOR: response
/// A final response, before it is framed.
pub struct Response {
    pub status: u16,
    /// Field lines after `Date`, each ending in `\r\n` (`Content-Type`, …).
    pub fields: String,
    pub content: Content,
    /// Appended to the log line, after the status.
    pub note: String,
}

/// A response's content, and so its framing.
pub enum Content {
    /// No body and no Content-Length: a 304 (RFC 9110 §15.4.5).
    None,
    Static(&'static [u8]),
    Bytes(Vec<u8>),
    /// This many bytes from the reader (a file), sent in pieces.
    Stream(Box<dyn AsyncRead + Send + Unpin>, u64),
}
// ANCHOR_END: response

impl Response {
    /// A response with a body of `content_type`.
    pub fn new(status: u16, content_type: &str, content: Content) -> Response {
        Response {
            status,
            // copied, not formatted: this is made for every response
            fields: ["Content-Type: ", content_type, "\r\n"].concat(),
            content,
            note: String::new(),
        }
    }
}

/// How a response body is delimited (RFC 9112 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    Known(u64),
    /// Chunks, as the request's body came (the echo of a chunked upload).
    Chunked,
    /// No body at all, by the status (RFC 9112 §6.3 item 1).
    NoBody,
}

impl From<Framing> for Length {
    /// An echo is framed as the request was.
    fn from(framing: Framing) -> Length {
        match framing {
            Framing::None => Length::Known(0),
            Framing::Length(n) => Length::Known(n),
            Framing::Chunked => Length::Chunked,
        }
    }
}

impl Content {
    pub fn length(&self) -> Length {
        match self {
            Content::None => Length::NoBody,
            Content::Static(bytes) => Length::Known(bytes.len() as u64),
            Content::Bytes(bytes) => Length::Known(bytes.len() as u64),
            Content::Stream(_, n) => Length::Known(*n),
        }
    }
}

// ANCHOR: head
/// The head of a response. Every response is framed (Content-Length or
/// chunked), so the client knows where it ends without a close, and dated
/// (RFC 9110 §6.6.1: an origin server with a clock MUST send Date). Its
/// pieces are copied into one buffer, which the body then joins.
pub fn head(
    status: u16,
    fields: &str,
    length: Length,
    persist: Persist,
    version: Version,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEAD);
    out.extend_from_slice(b"HTTP/1.1 ");
    decimal(&mut out, status.into());
    out.push(b' ');
    out.extend_from_slice(reason(status).as_bytes());
    out.extend_from_slice(b"\r\nDate: ");
    date(&mut out);
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(fields.as_bytes());
    match length {
        Length::Known(n) => {
            out.extend_from_slice(b"Content-Length: ");
            decimal(&mut out, n);
            out.extend_from_slice(b"\r\n");
        }
        Length::Chunked => {
            out.extend_from_slice(b"Transfer-Encoding: chunked\r\n")
        }
        Length::NoBody => {}
    }
    let connection = match (persist, version) {
        (Persist::Close, _) => "Connection: close\r\n",
        // HTTP/1.0 persists only if the response says so, too (§9.3)
        (Persist::KeepOpen, Version::Http10) => "Connection: keep-alive\r\n",
        (Persist::KeepOpen, Version::Http11) => "", // the default
    };
    out.extend_from_slice(connection.as_bytes());
    out.extend_from_slice(b"\r\n"); // the empty line ends the head
    out
}
// ANCHOR_END: head

/// Room for a head and a small body, so the body rarely makes it grow.
const HEAD: usize = 512;

// ANCHOR: date
thread_local! {
    /// The Date value of the current second, and that second.
    static DATE: RefCell<(u64, String)> = const {
        RefCell::new((0, String::new()))
    };
}

/// Appends the current time as an HTTP-date (RFC 9110 §5.6.7). It names
/// whole seconds, so it is formatted once a second (per thread) and copied
/// for every other response in that second.
fn date(out: &mut Vec<u8>) {
    let now = SystemTime::now();
    let second = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    DATE.with_borrow_mut(|(at, date)| {
        if *at != second || date.is_empty() {
            *at = second;
            *date = httpdate::fmt_http_date(now);
        }
        out.extend_from_slice(date.as_bytes());
    });
}
// ANCHOR_END: date

/// Appends `n` in decimal, as `format!("{n}")` would, without a String.
fn decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0; 20]; // u64::MAX has 20 digits
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// The interim response that lets a client send its body (RFC 9110 §15.2.1).
pub const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// The reason phrase for each status this server (or a service) sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        500 => "Internal Server Error",
        status => ch07_request_parser::reason(status),
    }
}

#[cfg(test)]
mod tests {
    /// `decimal` writes what `format!` would.
    #[test]
    fn decimal_is_format() {
        for n in [0, 7, 10, 137, 1_048_576, u64::MAX] {
            let mut out = Vec::new();
            super::decimal(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }
}
