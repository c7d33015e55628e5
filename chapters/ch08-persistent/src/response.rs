//! Responses: what a route (or a later chapter's [`Service`]) answers with,
//! and the head that frames and dates it.
//!
//! [`Service`]: crate::service::Service

use std::time::SystemTime;

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
            fields: format!("Content-Type: {content_type}\r\n"),
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
/// (RFC 9110 §6.6.1: an origin server with a clock MUST send Date).
pub fn head(
    status: u16,
    fields: &str,
    length: Length,
    persist: Persist,
    version: Version,
) -> Vec<u8> {
    let framing = match length {
        Length::Known(n) => format!("Content-Length: {n}\r\n"),
        Length::Chunked => "Transfer-Encoding: chunked\r\n".to_string(),
        Length::NoBody => String::new(),
    };
    let connection = match (persist, version) {
        (Persist::Close, _) => "Connection: close\r\n",
        // HTTP/1.0 persists only if the response says so, too (§9.3)
        (Persist::KeepOpen, Version::Http10) => "Connection: keep-alive\r\n",
        (Persist::KeepOpen, Version::Http11) => "", // the default
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\n\
         Date: {date}\r\n\
         {fields}{framing}{connection}\r\n",
        reason = reason(status),
        date = httpdate::fmt_http_date(SystemTime::now()),
    )
    .into_bytes()
}
// ANCHOR_END: head

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
