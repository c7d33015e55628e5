//! `Decoder`: chapter 8's table of chunked bodies (`CASES_CHUNKED`), each
//! body fed whole, in two reads split at every byte, and one byte at a
//! time, the way the connection feeds it: the bytes a step used dropped,
//! the rest handed back with the next read appended. Then the limits: the
//! body (413), the chunk-size line (400), the trailer section (431), each
//! at the limit and one byte past it.

use ch07_request_parser::{Limits, Parsed, parse};
use ch08_persistent::cases::{CASES_CHUNKED, Case, Expect};

use super::report::{call, fail, wrong};
use super::{CHUNKED, rule_text, shown};
use crate::subject::Rule;
use crate::subject::chunked::{Decoder, MAX_CHUNK_LINE, Step};

/// The tables' `max_body`: the server's default, `--max-body` 1 MiB.
const MAX_BODY: u64 = ch08_persistent::Config::DEFAULT.max_body;

/// What decoding a body came to, as plain data.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    /// The input ran out before the decoder said `End`.
    Partial,
    /// `End`: the body, the trailer lines counted, the bytes after it.
    Body {
        body: Vec<u8>,
        trailers: usize,
        rest: Vec<u8>,
    },
    Reject(Rule),
}

impl Outcome {
    fn text(&self) -> String {
        match self {
            Outcome::Partial => {
                "Step::More after the whole input: still waiting for bytes"
                    .to_string()
            }
            Outcome::Body {
                body,
                trailers,
                rest,
            } => format!(
                "Step::End: the body {} ({} bytes), {trailers} trailer line(s), {} left for the next request",
                shown(body),
                body.len(),
                shown(rest)
            ),
            Outcome::Reject(rule) => rule_text(*rule),
        }
    }
}

/// How a body reached the decoder, for the report.
#[derive(Clone, Copy)]
enum Feed {
    Whole,
    Split(usize),
    Bytewise,
}

impl Feed {
    fn text(self) -> String {
        match self {
            Feed::Whole => "fed whole".to_string(),
            Feed::Split(at) => {
                format!("fed in two reads, split after byte {at} of the body")
            }
            Feed::Bytewise => "fed one byte at a time".to_string(),
        }
    }

    fn pieces(self, len: usize) -> Vec<usize> {
        match self {
            Feed::Whole => vec![len],
            Feed::Split(at) => vec![at, len - at],
            Feed::Bytewise => vec![1; len],
        }
    }
}

/// Feeds `body` to a new decoder in pieces of these sizes, as the
/// connection does, and says what it came to.
fn decode(
    body: &[u8],
    pieces: &[usize],
    max_body: u64,
    limits: &Limits,
) -> Outcome {
    let mut decoder =
        call("Decoder::new", CHUNKED, || Decoder::new(max_body, limits));
    let mut buf: Vec<u8> = Vec::new();
    let mut data = Vec::new();
    let mut rest = body;
    // a decoder that never moves on would loop forever: a bound instead
    let mut steps_left = 4 * body.len() + 64;
    for &size in pieces {
        let (piece, after) = rest.split_at(size.min(rest.len()));
        buf.extend_from_slice(piece);
        rest = after;
        loop {
            steps_left = match steps_left.checked_sub(1) {
                Some(left) => left,
                None => fail(format!(
                    "Decoder::step made no progress: {} steps for a body of {} bytes \
                     (a step that uses nothing must be Step::More)\n  read:   {CHUNKED}",
                    4 * body.len() + 64,
                    body.len()
                )),
            };
            let step = call("Decoder::step", CHUNKED, || decoder.step(&buf));
            let used = match step {
                Err(rule) => return Outcome::Reject(rule),
                Ok(Step::More) => break,
                Ok(Step::Framing(n) | Step::Data(n) | Step::End(n)) => n,
            };
            if used > buf.len() {
                fail(format!(
                    "Decoder::step answered {step:?} for an input of {} bytes: \
                     a step names bytes it was given\n  read:   {CHUNKED}",
                    buf.len()
                ));
            }
            let taken: Vec<u8> = buf.drain(..used).collect();
            match step {
                Ok(Step::Data(_)) => data.extend(taken),
                Ok(Step::End(_)) => {
                    buf.extend_from_slice(rest);
                    return Outcome::Body {
                        body: data,
                        trailers: decoder.trailers,
                        rest: buf,
                    };
                }
                _ => {}
            }
        }
    }
    Outcome::Partial
}

/// The bytes after a row's head: the chunked body and what follows it.
fn body_of(case: &Case) -> &'static [u8] {
    let mut fields = Vec::new();
    match parse(case.input, &Limits::DEFAULT, &mut fields) {
        Ok(Parsed::Complete(request)) => &case.input[request.used..],
        other => fail(format!(
            "the table's row {:?} has no whole head: {other:?}",
            case.name
        )),
    }
}

fn wanted(case: &Case) -> Outcome {
    match case.expect {
        Expect::Body {
            body,
            trailers,
            rest,
            ..
        } => Outcome::Body {
            body: body.to_vec(),
            trailers,
            rest: rest.to_vec(),
        },
        Expect::Reject(rule) => Outcome::Reject(rule),
        Expect::Head(rule) => {
            fail(format!("row {:?}: a head rule, {rule:?}", case.name))
        }
    }
}

/// Every row that `select` picks, fed in each of the ways `feeds` gives.
fn check_rows(
    select: impl Fn(&Case) -> bool,
    feeds: impl Fn(usize) -> Vec<Feed>,
) {
    let mut checked = 0;
    for case in CASES_CHUNKED.iter().filter(|case| select(case)) {
        let body = body_of(case);
        let want = wanted(case);
        for feed in feeds(body.len()) {
            let got = decode(
                body,
                &feed.pieces(body.len()),
                MAX_BODY,
                &Limits::DEFAULT,
            );
            if got != want {
                wrong(
                    format!(
                        "row {:?}, {}: your decoder came to {}\n  body:   {}",
                        case.name,
                        feed.text(),
                        got.text(),
                        shown(body),
                    ),
                    format!("{} — the row: {}", want.text(), case.rfc),
                    CHUNKED,
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 0, "no row of the table was checked");
}

fn is_body(case: &Case) -> bool {
    matches!(case.expect, Expect::Body { .. })
}

/// Chunks, hex sizes, extensions, trailers: decoded, and the next
/// request's bytes left as they came.
#[test]
fn chunked_bodies_decoded() {
    check_rows(is_body, |_| vec![Feed::Whole]);
}

/// Every way a chunked body breaks §7.1: refused, with its rule.
#[test]
fn chunked_errors_refused() {
    check_rows(|case| !is_body(case), |_| vec![Feed::Whole]);
}

/// The same answer whatever the split: TCP keeps no message boundaries.
#[test]
fn chunked_split_at_every_byte() {
    check_rows(|_| true, |len| (0..=len).map(Feed::Split).collect());
}

/// The same answer one byte at a time (the worst a client can do).
#[test]
fn chunked_one_byte_at_a_time() {
    check_rows(|_| true, |_| vec![Feed::Bytewise]);
}

/// Checks one body against what it must come to, fed whole and split.
fn check_limit(
    name: &str,
    body: &[u8],
    max_body: u64,
    limits: &Limits,
    want: &Outcome,
    rfc: &str,
) {
    let mut feeds = vec![Feed::Whole];
    if body.len() < 256 {
        feeds.extend((0..=body.len()).map(Feed::Split));
    }
    for feed in feeds {
        let got = decode(body, &feed.pieces(body.len()), max_body, limits);
        if got != *want {
            wrong(
                format!(
                    "{name}, {}: your decoder came to {}\n  body:   {}",
                    feed.text(),
                    got.text(),
                    shown(body),
                ),
                format!("{} — {rfc}", want.text()),
                CHUNKED,
            );
        }
    }
}

fn ok(body: &[u8], trailers: usize) -> Outcome {
    Outcome::Body {
        body: body.to_vec(),
        trailers,
        rest: Vec::new(),
    }
}

/// `max_body` bytes of chunk-data are read; one more is 413, refused at
/// the chunk-size line that passes the limit, before its data is read.
#[test]
fn chunked_body_limit() {
    let limits = Limits::DEFAULT;
    let at = b"3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n";
    check_limit(
        "5 bytes, max_body 5",
        at,
        5,
        &limits,
        &ok(b"hello", 0),
        "RFC 9110 §15.5.14",
    );
    let over = b"3\r\nhel\r\n3\r\nlo!\r\n0\r\n\r\n";
    let refused = Outcome::Reject(Rule::BodyTooLarge);
    check_limit(
        "6 bytes, max_body 5",
        over,
        5,
        &limits,
        &refused,
        "RFC 9110 §15.5.14",
    );
    // the size line alone is enough to refuse: its data never needs to come
    let announced = b"3\r\nhel\r\n3\r\n";
    check_limit(
        "a chunk-size that passes max_body, its data not sent",
        announced,
        5,
        &limits,
        &refused,
        "RFC 9110 §15.5.14",
    );
}

/// A chunk-size line of `MAX_CHUNK_LINE` bytes (extensions included) is
/// read; one byte more is 400, and so is a longer line not yet ended.
#[test]
fn chunk_line_limit() {
    let limits = Limits::DEFAULT;
    let line = |len: usize| {
        let mut line = b"5;x=".to_vec();
        line.resize(len, b'a');
        line
    };
    let body =
        |line: Vec<u8>| [line, b"\r\nhello\r\n0\r\n\r\n".to_vec()].concat();
    let rfc = "RFC 9112 §7.1.1";
    let at = body(line(MAX_CHUNK_LINE));
    check_limit(
        "a chunk-size line of MAX_CHUNK_LINE bytes",
        &at,
        u64::MAX,
        &limits,
        &ok(b"hello", 0),
        rfc,
    );
    let refused = Outcome::Reject(Rule::ChunkLineTooLong);
    let over = body(line(MAX_CHUNK_LINE + 1));
    check_limit(
        "a chunk-size line of MAX_CHUNK_LINE + 1 bytes",
        &over,
        u64::MAX,
        &limits,
        &refused,
        rfc,
    );
    let unended = line(MAX_CHUNK_LINE + 2);
    check_limit(
        "MAX_CHUNK_LINE + 2 bytes and no line end yet",
        &unended,
        u64::MAX,
        &limits,
        &refused,
        rfc,
    );
    let waiting = line(MAX_CHUNK_LINE + 1);
    check_limit(
        "MAX_CHUNK_LINE + 1 bytes and no line end yet (its CR may come)",
        &waiting,
        u64::MAX,
        &limits,
        &Outcome::Partial,
        rfc,
    );
}

/// The trailer section is held to the head's limits: `max_fields` lines
/// and `max_head` bytes (CRLFs included) are read, one more is 431.
#[test]
fn trailer_limits() {
    let limits = Limits {
        max_fields: 2,
        max_head: 100,
        ..Limits::DEFAULT
    };
    let chunked = |trailers: &[String]| {
        format!("0\r\n{}\r\n", trailers.concat()).into_bytes()
    };
    // a field line of `len` bytes, its CRLF included
    let line =
        |name: &str, len: usize| format!("{name}: {}\r\n", "v".repeat(len - 5));
    let rfc = "RFC 9112 §7.1.2, RFC 6585 §5";
    let at = chunked(&[line("A", 50), line("B", 50)]);
    let name =
        "two trailer lines of 100 bytes in all; max_fields 2, max_head 100";
    check_limit(name, &at, u64::MAX, &limits, &ok(b"", 2), rfc);
    let too_large = chunked(&[line("A", 50), line("B", 51)]);
    let name = "two trailer lines of 101 bytes in all; max_head 100";
    check_limit(
        name,
        &too_large,
        u64::MAX,
        &limits,
        &Outcome::Reject(Rule::TrailerTooLarge),
        rfc,
    );
    let too_many = chunked(&[line("A", 6), line("B", 6), line("C", 6)]);
    let name = "three trailer lines; max_fields 2";
    check_limit(
        name,
        &too_many,
        u64::MAX,
        &limits,
        &Outcome::Reject(Rule::TooManyTrailers),
        rfc,
    );
}
