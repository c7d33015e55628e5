//! `range`: chapter 11's table of Range values against representations of
//! a given length (RFC 9110 §14).

use super::RANGE;
use super::report::{call, wrong};
use crate::subject::range::{Ranged, range};

use Ranged::{Part, Unsatisfiable, Whole};

/// (name, Range value, representation length, expected, RFC 9110 section)
type Case = (&'static str, &'static str, u64, Ranged, &'static str);

#[rustfmt::skip]
const CASES: &[Case] = &[
    ("first bytes", "bytes=0-99", 1000, Part { first: 0, last: 99 }, "14.1.2"),
    ("one byte", "bytes=5-5", 10, Part { first: 5, last: 5 }, "14.1.2"),
    ("from a byte on", "bytes=900-", 1000, Part { first: 900, last: 999 }, "14.1.2"),
    ("last bytes", "bytes=-100", 1000, Part { first: 900, last: 999 }, "14.1.2"),
    ("suffix longer than the file", "bytes=-5000", 1000, Part { first: 0, last: 999 }, "14.1.2"),
    ("last-pos past the end", "bytes=990-2000", 1000, Part { first: 990, last: 999 }, "14.1.1"),
    ("the last byte", "bytes=999-999", 1000, Part { first: 999, last: 999 }, "14.1.2"),
    ("unit in capitals", "BYTES=0-0", 10, Part { first: 0, last: 0 }, "14.1"),
    ("OWS around the spec", "bytes= 0-1 ", 10, Part { first: 0, last: 1 }, "5.6.1"),
    ("empty list elements", "bytes=,0-1,", 10, Part { first: 0, last: 1 }, "5.6.1"),
    ("huge last-pos", "bytes=0-99999999999999999999999", 10, Part { first: 0, last: 9 }, "14.1.1"),
    ("first-pos at the end", "bytes=1000-", 1000, Unsatisfiable, "14.1.1"),
    ("first-pos past the end", "bytes=5000-6000", 1000, Unsatisfiable, "14.1.1"),
    ("huge first-pos", "bytes=99999999999999999999999-", 10, Unsatisfiable, "14.1.1"),
    ("zero-length suffix", "bytes=-0", 1000, Unsatisfiable, "14.1.1"),
    ("any int-range of an empty file", "bytes=0-", 0, Unsatisfiable, "14.1.1"),
    ("a suffix of an empty file", "bytes=-1", 0, Whole, "14.1.1"),
    ("last-pos before first-pos", "bytes=5-1", 10, Whole, "14.1.1"),
    ("several ranges", "bytes=0-1,5-6", 10, Whole, "14.2"),
    ("another unit", "items=0-1", 10, Whole, "14.1"),
    ("no unit", "0-1", 10, Whole, "14.2"),
    ("no dash", "bytes=5", 10, Whole, "14.1.1"),
    ("a sign", "bytes=+1-2", 10, Whole, "14.1.1"),
    ("nothing", "bytes=", 10, Whole, "14.1.1"),
    ("space inside", "bytes=0 -1", 10, Whole, "14.1.1"),
];

fn answer(ranged: Ranged, len: u64) -> String {
    match ranged {
        Whole => "Ranged::Whole: 200 with the whole file".to_string(),
        Part { first, last } => {
            format!(
                "Ranged::Part {{ first: {first}, last: {last} }}: 206, Content-Range: bytes {first}-{last}/{len}"
            )
        }
        Unsatisfiable => {
            format!("Ranged::Unsatisfiable: 416, Content-Range: bytes */{len}")
        }
    }
}

/// Every row that `select` picks.
fn check_rows(select: impl Fn(&Case) -> bool) {
    let mut checked = 0;
    for case in CASES.iter().filter(|case| select(case)) {
        let (name, value, len, want, section) = *case;
        let got = call("range", RANGE, || range(value.as_bytes(), len));
        if got != want {
            wrong(
                format!(
                    "row {name:?}: Range: {value} of a {len}-byte file, range \
                     answered {}",
                    answer(got, len)
                ),
                format!("{} (RFC 9110 §{section})", answer(want, len)),
                RANGE,
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "no row of the table was checked");
}

/// int-range and suffix-range: the bytes asked for, cut to the file.
#[test]
fn ranges_satisfiable() {
    check_rows(|case| matches!(case.3, Part { .. }));
}

/// A range past the end (416), and the ones a server ignores (another
/// unit, bad syntax, several ranges): the whole file.
#[test]
fn ranges_unsatisfiable_or_ignored() {
    check_rows(|case| !matches!(case.3, Part { .. }));
}
