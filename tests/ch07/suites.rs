//! Published test inputs as outside judges: llhttp's request tests, httparse's
//! own unit tests and Http11Probe's compliance pages, each kept as data in
//! tests/ch07/suites/ (source, commit and license in each file's header).

use ch07_request_parser::Limits;
use ch07_request_parser::cases::CASES;

use crate::parser::differential::short;
use crate::parser::judge::{self, DOCUMENTED, Judgement, Verdict, escape, unescape};

/// One row of a suite's data file.
pub struct Row {
    pub file: String,
    pub name: String,
    /// the suite's own column: llhttp's test type, Http11Probe's requirement
    pub kind: String,
    /// what the suite expects
    pub expect: String,
    /// Http11Probe's page words (empty for the others)
    pub words: String,
    pub input: Vec<u8>,
}

/// Reads a tab-separated data file; `#` lines are its header.
pub fn rows(file: &str) -> Vec<Row> {
    let path = format!("{}/tests/ch07/suites/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => panic!("cannot read {path}: {e}"),
    };
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let (words, input) = match cols.len() {
                5 => ("", cols[4]),
                6 => (cols[4], cols[5]),
                n => panic!("{file}: {n} columns in {line:?}"),
            };
            Row {
                file: cols[0].to_string(),
                name: cols[1].to_string(),
                kind: cols[2].to_string(),
                expect: cols[3].to_string(),
                words: words.to_string(),
                input: unescape(input),
            }
        })
        .collect()
}

/// accept / reject / partial, the words the suites use.
pub fn word(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Partial => "partial",
        Verdict::Accept(_) => "accept",
        Verdict::Reject(_) => "reject",
    }
}

/// A fact about the bytes that explains a difference mechanically: the head
/// carries body framing, or bytes follow it; both are chapter 8's to judge.
fn hint(input: &[u8], ours: &Verdict) -> &'static str {
    let lower = input.to_ascii_lowercase();
    let has = |name: &[u8]| lower.windows(name.len()).any(|w| w == name);
    if has(b"\ncontent-length") || has(b"\ntransfer-encoding") {
        " [body framing: chapter 8]"
    } else if matches!(ours, Verdict::Accept(head) if head.used < input.len()) {
        " [bytes after the head: chapter 8]"
    } else {
        ""
    }
}

/// llhttp's request tests (strict mode rows): where llhttp's verdict on the
/// head differs from ours. The snapshot is the reviewed list; the page
/// explains each group.
#[test]
fn llhttp_request_tests() {
    let mut table = String::new();
    let (mut same, mut lenient) = (0, 0);
    for row in rows("llhttp-request.tsv") {
        if row.kind != "request" {
            // llhttp's lenient flags: not the parser's defaults, not ours
            lenient += 1;
            continue;
        }
        let (ours, _) = judge::ours(&row.input);
        let llhttp = row.expect.split(':').next().unwrap_or_default();
        if word(&ours) == llhttp {
            same += 1;
            continue;
        }
        table.push_str(&format!(
            "{} / {}: llhttp {}; ours {}{}\n",
            row.file,
            row.name,
            row.expect,
            short(&ours),
            hint(&row.input, &ours)
        ));
    }
    table.insert_str(
        0,
        &format!("{same} rows agree; {lenient} rows in llhttp's lenient modes skipped\n"),
    );
    insta::assert_snapshot!("llhttp_request_tests", table);
}

/// httparse's own unit-test inputs: our reading of them matches httparse's
/// expectations (so the data file is right), and ours differs from httparse
/// only where documented.
#[test]
fn httparse_own_tests() {
    let mut table = String::new();
    for row in rows("httparse-request.tsv") {
        let theirs = judge::httparse(&row.input);
        if row.expect != "unchecked" {
            let expect = row.expect.split(':').next().unwrap_or_default();
            assert_eq!(
                word(&theirs),
                expect,
                "httparse's {} reads otherwise",
                row.name
            );
        }
        match judge::judge(&row.input) {
            Judgement::Agree => {}
            Judgement::Documented(d) => {
                let (ours, _) = judge::ours(&row.input);
                table.push_str(&format!(
                    "{}: ours {}, httparse {} ({})\n",
                    row.name,
                    short(&ours),
                    short(&theirs),
                    d.name
                ));
            }
            Judgement::Undocumented(why) => panic!("{} {:?}: {why}", row.name, escape(&row.input)),
        }
    }
    insta::assert_snapshot!("httparse_own_tests", table);
}

/// Http11Probe's pages say what a server must do with each request; for the
/// rows where the page allows one answer, ours is compared with it.
#[test]
fn http11probe_pages() {
    let mut table = String::new();
    let mut counts = std::collections::BTreeMap::new();
    for row in rows("http11probe.tsv") {
        let (ours, _) = judge::ours(&row.input);
        let got = word(&ours);
        let outcome = match (row.expect.as_str(), got) {
            ("either", _) => "either",
            ("accept", "accept") | ("reject", "reject") => "as the page says",
            // a page that expects a rejection because the bytes stop early
            ("reject", "partial") => "as the page says (incomplete)",
            _ => "differs",
        };
        *counts.entry((row.expect.clone(), outcome)).or_insert(0) += 1;
        if outcome == "differs" || outcome == "either" {
            table.push_str(&format!(
                "{} ({}, expects {}: {}): ours {}{}\n",
                row.name,
                row.kind,
                row.expect,
                row.words,
                short(&ours),
                hint(&row.input, &ours)
            ));
        }
    }
    let summary: String = counts
        .iter()
        .map(|((expect, outcome), n)| format!("expects {expect}, {outcome}: {n}\n"))
        .collect();
    insta::assert_snapshot!("http11probe_pages", format!("{summary}\n{table}"));
}

/// Every documented disagreement with httparse shows up on at least one named
/// input, so the list in judge.rs carries no dead entry.
#[test]
fn every_documented_case_is_seen() {
    let mut inputs: Vec<Vec<u8>> = CASES.iter().map(|c| c.input.to_vec()).collect();
    for file in [
        "llhttp-request.tsv",
        "httparse-request.tsv",
        "http11probe.tsv",
    ] {
        inputs.extend(rows(file).into_iter().map(|r| r.input));
    }
    // one byte past each size limit (the table tests its limits on small
    // options; these use the defaults httparse is judged against)
    let limits = Limits::DEFAULT;
    let long_target = "a".repeat(limits.max_request_line);
    inputs.push(format!("GET /{long_target} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes());
    let big_value = "v".repeat(limits.max_head);
    inputs.push(format!("GET / HTTP/1.1\r\nHost: x\r\nX: {big_value}\r\n\r\n").into_bytes());
    // the first byte of a 101st field line
    let fields: String = (1..limits.max_fields)
        .map(|i| format!("F{i}: v\r\n"))
        .collect();
    inputs.push(format!("GET / HTTP/1.1\r\nHost: x\r\n{fields}X").into_bytes());
    // a head that stops in the space after a field name
    inputs.push(b"GET / HTTP/1.1\r\nHost: x\r\nAccept ".to_vec());
    for documented in DOCUMENTED {
        let seen = inputs.iter().any(|input| {
            matches!(judge::judge(input), Judgement::Documented(d) if d.name == documented.name)
        });
        assert!(
            seen,
            "no named input shows the documented case {:?}",
            documented.name
        );
    }
}
