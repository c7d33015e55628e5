//! Cost of one parse of a real request head, ours beside httparse: a plain loop, no framework.
//!
//! ```sh
//! cargo build --release -p ch07-request-parser --example bench
//! # time per parse: both parsers in turn, 11 rounds, on one pinned core
//! taskset -c 1 target/release/examples/bench chromium 1000000
//! # instructions per parse: count only inside one parser's calls, then
//! # divide the total by the 11 * 1000 + 1 parses
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/ours.out \
//!   --toggle-collect='*parse_with_ours*' \
//!   target/release/examples/bench chromium 1000 ours
//! ```
//! Cases: `chromium` (the 14-field head Chromium sent to chapter 5) and `curl` (curl's head).

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::process::ExitCode;
use std::time::Instant;

use ch07_request_parser::{Limits, Parsed};

/// The head Chromium 156 sent to chapter 5 (tests/browser/snapshots/browser__ch05__chromium_request.snap,
/// with the real brand and version strings the snapshot normalises away).
const CHROMIUM: &[u8] = b"GET / HTTP/1.1\r\n\
Host: 127.0.0.1:5000\r\n\
Connection: keep-alive\r\n\
sec-ch-ua: \"Not:A-Brand\";v=\"8\", \"Chromium\";v=\"156\"\r\n\
sec-ch-ua-mobile: ?0\r\n\
sec-ch-ua-platform: \"Linux\"\r\n\
Upgrade-Insecure-Requests: 1\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
HeadlessChrome/156.0.0.0 Safari/537.36\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/jxl,image/avif,\
image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\n\
Sec-Fetch-Site: none\r\n\
Sec-Fetch-Mode: navigate\r\n\
Sec-Fetch-User: ?1\r\n\
Sec-Fetch-Dest: document\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Accept-Language: en-US,en;q=0.9\r\n\
\r\n";

/// The head `curl http://127.0.0.1:5000/` sends (curl 7.88.1).
const CURL: &[u8] =
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n";

/// One parse with chapter 7's parser; the field list is reused, as a server reuses it.
#[inline(never)]
fn parse_with_ours(
    head: &'static [u8],
    fields: &mut Vec<ch07_request_parser::Field<'static>>,
) -> usize {
    match ch07_request_parser::parse(head, &Limits::DEFAULT, fields) {
        Ok(Parsed::Complete(request)) => request.used + request.fields.len(),
        _ => 0,
    }
}

/// One parse with httparse, into 100 uninitialised field slots (our default
/// `max_fields`), the way hyper calls it.
#[inline(never)]
fn parse_with_httparse(head: &[u8]) -> usize {
    let mut fields = [const { MaybeUninit::<httparse::Header>::uninit() }; 100];
    let mut request = httparse::Request::new(&mut []);
    match request.parse_with_uninit_headers(head, &mut fields) {
        Ok(httparse::Status::Complete(used)) => used + request.headers.len(),
        _ => 0,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (case, n, only) = match args.as_slice() {
        [case, n] => (case.as_str(), n.parse::<u64>().ok(), None),
        [case, n, only] => {
            (case.as_str(), n.parse::<u64>().ok(), Some(only.as_str()))
        }
        _ => ("", None, None),
    };
    let head: &'static [u8] = match case {
        "chromium" => CHROMIUM,
        "curl" => CURL,
        _ => &[][..],
    };
    let (Some(n), false, None | Some("ours" | "httparse")) =
        (n, head.is_empty(), only)
    else {
        eprintln!(
            "usage: bench <chromium|curl> <parses per run> [ours|httparse]"
        );
        return ExitCode::FAILURE;
    };
    let mut fields = Vec::with_capacity(100);
    // both must parse the head, or the numbers measure an error path
    if parse_with_ours(head, &mut fields) == 0 || parse_with_httparse(head) == 0
    {
        eprintln!("bench: the {case} head did not parse");
        return ExitCode::FAILURE;
    }
    // 11 rounds, each timing ours then httparse on the same core, so a busy
    // machine slows both alike; with a parser named, only that one (for
    // callgrind: 11 * n + 1 parses, counting the check above)
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..11 {
        if only != Some("httparse") {
            let start = Instant::now();
            for _ in 0..n {
                black_box(parse_with_ours(black_box(head), &mut fields));
            }
            ours.push(start.elapsed().as_nanos() as f64 / n.max(1) as f64);
        }
        if only != Some("ours") {
            let start = Instant::now();
            for _ in 0..n {
                black_box(parse_with_httparse(black_box(head)));
            }
            theirs.push(start.elapsed().as_nanos() as f64 / n.max(1) as f64);
        }
    }
    let median = |runs: &mut Vec<f64>| {
        runs.sort_by(f64::total_cmp);
        runs.get(5).copied().unwrap_or(0.0)
    };
    let (ours, theirs) = (median(&mut ours), median(&mut theirs));
    println!(
        "{case}: {} bytes, 11 runs of {n} parses, median per parse:",
        head.len()
    );
    if only != Some("httparse") {
        println!("  ours      {ours:7.1} ns");
    }
    if only != Some("ours") {
        println!("  httparse  {theirs:7.1} ns");
    }
    if only.is_none() {
        println!("  ratio     {:7.2}", ours / theirs);
    }
    ExitCode::SUCCESS
}
