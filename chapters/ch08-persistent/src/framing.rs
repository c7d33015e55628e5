//! Which body a request has: none, `Content-Length` bytes, or chunked
//! (RFC 9112 §6.3). The one place that decides it, so that we and every
//! server or proxy in front of us can only agree on where a request ends
//! (request smuggling, RFC 9112 §11.2, lives in the gaps between them).

use ch07_request_parser::{Field, Request, Version, check_transfer_coding};

use crate::rules::Rule;

/// How the body of a request is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body: neither field is present (RFC 9112 §6.3 item 7).
    None,
    /// Exactly this many bytes follow the head.
    Length(u64),
    /// Chunks, up to the last chunk and the trailer section (§7.1).
    Chunked,
}

// ANCHOR: framing
/// RFC 9112 §6.3, in its order, for a request. After any rejection the
/// connection closes: where a next request would start is unknown.
pub fn framing(request: &Request) -> Result<Framing, Rule> {
    let codings = request.field("transfer-encoding").is_some();
    let lengths = request.field("content-length").is_some();
    // §6.1: "A server or client that receives an HTTP/1.0 message
    // containing a Transfer-Encoding header field MUST treat the message
    // as if the framing is faulty"
    if codings && request.version == Version::Http10 {
        return Err(Rule::Http10Chunked);
    }
    // §6.1: "A server MAY reject a request that contains both
    // Content-Length and Transfer-Encoding [...] Regardless, the server
    // MUST close the connection": we reject (item 3 of §6.3)
    if codings && lengths {
        return Err(Rule::LengthAndChunked);
    }
    if codings {
        return transfer_codings(request.fields).map(|()| Framing::Chunked);
    }
    if lengths {
        return content_length(request.fields).map(Framing::Length);
    }
    Ok(Framing::None)
}
// ANCHOR_END: framing

/// The values of every field line called `name` (any letter case), in
/// order: a request's or a response's (chapter 10 reads those).
pub fn values<'b>(
    fields: &[Field<'b>],
    name: &str,
) -> impl Iterator<Item = &'b [u8]> {
    let name = name.as_bytes();
    fields
        .iter()
        .filter(move |field| field.name.eq_ignore_ascii_case(name))
        .map(|field| field.value)
}

/// The elements of every line of a list field, in order: `a, b` and a
/// second line `c` are `a`, `b`, `c` (RFC 9110 §5.3, §5.6.1). Empty
/// elements (`a,,b`) are skipped, as §5.6.1 asks of a recipient.
pub fn list<'b>(
    fields: &[Field<'b>],
    name: &str,
) -> impl Iterator<Item = &'b [u8]> {
    values(fields, name)
        .flat_map(|value| value.split(|&b| b == b','))
        .map(|element| element.trim_ascii()) // OWS around elements
        .filter(|element| !element.is_empty())
}

// ANCHOR: transfer_codings
// Transfer-Encoding = #transfer-coding                     (RFC 9112 §6.1)
/// Accepts `chunked` once, last; anything else is rejected.
fn transfer_codings(fields: &[Field]) -> Result<(), Rule> {
    // §6.3 item 4: "If a Transfer-Encoding header field is present in a
    // request and the chunked transfer coding is not the final encoding,
    // the message body length cannot be determined reliably; the server
    // MUST respond with the 400 (Bad Request) status code and then close"
    let last = list(fields, "transfer-encoding").last();
    if !last.is_some_and(|c| c.eq_ignore_ascii_case(b"chunked")) {
        return Err(Rule::FinalNotChunked);
    }
    let mut chunked = 0;
    for coding in list(fields, "transfer-encoding") {
        // gzip, compress, deflate: not implemented here -> 501 (§6.1)
        check_transfer_coding(coding, &["chunked"], 0)
            .map_err(|_| Rule::UnknownCoding)?;
        chunked += 1;
    }
    // §6.1: "A sender MUST NOT apply the chunked transfer coding more than
    // once to a message body"
    match chunked {
        1 => Ok(()),
        _ => Err(Rule::ChunkedTwice),
    }
}
// ANCHOR_END: transfer_codings

// ANCHOR: content_length
// Content-Length = 1*DIGIT                                  (RFC 9110 §8.6)
/// The one length every Content-Length line and element agrees on.
/// Identical repeats (`5, 5`, or two lines of `5`) are accepted: RFC 9110
/// §8.6 allows it ("replace the duplicated field values with a single valid
/// Content-Length"), a proxy that joins two lines makes exactly that, and
/// a recipient either refuses it (llhttp does) or reads this same length:
/// none can frame the request otherwise.
pub fn content_length(fields: &[Field]) -> Result<u64, Rule> {
    let mut length = None;
    for value in values(fields, "content-length") {
        for element in value.split(|&b| b == b',') {
            let n = digits(element.trim_ascii())?;
            if length.is_some_and(|first| first != n) {
                return Err(Rule::DifferentLengths);
            }
            length = Some(n);
        }
    }
    length.ok_or(Rule::ContentLength)
}

/// `1*DIGIT` as a u64: no sign, no inner space, no overflow, not empty.
fn digits(text: &[u8]) -> Result<u64, Rule> {
    if text.is_empty() {
        return Err(Rule::ContentLength);
    }
    text.iter().try_fold(0u64, |n, &b| {
        let digit = (b as char).to_digit(10).ok_or(Rule::ContentLength)?;
        let n = n.checked_mul(10).and_then(|n| n.checked_add(digit.into()));
        n.ok_or(Rule::ContentLength) // past u64::MAX: not a length
    })
}
// ANCHOR_END: content_length
