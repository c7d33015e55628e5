//! Chapter 7's parser beside httparse: every row of the chapter's case table,
//! and heads generated from the grammar, some with one byte changed.

use ch07_request_parser::cases::CASES;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestRunner};

use crate::parser::judge::{self, Judgement, escape};

/// Every row of the case table: where httparse answers otherwise, the row
/// names the rule and the documented reason; nothing else may differ.
#[test]
fn case_table_against_httparse() {
    let mut table = String::new();
    let mut undocumented = Vec::new();
    for case in CASES {
        match judge::judge(case.input) {
            Judgement::Agree => {}
            Judgement::Documented(d) => {
                let (ours, _) = judge::ours(case.input);
                table.push_str(&format!(
                    "{}: ours {}, httparse {} ({})\n",
                    case.name,
                    short(&ours),
                    short(&judge::httparse(case.input)),
                    d.name
                ));
            }
            Judgement::Undocumented(why) => {
                undocumented.push(format!("{} {:?}: {why}", case.name, escape(case.input)))
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "ours and httparse disagree outside the documented cases:\n{}",
        undocumented.join("\n")
    );
    // the reasons, as the page quotes them
    table.push('\n');
    for d in judge::DOCUMENTED {
        table.push_str(&format!("{}: {}\n", d.name, d.why));
    }
    insta::assert_snapshot!("httparse_case_table", table);
}

/// A verdict in a few words, for the tables the page shows.
pub fn short(verdict: &judge::Verdict) -> String {
    match verdict {
        judge::Verdict::Partial => "partial".to_string(),
        judge::Verdict::Accept(head) => format!("accept ({} fields)", head.fields.len()),
        judge::Verdict::Reject(why) => format!("reject {why}"),
    }
}

const TCHAR: &[u8] =
    b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// pchar without pct-encoded, and "/" "?" (RFC 3986 §3.3, §3.4)
const PATH: &[u8] =
    b"-._~!$&'()*+,;=:@/?0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
// bytes that sit on the edge of some rule: whitespace, line ends, controls,
// delimiters, DEL and obs-text
const EDGE: &[u8] = b" \t\r\n\x00\x01\x0b\x0c\x7f\x80\xff:;,\"<>\\%/?*@[]{}";

fn bytes_of(set: &'static [u8], len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(select(set), len)
}

fn method() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => select(&["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "CONNECT", "PATCH"][..])
            .prop_map(|m| m.as_bytes().to_vec()),
        1 => bytes_of(TCHAR, 1..10),
    ]
}

fn host() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"example.com".to_vec()),
        Just(b"127.0.0.1:5000".to_vec()),
        Just(b"[::1]:8080".to_vec()),
        bytes_of(b"abcxyz019.-", 1..12),
    ]
}

fn origin() -> impl Strategy<Value = Vec<u8>> {
    (
        bytes_of(PATH, 0..24),
        proptest::option::of(bytes_of(b"%20a9F", 0..4)),
    )
        .prop_map(|(mut path, pct)| {
            path.insert(0, b'/');
            if let Some(pct) = pct {
                path.extend_from_slice(&pct);
            }
            path
        })
}

fn target() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        6 => origin(),
        1 => Just(b"*".to_vec()),
        1 => (host(), origin()).prop_map(|(host, path)| [&b"http://"[..], &host, &path].concat()),
        1 => host(),
    ]
}

fn version() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        8 => Just("HTTP/1.1"),
        2 => Just("HTTP/1.0"),
        1 => select(&["HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "HTTP/1.10", "http/1.1", "HTTP/1"][..]),
    ]
}

/// A field value: visible ASCII, obs-text, and spaces or tabs inside and around.
fn value() -> impl Strategy<Value = Vec<u8>> {
    let content = proptest::collection::vec(
        prop_oneof![
            8 => 0x21u8..=0x7e,
            1 => Just(b' '),
            1 => Just(b'\t'),
            1 => 0x80u8..=0xff,
        ],
        0..30,
    );
    (
        select(&["", " ", "  ", "\t"][..]),
        content,
        select(&["", " ", "\t "][..]),
    )
        .prop_map(|(before, content, after)| {
            [before.as_bytes(), &content, after.as_bytes()].concat()
        })
}

fn field() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let name = prop_oneof![
        3 => select(&["Accept", "User-Agent", "Content-Type", "Cookie", "X-Test", "host"][..])
            .prop_map(|n| n.as_bytes().to_vec()),
        2 => bytes_of(TCHAR, 1..16),
    ];
    (name, value())
}

/// One change to the bytes: replace, insert or delete at a position.
#[derive(Clone, Debug)]
enum Change {
    Replace(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn change() -> impl Strategy<Value = Option<Change>> {
    let at = any::<usize>();
    let byte = prop_oneof![3 => select(EDGE), 1 => any::<u8>()];
    prop_oneof![
        3 => Just(None),
        1 => (at, byte.clone()).prop_map(|(at, b)| Some(Change::Replace(at, b))),
        1 => (at, byte).prop_map(|(at, b)| Some(Change::Insert(at, b))),
        1 => at.prop_map(|at| Some(Change::Delete(at))),
    ]
}

/// A request head from the grammar of RFC 9112 §3 and §5: leading empty lines,
/// the request-line, fields (a Host among them, mostly), CRLF or a bare LF,
/// then perhaps one byte changed anywhere.
pub fn head() -> impl Strategy<Value = Vec<u8>> {
    (
        0usize..3,
        method(),
        target(),
        version(),
        proptest::collection::vec(field(), 0..12),
        prop_oneof![8 => Just(1usize), 1 => Just(0usize), 1 => Just(2usize)],
        (host(), any::<usize>()),
        prop_oneof![6 => Just("\r\n"), 1 => Just("\n")],
        change(),
    )
        .prop_map(
            |(empty, method, target, version, mut fields, hosts, (host, at), eol, change)| {
                for _ in 0..hosts {
                    let at = at % (fields.len() + 1);
                    fields.insert(at, (b"Host".to_vec(), host.clone()));
                }
                let mut head = Vec::new();
                for _ in 0..empty {
                    head.extend_from_slice(eol.as_bytes());
                }
                head.extend_from_slice(
                    &[
                        &method[..],
                        b" ",
                        &target,
                        b" ",
                        version.as_bytes(),
                        eol.as_bytes(),
                    ]
                    .concat(),
                );
                for (name, value) in fields {
                    head.extend_from_slice(&[&name[..], b":", &value, eol.as_bytes()].concat());
                }
                head.extend_from_slice(eol.as_bytes());
                match change {
                    Some(Change::Replace(at, b)) => {
                        let at = at % head.len();
                        head[at] = b;
                    }
                    Some(Change::Insert(at, b)) => head.insert(at % (head.len() + 1), b),
                    Some(Change::Delete(at)) => {
                        head.remove(at % head.len());
                    }
                    None => {}
                }
                head
            },
        )
}

/// Generated heads: httparse and ours give the same verdict, or we reject by
/// a documented rule. A fixed seed, so every run checks the same heads (the
/// fuzzer is the one that roams); PROPTEST_CASES=100000 for a longer look.
#[test]
fn generated_heads_against_httparse() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let config = Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(7),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&head(), |input| {
        if let Judgement::Undocumented(why) = judge::judge(&input) {
            return Err(TestCaseError::fail(format!("{:?}: {why}", escape(&input))));
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
