//! Where a response's body ends (RFC 9112 §6.3, a response's rules, in
//! their order) and whether the connection carries another request after
//! it (RFC 9112 §9.3).

use ch07_request_parser::{Rule as HeadRule, Version, check_transfer_coding};
use ch08_persistent::Rule as BodyRule;

use crate::response::Response;
use crate::rules::{Malformed, Rule, whole};

/// How the body of a response is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// No body at all, whatever the fields say.
    None,
    /// Exactly this many bytes follow the head.
    Length(u64),
    /// Chunks, up to the last chunk and the trailer section (§7.1).
    Chunked,
    /// Everything up to the server's close.
    Close,
}

// ANCHOR: body
/// RFC 9112 §6.3, items 1 to 8 in order (7 is a request's).
pub fn body(method: &str, response: &Response) -> Result<Body, Malformed> {
    let status = response.status;
    // 1. "Any response to a HEAD request and any response with a 1xx
    // (Informational), 204 (No Content), or 304 (Not Modified) status code
    // is always terminated by the first empty line after the header fields"
    if method == "HEAD" || status < 200 || status == 204 || status == 304 {
        return Ok(Body::None);
    }
    // 2. a 2xx to CONNECT makes a tunnel: this client never sends CONNECT
    let codings = response.has("transfer-encoding");
    let lengths = response.has("content-length");
    // 3. both: "ought to be handled as an error"; we refuse the response
    if codings && lengths {
        return Err(whole(Rule::Body(BodyRule::LengthAndChunked)));
    }
    // §6.1: an HTTP/1.0 message with Transfer-Encoding: "MUST treat the
    // message as if the framing is faulty"
    if codings && response.version == Version::Http10 {
        return Err(whole(Rule::Http10Chunked));
    }
    // 4. chunked, the final (here: the only) coding
    if codings {
        return transfer_codings(response).map(|()| Body::Chunked);
    }
    // 5. an invalid Content-Length is "an unrecoverable error"; 6. a
    // valid one is the body's length
    if lengths {
        return content_length(response).map(Body::Length);
    }
    // 8. "Otherwise, [...] the number of octets received prior to the
    // server closing the connection"
    Ok(Body::Close)
}
// ANCHOR_END: body

// ANCHOR: transfer_codings
/// `chunked` exactly once: gzip and the rest are not implemented here,
/// and we sent no `TE` asking for them (RFC 9112 §7.4).
fn transfer_codings(response: &Response) -> Result<(), Malformed> {
    let mut chunked = 0;
    for coding in response.list("transfer-encoding") {
        // chapter 7's check: Rule::UnknownTransferCoding
        check_transfer_coding(coding, &["chunked"], 0)
            .map_err(|_| whole(Rule::Head(HeadRule::UnknownTransferCoding)))?;
        chunked += 1;
    }
    match chunked {
        1 => Ok(()),
        // "A sender MUST NOT apply the chunked transfer coding more than
        // once to a message body" (RFC 9112 §6.1)
        _ => Err(whole(Rule::Body(BodyRule::ChunkedTwice))),
    }
}
// ANCHOR_END: transfer_codings

// ANCHOR: content_length
/// Chapter 8's Content-Length, which reads a response's fields as it reads
/// a request's: the one length every line and list element agrees on
/// (RFC 9112 §6.3 item 5: "all values in the list are the same").
fn content_length(response: &Response) -> Result<u64, Malformed> {
    let length = ch08_persistent::framing::content_length(response.fields);
    length.map_err(|rule| whole(Rule::Body(rule)))
}
// ANCHOR_END: content_length

// ANCHOR: persistence
/// Whether the connection carries another request after a response, and
/// if not, why (RFC 9112 §9.3).
pub fn persistence(
    response: &Response,
    body: Body,
) -> Result<(), &'static str> {
    if body == Body::Close {
        return Err("the body ended at the close");
    }
    let option = |name: &[u8]| {
        response
            .list("connection")
            .any(|o| o.eq_ignore_ascii_case(name))
    };
    // "If the "close" connection option is present, the connection will
    // not persist after the current response"
    if option(b"close") {
        return Err("Connection: close");
    }
    // HTTP/1.0: persistent only with "keep-alive"; HTTP/1.1: by default
    match response.version {
        Version::Http10 if !option(b"keep-alive") => {
            Err("HTTP/1.0 without Connection: keep-alive")
        }
        _ => Ok(()),
    }
}
// ANCHOR_END: persistence
