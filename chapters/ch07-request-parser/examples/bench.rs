//! Cost of one parse of a real request head, ours beside httparse: a plain loop, no framework.
//!
//! ```sh
//! cargo build --release -p ch07-request-parser --example bench
//! # time per parse: the median of 11 runs, on one pinned core
//! taskset -c 1 target/release/examples/bench ours chromium 1000000
//! taskset -c 1 target/release/examples/bench httparse chromium 1000000
//! # instructions per parse: count only inside the parse, divide by n
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/ours.out \
//!   --toggle-collect='*parse_with_ours*' target/release/examples/bench ours chromium 1000
//! ```
//! Cases: `chromium` (the 14-field head Chromium sent to chapter 5) and `curl` (curl's head).

use std::hint::black_box;
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

/// One parse with httparse, into a stack array of 100 fields (our default `max_fields`).
#[inline(never)]
fn parse_with_httparse(head: &[u8]) -> usize {
    let mut fields = [httparse::EMPTY_HEADER; 100];
    let mut request = httparse::Request::new(&mut fields);
    match request.parse(head) {
        Ok(httparse::Status::Complete(used)) => used + request.headers.len(),
        _ => 0,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (parser, case, n) = match args.as_slice() {
        [parser, case, n] => {
            (parser.as_str(), case.as_str(), n.parse::<u64>().ok())
        }
        _ => ("", "", None),
    };
    let head: &'static [u8] = match case {
        "chromium" => CHROMIUM,
        "curl" => CURL,
        _ => &[][..],
    };
    let (Some(n), false, "ours" | "httparse") = (n, head.is_empty(), parser)
    else {
        eprintln!(
            "usage: bench <ours|httparse> <chromium|curl> <parses per run>"
        );
        return ExitCode::FAILURE;
    };
    let mut fields = Vec::with_capacity(100);
    // every parse must succeed, or the numbers measure an error path
    let check = match parser {
        "ours" => parse_with_ours(head, &mut fields),
        _ => parse_with_httparse(head),
    };
    if check == 0 {
        eprintln!("bench: {parser} did not parse the {case} head");
        return ExitCode::FAILURE;
    }
    let mut per_parse = Vec::new();
    for _ in 0..11 {
        let start = Instant::now();
        let mut sum = 0;
        for _ in 0..n {
            sum += match parser {
                "ours" => parse_with_ours(black_box(head), &mut fields),
                _ => parse_with_httparse(black_box(head)),
            };
        }
        black_box(sum);
        per_parse.push(start.elapsed().as_nanos() as f64 / n.max(1) as f64);
    }
    per_parse.sort_by(f64::total_cmp);
    println!(
        "{parser} {case}: {} bytes, {} parses, median {:.1} ns per parse (11 runs; min {:.1}, max {:.1})",
        head.len(),
        11 * n + 1,
        per_parse[5],
        per_parse[0],
        per_parse[10]
    );
    ExitCode::SUCCESS
}
