//! Every way a response can be refused, as data: the rule it broke and
//! where the RFC says so. Field lines break chapter 7's rules, chunked
//! bodies and Content-Length chapter 8's; the status line, the response's
//! framing and a cut-off message are this chapter's own.

use std::fmt;

use ch07_request_parser::Rule as HeadRule;
use ch08_persistent::Rule as BodyRule;

// ANCHOR: rule
/// A rule of RFC 9112 / RFC 9110 that a response broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Chapter 7's rules: HTTP-version, field lines, the head's limits.
    Head(HeadRule),
    /// Chapter 8's rules: Content-Length, chunked, trailers.
    Body(BodyRule),
    EmptyFirstLine,
    StatusLine,
    MajorVersion,
    StatusCode,
    ReasonPhrase,
    SwitchingProtocols,
    Http10Chunked,
    ClosedInHead,
    ClosedInLength,
    ClosedInChunked,
}
// ANCHOR_END: rule

impl Rule {
    // ANCHOR: rule_text
    /// The rule as the RFC writes it, and where.
    #[rustfmt::skip]
    pub fn text(self) -> &'static str {
        use Rule::*;
        match self {
            EmptyFirstLine => "a response starts with its status-line, \
                not an empty line (RFC 9112 §2.1, §4)",
            StatusLine => "status-line = HTTP-version SP status-code SP \
                [ reason-phrase ] (RFC 9112 §4)",
            MajorVersion => "HTTP/1.x only: a response of another major \
                version (RFC 9110 §2.5)",
            StatusCode => "status-code = 3DIGIT, 100 to 599 \
                (RFC 9112 §4, RFC 9110 §15)",
            ReasonPhrase => "reason-phrase = 1*( HTAB / SP / VCHAR / \
                obs-text ) (RFC 9112 §4)",
            SwitchingProtocols => "101 Switching Protocols, but the \
                request asked for no Upgrade (RFC 9110 §15.2.2)",
            Http10Chunked => "Transfer-Encoding in an HTTP/1.0 response \
                (RFC 9112 §6.1)",
            ClosedInHead => "the connection closed inside the response \
                head (RFC 9112 §8)",
            ClosedInLength => "the connection closed before Content-Length \
                bytes of body (RFC 9112 §8)",
            ClosedInChunked => "the connection closed before the last \
                chunk (RFC 9112 §8)",
            // the limits are the client's own options here
            Head(HeadRule::HeadTooLarge) => "response head larger than \
                --max-head",
            Head(HeadRule::TooManyFields) => "more field lines than \
                --max-fields",
            Body(BodyRule::TrailerTooLarge) => "trailer section larger \
                than --max-head",
            Body(BodyRule::TooManyTrailers) => "more trailer fields than \
                --max-fields",
            Head(rule) => rule.text(),
            Body(rule) => rule.text(),
        }
    }
    // ANCHOR_END: rule_text
}

// ANCHOR: malformed
/// Why a response was refused: the rule it broke, and the index (from
/// the response's first byte) of the first byte the rule does not allow,
/// where one byte is at fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed {
    pub rule: Rule,
    pub at: Option<usize>,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.rule.text())?;
        match self.at {
            Some(at) => write!(f, " at byte {at}"),
            None => Ok(()),
        }
    }
}
// ANCHOR_END: malformed

/// A rule broken at byte `at`.
pub fn at(rule: Rule, at: usize) -> Malformed {
    Malformed { rule, at: Some(at) }
}

/// A rule broken by the response as a whole (its fields together).
pub fn whole(rule: Rule) -> Malformed {
    Malformed { rule, at: None }
}
