//! Exercise 7: chapter 7's request-head parser, written by you.
//!
//! What [`parse`] returns ([`Parsed`], [`Request`], [`Field`], [`Error`]),
//! the [`Rule`]s a head can break with their statuses, the [`Limits`] and the
//! byte-class tables (`TCHAR`, `TARGET`, `OWS`, `REG_NAME`,
//! `is_field_content`) are the chapter's, re-exported here; [`parse`] is
//! yours. Write it (helper functions and modules of your own are welcome),
//! then run the chapter's own checks:
//!
//! ```sh
//! cargo test -p ex07-request-parser
//! ```
//!
//! The checks feed your parser every row of the chapter's table of named
//! cases (`ch07_request_parser::cases`) whole, in two reads split at every
//! byte and one byte at a time; they check that nothing is answered before
//! the byte that decides, each limit at the limit and one byte past it, and
//! pipelined heads. A failing check says what your parser returned, what the
//! RFC wants, and which section of `book/ch07-request-parser.md` explains it.
//! To start again: `git checkout -- exercises/ex07-request-parser`.

// The body is todo!() until you write it, so its parameters are unused
// until then, and clippy, seeing no push into `fields`, would have it a
// slice: delete this line once it is written.
#![allow(unused_variables, clippy::ptr_arg)]

pub use ch07_request_parser::rules::{
    Class, OWS, REG_NAME, TARGET, TCHAR, is_field_content,
};
pub use ch07_request_parser::{
    Error, Field, Form, Limits, Parsed, Request, Rule, Target, Version,
};

/// Parses the request head at the start of `input`, storing its field lines
/// in `fields` (clear it first). The parser keeps no state between calls: a
/// server calls it again with everything received so far after every read.
///
/// - `Ok(Parsed::Partial)`: a valid beginning of a head; read more bytes.
/// - `Ok(Parsed::Complete(request))`: the whole head, `request.used` bytes
///   of `input` (a body or the next request starts there).
/// - `Err(Error { rule, offset })`: the first rule the bytes break, and the
///   index of the first byte that rule does not allow; never a byte not yet
///   received.
///
/// In order, as the page's sections of "코드 / The code" explain them:
///
/// 1. "빈 줄과 줄 끝 / Empty lines and line ends": skip empty lines before
///    the request-line; a line ends in CRLF or a bare LF, a CR without its LF
///    is `Rule::BareCr`.
/// 2. "요청 줄 / The request-line": `method SP request-target SP
///    HTTP-version`, exactly one SP (`Rule::Method`, `Rule::RequestLine`).
/// 3. "요청 대상 / The request-target": its bytes (`TARGET`, `%` and two hex
///    digits) and its form, which the method decides (`Rule::Target`,
///    `Rule::PctEncoded`, `Rule::AbsoluteForm`, `Rule::AuthorityForm`,
///    `Rule::AsteriskForm`).
/// 4. "버전 / The version": `HTTP/` DIGIT `.` DIGIT, case-sensitive
///    (`Rule::Version`); a major version other than 1 is
///    `Rule::VersionNotSupported`, HTTP/1.2 reads as HTTP/1.1.
/// 5. "필드 줄 / Field lines": `field-name ":" OWS field-value OWS` until the
///    empty line; no whitespace before the colon, no control bytes in a
///    value, no obs-fold; exactly one valid `Host` in HTTP/1.1.
/// 6. "커서 / The cursor" and "한도 / Limits": over `max_request_line` is
///    `Rule::RequestLineTooLong` (414), over `max_head`
///    `Rule::HeadTooLarge`, a field line past `max_fields`
///    `Rule::TooManyFields` (431), each at the first byte past the limit.
pub fn parse<'b, 'f>(
    input: &'b [u8],
    limits: &Limits,
    fields: &'f mut Vec<Field<'b>>,
) -> Result<Parsed<'b, 'f>, Error> {
    todo!()
}
