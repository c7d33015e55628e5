//! Two more outside judges from Python: h11 (python-hyper) and httptools
//! (llhttp, the parser inside Node.js), run on every named input and on
//! generated heads. Needs `python3 -m pip install h11==0.16.0 httptools==0.9.0`;
//! without them the test says so in one line and passes (fails with CI set).

use std::io::Write;
use std::process::Stdio;

use ch07_request_parser::cases::CASES;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngSeed, TestRunner};

use crate::parser::judge;
use crate::parser::suites::{rows, word};
use crate::support::python_hex_lines;

/// Reads one hex-encoded head a line from stdin and answers, a line each,
/// "<h11> <httptools>" with accept / reject / partial.
const JUDGES: &str = r#"
import sys, h11, httptools
print(f"h11 {h11.__version__}, httptools {httptools.__version__}", flush=True)
def by_h11(data):
    conn = h11.Connection(h11.SERVER)
    try:
        conn.receive_data(data)
        event = conn.next_event()
    except h11.RemoteProtocolError:
        return "reject"
    if event is h11.NEED_DATA:
        return "partial"
    return "accept" if isinstance(event, h11.Request) else "reject"
class Seen:
    done = False
    def on_headers_complete(self):
        self.done = True
def by_httptools(data):
    seen = Seen()
    parser = httptools.HttpRequestParser(seen)
    try:
        parser.feed_data(data)
    except httptools.HttpParserUpgrade:
        return "accept"
    except httptools.HttpParserError:
        # an error in the body or a pipelined request is not the head's
        return "accept" if seen.done else "reject"
    return "accept" if seen.done else "partial"
for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    print(by_h11(data), by_httptools(data), flush=True)
"#;

/// Runs the judges on `inputs`: their versions, then one answer pair per input.
/// None when python3, h11 or httptools is missing.
fn run_judges(inputs: &[Vec<u8>]) -> Option<(String, Vec<(String, String)>)> {
    // every wait bounded: the judges answer a few thousand heads in well under a second
    let out = python_hex_lines(&["-c", JUDGES], inputs, Stdio::null())?;
    let mut lines = out.lines();
    let versions = lines.next()?.to_string();
    let answers: Vec<(String, String)> = lines
        .map(|line| {
            let (a, b) = line.split_once(' ').unwrap_or((line, ""));
            (a.to_string(), b.to_string())
        })
        .collect();
    if answers.len() != inputs.len() {
        panic!(
            "python3 judges answered {} of {} inputs",
            answers.len(),
            inputs.len()
        );
    }
    Some((versions, answers))
}

/// h11 and httptools on every named input and 300 generated heads: how often
/// each judge agrees with us, and the named inputs where ours is the odd one
/// out (both judges answer otherwise).
#[test]
fn h11_and_httptools() {
    let mut named: Vec<(String, Vec<u8>)> = CASES
        .iter()
        .map(|c| (format!("table / {}", c.name), c.input.to_vec()))
        .collect();
    for file in [
        "llhttp-request.tsv",
        "httparse-request.tsv",
        "http11probe.tsv",
    ] {
        named.extend(
            rows(file)
                .into_iter()
                .map(|r| (format!("{} / {}", r.file, r.name), r.input)),
        );
    }
    let mut runner = TestRunner::new(Config {
        rng_seed: RngSeed::Fixed(11),
        ..Config::default()
    });
    let generated: Vec<Vec<u8>> = (0..300)
        .filter_map(|_| {
            Some(
                crate::parser::differential::head()
                    .new_tree(&mut runner)
                    .ok()?
                    .current(),
            )
        })
        .collect();
    let inputs: Vec<Vec<u8>> = named
        .iter()
        .map(|(_, input)| input.clone())
        .chain(generated.iter().cloned())
        .collect();

    let Some((versions, answers)) = run_judges(&inputs) else {
        if std::env::var_os("CI").is_some() {
            panic!(
                "CI: python3 with h11 and httptools is needed (pip install h11==0.16.0 httptools==0.9.0)"
            );
        }
        // one line past the test harness's output capture
        let line = "ch07: skipped h11_and_httptools: python3 lacks h11 or httptools \
                    (python3 -m pip install h11==0.16.0 httptools==0.9.0)\n";
        let _ = std::io::stderr().write_all(line.as_bytes());
        return;
    };
    let mut table = format!("{versions}\n");
    let mut agree = [[0usize; 2]; 2]; // [named, generated][h11, httptools]
    for (i, input) in inputs.iter().enumerate() {
        let ours = word(&judge::ours(input).0);
        let (h11, httptools) = (&answers[i].0, &answers[i].1);
        let kind = usize::from(i >= named.len());
        agree[kind][0] += usize::from(h11 == ours);
        agree[kind][1] += usize::from(httptools == ours);
        if kind == 0 && h11 != ours && httptools != ours {
            table.push_str(&format!(
                "{}: ours {}, h11 {h11}, httptools {httptools}\n",
                named[i].0,
                crate::parser::differential::short(&judge::ours(input).0),
            ));
        }
    }
    table.insert_str(
        0,
        &format!(
            "named inputs: {}; h11 agrees on {}, httptools on {}\n\
             generated heads: {}; h11 agrees on {}, httptools on {}\n",
            named.len(),
            agree[0][0],
            agree[0][1],
            generated.len(),
            agree[1][0],
            agree[1][1]
        ),
    );
    insta::assert_snapshot!("h11_and_httptools", table);
}
