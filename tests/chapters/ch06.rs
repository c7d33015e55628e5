use std::io::Write;
use std::net::SocketAddr;
use std::process::{Command, Stdio};

use crate::support::{Client, Normalizer, Program};

const CHAPTER: &str = "ch06-framing";

/// `payload` behind its 4-byte big-endian length.
fn prefixed(payload: &[u8]) -> Vec<u8> {
    let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}

/// What `printf FORMAT` prints: the page's printf commands make exactly the bytes
/// the tests send.
fn printf(format: &str) -> Vec<u8> {
    printf_args(format, &[])
}

/// What `printf FORMAT ARGS...` prints.
fn printf_args(format: &str, args: &[&str]) -> Vec<u8> {
    let output = Command::new("printf")
        .arg(format)
        .args(args)
        .output()
        .expect("run printf");
    assert!(output.status.success(), "printf {format:?} {args:?}");
    output.stdout
}

/// How `od -c` shows `bytes`, as on the page (`... | nc -N 127.0.0.1 5000 | od -c`).
fn od(bytes: &[u8]) -> String {
    let mut child = Command::new("od")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run od");
    let mut stdin = child.stdin.take().expect("od's stdin");
    stdin.write_all(bytes).expect("write to od");
    drop(stdin);
    let output = child.wait_with_output().expect("od's output");
    String::from_utf8(output.stdout).expect("od prints text")
}

// ANCHOR: write_one_read
/// Writes `part`, then waits until the server has read all of it (its
/// `read N bytes` lines add up), so the next part comes in a later read.
fn write_one_read(server: &mut Program, client: &mut Client, part: &[u8]) {
    client.write(part);
    let mut read = 0;
    while read < part.len() {
        let line = server.wait_for(": read ");
        let n = line
            .rsplit(": read ")
            .next()
            .and_then(|n| n.split(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("not a read line: {line}"));
        read += n;
    }
}
// ANCHOR_END: write_one_read

/// One client: `parts` as separate reads, then its FIN (`nc -N` at the end of its
/// input); returns everything it read back, once the server has closed.
fn client(server: &mut Program, addr: SocketAddr, parts: &[&[u8]]) -> Vec<u8> {
    let mut client = Client::connect(addr);
    for part in parts.iter().filter(|part| !part.is_empty()) {
        write_one_read(server, &mut client, part);
    }
    client.shutdown_write();
    let echoed = client.read_to_end();
    server.wait_for("closing");
    echoed
}

/// One client, as [`client`]; returns what came back and the frames the server
/// printed for it (without the peer's address).
fn frames_of(server: &mut Program, addr: SocketAddr, parts: &[&[u8]]) -> (Vec<u8>, Vec<String>) {
    let before = server.transcript().lines().count();
    let echoed = client(server, addr, parts);
    let frames = server
        .transcript()
        .lines()
        .skip(before)
        .filter_map(|line| Some(line.split_once(": frame ")?.1.to_string()))
        .collect();
    (echoed, frames)
}

// ANCHOR: every_split
/// The same frames however the bytes are cut into reads: whole, split at every
/// position, and one byte at a time.
fn same_frames_every_split(args: &[&str], input: &[u8], expected: &[&str]) {
    let (mut server, addr) = Program::server(CHAPTER, args);
    let (whole_echo, whole) = frames_of(&mut server, addr, &[input]);
    assert_eq!(whole, expected, "{args:?}, whole");
    for at in 1..input.len() {
        let parts = [&input[..at], &input[at..]];
        let (echo, frames) = frames_of(&mut server, addr, &parts);
        assert_eq!(frames, whole, "{args:?}, split at {at}");
        assert_eq!(echo, whole_echo, "{args:?}, split at {at}");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let (echo, frames) = frames_of(&mut server, addr, &bytes);
    assert_eq!(frames, whole, "{args:?}, one byte at a time");
    assert_eq!(echo, whole_echo, "{args:?}, one byte at a time");
}
// ANCHOR_END: every_split

/// What the second terminal shows: each command, then what it printed.
fn terminal(commands: &[(&str, String)]) -> String {
    commands
        .iter()
        .map(|(command, shown)| format!("$ {command}\n{shown}"))
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn transcript(server: Program, addr: SocketAddr) -> String {
    Normalizer::new(addr).apply(&server.interrupt().stdout)
}

// ANCHOR: lines_every_split
const LINES: &[u8] = b"hello\r\nworld\n\nlast line\r\n";
const LINE_FRAMES: [&str; 4] = [
    "\"hello\" (5 bytes)",
    "\"world\" (5 bytes)",
    "\"\" (0 bytes)",
    "\"last line\" (9 bytes)",
];

/// Lines, by hand: the same four frames whole, split at every byte, one byte at
/// a time.
#[test]
fn lines_split_at_every_position() {
    same_frames_every_split(&[], LINES, &LINE_FRAMES);
}
// ANCHOR_END: lines_every_split

/// Lines with LinesCodec: the same frames every way too.
#[test]
fn lines_codec_split_at_every_position() {
    same_frames_every_split(&["--codec"], LINES, &LINE_FRAMES);
}

fn length_input() -> Vec<u8> {
    [prefixed(b"hello"), prefixed(b""), prefixed(b"two\nlines")].concat()
}
const LENGTH_FRAMES: [&str; 3] = [
    "\"hello\" (5 bytes)",
    "\"\" (0 bytes)",
    "\"two\\nlines\" (9 bytes)",
];

/// Length prefixes, by hand: the same three frames every way, the empty one included.
#[test]
fn length_split_at_every_position() {
    same_frames_every_split(&["--framing", "length"], &length_input(), &LENGTH_FRAMES);
}

/// Length prefixes with LengthDelimitedCodec: the same frames every way.
#[test]
fn length_codec_split_at_every_position() {
    let args = ["--framing", "length", "--codec"];
    same_frames_every_split(&args, &length_input(), &LENGTH_FRAMES);
}

const SEVERAL: &str = "printf 'hello\\ntwo\\nlines\\n' | nc -N 127.0.0.1 5000";
/// `env printf` is the printf program, which writes `lo\nwor` in one write():
/// bash's own printf writes up to each `\n` on its own, which makes four reads.
const SPLIT: &str = concat!(
    "(printf 'hel'; sleep 1; env printf 'lo\\nwor'; sleep 1; printf 'ld\\n') |\n",
    "  nc -N 127.0.0.1 5000",
);

/// The two line clients of the page: three lines in one read, then two lines
/// split across three reads. Returns what each client read back.
fn line_clients(server: &mut Program, addr: SocketAddr) -> [Vec<u8>; 2] {
    let several = client(server, addr, &[&printf("hello\\ntwo\\nlines\\n")]);
    let parts = [printf("hel"), printf("lo\\nwor"), printf("ld\\n")];
    let split = client(server, addr, &[&parts[0], &parts[1], &parts[2]]);
    assert_eq!(several, b"hello\ntwo\nlines\n");
    assert_eq!(split, b"hello\nworld\n");
    [several, split]
}

/// Lines by hand: several lines in one read make several frames; a line split
/// across reads waits in the buffer until its `\n` arrives.
#[test]
fn lines() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let [several, split] = line_clients(&mut server, addr);
    let client = terminal(&[(SEVERAL, text(&several)), (SPLIT, text(&split))]);
    insta::assert_snapshot!("lines_client", client);
    insta::assert_snapshot!("lines", transcript(server, addr));
}

/// LinesCodec: the same reads, the same frames, the same echoes.
#[test]
fn lines_codec() {
    let (mut server, addr) = Program::server(CHAPTER, &["--codec"]);
    line_clients(&mut server, addr);
    insta::assert_snapshot!("lines_codec", transcript(server, addr));
}

const LENGTH_SEVERAL: &str =
    "printf '\\0\\0\\0\\5hello\\0\\0\\0\\0\\0\\0\\0\\3two' | nc -N 127.0.0.1 5000 | od -c";
const LENGTH_SPLIT: &str = concat!(
    "(printf '\\0\\0'; sleep 1; printf '\\0\\5hel'; sleep 1; printf 'lo') |\n",
    "  nc -N 127.0.0.1 5000 | od -c",
);

/// The two length-prefixed clients of the page: three frames (one empty) in one
/// read, then one frame whose prefix and payload are split across three reads.
fn length_clients(server: &mut Program, addr: SocketAddr) -> [Vec<u8>; 2] {
    let bytes = printf("\\0\\0\\0\\5hello\\0\\0\\0\\0\\0\\0\\0\\3two");
    assert_eq!(
        bytes,
        [prefixed(b"hello"), prefixed(b""), prefixed(b"two")].concat()
    );
    let several = client(server, addr, &[&bytes]);
    assert_eq!(several, bytes);
    let parts = [printf("\\0\\0"), printf("\\0\\5hel"), printf("lo")];
    assert_eq!(parts.concat(), prefixed(b"hello"));
    let split = client(server, addr, &[&parts[0], &parts[1], &parts[2]]);
    assert_eq!(split, prefixed(b"hello"));
    [several, split]
}

/// Length prefixes by hand: the prefix says where each frame ends, the empty
/// frame included; a prefix split across reads is waited for like the payload.
#[test]
fn length() {
    let (mut server, addr) = Program::server(CHAPTER, &["--framing", "length"]);
    let [several, split] = length_clients(&mut server, addr);
    let client = terminal(&[(LENGTH_SEVERAL, od(&several)), (LENGTH_SPLIT, od(&split))]);
    insta::assert_snapshot!("length_client", client);
    insta::assert_snapshot!("length", transcript(server, addr));
}

/// LengthDelimitedCodec: the same reads, the same frames, the same echoes.
#[test]
fn length_codec() {
    let (mut server, addr) = Program::server(CHAPTER, &["--framing", "length", "--codec"]);
    length_clients(&mut server, addr);
    insta::assert_snapshot!("length_codec", transcript(server, addr));
}

const AT_LIMIT: &str = "printf '12345678\\n12345678\\r\\n' | nc -N 127.0.0.1 5000";
const PAST_LIMIT: &str = "printf '123456789\\n' | nc -N 127.0.0.1 5000";

/// `--max-frame 8`, lines: 8 bytes pass with `\n` or `\r\n`; 9 bytes get one
/// line back and our FIN; the next client is served.
#[test]
fn lines_limit() {
    let (mut server, addr) = Program::server(CHAPTER, &["--max-frame", "8"]);
    let at = client(&mut server, addr, &[&printf("12345678\\n12345678\\r\\n")]);
    assert_eq!(at, b"12345678\n12345678\n");
    let past = client(&mut server, addr, &[&printf("123456789\\n")]);
    assert_eq!(past, b"error: a line longer than 8 bytes\n");
    let next = client(&mut server, addr, &[b"next\n"]);
    assert_eq!(next, b"next\n");
    let client = terminal(&[(AT_LIMIT, text(&at)), (PAST_LIMIT, text(&past))]);
    insta::assert_snapshot!("lines_limit_client", client);
    insta::assert_snapshot!("lines_limit", transcript(server, addr));
}

/// `--max-frame 8`: a line of exactly 8 bytes passes however it is split, even
/// between its `\r` and its `\n`.
#[test]
fn lines_at_the_limit_split_at_every_position() {
    let input = b"12345678\n12345678\r\n";
    let frames = ["\"12345678\" (8 bytes)", "\"12345678\" (8 bytes)"];
    same_frames_every_split(&["--max-frame", "8"], input, &frames);
}

/// `--max-frame 8` with LinesCodec: its maximum counts the `\r` of `\r\n`, so
/// `12345678\r\n` is refused; the codec's error is its own line.
#[test]
fn lines_codec_limit() {
    let (mut server, addr) = Program::server(CHAPTER, &["--max-frame", "8", "--codec"]);
    let at = client(&mut server, addr, &[&printf("12345678\\n12345678\\r\\n")]);
    assert_eq!(at, b"12345678\nerror: max line length exceeded\n");
    let past = client(&mut server, addr, &[&printf("123456789\\n")]);
    assert_eq!(past, b"error: max line length exceeded\n");
    let next = client(&mut server, addr, &[b"next\n"]);
    assert_eq!(next, b"next\n");
    let client = terminal(&[(AT_LIMIT, text(&at)), (PAST_LIMIT, text(&past))]);
    insta::assert_snapshot!("lines_codec_limit_client", client);
    insta::assert_snapshot!("lines_codec_limit", transcript(server, addr));
}

const LENGTH_AT_LIMIT: &str = "printf '\\0\\0\\0\\10%s' 12345678 | nc -N 127.0.0.1 5000 | od -c";
const LENGTH_PAST_LIMIT: &str = "printf '\\0\\0\\0\\11%s' 123456789 | nc -N 127.0.0.1 5000 | od -c";

/// `--max-frame 8`, length prefixes, on its own server (`--codec` or not): a
/// frame of 8 bytes passes, a prefix of 9 gets `error` back, the next client is
/// served. Returns the second terminal and the server's transcript.
fn length_limit(codec: bool, error: &[u8]) -> (String, String) {
    let mut args = vec!["--framing", "length", "--max-frame", "8"];
    if codec {
        args.push("--codec");
    }
    let (mut server, addr) = Program::server(CHAPTER, &args);
    let at_limit = printf_args("\\0\\0\\0\\10%s", &["12345678"]);
    assert_eq!(at_limit, prefixed(b"12345678"));
    let at = client(&mut server, addr, &[&at_limit]);
    assert_eq!(at, at_limit);
    let past_limit = printf_args("\\0\\0\\0\\11%s", &["123456789"]);
    assert_eq!(past_limit, prefixed(b"123456789"));
    let past = client(&mut server, addr, &[&past_limit]);
    assert_eq!(text(&past), text(&prefixed(error)));
    let next = client(&mut server, addr, &[&prefixed(b"next")]);
    assert_eq!(next, prefixed(b"next"));
    let client = terminal(&[(LENGTH_AT_LIMIT, od(&at)), (LENGTH_PAST_LIMIT, od(&past))]);
    (client, transcript(server, addr))
}

/// `--max-frame 8`, length prefixes by hand: a prefix of 9 is refused as soon as
/// it arrives, before its payload.
#[test]
fn length_at_and_past_the_limit() {
    let error = b"error: a frame of 9 bytes, over the maximum of 8";
    let (client, server) = length_limit(false, error);
    insta::assert_snapshot!("length_limit_client", client);
    insta::assert_snapshot!("length_limit", server);
}

/// The same with LengthDelimitedCodec, in its own words.
#[test]
fn length_codec_at_and_past_the_limit() {
    let error = b"error: frame size too big";
    let (_, server) = length_limit(true, error);
    insta::assert_snapshot!("length_codec_limit", server);
}

/// One client on its own server started with `args`: sends `sent` and its FIN,
/// gets `reply` back (framed like the server's frames); then, if `next`, a
/// second client is served as usual. Returns the server's transcript.
fn bad_client(args: &[&str], sent: &[u8], reply: &[u8], next: bool) -> String {
    let length = args.contains(&"length");
    let framed = |payload: &[u8]| {
        if length {
            prefixed(payload)
        } else {
            [payload, b"\n"].concat()
        }
    };
    let (mut server, addr) = Program::server(CHAPTER, args);
    let got = client(&mut server, addr, &[sent]);
    assert_eq!(got, framed(reply), "{args:?}: {}", text(&got));
    if next {
        let next = framed(b"next");
        assert_eq!(client(&mut server, addr, &[&next]), next, "{args:?}");
    }
    transcript(server, addr)
}

/// A FIN in the middle of a frame. By hand: reported, with the bytes left over,
/// to the log and to the peer. LinesCodec hands the unfinished line over as a
/// line; LengthDelimitedCodec reports "bytes remaining on stream".
#[test]
fn fin_in_the_middle_of_a_frame() {
    let left_over =
        b"error: the client sent FIN in the middle of a frame: \"hel\" (3 bytes) left over";
    let lines = bad_client(&[], b"hel", left_over, false);
    insta::assert_snapshot!("mid_frame_lines", lines);
    let lines_codec = bad_client(&["--codec"], b"hel", b"hel", false);
    insta::assert_snapshot!("mid_frame_lines_codec", lines_codec);

    let sent = b"\0\0\0\x05hel";
    let left_over = b"error: the client sent FIN in the middle of a frame: \"\\x00\\x00\\x00\\x05hel\" (7 bytes) left over";
    let length = bad_client(&["--framing", "length"], sent, left_over, false);
    insta::assert_snapshot!("mid_frame_length", length);
    let args = ["--framing", "length", "--codec"];
    let remaining = b"error: bytes remaining on stream";
    let length_codec = bad_client(&args, sent, remaining, false);
    insta::assert_snapshot!("mid_frame_length_codec", length_codec);
}

/// Garbage: bytes that are not UTF-8 are a frame like any other to the
/// hand-written lines (frames are bytes), an error to LinesCodec (lines are
/// `String`s); `hello` typed at the length-prefixed server is a prefix of
/// 1751477356 bytes. Each gets one line; the next client is served.
#[test]
fn garbage() {
    let not_utf8 = b"\xff\xfe\n";
    let lines = bad_client(&[], not_utf8, b"\xff\xfe", true);
    insta::assert_snapshot!("garbage_lines", lines);
    let error = b"error: Unable to decode input as UTF8";
    let lines_codec = bad_client(&["--codec"], not_utf8, error, true);
    insta::assert_snapshot!("garbage_lines_codec", lines_codec);
    let error = b"error: a frame of 1751477356 bytes, over the maximum of 8192";
    let length = bad_client(&["--framing", "length"], b"hello\n", error, true);
    insta::assert_snapshot!("garbage_length", length);
}

/// A refused client that goes on sending (64 KiB with no `\n`, or a payload far
/// past the maximum) still reads its error line whole: the server drains what
/// comes after its FIN instead of closing with unread bytes, which would send RST.
#[test]
fn refused_while_still_sending() {
    let long_line = vec![b'x'; 64 * 1024];
    let long_frame = prefixed(&long_line);
    let cases: [(&[&str], &[u8], &[u8]); 4] = [
        (&[], &long_line, b"error: a line longer than 8 bytes\n"),
        (
            &["--codec"],
            &long_line,
            b"error: max line length exceeded\n",
        ),
        (
            &["--framing", "length"],
            &long_frame,
            b"error: a frame of 65536 bytes, over the maximum of 8",
        ),
        (
            &["--framing", "length", "--codec"],
            &long_frame,
            b"error: frame size too big",
        ),
    ];
    for (args, sent, reply) in cases {
        let args = [args, &["--max-frame", "8"]].concat();
        let (mut server, addr) = Program::server(CHAPTER, &args);
        let mut client = Client::connect(addr);
        client.write(sent);
        client.shutdown_write();
        let got = client.read_to_end();
        let reply = if args.contains(&"length") {
            prefixed(reply)
        } else {
            reply.to_vec()
        };
        assert_eq!(text(&got), text(&reply), "{args:?}");
        server.wait_for("closing");
    }
}

/// A client that stops in the middle of a frame is closed after the idle
/// timeout, with what it left over in the line.
#[test]
fn idle_in_the_middle_of_a_frame() {
    let (mut server, addr) = Program::server(CHAPTER, &["--idle-timeout", "50ms"]);
    let mut client = Client::connect(addr);
    write_one_read(&mut server, &mut client, b"hel");
    assert_eq!(
        text(&client.read_to_end()),
        "error: nothing received for 50ms in the middle of a frame: \"hel\" (3 bytes) left over\n"
    );
    server.wait_for("closing");
    insta::assert_snapshot!("idle_timeout", transcript(server, addr));
}

/// The codecs' idle timeout counts from the last frame: a client that stops
/// halfway through one gets one line, framed, and our FIN.
#[test]
fn codec_idle_in_the_middle_of_a_frame() {
    for (framing, sent, reply) in [
        ("lines", &b"hel"[..], b"error: no line for 50ms\n".to_vec()),
        (
            "length",
            b"\0\0\0\x05hel",
            prefixed(b"error: no frame for 50ms"),
        ),
    ] {
        let args = ["--framing", framing, "--codec", "--idle-timeout", "50ms"];
        let (mut server, addr) = Program::server(CHAPTER, &args);
        let mut client = Client::connect(addr);
        write_one_read(&mut server, &mut client, sent);
        assert_eq!(text(&client.read_to_end()), text(&reply), "{framing}");
        server.wait_for("closing");
    }
}

/// A client that vanishes (RST) in the middle of a frame: one line naming it;
/// the next client is served.
#[test]
fn reset_in_the_middle_of_a_frame() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut vanishing = Client::connect(addr);
    write_one_read(&mut server, &mut vanishing, b"hel");
    vanishing.reset();
    server.wait_for("connection failed");
    assert_eq!(client(&mut server, addr, &[b"next\n"]), b"next\n");
    insta::assert_snapshot!("reset", transcript(server, addr));
}

/// `--help` describes every option.
#[test]
fn help() {
    let output = Program::start(CHAPTER, &["--help"]).finish();
    assert!(output.status.success(), "{:?}", output.status);
    for option in [
        "--addr",
        "--framing",
        "--max-frame",
        "--idle-timeout",
        "--codec",
    ] {
        assert!(
            output.stdout.lines().any(|line| {
                let line = line.trim_start();
                line.starts_with(option) && line.len() > option.len() + 8
            }),
            "--help does not describe {option}:\n{}",
            output.stdout
        );
    }
}
