//! `framing`: chapter 8's table of framing cases (`CASES_FRAMING`), each
//! request's head parsed by chapter 7's parser and handed to the code under
//! test, which must say how its body is delimited or which rule it breaks.
//! The Host and Expect rows are another function's (`Exchange::new`), and
//! the rows chapter 7's parser refuses never reach `framing`: both left out.

use ch07_request_parser::{Limits, Parsed, parse};
use ch08_persistent::cases::{CASES_FRAMING, Case, Expect};

use super::report::{call, fail, wrong};
use super::{FRAMING, rule_text, shown};
use crate::subject::Rule;
use crate::subject::framing::{Framing, framing};

/// What `framing` must answer for a row, if the row is about framing.
fn wanted(case: &Case) -> Option<Result<Framing, Rule>> {
    match case.expect {
        Expect::Body { framing, .. } => Some(Ok(framing)),
        Expect::Reject(Rule::EmptyHost | Rule::Expectation) => None,
        // the one length past --max-body: framing reads it, the connection
        // refuses it (`Exchange::new`); checked as the length it is
        Expect::Reject(Rule::BodyTooLarge) => {
            Some(Ok(Framing::Length(u64::MAX)))
        }
        Expect::Reject(rule) => Some(Err(rule)),
        Expect::Head(_) => None,
    }
}

fn has_transfer_encoding(case: &Case) -> bool {
    let input = case.input.to_ascii_lowercase();
    input.windows(18).any(|w| w == b"transfer-encoding:")
}

fn answer(got: &Result<Framing, Rule>) -> String {
    match got {
        Ok(Framing::None) => "Ok(Framing::None): no body".to_string(),
        Ok(Framing::Length(n)) => {
            format!("Ok(Framing::Length({n})): {n} bytes of body")
        }
        Ok(Framing::Chunked) => {
            "Ok(Framing::Chunked): a chunked body".to_string()
        }
        Err(rule) => rule_text(*rule),
    }
}

/// Every row of the table that `select` picks: parsed, then `framing`.
fn check_rows(select: impl Fn(&Case) -> bool) {
    let mut checked = 0;
    for case in CASES_FRAMING.iter().filter(|case| select(case)) {
        let Some(want) = wanted(case) else {
            continue;
        };
        let mut fields = Vec::new();
        let request = match parse(case.input, &Limits::DEFAULT, &mut fields) {
            Ok(Parsed::Complete(request)) => request,
            other => fail(format!(
                "the table's row {:?} is not a whole head for chapter 7's parser: {other:?}",
                case.name
            )),
        };
        let got = call("framing", FRAMING, || framing(&request));
        if got != want {
            wrong(
                format!(
                    "row {:?}: framing answered {}\n  for:    {}",
                    case.name,
                    answer(&got),
                    shown(&case.input[..request.used]),
                ),
                format!("{} — the row: {}", answer(&want), case.rfc),
                FRAMING,
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "no row of the table was checked");
}

/// No body, `Content-Length` read as `1*DIGIT` (leading zeros, identical
/// repeats), and every malformed or conflicting length refused.
#[test]
fn framing_no_body_and_content_length() {
    check_rows(|case| !has_transfer_encoding(case));
}

/// `Transfer-Encoding`: chunked last and once, any other coding 501, never
/// beside `Content-Length`, never in HTTP/1.0 (RFC 9112 §6.1, §6.3).
#[test]
fn framing_transfer_encoding() {
    check_rows(has_transfer_encoding);
}
