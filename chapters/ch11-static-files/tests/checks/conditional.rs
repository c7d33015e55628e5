//! `evaluate` and `if_range`: chapter 11's tables of conditional requests
//! against one file's validators (RFC 9110 §13).

use std::time::UNIX_EPOCH;

use super::PRECONDITIONS;
use super::report::{call, fail, wrong};
use crate::subject::conditional::{
    Conditions, Outcome, Validators, evaluate, if_range,
};

use Outcome::{Failed, NotModified, Proceed};

const TAG: &str = "\"1f-6560b1a0\"";
const MODIFIED: &str = "Fri, 24 Nov 2023 14:22:24 GMT"; // 0x6560b1a0 s
const BEFORE: &str = "Fri, 24 Nov 2023 14:22:23 GMT";
const AFTER: &str = "Fri, 24 Nov 2023 14:22:25 GMT";

/// The file's validators: the tag `"1f-6560b1a0"`, modified at MODIFIED.
fn current() -> Validators {
    let modified = httpdate::parse_http_date(MODIFIED).unwrap_or(UNIX_EPOCH);
    Validators {
        etag: TAG.to_string(),
        last_modified: modified,
    }
}

/// A request's conditional fields, by name.
fn conditions(fields: &[(&str, &str)]) -> Conditions {
    let mut c = Conditions::default();
    for (name, value) in fields {
        let value = Some(value.as_bytes().to_vec());
        match *name {
            "If-Match" => c.if_match = value,
            "If-Unmodified-Since" => c.if_unmodified_since = value,
            "If-None-Match" => c.if_none_match = value,
            "If-Modified-Since" => c.if_modified_since = value,
            "If-Range" => c.if_range = value,
            _ => fail(format!("not a conditional field: {name}")),
        }
    }
    c
}

fn fields_text(fields: &[(&str, &str)]) -> String {
    match fields {
        [] => "no conditional field".to_string(),
        fields => fields
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Proceed => "Outcome::Proceed (200, or 206 for a Range)",
        NotModified => "Outcome::NotModified (304)",
        Failed => "Outcome::Failed (412)",
    }
}

/// (name, fields, outcome, RFC 9110 section)
type Case = (
    &'static str,
    &'static [(&'static str, &'static str)],
    Outcome,
    &'static str,
);

#[rustfmt::skip]
const CASES: &[Case] = &[
    ("no condition", &[], Proceed, "13.2.2"),
    ("If-None-Match: the tag", &[("If-None-Match", TAG)], NotModified, "13.1.2"),
    ("If-None-Match: the weak tag", &[("If-None-Match", "W/\"1f-6560b1a0\"")], NotModified, "8.8.3.2"),
    ("If-None-Match: in a list", &[("If-None-Match", "\"a\", \"1f-6560b1a0\"")], NotModified, "13.1.2"),
    ("If-None-Match: list without spaces", &[("If-None-Match", "\"a\",\"1f-6560b1a0\"")], NotModified, "5.6.1"),
    ("If-None-Match: *", &[("If-None-Match", "*")], NotModified, "13.1.2"),
    ("If-None-Match: another tag", &[("If-None-Match", "\"other\"")], Proceed, "13.1.2"),
    ("If-None-Match: a comma inside a tag", &[("If-None-Match", "\"1f-6560b1a0,\"")], Proceed, "8.8.3"),
    ("If-None-Match: no quotes", &[("If-None-Match", "1f-6560b1a0")], Proceed, "8.8.3"),
    ("If-None-Match: lower-case w/", &[("If-None-Match", "w/\"1f-6560b1a0\"")], Proceed, "8.8.3"),
    ("If-None-Match: junk after the tag", &[("If-None-Match", "\"1f-6560b1a0\" x")], Proceed, "8.8.3"),
    ("If-Modified-Since: the same second", &[("If-Modified-Since", MODIFIED)], NotModified, "13.1.3"),
    ("If-Modified-Since: later", &[("If-Modified-Since", AFTER)], NotModified, "13.1.3"),
    ("If-Modified-Since: earlier", &[("If-Modified-Since", BEFORE)], Proceed, "13.1.3"),
    ("If-Modified-Since: RFC 850 form", &[("If-Modified-Since", "Friday, 24-Nov-23 14:22:24 GMT")], NotModified, "5.6.7"),
    ("If-Modified-Since: asctime form", &[("If-Modified-Since", "Fri Nov 24 14:22:24 2023")], NotModified, "5.6.7"),
    ("If-Modified-Since: not a date", &[("If-Modified-Since", "yesterday")], Proceed, "13.1.3"),
    ("If-Modified-Since: two dates", &[("If-Modified-Since", "Fri, 24 Nov 2023 14:22:24 GMT, Fri, 24 Nov 2023 14:22:24 GMT")], Proceed, "13.1.3"),
    ("If-None-Match wins over If-Modified-Since (no match)", &[("If-None-Match", "\"other\""), ("If-Modified-Since", AFTER)], Proceed, "13.1.3"),
    ("If-None-Match wins over If-Modified-Since (match)", &[("If-None-Match", TAG), ("If-Modified-Since", BEFORE)], NotModified, "13.2.2"),
    ("If-Match: the tag", &[("If-Match", TAG)], Proceed, "13.1.1"),
    ("If-Match: *", &[("If-Match", "*")], Proceed, "13.1.1"),
    ("If-Match: the weak tag (strong comparison)", &[("If-Match", "W/\"1f-6560b1a0\"")], Failed, "13.1.1"),
    ("If-Match: another tag", &[("If-Match", "\"other\"")], Failed, "13.1.1"),
    ("If-Unmodified-Since: earlier", &[("If-Unmodified-Since", BEFORE)], Failed, "13.1.4"),
    ("If-Unmodified-Since: the same second", &[("If-Unmodified-Since", MODIFIED)], Proceed, "13.1.4"),
    ("If-Match wins over If-Unmodified-Since", &[("If-Match", TAG), ("If-Unmodified-Since", BEFORE)], Proceed, "13.2.2"),
    ("If-Match false before If-None-Match", &[("If-Match", "\"other\""), ("If-None-Match", TAG)], Failed, "13.2.2"),
];

/// Every row that `select` picks, against the file's validators.
fn check_rows(select: impl Fn(&Case) -> bool) {
    let mut checked = 0;
    for case in CASES.iter().filter(|case| select(case)) {
        let (name, fields, want, section) = *case;
        let got = call("evaluate", PRECONDITIONS, || {
            evaluate(&conditions(fields), &current())
        });
        if got != want {
            wrong(
                format!(
                    "row {name:?}: with {} and the file's ETag {TAG}, \
                     Last-Modified {MODIFIED}, evaluate answered {}",
                    fields_text(fields),
                    outcome_text(got)
                ),
                format!("{} (RFC 9110 §{section})", outcome_text(want)),
                PRECONDITIONS,
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "no row of the table was checked");
}

fn sets_if_match(case: &Case) -> bool {
    case.1
        .iter()
        .any(|(name, _)| matches!(*name, "If-Match" | "If-Unmodified-Since"))
}

/// Steps 3 and 4: If-None-Match by weak comparison (a list, `*`, tags read
/// tag by tag), else If-Modified-Since (an HTTP-date in any of its three
/// forms, one date only): 304 when the client's copy is current.
#[test]
fn if_none_match_and_if_modified_since() {
    check_rows(|case| !sets_if_match(case));
}

/// Steps 1 and 2, first: If-Match by strong comparison, else
/// If-Unmodified-Since: 412 when false, before anything else.
#[test]
fn if_match_and_if_unmodified_since() {
    check_rows(sets_if_match);
}

/// (name, If-Range value, whether the Range applies)
#[rustfmt::skip]
const IF_RANGE: &[(&str, &str, bool)] = &[
    ("the tag", TAG, true),
    ("the tag, weak", "W/\"1f-6560b1a0\"", false),
    ("another tag", "\"other\"", false),
    ("two tags", "\"1f-6560b1a0\", \"1f-6560b1a0\"", false),
    ("the date", MODIFIED, true),
    ("a later date", AFTER, false),
    ("not a date", "soon", false),
];

/// Step 5, If-Range = entity-tag / HTTP-date: the Range applies only if
/// the tag matches by strong comparison or the date is Last-Modified
/// exactly; and when there is no If-Range.
#[test]
fn if_range_cases() {
    for (name, value, want) in IF_RANGE {
        let c = conditions(&[("If-Range", value)]);
        let got = call("if_range", PRECONDITIONS, || if_range(&c, &current()));
        if got != *want {
            wrong(
                format!(
                    "If-Range: {value} ({name}), the file's ETag {TAG}, \
                     Last-Modified {MODIFIED}: if_range answered {got}"
                ),
                format!("{want} (RFC 9110 §13.1.5)"),
                PRECONDITIONS,
            );
        }
    }
    let none = call("if_range", PRECONDITIONS, || {
        if_range(&Conditions::default(), &current())
    });
    if !none {
        wrong(
            "no If-Range: if_range answered false",
            "true: a Range without If-Range applies (RFC 9110 §13.1.5)",
            PRECONDITIONS,
        );
    }
}
