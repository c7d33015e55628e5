//! Which body a request has: none, `Content-Length` bytes, or chunked
//! (RFC 9112 §6.3).

use ch07_request_parser::Request;

pub use ch08_persistent::framing::Framing;

use crate::Rule;

/// RFC 9112 §6.3, in its order, for a request (items 3 to 7), and §6.1
/// before them. What to write:
///
/// - `Transfer-Encoding` in an HTTP/1.0 request: [`Rule::Http10Chunked`].
/// - `Transfer-Encoding` and `Content-Length` both: [`Rule::LengthAndChunked`].
/// - `Transfer-Encoding`: the last coding must be `chunked`
///   ([`Rule::FinalNotChunked`]), any other coding before it is one we do
///   not implement ([`Rule::UnknownCoding`], 501), and `chunked` comes
///   once ([`Rule::ChunkedTwice`]). Then [`Framing::Chunked`].
/// - `Content-Length`: every line and every comma-separated element is
///   `1*DIGIT` ([`Rule::ContentLength`]: no sign, no space inside, no `0x`,
///   nothing empty, nothing past `u64`) and all are the same number
///   ([`Rule::DifferentLengths`]); `5, 5` is 5. Then [`Framing::Length`].
/// - Neither field: [`Framing::None`], whatever the method.
///
/// `request.field("content-length")` finds a field (any letter case);
/// `request.fields` holds every line. The page: ch08, "본문은 어디서
/// 끝나나: 프레이밍 / Where a body ends: framing".
pub fn framing(request: &Request) -> Result<Framing, Rule> {
    todo!()
}
