//! What chapter 8 adds to chapter 7's rules: how a request's body is framed
//! (RFC 9112 §6, §7.1), the Host a server of `http` URIs needs, and the
//! limits on a body. One variant per rule, one status and one text each.

use ch07_request_parser::Rule as HeadRule;

// ANCHOR: rule
/// A rule of RFC 9112 / RFC 9110 about a request's framing or body that a
/// request broke. The head's own rules are chapter 7's [`HeadRule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    EmptyHost,
    ContentLength,
    DifferentLengths,
    LengthAndChunked,
    Http10Chunked,
    FinalNotChunked,
    ChunkedTwice,
    UnknownCoding,
    ChunkSize,
    ChunkExtension,
    ChunkLineTooLong,
    ChunkDataEnd,
    BareLf,
    TrailerField,
    TooManyTrailers,
    TrailerTooLarge,
    BodyTooLarge,
    Expectation,
}
// ANCHOR_END: rule

impl Rule {
    /// The status a server answers a request that breaks this rule with.
    pub fn status(self) -> u16 {
        self.entry().0
    }

    /// The rule as the RFC writes it, and where.
    pub fn text(self) -> &'static str {
        self.entry().1
    }

    // ANCHOR: rule_table
    #[rustfmt::skip]
    fn entry(self) -> (u16, &'static str) {
        use Rule::*;
        match self {
            EmptyHost => (400, "an http URI needs a host: Host must not \
                be empty (RFC 9110 §4.2.1, RFC 9112 §3.2)"),
            ContentLength => (400, "Content-Length = 1*DIGIT \
                (RFC 9110 §8.6, RFC 9112 §6.3)"),
            DifferentLengths => (400, "Content-Length values differ \
                (RFC 9110 §8.6, RFC 9112 §6.3)"),
            LengthAndChunked => (400, "Content-Length with \
                Transfer-Encoding (RFC 9112 §6.1, §11.2)"),
            Http10Chunked => (400, "Transfer-Encoding in an HTTP/1.0 \
                request (RFC 9112 §6.1)"),
            FinalNotChunked => (400, "the final transfer coding of a \
                request must be chunked (RFC 9112 §6.3)"),
            ChunkedTwice => (400, "chunked more than once \
                (RFC 9112 §6.1)"),
            UnknownCoding => (
                HeadRule::UnknownTransferCoding.status(),
                HeadRule::UnknownTransferCoding.text(),
            ),
            // ANCHOR_END: rule_table
            // ANCHOR: rule_table_body
            ChunkSize => (400, "chunk-size = 1*HEXDIG (RFC 9112 §7.1)"),
            ChunkExtension => (400, "chunk-ext = *( BWS \";\" BWS \
                chunk-ext-name [ BWS \"=\" BWS chunk-ext-val ] ) \
                (RFC 9112 §7.1.1)"),
            ChunkLineTooLong => (400, "chunk-size line longer than \
                4096 bytes (RFC 9112 §7.1.1)"),
            ChunkDataEnd => (400, "chunk = chunk-size [ chunk-ext ] CRLF \
                chunk-data CRLF (RFC 9112 §7.1)"),
            BareLf => (400, "a chunk line ends in CRLF, not a bare LF \
                (RFC 9112 §7.1, §2.2)"),
            TrailerField => (400, "trailer-section = *( field-line CRLF ) \
                (RFC 9112 §7.1.2)"),
            TooManyTrailers => (431, "more trailer fields than \
                --max-fields (RFC 6585 §5)"),
            TrailerTooLarge => (431, "trailer section larger than \
                --max-head (RFC 6585 §5)"),
            BodyTooLarge => (413, "request body larger than --max-body \
                (RFC 9110 §15.5.14)"),
            Expectation => (417, "the only expectation is 100-continue \
                (RFC 9110 §10.1.1)"),
        }
    }
    // ANCHOR_END: rule_table_body
}
