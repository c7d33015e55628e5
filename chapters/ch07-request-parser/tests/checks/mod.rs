//! Chapter 7's checks: `parse` on the chapter's table of named cases
//! (`ch07_request_parser::cases`, each row a head from the RFCs' examples
//! and ABNF with its expected outcome), fed whole, in two reads split at
//! every byte and one byte at a time; no answer before the byte that
//! decides; each limit at the limit and one byte past it; pipelined heads.
//! The same checks run against the book's parser (`cargo test -p
//! ch07-request-parser`) and against the reader's (`cargo test -p
//! ex07-request-parser`): each test target calls its crate `subject`.

#[path = "../../../ch06-framing/tests/checks/report.rs"]
mod report;

use std::fmt;

use ch07_request_parser::cases::{CASES, Case, Expect};

use crate::subject::{Error, Field, Limits, Parsed, Rule, parse};
use report::{Section, call, wrong};

const PAGE: &str = "book/ch07-request-parser.md";

const PARSE: Section = Section {
    page: PAGE,
    ko: "`parse`",
    en: "`parse`",
    id: "parse",
};
const REQUEST_LINE: Section = Section {
    page: PAGE,
    ko: "요청 줄",
    en: "The request-line",
    id: "request-line",
};
const LINE_ENDS: Section = Section {
    page: PAGE,
    ko: "빈 줄과 줄 끝",
    en: "Empty lines and line ends",
    id: "line-ends",
};
const REQUEST_TARGET: Section = Section {
    page: PAGE,
    ko: "요청 대상",
    en: "The request-target",
    id: "request-target",
};
const VERSION: Section = Section {
    page: PAGE,
    ko: "버전",
    en: "The version",
    id: "http-version",
};
const FIELD_LINES: Section = Section {
    page: PAGE,
    ko: "필드 줄",
    en: "Field lines",
    id: "field-lines",
};
const LIMITS: Section = Section {
    page: PAGE,
    ko: "커서",
    en: "The cursor",
    id: "cursor",
};
const TABLE: Section = Section {
    page: PAGE,
    ko: "표로 하는 테스트",
    en: "Tests as a table",
    id: "table-tests",
};

/// The section of the page that explains a rule.
fn rule_section(rule: Rule) -> Section {
    use Rule::*;
    match rule {
        Method | RequestLine => REQUEST_LINE,
        Target | PctEncoded | AbsoluteForm | AuthorityForm | AsteriskForm => {
            REQUEST_TARGET
        }
        Version | VersionNotSupported => VERSION,
        BareCr => LINE_ENDS,
        RequestLineTooLong | HeadTooLarge | TooManyFields => LIMITS,
        _ => FIELD_LINES,
    }
}

/// The section of the page that explains a row of the table.
fn section(case: &Case) -> Section {
    match case.expect {
        Expect::Reject { rule, .. } => rule_section(rule),
        Expect::Request { .. } => match case.rfc {
            "RFC 9112 §3" | "RFC 9110 §9.1" => REQUEST_LINE,
            "RFC 9112 §2.2" => LINE_ENDS,
            "RFC 9110 §2.5" => VERSION,
            rfc if rfc.starts_with("RFC 9112 §3.2.") => REQUEST_TARGET,
            rfc if rfc.starts_with("RFC 3986") => REQUEST_TARGET,
            rfc if rfc.starts_with("RFC 9110 §5") => FIELD_LINES,
            "RFC 9112 §5" | "RFC 9112 §3.2" | "RFC 9110 §7.2" => FIELD_LINES,
            _ => PARSE,
        },
    }
}

/// A parse's outcome as plain data, so two outcomes compare with `==`.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Partial,
    Request {
        method: String,
        target: String,
        form: String,
        version: String,
        fields: Vec<(Vec<u8>, Vec<u8>)>,
        used: usize,
    },
    Reject(Error),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Partial => write!(f, "Ok(Parsed::Partial)"),
            Outcome::Request {
                method,
                target,
                form,
                version,
                fields,
                used,
            } => {
                write!(f, "Ok(Parsed::Complete): {method} {target} ({form}) ")?;
                write!(f, "{version}, fields [")?;
                for (i, (name, value)) in fields.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    let (name, value) =
                        (name.escape_ascii(), value.escape_ascii());
                    write!(f, "{sep}\"{name}\": \"{value}\"")?;
                }
                write!(f, "], used {used}")
            }
            Outcome::Reject(Error { rule, offset }) => {
                let status = rule.status();
                write!(f, "Err: Rule::{rule:?} at byte {offset} ({status}")?;
                write!(f, ", \"{}\")", rule.text())
            }
        }
    }
}

/// What the parser under test makes of `input`.
fn outcome(input: &[u8], limits: &Limits, section: Section) -> Outcome {
    call("parse", section, || {
        let mut fields: Vec<Field> = Vec::new();
        match parse(input, limits, &mut fields) {
            Ok(Parsed::Partial) => Outcome::Partial,
            Ok(Parsed::Complete(r)) => Outcome::Request {
                method: r.method.to_string(),
                target: r.target.raw.to_string(),
                form: r.target.form.to_string(),
                version: r.version.to_string(),
                fields: r
                    .fields
                    .iter()
                    .map(|f| (f.name.to_vec(), f.value.to_vec()))
                    .collect(),
                used: r.used,
            },
            Err(error) => Outcome::Reject(error),
        }
    })
}

fn expected(case: &Case) -> Outcome {
    match case.expect {
        Expect::Request {
            method,
            target,
            form,
            version,
            fields,
            used,
        } => Outcome::Request {
            method: method.to_string(),
            target: target.to_string(),
            form: form.to_string(),
            version: version.to_string(),
            fields: fields
                .iter()
                .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
                .collect(),
            used,
        },
        Expect::Reject { rule, offset, .. } => {
            Outcome::Reject(Error { rule, offset })
        }
    }
}

/// Bytes as Rust writes them in a literal (`\r\n`), cut short if long.
fn shown(bytes: &[u8]) -> String {
    const MAX: usize = 120;
    if bytes.len() > MAX {
        let cut = bytes[..MAX].escape_ascii();
        format!("b\"{cut}\"... ({} bytes)", bytes.len())
    } else {
        format!("b\"{}\"", bytes.escape_ascii())
    }
}

fn check_outcome(
    how: &str,
    got: &Outcome,
    wanted: &Outcome,
    why: &str,
    section: Section,
) {
    if got != wanted {
        wrong(
            format!("{how}, parse returned {got}"),
            format!("{wanted}\n  why:    {why}"),
            section,
        );
    }
}

/// Every row of the table whose rule (or, for a head, RFC section) the
/// page explains in `section`'s part of the code, fed whole.
fn check_rows(keep: impl Fn(&Case) -> bool) {
    for case in CASES.iter().filter(|case| keep(case)) {
        let got = outcome(case.input, &Limits::DEFAULT, section(case));
        let why = format!("case \"{}\" ({})", case.name, case.rfc);
        let how = format!("fed {}", shown(case.input));
        check_outcome(&how, &got, &expected(case), &why, section(case));
    }
}

fn rejects(case: &Case, rules: &[Rule]) -> bool {
    matches!(case.expect, Expect::Reject { rule, .. } if rules.contains(&rule))
}

/// A valid beginning of a head, however short, is `Partial`.
#[test]
fn partial_heads() {
    for input in [
        &b""[..],
        b"GET",
        b"GET / HTTP/1.1",
        b"GET / HTTP/1.1\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\n\r",
    ] {
        let got = outcome(input, &Limits::DEFAULT, PARSE);
        let why =
            "a valid beginning of a head: read more bytes, then call again";
        let how = format!("fed {}", shown(input));
        check_outcome(&how, &got, &Outcome::Partial, why, PARSE);
    }
}

/// The heads of the table: the RFCs' examples, curl's and Chromium's, the
/// four forms of request-target, the tolerances (leading empty lines, bare
/// LF, HTTP/1.2), field lines in order with their OWS trimmed.
#[test]
fn every_head_of_the_table() {
    check_rows(|case| matches!(case.expect, Expect::Request { .. }));
}

/// method SP request-target SP HTTP-version: exactly one SP, a token.
#[test]
fn request_line_rejections() {
    check_rows(|case| rejects(case, &[Rule::Method, Rule::RequestLine]));
}

/// The request-target's bytes, its pct-encoding and its four forms.
#[test]
fn request_target_rejections() {
    use Rule::*;
    let rules = [
        Target,
        PctEncoded,
        AbsoluteForm,
        AuthorityForm,
        AsteriskForm,
    ];
    check_rows(|case| rejects(case, &rules));
}

/// `HTTP/` DIGIT `.` DIGIT, case-sensitive; a major version other than 1
/// is 505.
#[test]
fn version_rejections() {
    check_rows(|case| {
        rejects(case, &[Rule::Version, Rule::VersionNotSupported])
    });
}

/// A CR not followed by LF, wherever it is.
#[test]
fn bare_cr_rejections() {
    check_rows(|case| rejects(case, &[Rule::BareCr]));
}

/// field-name ":" OWS field-value OWS: a token for a name, no whitespace
/// before the colon, no control bytes in a value, no obs-fold.
#[test]
fn field_line_rejections() {
    use Rule::*;
    let rules = [
        FieldLine,
        FieldName,
        SpaceBeforeColon,
        FieldValue,
        ObsFold,
        SpaceAfterStartLine,
    ];
    check_rows(|case| rejects(case, &rules));
}

/// Exactly one Host in an HTTP/1.1 request, with a valid value.
#[test]
fn host_rejections() {
    use Rule::*;
    check_rows(|case| rejects(case, &[MissingHost, DuplicateHost, HostValue]));
}

/// What a server sees reading `input` in pieces of the given sizes: it
/// parses everything so far after each read and stops at the first answer.
fn fed(
    input: &[u8],
    pieces: impl Iterator<Item = usize>,
    s: Section,
) -> Outcome {
    let mut buf = Vec::new();
    let mut rest = input;
    for size in pieces {
        let (piece, after) = rest.split_at(size.min(rest.len()));
        buf.extend_from_slice(piece);
        rest = after;
        let now = outcome(&buf, &Limits::DEFAULT, s);
        if now != Outcome::Partial || rest.is_empty() {
            return now;
        }
    }
    outcome(&buf, &Limits::DEFAULT, s)
}

/// Every row in two reads split at every position, and one byte at a time:
/// the same outcome as whole.
#[test]
fn every_case_split_and_byte_by_byte() {
    for case in CASES {
        let wanted = expected(case);
        let input = case.input;
        let why = format!(
            "case \"{}\" ({}): the same answer however the bytes arrive",
            case.name, case.rfc
        );
        for split in 0..=input.len() {
            let two = [split, input.len()].into_iter();
            let got = fed(input, two, TABLE);
            let how =
                format!("fed {} in two reads split at {split}", shown(input));
            check_outcome(&how, &got, &wanted, &why, TABLE);
        }
        let got = fed(input, std::iter::repeat(1), TABLE);
        let how = format!("fed {} one byte at a time", shown(input));
        check_outcome(&how, &got, &wanted, &why, TABLE);
    }
}

/// A prefix is `Partial` until the byte at fault (or the end of the head);
/// past it, `Partial` or the very same answer, never another.
#[test]
fn no_answer_before_the_byte_that_decides() {
    for case in CASES {
        let wanted = expected(case);
        let decides = match case.expect {
            Expect::Request { used, .. } => used,
            Expect::Reject { offset, .. } => offset + 1,
        };
        for k in 0..=case.input.len() {
            let prefix = &case.input[..k];
            let got = outcome(prefix, &Limits::DEFAULT, TABLE);
            let how = format!("fed the first {k} bytes, {}", shown(prefix));
            if k < decides {
                let why = format!(
                    "case \"{}\" ({}): the byte that decides is at {}; the \
                     parser may not blame a byte it has not seen",
                    case.name,
                    case.rfc,
                    decides - 1
                );
                check_outcome(&how, &got, &Outcome::Partial, &why, TABLE);
            } else if got != Outcome::Partial {
                let why = format!("case \"{}\" ({})", case.name, case.rfc);
                check_outcome(&how, &got, &wanted, &why, TABLE);
            }
        }
    }
}

fn limits(
    max_request_line: usize,
    max_head: usize,
    max_fields: usize,
) -> Limits {
    Limits {
        max_request_line,
        max_head,
        max_fields,
    }
}

fn check_complete(input: &[u8], limits: &Limits, why: &str) {
    let got = outcome(input, limits, LIMITS);
    if !matches!(got, Outcome::Request { .. }) {
        wrong(
            format!(
                "fed {} with {limits:?}, parse returned {got}",
                shown(input)
            ),
            format!("Ok(Parsed::Complete)\n  why:    {why}"),
            LIMITS,
        );
    }
}

fn check_limited(input: &[u8], limits: &Limits, wanted: Outcome, why: &str) {
    let got = outcome(input, limits, LIMITS);
    let how = format!("fed {} with {limits:?}", shown(input));
    check_outcome(&how, &got, &wanted, why, LIMITS);
}

fn rejected(rule: Rule, offset: usize) -> Outcome {
    Outcome::Reject(Error { rule, offset })
}

/// `max_request_line` counts the line without its line end: a line of
/// exactly the limit parses (with CRLF or a bare LF); one byte more is 414
/// at the byte past the limit, also while the line is still arriving.
#[test]
fn request_line_limit() {
    let head =
        |target: &str| format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
    let line = "GET /0123456789 HTTP/1.1".len();
    let at = limits(line, 1024, 10);
    let fits = head("/0123456789");
    let why = "a request-line of exactly max_request_line bytes, its line end \
               not counted";
    check_complete(fits.as_bytes(), &at, why);
    check_complete(fits.replace("\r\n", "\n").as_bytes(), &at, why);
    let why = "leading empty lines are not part of the request-line";
    check_complete(format!("\r\n\r\n{fits}").as_bytes(), &at, why);
    let over = head("/0123456789a");
    let why = "one byte past max_request_line: 414, at the byte past the limit";
    let too_long = || rejected(Rule::RequestLineTooLong, line);
    check_limited(over.as_bytes(), &at, too_long(), why);
    let why = "the byte past the limit is in: 414 at once, without waiting \
               for the line end";
    check_limited(&over.as_bytes()[..line + 1], &at, too_long(), why);
    let why = "the line so far is within the limit";
    check_limited(&over.as_bytes()[..line], &at, Outcome::Partial, why);
}

/// `max_head` counts every byte up to and including the empty line, the
/// empty lines before the request-line too; a body after it does not count.
#[test]
fn head_limit() {
    let head = b"GET / HTTP/1.1\r\nHost: x\r\nX: 0123456789\r\n\r\n";
    let at = limits(1024, head.len(), 10);
    check_complete(head, &at, "a head of exactly max_head bytes");
    let with_body = [&head[..], b"and a body after it"].concat();
    check_complete(&with_body, &at, "the body after the head is not counted");
    let one_less = limits(1024, head.len() - 1, 10);
    let why = "one byte past max_head: 431, at the byte past the limit";
    let too_large = rejected(Rule::HeadTooLarge, head.len() - 1);
    check_limited(head, &one_less, too_large, why);
    let why = "the head so far is within the limit";
    let short = &head[..head.len() - 1];
    check_limited(short, &one_less, Outcome::Partial, why);
    let why = "empty lines before the request-line count toward max_head";
    let leading = [&b"\r\n"[..], head].concat();
    let too_large = rejected(Rule::HeadTooLarge, head.len());
    check_limited(&leading, &at, too_large, why);
}

/// `max_fields` field lines parse; one more is 431 at its first byte.
#[test]
fn field_count_limit() {
    let mut head = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
    for i in 1..5 {
        head.extend_from_slice(format!("X-{i}: {i}\r\n").as_bytes());
    }
    let sixth_line = head.len();
    head.extend_from_slice(b"X-5: 5\r\n\r\n");
    check_complete(
        &head,
        &limits(1024, 1024, 6),
        "six field lines, max_fields 6",
    );
    let why = "a sixth field line with max_fields 5: 431 at its first byte";
    let too_many = rejected(Rule::TooManyFields, sixth_line);
    check_limited(&head, &limits(1024, 1024, 5), too_many, why);
    let why = "five field lines so far, within max_fields 5";
    let so_far = &head[..sixth_line];
    check_limited(so_far, &limits(1024, 1024, 5), Outcome::Partial, why);
}

/// Two pipelined requests: the second one starts where the first one's
/// `used` ends, and parses on its own.
#[test]
fn pipelined_heads_one_after_the_other() {
    let input =
        b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: y\r\n\r\n";
    let first = outcome(input, &Limits::DEFAULT, PARSE);
    let Outcome::Request { used, .. } = first else {
        wrong(
            format!("fed {}, parse returned {first}", shown(input)),
            "Ok(Parsed::Complete) for the first head, used 28",
            PARSE,
        );
    };
    let why =
        "`used` is the first head's length: the next request starts there";
    let wanted = Outcome::Request {
        method: "GET".into(),
        target: "/2".into(),
        form: "origin-form".into(),
        version: "HTTP/1.1".into(),
        fields: vec![(b"Host".to_vec(), b"y".to_vec())],
        used: 28,
    };
    let rest = input.get(used..).unwrap_or_default();
    let got = outcome(rest, &Limits::DEFAULT, PARSE);
    let how = format!("fed the bytes after used = {used}, {}", shown(rest));
    check_outcome(&how, &got, &wanted, why, PARSE);
}
