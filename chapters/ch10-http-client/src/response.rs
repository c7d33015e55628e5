//! The response head: a status-line (RFC 9112 §4), then field lines by
//! chapter 7's rules, then the empty line. Like chapter 7's parser it keeps
//! no state: call it again on everything read so far.

use ch07_request_parser::response_fields;
use ch07_request_parser::{Field, Limits, Rule as HeadRule, Version};
use ch08_persistent::framing;

use crate::rules::{Malformed, Rule, at};

// ANCHOR: response
/// A response head, borrowed from the bytes it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Response<'b, 'f> {
    pub version: Version,
    pub status: u16,
    /// The status-line as received, without its line end.
    pub status_line: &'b [u8],
    pub fields: &'f [Field<'b>],
    /// Bytes of the head; the body starts here.
    pub used: usize,
}
// ANCHOR_END: response

impl<'b> Response<'b, '_> {
    /// Is there a field line called `name` (any letter case)?
    pub fn has(&self, name: &str) -> bool {
        framing::values(self.fields, name).next().is_some()
    }

    /// The elements of a list field, every line of it, in order
    /// (RFC 9110 §5.6.1): chapter 8's reading of a request's lists.
    pub fn list(&self, name: &str) -> impl Iterator<Item = &'b [u8]> {
        framing::list(self.fields, name)
    }
}

// ANCHOR: parse_head
/// Parses the response head at the start of `input`: `Ok(None)` while the
/// bytes so far are a valid beginning of one.
pub fn parse_head<'b, 'f>(
    input: &'b [u8],
    limits: &Limits,
    fields: &'f mut Vec<Field<'b>>,
) -> Result<Option<Response<'b, 'f>>, Malformed> {
    let Some(line) = status_line(input, limits.max_head)? else {
        return Ok(None);
    };
    // the field lines: chapter 7's rules, chapter 7's code. One is
    // stricter than RFC 9112 §5.2 asks of a user agent, which "MUST
    // replace each received obs-fold with one or more SP octets": we
    // refuse the response instead, as chapter 7 refuses the request
    let used = response_fields(input, line.next, limits, fields)
        .map_err(|error| at(Rule::Head(error.rule), error.offset))?;
    Ok(used.map(|used| Response {
        version: line.version,
        status: line.status,
        status_line: &input[..line.end],
        fields,
        used,
    }))
}
// ANCHOR_END: parse_head

/// A status-line read: what it says, where it ends, where the next starts.
struct StatusLine {
    version: Version,
    status: u16,
    end: usize,
    next: usize,
}

// ANCHOR: status_line
// RFC 9112 §4:
// status-line = HTTP-version SP status-code SP [ reason-phrase ]
/// Each part byte by byte, so that a beginning is judged as far as it
/// goes: `Ok(None)` means every byte so far fits.
fn status_line(
    input: &[u8],
    max_head: usize,
) -> Result<Option<StatusLine>, Malformed> {
    let bytes = &input[..input.len().min(max_head)];
    // no empty lines first: RFC 9112 §2.2 lets a server skip them before a
    // request-line, and nobody skip them before a status-line
    if let Some(b'\r' | b'\n') = bytes.first() {
        return Err(at(Rule::EmptyFirstLine, 0));
    }
    let Some(version) = http_version(bytes)? else {
        return more(input, max_head);
    };
    let Some(status) = status_code(bytes)? else {
        return more(input, max_head);
    };
    let Some((end, next)) = reason_phrase(bytes)? else {
        return more(input, max_head);
    };
    Ok(Some(StatusLine {
        version,
        status,
        end,
        next,
    }))
}

/// At the end of the bytes: read more, unless `max_head` cut them.
fn more<T>(input: &[u8], max_head: usize) -> Result<Option<T>, Malformed> {
    if input.len() > max_head {
        return Err(at(Rule::Head(HeadRule::HeadTooLarge), max_head));
    }
    Ok(None)
}
// ANCHOR_END: status_line

// ANCHOR: http_version
// HTTP-version = HTTP-name "/" DIGIT "." DIGIT              (RFC 9112 §2.3)
fn http_version(bytes: &[u8]) -> Result<Option<Version>, Malformed> {
    for (i, &expected) in b"HTTP/0.0".iter().enumerate() {
        let Some(&b) = bytes.get(i) else {
            return Ok(None);
        };
        let fits = match expected {
            b'0' => b.is_ascii_digit(), // "0" stands for any DIGIT
            _ => b == expected,         // case-sensitive
        };
        if !fits {
            return Err(at(Rule::Head(HeadRule::Version), i));
        }
    }
    match (bytes[5], bytes[7]) {
        (b'1', b'0') => Ok(Some(Version::Http10)),
        // a higher minor version is read as the highest we know
        // (RFC 9110 §2.5), as chapter 7 reads requests
        (b'1', _) => Ok(Some(Version::Http11)),
        _ => Err(at(Rule::MajorVersion, 5)),
    }
}
// ANCHOR_END: http_version

// ANCHOR: status_code
/// ` 200 `: SP, status-code = 3DIGIT, SP, at bytes 8 to 12. "A server
/// MUST send the space [...] even when the reason-phrase is absent"
/// (RFC 9112 §4), so `HTTP/1.1 200` and a line end is refused.
fn status_code(bytes: &[u8]) -> Result<Option<u16>, Malformed> {
    let mut status = 0;
    for (i, expected) in (8..).zip(b" 000 ") {
        let Some(&b) = bytes.get(i) else {
            return Ok(None);
        };
        match (expected, b) {
            (b' ', b' ') => {}
            (b'0', b'0'..=b'9') => status = status * 10 + u16::from(b - b'0'),
            // "HTTP/1.10": the version is at fault
            (_, b'0'..=b'9') if i == 8 => {
                return Err(at(Rule::Head(HeadRule::Version), i));
            }
            (b'0', _) | (_, b'0'..=b'9') => {
                return Err(at(Rule::StatusCode, i));
            }
            _ => return Err(at(Rule::StatusLine, i)),
        }
    }
    match status {
        100..=599 => Ok(Some(status)),
        // RFC 9110 §15: "Values outside the range 100..599 are invalid";
        // a client "SHOULD process the response as if it had a 5xx": we
        // refuse it, stricter
        _ => Err(at(Rule::StatusCode, 9)),
    }
}
// ANCHOR_END: status_code

// ANCHOR: reason_phrase
/// The reason-phrase from byte 13 to the line end (CRLF, or a bare LF,
/// which RFC 9112 §2.2 lets a recipient accept, as chapter 7 does):
/// where the line ends, and where the next one starts.
fn reason_phrase(bytes: &[u8]) -> Result<Option<(usize, usize)>, Malformed> {
    for (i, &b) in bytes.iter().enumerate().skip(13) {
        match b {
            b'\n' => return Ok(Some((i, i + 1))),
            b'\r' => {
                return match bytes.get(i + 1) {
                    None => Ok(None),
                    Some(b'\n') => Ok(Some((i, i + 2))),
                    Some(_) => Err(at(Rule::Head(HeadRule::BareCr), i)),
                };
            }
            // HTAB / SP / VCHAR / obs-text
            b'\t' | b' '..=b'~' | 0x80.. => {}
            _ => return Err(at(Rule::ReasonPhrase, i)),
        }
    }
    Ok(None)
}
// ANCHOR_END: reason_phrase

#[cfg(test)]
mod tests {
    use super::*;

    /// What a head parses to: `Ok(Some(used))`, `Ok(None)`, or the rule
    /// and the byte.
    type Outcome = Result<Option<(u16, usize)>, (Rule, Option<usize>)>;

    fn outcome(input: &[u8], limits: &Limits) -> Outcome {
        let mut fields = Vec::new();
        match parse_head(input, limits, &mut fields) {
            Ok(Some(r)) => Ok(Some((r.status, r.used))),
            Ok(None) => Ok(None),
            Err(m) => Err((m.rule, m.at)),
        }
    }

    /// Named heads, and the status and head length, or the rule and byte.
    const CASES: &[(&str, &[u8], Outcome)] = &[
        ("plain", b"HTTP/1.1 200 OK\r\n\r\n", Ok(Some((200, 19)))),
        (
            "fields and a body",
            b"HTTP/1.0 404 Nope\r\nA: b\r\n\r\nxyz",
            Ok(Some((404, 27))),
        ),
        (
            "empty reason",
            b"HTTP/1.1 204 \r\n\r\n",
            Ok(Some((204, 17))),
        ),
        ("bare LF", b"HTTP/1.1 200 OK\nA: b\n\n", Ok(Some((200, 22)))),
        (
            "HTTP/1.2 as 1.1",
            b"HTTP/1.2 200 OK\r\n\r\n",
            Ok(Some((200, 19))),
        ),
        (
            "obs-text reason",
            b"HTTP/1.1 200 \xe2\x9c\x93\r\n\r\n",
            Ok(Some((200, 20))),
        ),
        (
            "empty first line",
            b"\r\nHTTP/1.1 200 OK\r\n\r\n",
            Err((Rule::EmptyFirstLine, Some(0))),
        ),
        (
            "HTTP/0.9",
            b"<html>\n",
            Err((Rule::Head(HeadRule::Version), Some(0))),
        ),
        (
            "lower case",
            b"Http/1.1 200 OK\r\n\r\n",
            Err((Rule::Head(HeadRule::Version), Some(1))),
        ),
        (
            "HTTP/2",
            b"HTTP/2.0 200 OK\r\n\r\n",
            Err((Rule::MajorVersion, Some(5))),
        ),
        (
            "HTTP/1.10",
            b"HTTP/1.10 200 OK\r\n\r\n",
            Err((Rule::Head(HeadRule::Version), Some(8))),
        ),
        (
            "two spaces",
            b"HTTP/1.1  200 OK\r\n\r\n",
            Err((Rule::StatusCode, Some(9))),
        ),
        (
            "four digits",
            b"HTTP/1.1 2000 OK\r\n\r\n",
            Err((Rule::StatusCode, Some(12))),
        ),
        (
            "status 099",
            b"HTTP/1.1 099 Hm\r\n\r\n",
            Err((Rule::StatusCode, Some(9))),
        ),
        (
            "no reason SP",
            b"HTTP/1.1 200\r\n\r\n",
            Err((Rule::StatusLine, Some(12))),
        ),
        (
            "tab separator",
            b"HTTP/1.1\t200 OK\r\n\r\n",
            Err((Rule::StatusLine, Some(8))),
        ),
        (
            "NUL in reason",
            b"HTTP/1.1 200 O\0K\r\n\r\n",
            Err((Rule::ReasonPhrase, Some(14))),
        ),
        (
            "bare CR",
            b"HTTP/1.1 200 OK\rA: b\r\n\r\n",
            Err((Rule::Head(HeadRule::BareCr), Some(15))),
        ),
        (
            "space before colon",
            b"HTTP/1.1 200 OK\r\nA : b\r\n\r\n",
            Err((Rule::Head(HeadRule::SpaceBeforeColon), Some(18))),
        ),
        (
            "obs-fold",
            b"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n",
            Err((Rule::Head(HeadRule::ObsFold), Some(23))),
        ),
        // Host's rules are a request's: two in a response are two fields
        (
            "two Host fields",
            b"HTTP/1.1 200 OK\r\nHost: a\r\nHost: b\r\n\r\n",
            Ok(Some((200, 37))),
        ),
    ];

    /// Every case whole, and every beginning of it: `Ok(None)` before the
    /// byte that decides, then `Ok(None)` or the same answer, never
    /// another one (a stateless parser fed any split sees beginnings).
    #[test]
    fn every_case_and_every_beginning() {
        let limits = Limits::DEFAULT;
        for &(name, input, want) in CASES {
            assert_eq!(outcome(input, &limits), want, "{name}");
            let decides = match want {
                Ok(Some((_, used))) => used,
                Err((_, Some(at))) => at + 1,
                _ => input.len(),
            };
            for k in 0..input.len() {
                let got = outcome(&input[..k], &limits);
                if k < decides {
                    assert_eq!(got, Ok(None), "{name}: {k} bytes");
                } else if got != Ok(None) {
                    assert_eq!(got, want, "{name}: {k} bytes");
                }
            }
        }
    }

    /// `max_head` counts the whole head, the status-line included: a head
    /// of exactly the limit parses; one byte less is refused at the limit.
    #[test]
    fn head_limit() {
        let head = b"HTTP/1.1 200 OK\r\nA: 1\r\n\r\n";
        let at = |max_head| Limits {
            max_head,
            ..Limits::DEFAULT
        };
        let len = head.len();
        assert_eq!(outcome(head, &at(len)), Ok(Some((200, len))));
        let too_large = Rule::Head(HeadRule::HeadTooLarge);
        assert_eq!(
            outcome(head, &at(len - 1)),
            Err((too_large, Some(len - 1)))
        );
        // cut inside the status-line by the limit
        assert_eq!(outcome(head, &at(10)), Err((too_large, Some(10))));
        assert_eq!(outcome(&head[..10], &at(10)), Ok(None));
    }
}
