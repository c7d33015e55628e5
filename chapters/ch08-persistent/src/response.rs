//! Response heads: a status line, `Date`, the body's type and framing, and
//! what happens to the connection after it.

use std::time::SystemTime;

use ch07_request_parser::Version;

use crate::Persist;

/// How a response body is delimited (RFC 9112 §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    Known(u64),
    /// Chunks, as the request's body came (the echo of a chunked upload).
    Chunked,
}

// ANCHOR: head
/// The head of a response. Every response is framed (Content-Length or
/// chunked), so the client knows where it ends without a close, and dated
/// (RFC 9110 §6.6.1: an origin server with a clock MUST send Date).
pub fn head(
    status: u16,
    content_type: &str,
    length: Length,
    persist: Persist,
    version: Version,
) -> Vec<u8> {
    let framing = match length {
        Length::Known(n) => format!("Content-Length: {n}\r\n"),
        Length::Chunked => "Transfer-Encoding: chunked\r\n".to_string(),
    };
    let connection = match (persist, version) {
        (Persist::Close, _) => "Connection: close\r\n",
        // HTTP/1.0 persists only if the response says so, too (§9.3)
        (Persist::KeepOpen, Version::Http10) => "Connection: keep-alive\r\n",
        (Persist::KeepOpen, Version::Http11) => "", // the default
    };
    // a 405 names the methods that do work (RFC 9110 §15.5.6)
    let allow = if status == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\n\
         Date: {date}\r\n\
         Content-Type: {content_type}\r\n\
         {framing}{allow}{connection}\r\n",
        reason = reason(status),
        date = httpdate::fmt_http_date(SystemTime::now()),
    )
    .into_bytes()
}
// ANCHOR_END: head

/// The interim response that lets a client send its body (RFC 9110 §15.2.1).
pub const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// The reason phrase for each status this server sends.
pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        417 => "Expectation Failed",
        status => ch07_request_parser::reason(status),
    }
}
