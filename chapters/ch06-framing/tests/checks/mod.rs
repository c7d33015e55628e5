//! Chapter 6's checks: the two framers fed the page's inputs whole, split at
//! every position and one byte at a time, at their limits and past them,
//! and run inside the chapter's server over loopback. The same checks run
//! against the book's framers (`cargo test -p ch06-framing`) and against the
//! reader's (`cargo test -p ex06-framing`): each test target calls its crate
//! `subject`.

mod report;

use std::fmt;
use std::io;
use std::time::Duration;

use ch06_framing::shown;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

use crate::subject::{FrameError, Framer, LengthPrefixed, Lines};
use report::{Section, call, fail, wrong};

const PAGE: &str = "book/ch06-framing.md";

const LINES: Section = Section {
    page: PAGE,
    ko: "줄",
    en: "Lines",
    id: "lines",
};
const LENGTH: Section = Section {
    page: PAGE,
    ko: "길이 접두사",
    en: "A length prefix",
    id: "length-prefix",
};
const SPLIT: Section = Section {
    page: PAGE,
    ko: "모든 위치에서 잘라 보기",
    en: "Split at every position",
    id: "every-split",
};
const LIMIT: Section = Section {
    page: PAGE,
    ko: "한도",
    en: "Limits",
    id: "max-frame",
};
const GARBAGE: Section = Section {
    page: PAGE,
    ko: "엉뚱한 바이트",
    en: "Garbage",
    id: "garbage",
};
const CONNECTION: Section = Section {
    page: PAGE,
    ko: "연결 하나",
    en: "One connection",
    id: "handle-connection",
};

/// A framer whose every call goes through [`call`]: a `todo!()` or a panic
/// in it becomes one line naming the method and the page's section.
struct Checked<F> {
    framer: F,
    name: &'static str,
    section: Section,
}

impl<F: Framer> Framer for Checked<F> {
    fn decode(&self, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, FrameError> {
        let what = format!("{}::decode", self.name);
        call(&what, self.section, || self.framer.decode(buf))
    }

    fn encode(&self, frame: &[u8]) -> Vec<u8> {
        let what = format!("{}::encode", self.name);
        call(&what, self.section, || self.framer.encode(frame))
    }
}

fn lines(max_line: usize) -> Checked<Lines> {
    let framer = Lines { max_line };
    Checked {
        framer,
        name: "Lines",
        section: LINES,
    }
}

fn length(max_frame: usize) -> Checked<LengthPrefixed> {
    let framer = LengthPrefixed { max_frame };
    Checked {
        framer,
        name: "LengthPrefixed",
        section: LENGTH,
    }
}

/// `payload` behind its 4-byte big-endian length.
fn prefixed(payload: &[u8]) -> Vec<u8> {
    let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}

/// What a connection's loop gets out of some reads: the frames in order,
/// then either the bytes left in `buf` or the error.
#[derive(PartialEq, Eq)]
struct Fed {
    frames: Vec<Vec<u8>>,
    end: Result<Vec<u8>, FrameError>,
}

impl fmt::Display for Fed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let frames: Vec<String> =
            self.frames.iter().map(|x| shown(x)).collect();
        write!(f, "frames [{}], then ", frames.join(", "))?;
        match &self.end {
            Ok(left) if left.is_empty() => write!(f, "Ok(None) with buf empty"),
            Ok(left) => write!(f, "Ok(None) with {} left in buf", shown(left)),
            Err(err) => write!(f, "Err({err:?})"),
        }
    }
}

fn want(frames: &[&[u8]], end: Result<&[u8], FrameError>) -> Fed {
    Fed {
        frames: frames.iter().map(|frame| frame.to_vec()).collect(),
        end: end.map(<[u8]>::to_vec),
    }
}

/// The reads one after the other, as `handle_connection` does: each one
/// appended to `buf`, then `decode` until `Ok(None)` or `Err`.
fn feed(framer: &impl Framer, reads: &[&[u8]], section: Section) -> Fed {
    let mut buf = Vec::new();
    let mut frames = Vec::new();
    for read in reads {
        buf.extend_from_slice(read);
        loop {
            let before = buf.len();
            match framer.decode(&mut buf) {
                Ok(Some(frame)) => {
                    if buf.len() >= before {
                        wrong(
                            format!(
                                "decode returned the frame {} but left buf at \
                                 {} (it was {before} bytes)",
                                shown(&frame),
                                buf.len()
                            ),
                            "the frame's bytes removed from the front of buf",
                            section,
                        );
                    }
                    frames.push(frame);
                }
                Ok(None) => break,
                Err(err) => {
                    return Fed {
                        frames,
                        end: Err(err),
                    };
                }
            }
        }
    }
    Fed {
        frames,
        end: Ok(buf),
    }
}

/// How the reads are shown in a report: `"hel" (3 bytes) + "lo\n" (3 bytes)`.
fn reads_shown(reads: &[&[u8]]) -> String {
    let shown: Vec<String> = reads.iter().map(|read| shown(read)).collect();
    shown.join(" + ")
}

fn check(
    framer: &impl Framer,
    reads: &[&[u8]],
    wanted: &Fed,
    why: &str,
    section: Section,
) {
    let got = feed(framer, reads, section);
    if got != *wanted {
        wrong(
            format!("fed {}, it gave {got}", reads_shown(reads)),
            format!("{wanted}\n  why:    {why}"),
            section,
        );
    }
}

/// The same frames however the input is cut into reads: whole (a failure
/// names `section`), in two reads split at every position, one byte at a
/// time (a failure names the page's section on splits).
fn check_every_split(
    framer: &impl Framer,
    input: &[u8],
    wanted: &Fed,
    why: &str,
    section: Section,
) {
    check(framer, &[input], wanted, why, section);
    for at in 1..input.len() {
        let (first, second) = input.split_at(at);
        check(framer, &[first, second], wanted, why, SPLIT);
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let got = feed(framer, &bytes, SPLIT);
    if got != *wanted {
        wrong(
            format!("fed {} one byte at a time, it gave {got}", shown(input)),
            format!("{wanted}\n  why:    {why}"),
            SPLIT,
        );
    }
}

fn check_encode(
    framer: &impl Framer,
    frame: &[u8],
    wanted: &[u8],
    section: Section,
) {
    let got = framer.encode(frame);
    if got != wanted {
        wrong(
            format!("encode({}) returned {}", shown(frame), shown(&got)),
            shown(wanted),
            section,
        );
    }
}

/// `hello\n` is one frame, `hello`, and nothing is left in `buf`.
#[test]
fn lines_one_frame() {
    let why = "the bytes before `\\n`, removed from the front of buf";
    let wanted = want(&[b"hello"], Ok(b""));
    check(&lines(8192), &[b"hello\n"], &wanted, why, LINES);
}

/// A line may end in `\r\n` or in `\n` alone.
#[test]
fn lines_end_in_crlf_or_lf() {
    let why = "a `\\r` right before the `\\n` is dropped too (RFC 9112 §2.2 \
               lets a recipient take a bare LF as a line end)";
    let wanted = want(&[b"hello", b"world"], Ok(b""));
    check(&lines(8192), &[b"hello\r\nworld\n"], &wanted, why, LINES);
}

/// A line not yet ended waits in `buf`; the next read completes it.
#[test]
fn lines_wait_for_the_newline() {
    let why = "no `\\n` yet: Ok(None), the bytes kept in buf until it comes";
    let wanted = want(&[], Ok(b"hel"));
    check(&lines(8192), &[b"hel"], &wanted, why, LINES);
    let wanted = want(&[b"hello"], Ok(b"wor"));
    check(&lines(8192), &[b"hel", b"lo\nwor"], &wanted, why, LINES);
}

/// The page's lines, an empty one among them, every way they can be split.
#[test]
fn lines_split_at_every_position() {
    let input = b"hello\r\nworld\n\nlast line\r\n";
    let wanted = want(&[b"hello", b"world", b"", b"last line"], Ok(b""));
    let why = "the same four frames however the bytes arrive";
    check_every_split(&lines(8192), input, &wanted, why, LINES);
}

/// A line of exactly the limit passes with `\n` or `\r\n`, even when a read
/// ends between its `\r` and its `\n`.
#[test]
fn lines_at_the_limit_split_at_every_position() {
    let input = b"12345678\n12345678\r\n";
    let wanted = want(&[b"12345678", b"12345678"], Ok(b""));
    let why = "max_line = 8 counts the line without its `\\r\\n` or `\\n`; a \
               last `\\r` may still be half of `\\r\\n`";
    check_every_split(&lines(8), input, &wanted, why, LIMIT);
}

/// One byte past the limit: `LineTooLong`.
#[test]
fn lines_past_the_limit() {
    let why = "a line of 9 bytes is over max_line = 8";
    let wanted = want(&[], Err(FrameError::LineTooLong { max: 8 }));
    check(&lines(8), &[b"123456789\n"], &wanted, why, LIMIT);
}

/// Past the limit with no `\n` yet: refused at once, not after the `\n`
/// (which may never come); a last `\r` is not counted yet.
#[test]
fn lines_past_the_limit_before_the_newline() {
    let why = "9 bytes and no `\\n` yet: the line is already too long, no need \
               to wait";
    let wanted = want(&[], Err(FrameError::LineTooLong { max: 8 }));
    check(&lines(8), &[b"123456789"], &wanted, why, LIMIT);
    let why = "8 bytes and a `\\r`: the `\\r` may be half of `\\r\\n`, so wait";
    let wanted = want(&[], Ok(b"12345678\r"));
    check(&lines(8), &[b"12345678\r"], &wanted, why, LIMIT);
}

/// Frames are bytes: a line that is not UTF-8 is a frame like any other.
#[test]
fn lines_of_bytes_not_utf8() {
    let why = "a frame is bytes, not text";
    let wanted = want(&[b"\xff\xfe"], Ok(b""));
    check(&lines(8192), &[b"\xff\xfe\n"], &wanted, why, GARBAGE);
}

/// `encode` puts the `\n` back.
#[test]
fn lines_encode() {
    check_encode(&lines(8192), b"hello", b"hello\n", LINES);
    check_encode(&lines(8192), b"", b"\n", LINES);
}

/// A 4-byte big-endian length, then that many bytes.
#[test]
fn length_one_frame() {
    let why = "00 00 00 05 is 5: the 5 bytes after it are the frame";
    let wanted = want(&[b"hello"], Ok(b""));
    check(&length(8192), &[&prefixed(b"hello")], &wanted, why, LENGTH);
}

/// The page's frames, the empty one and one holding a `\n` among them, every
/// way they can be split: the prefix too may come in pieces.
#[test]
fn length_split_at_every_position() {
    let input = [prefixed(b"hello"), prefixed(b""), prefixed(b"two\nlines")];
    let wanted = want(&[b"hello", b"", b"two\nlines"], Ok(b""));
    let why = "the same three frames however the bytes arrive";
    let input = input.concat();
    check_every_split(&length(8192), &input, &wanted, why, LENGTH);
}

/// A length over the limit is refused as soon as its 4 bytes are in, before
/// any payload; a frame of exactly the limit passes.
#[test]
fn length_past_the_limit_before_the_payload() {
    let why = "the prefix says 9, over max_frame = 8: refuse it before \
               buffering the payload";
    let wanted = want(&[], Err(FrameError::FrameTooLong { len: 9, max: 8 }));
    check(&length(8), &[&9u32.to_be_bytes()], &wanted, why, LIMIT);
    let why = "a payload of 8 bytes is within max_frame = 8";
    let wanted = want(&[b"12345678"], Ok(b""));
    check(&length(8), &[&prefixed(b"12345678")], &wanted, why, LIMIT);
}

/// `hello` typed at a length-prefixed server: `hell` is a length of
/// 1751477356 bytes.
#[test]
fn length_garbage() {
    let why = "68 65 6c 6c (\"hell\") read as a big-endian length";
    let too_long = FrameError::FrameTooLong {
        len: 1_751_477_356,
        max: 8192,
    };
    let wanted = want(&[], Err(too_long));
    check(&length(8192), &[b"hello\n"], &wanted, why, GARBAGE);
}

/// `encode` puts the length in front, the empty frame included.
#[test]
fn length_encode() {
    check_encode(&length(8192), b"hello", b"\0\0\0\x05hello", LENGTH);
    check_encode(&length(8192), b"", b"\0\0\0\0", LENGTH);
}

/// Runs `ch06_framing::handle_connection` with `framer` for one client over
/// loopback; the client writes `parts`, then its FIN, and reads to the end.
async fn echoed(framer: impl Framer, parts: &[&[u8]]) -> Vec<u8> {
    let listener = match TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(err) => fail(format!("cannot listen on 127.0.0.1:0: {err}")),
    };
    let addr = match listener.local_addr() {
        Ok(addr) => addr,
        Err(err) => fail(format!("no local address: {err}")),
    };
    let idle = Duration::from_secs(5);
    let server = async {
        let (stream, peer) = listener.accept().await?;
        ch06_framing::handle_connection(stream, peer, framer, idle).await
    };
    let client = async {
        let mut stream = TcpStream::connect(addr).await?;
        for part in parts {
            stream.write_all(part).await?;
        }
        stream.shutdown().await?;
        let mut echoed = Vec::new();
        stream.read_to_end(&mut echoed).await?;
        io::Result::Ok(echoed)
    };
    let both = async { tokio::join!(server, client) };
    match timeout(Duration::from_secs(10), both).await {
        Err(_) => fail("the connection did not end within 10 s".into()),
        Ok((Err(err), _)) => fail(format!("the server failed: {err}")),
        Ok((_, Err(err))) => fail(format!("the client failed: {err}")),
        Ok((Ok(()), Ok(echoed))) => echoed,
    }
}

fn check_echo(got: &[u8], wanted: &[u8], why: &str) {
    if got != wanted {
        wrong(
            format!("the client got back {}", shown(got)),
            format!("{}\n  why:    {why}", shown(wanted)),
            CONNECTION,
        );
    }
}

/// The chapter's server with these lines: frames echoed, then the error
/// line for a line past the limit, and the server's FIN.
#[tokio::test]
async fn lines_in_the_chapter_server() {
    let parts: [&[u8]; 3] = [b"hello\r\nwor", b"ld\n", b"123456789\n"];
    let got = echoed(lines(8), &parts).await;
    let wanted = b"hello\nworld\nerror: a line longer than 8 bytes\n";
    check_echo(&got, wanted, "each line echoed, then the error, framed");
}

/// The chapter's server with these length prefixes: frames echoed, the
/// empty one too, then the error frame for a length past the limit.
#[tokio::test]
async fn length_in_the_chapter_server() {
    let parts = [prefixed(b"hello"), prefixed(b""), prefixed(b"123456789")];
    let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    let got = echoed(length(8), &parts).await;
    let error = b"error: a frame of 9 bytes, over the maximum of 8";
    let wanted = [prefixed(b"hello"), prefixed(b""), prefixed(error)].concat();
    check_echo(&got, &wanted, "each frame echoed, then the error, framed");
}
