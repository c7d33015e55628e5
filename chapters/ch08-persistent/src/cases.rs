//! The tables of named cases: requests whose framing the server must read
//! one way only (RFC 9112 §6.3, §11.2), and chunked bodies (§7.1), each
//! with what the server must make of it and the RFC section that decides.
//! The tests feed every row whole, split at every byte, and one byte at a
//! time, and send the rejected ones to the real server.

use ch07_request_parser::Rule as HeadRule;

use crate::framing::Framing;
use crate::rules::Rule;

/// One named request (head, body, perhaps the next request's bytes).
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub name: &'static str,
    pub rfc: &'static str,
    pub input: &'static [u8],
    pub expect: Expect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Read to its end: the framing, the body decoded, the trailer fields
    /// discarded, and the bytes left for the next request.
    Body {
        framing: Framing,
        body: &'static [u8],
        trailers: usize,
        rest: &'static [u8],
    },
    /// Refused for a rule of this chapter (the status is the rule's).
    Reject(Rule),
    /// Refused by chapter 7's parser.
    Head(HeadRule),
}

use Expect::{Head, Reject};
use Framing::{Chunked, Length};

/// A body read to its end, with no trailers and nothing after it.
const fn body(framing: Framing, body: &'static [u8]) -> Expect {
    Expect::Body {
        framing,
        body,
        trailers: 0,
        rest: b"",
    }
}

/// `POST /echo` with these header fields (after Host) and this body.
macro_rules! post {
    ($fields:literal, $body:literal) => {
        concat!("POST /echo HTTP/1.1\r\nHost: x\r\n", $fields, "\r\n", $body)
            .as_bytes()
    };
}

/// `POST /echo`, chunked, with this body.
macro_rules! chunked {
    ($body:literal) => {
        post!("Transfer-Encoding: chunked\r\n", $body)
    };
}

// ANCHOR: framing_sample
pub const CASES_FRAMING: &[Case] = &[
    Case {
        name: "Content-Length: 5",
        rfc: "RFC 9112 §6.3 item 6",
        input: post!("Content-Length: 5\r\n", "hello"),
        expect: body(Length(5), b"hello"),
    },
    Case {
        name: "Content-Length: 5, 6",
        rfc: "RFC 9112 §6.3 item 5",
        input: post!("Content-Length: 5, 6\r\n", "hello!"),
        expect: Reject(Rule::DifferentLengths),
    },
    // ANCHOR_END: framing_sample
    Case {
        name: "no body: neither field",
        rfc: "RFC 9112 §6.3 item 7",
        input: b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: body(Framing::None, b""),
    },
    Case {
        name: "Content-Length: 0",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 0\r\n", ""),
        expect: body(Length(0), b""),
    },
    Case {
        name: "leading zeros are digits",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 005\r\n", "hello"),
        expect: body(Length(5), b"hello"),
    },
    Case {
        name: "the next request after a Content-Length body",
        rfc: "RFC 9112 §6.3, §9.3",
        input: post!("Content-Length: 5\r\n", "helloGET / HTTP/1.1\r\n"),
        expect: Expect::Body {
            framing: Length(5),
            body: b"hello",
            trailers: 0,
            rest: b"GET / HTTP/1.1\r\n",
        },
    },
    Case {
        name: "identical Content-Length lines",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"),
        expect: body(Length(5), b"hello"),
    },
    Case {
        name: "Content-Length: 5, 5",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 5, 5\r\n", "hello"),
        expect: body(Length(5), b"hello"),
    },
    Case {
        name: "two Content-Length lines that differ",
        rfc: "RFC 9112 §6.3 item 5",
        input: post!("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"),
        expect: Reject(Rule::DifferentLengths),
    },
    Case {
        name: "Content-Length: +5",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: +5\r\n", "hello"),
        expect: Reject(Rule::ContentLength),
    },
    Case {
        name: "Content-Length: -1",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: -1\r\n", ""),
        expect: Reject(Rule::ContentLength),
    },
    Case {
        name: "Content-Length: 1 2 (a space inside)",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 1 2\r\n", "hello world!"),
        expect: Reject(Rule::ContentLength),
    },
    Case {
        name: "Content-Length: 0x5",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 0x5\r\n", "hello"),
        expect: Reject(Rule::ContentLength),
    },
    Case {
        name: "Content-Length: 5, (an empty element)",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 5,\r\n", "hello"),
        expect: Reject(Rule::ContentLength),
    },
    Case {
        name: "an empty Content-Length",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length:\r\n", ""),
        expect: Reject(Rule::ContentLength),
    },
    Case {
        name: "Content-Length past u64 (2^64)",
        rfc: "RFC 9110 §8.6",
        input: post!("Content-Length: 18446744073709551616\r\n", ""),
        expect: Reject(Rule::ContentLength),
    },
    Case {
        name: "Content-Length: 2^64 - 1, over --max-body",
        rfc: "RFC 9110 §15.5.14",
        input: post!("Content-Length: 18446744073709551615\r\n", ""),
        expect: Reject(Rule::BodyTooLarge),
    },
    Case {
        name: "Content-Length with Transfer-Encoding",
        rfc: "RFC 9112 §6.1, §6.3 item 3",
        input: post!(
            "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
            "0\r\n\r\n"
        ),
        expect: Reject(Rule::LengthAndChunked),
    },
    Case {
        name: "Transfer-Encoding with Content-Length",
        rfc: "RFC 9112 §6.1, §6.3 item 3",
        input: post!(
            "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
            "0\r\n\r\n"
        ),
        expect: Reject(Rule::LengthAndChunked),
    },
    Case {
        name: "Transfer-Encoding: chunked",
        rfc: "RFC 9112 §6.3 item 4",
        input: post!("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
        expect: body(Chunked, b"hello"),
    },
    Case {
        name: "Transfer-Encoding: CHUNKED (any letter case)",
        rfc: "RFC 9112 §7",
        input: post!("Transfer-Encoding: CHUNKED\r\n", "0\r\n\r\n"),
        expect: body(Chunked, b""),
    },
    Case {
        name: "Transfer-Encoding: chunked, gzip",
        rfc: "RFC 9112 §6.3 item 4",
        input: post!("Transfer-Encoding: chunked, gzip\r\n", "0\r\n\r\n"),
        expect: Reject(Rule::FinalNotChunked),
    },
    Case {
        name: "Transfer-Encoding: gzip, chunked",
        rfc: "RFC 9112 §6.1",
        input: post!("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"),
        expect: Reject(Rule::UnknownCoding),
    },
    Case {
        name: "two Transfer-Encoding lines: gzip, then chunked",
        rfc: "RFC 9112 §6.1, RFC 9110 §5.3",
        input: post!(
            "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
            "0\r\n\r\n"
        ),
        expect: Reject(Rule::UnknownCoding),
    },
    Case {
        name: "Transfer-Encoding: identity",
        rfc: "RFC 9112 §6.3 item 4",
        input: post!("Transfer-Encoding: identity\r\n", "hello"),
        expect: Reject(Rule::FinalNotChunked),
    },
    Case {
        name: "Transfer-Encoding: xchunked",
        rfc: "RFC 9112 §6.3 item 4",
        input: post!("Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"),
        expect: Reject(Rule::FinalNotChunked),
    },
    Case {
        name: "an empty Transfer-Encoding",
        rfc: "RFC 9112 §6.3 item 4",
        input: post!("Transfer-Encoding:\r\n", "0\r\n\r\n"),
        expect: Reject(Rule::FinalNotChunked),
    },
    Case {
        name: "Transfer-Encoding: chunked, chunked",
        rfc: "RFC 9112 §6.1",
        input: post!("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n"),
        expect: Reject(Rule::ChunkedTwice),
    },
    Case {
        name: "Transfer-Encoding in HTTP/1.0",
        rfc: "RFC 9112 §6.1",
        input: b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        expect: Reject(Rule::Http10Chunked),
    },
    Case {
        name: "Transfer-Encoding and Content-Length in HTTP/1.0",
        rfc: "RFC 9112 §6.1",
        input: b"POST /echo HTTP/1.0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        expect: Reject(Rule::Http10Chunked),
    },
    Case {
        name: "Transfer-Encoding : chunked (space before the colon)",
        rfc: "RFC 9112 §5.1",
        input: post!("Transfer-Encoding : chunked\r\n", "0\r\n\r\n"),
        expect: Head(HeadRule::SpaceBeforeColon),
    },
    Case {
        name: "an empty Host",
        rfc: "RFC 9110 §4.2.1, RFC 9112 §3.2",
        input: b"GET / HTTP/1.1\r\nHost:\r\n\r\n",
        expect: Reject(Rule::EmptyHost),
    },
    Case {
        name: "Host: :80 (a port, no host)",
        rfc: "RFC 9110 §4.2.1",
        input: b"GET / HTTP/1.1\r\nHost: :80\r\n\r\n",
        expect: Reject(Rule::EmptyHost),
    },
    Case {
        name: "an empty Host beside an absolute-form target",
        rfc: "RFC 9112 §3.2.2",
        input: b"GET http://x/ HTTP/1.1\r\nHost:\r\n\r\n",
        expect: body(Framing::None, b""),
    },
    Case {
        name: "no Host in HTTP/1.1",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.1\r\n\r\n",
        expect: Head(HeadRule::MissingHost),
    },
    Case {
        name: "no Host in HTTP/1.0",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.0\r\n\r\n",
        expect: body(Framing::None, b""),
    },
    Case {
        name: "two Host lines",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
        expect: Head(HeadRule::DuplicateHost),
    },
    Case {
        name: "an invalid Host",
        rfc: "RFC 9112 §3.2, RFC 9110 §7.2",
        input: b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
        expect: Head(HeadRule::HostValue),
    },
    Case {
        name: "Expect: 100-continue",
        rfc: "RFC 9110 §10.1.1",
        input: post!("Expect: 100-Continue\r\nContent-Length: 2\r\n", "hi"),
        expect: body(Length(2), b"hi"),
    },
    Case {
        name: "Expect: something else",
        rfc: "RFC 9110 §10.1.1",
        input: post!("Expect: 200-ok\r\nContent-Length: 2\r\n", "hi"),
        expect: Reject(Rule::Expectation),
    },
    Case {
        name: "an HTTP/1.0 Expect is ignored",
        rfc: "RFC 9110 §10.1.1",
        input: b"POST /echo HTTP/1.0\r\nExpect: 200-ok\r\nContent-Length: 2\r\n\r\nhi",
        expect: body(Length(2), b"hi"),
    },
];

// ANCHOR: chunked_sample
pub const CASES_CHUNKED: &[Case] = &[
    Case {
        name: "two chunks and the last chunk",
        rfc: "RFC 9112 §7.1",
        input: chunked!("4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n"),
        expect: body(Chunked, b"Wikipedia"),
    },
    Case {
        name: "a chunk-size that is not hex",
        rfc: "RFC 9112 §7.1",
        input: chunked!("z\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkSize),
    },
    // ANCHOR_END: chunked_sample
    Case {
        name: "only the last chunk",
        rfc: "RFC 9112 §7.1",
        input: chunked!("0\r\n\r\n"),
        expect: body(Chunked, b""),
    },
    Case {
        name: "hex digits in either case",
        rfc: "RFC 9112 §7.1, RFC 5234 B.1",
        input: chunked!("a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n"),
        expect: body(Chunked, b"0123456789abcdefghij"),
    },
    Case {
        name: "leading zeros, and last-chunk = 1*(\"0\")",
        rfc: "RFC 9112 §7.1",
        input: chunked!("005\r\nhello\r\n000\r\n\r\n"),
        expect: body(Chunked, b"hello"),
    },
    Case {
        name: "a chunk extension, ignored",
        rfc: "RFC 9112 §7.1.1",
        input: chunked!("5;name=value\r\nhello\r\n0;last\r\n\r\n"),
        expect: body(Chunked, b"hello"),
    },
    Case {
        name: "extensions with BWS and a quoted-string",
        rfc: "RFC 9112 §7.1.1, RFC 9110 §5.6.4",
        input: chunked!("5 ; a ; b = \"x \\\" y\"\r\nhello\r\n0\r\n\r\n"),
        expect: body(Chunked, b"hello"),
    },
    Case {
        name: "trailer fields, read and discarded",
        rfc: "RFC 9112 §7.1.2",
        input: chunked!("5\r\nhello\r\n0\r\nX-Sum: 1\r\nX-Two:2\r\n\r\n"),
        expect: Expect::Body {
            framing: Chunked,
            body: b"hello",
            trailers: 2,
            rest: b"",
        },
    },
    Case {
        name: "the next request after a chunked body",
        rfc: "RFC 9112 §7.1, §9.3",
        input: chunked!("5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\n"),
        expect: Expect::Body {
            framing: Chunked,
            body: b"hello",
            trailers: 0,
            rest: b"GET / HTTP/1.1\r\n",
        },
    },
    Case {
        name: "a chunk-size with a sign",
        rfc: "RFC 9112 §7.1",
        input: chunked!("-5\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkSize),
    },
    Case {
        name: "chunk-size 0x5",
        rfc: "RFC 9112 §7.1",
        input: chunked!("0x5\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkSize),
    },
    Case {
        name: "a space before the chunk-size",
        rfc: "RFC 9112 §7.1",
        input: chunked!(" 5\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkSize),
    },
    Case {
        name: "an empty chunk-size line",
        rfc: "RFC 9112 §7.1",
        input: chunked!("\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkSize),
    },
    Case {
        name: "a bare CR in the chunk-size line",
        rfc: "RFC 9112 §7.1, §2.2",
        input: chunked!("5\rX\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkSize),
    },
    Case {
        name: "a chunk-size past u64 (17 hex digits)",
        rfc: "RFC 9112 §7.1",
        input: chunked!("10000000000000000\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkSize),
    },
    Case {
        name: "a chunk-size over --max-body",
        rfc: "RFC 9110 §15.5.14",
        input: chunked!("ffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::BodyTooLarge),
    },
    Case {
        name: "an extension without a name",
        rfc: "RFC 9112 §7.1.1",
        input: chunked!("5;\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkExtension),
    },
    Case {
        name: "an extension with an empty value",
        rfc: "RFC 9112 §7.1.1",
        input: chunked!("5;a=\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkExtension),
    },
    Case {
        name: "an unterminated quoted-string",
        rfc: "RFC 9112 §7.1.1, RFC 9110 §5.6.4",
        input: chunked!("5;a=\"x\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkExtension),
    },
    Case {
        name: "text after the chunk-size and a space",
        rfc: "RFC 9112 §7.1.1",
        input: chunked!("5 x\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkExtension),
    },
    Case {
        name: "whitespace after the chunk-size, no extension",
        rfc: "RFC 9112 §7.1, §7.1.1",
        input: chunked!("5 \r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkExtension),
    },
    Case {
        name: "whitespace after an extension's value",
        rfc: "RFC 9112 §7.1.1",
        input: chunked!("5;a=b\t\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkExtension),
    },
    Case {
        name: "a bare LF after the chunk-size",
        rfc: "RFC 9112 §7.1, §2.2",
        input: chunked!("5\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::BareLf),
    },
    Case {
        name: "a bare LF after chunk-data",
        rfc: "RFC 9112 §7.1, §2.2",
        input: chunked!("5\r\nhello\n0\r\n\r\n"),
        expect: Reject(Rule::BareLf),
    },
    Case {
        name: "a bare LF ending the trailer section",
        rfc: "RFC 9112 §7.1, §2.2",
        input: chunked!("5\r\nhello\r\n0\r\n\n"),
        expect: Reject(Rule::BareLf),
    },
    Case {
        name: "chunk-data longer than its size",
        rfc: "RFC 9112 §7.1",
        input: chunked!("3\r\nhello\r\n0\r\n\r\n"),
        expect: Reject(Rule::ChunkDataEnd),
    },
    Case {
        name: "no CRLF after chunk-data",
        rfc: "RFC 9112 §7.1",
        input: chunked!("5\r\nhello0\r\n\r\n"),
        expect: Reject(Rule::ChunkDataEnd),
    },
    Case {
        name: "a bare CR after chunk-data",
        rfc: "RFC 9112 §7.1, §2.2",
        input: chunked!("5\r\nhello\rX0\r\n\r\n"),
        expect: Reject(Rule::ChunkDataEnd),
    },
    Case {
        name: "a trailer line without a colon",
        rfc: "RFC 9112 §7.1.2, §5",
        input: chunked!("0\r\nno colon\r\n\r\n"),
        expect: Reject(Rule::TrailerField),
    },
    Case {
        name: "a trailer line without a name",
        rfc: "RFC 9112 §7.1.2, §5",
        input: chunked!("0\r\n: x\r\n\r\n"),
        expect: Reject(Rule::TrailerField),
    },
    Case {
        name: "obs-fold in the trailer section",
        rfc: "RFC 9112 §7.1.2, §5.2",
        input: chunked!("0\r\nX-A: 1\r\n 2\r\n\r\n"),
        expect: Reject(Rule::TrailerField),
    },
];
