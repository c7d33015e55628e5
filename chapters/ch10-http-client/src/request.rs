//! The request, written by hand: a request-line, the fields a client
//! sends, the empty line, then the body (RFC 9112 §2.1, §3).

use crate::url::Url;

/// One request of the command line.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub url: Url,
    /// `-d DATA`: the content.
    pub body: Option<Vec<u8>>,
    /// `--chunked`: send the content in the chunked coding (RFC 9112 §7.1).
    pub chunked: bool,
}

impl Request {
    // ANCHOR: idempotent
    /// "Request methods are considered idempotent if the intended effect
    /// on the server of multiple identical requests with that method is
    /// the same as the effect for a single such request" (RFC 9110
    /// §9.2.2): PUT, DELETE and the safe methods.
    pub fn idempotent(&self) -> bool {
        let method = self.method.as_str();
        matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE" | "PUT")
            || method == "DELETE"
    }
    // ANCHOR_END: idempotent

    // ANCHOR: head
    /// The request head, every line ending in CRLF (RFC 9112 §2.1).
    pub fn head(&self) -> String {
        let Url {
            authority, target, ..
        } = &self.url;
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\n\
             Host: {authority}\r\n\
             User-Agent: ch10-http-client\r\n\
             Accept: */*\r\n",
            method = self.method,
        );
        let framing = match &self.body {
            Some(_) if self.chunked => "Transfer-Encoding: chunked".into(),
            Some(body) => format!("Content-Length: {}", body.len()),
            // "a user agent normally sends Content-Length in a POST
            // request even when the value is 0" (RFC 9110 §8.6)
            None if matches!(self.method.as_str(), "POST" | "PUT") => {
                "Content-Length: 0".into()
            }
            None => String::new(),
        };
        if !framing.is_empty() {
            head += &framing;
            head += "\r\n";
        }
        if self.body.is_some() {
            head += "Content-Type: application/octet-stream\r\n";
        }
        head + "\r\n" // the empty line ends the head
    }
    // ANCHOR_END: head

    // ANCHOR: bytes
    /// The whole request as it goes on the wire, in one write.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = self.head().into_bytes();
        match &self.body {
            // one chunk, then the last chunk and an empty trailer section
            Some(body) if self.chunked && !body.is_empty() => {
                bytes.extend(format!("{:x}\r\n", body.len()).as_bytes());
                bytes.extend(body);
                bytes.extend(b"\r\n0\r\n\r\n");
            }
            Some(_) if self.chunked => bytes.extend(b"0\r\n\r\n"),
            Some(body) => bytes.extend(body),
            None => {}
        }
        bytes
    }
    // ANCHOR_END: bytes
}
