//! `Range: bytes=…` (RFC 9110 §14): which part of a file a client asks for.

// ANCHOR: ranged
/// What a Range field asks of a representation `len` bytes long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ranged {
    /// No range we serve: answer 200 with the whole file. A server MAY
    /// ignore Range (§14.2); we do for another unit, bad syntax, several
    /// ranges (a multipart/byteranges body we do not build), and a suffix
    /// of an empty file (satisfiable, §14.1.1, but no Content-Range can say
    /// "bytes 0 to -1").
    Whole,
    /// Bytes `first..=last`: 206 with `Content-Range: bytes first-last/len`.
    Part { first: u64, last: u64 },
    /// 416 with `Content-Range: bytes */len`.
    Unsatisfiable,
}
// ANCHOR_END: ranged

// ANCHOR: range
/// Range = ranges-specifier; ranges-specifier = range-unit "=" range-set;
/// range-set = 1#range-spec; range-spec = int-range / suffix-range / other
/// (RFC 9110 §14.1.1, §14.2). A range-unit is case-insensitive (§14.1).
pub fn range(value: &[u8], len: u64) -> Ranged {
    let Some((unit, set)) = split_once(value, b'=') else {
        return Ranged::Whole;
    };
    if !unit.eq_ignore_ascii_case(b"bytes") {
        return Ranged::Whole;
    }
    // a list may hold empty elements; a recipient skips them (§5.6.1)
    let mut specs = set
        .split(|&b| b == b',')
        .map(trim)
        .filter(|s| !s.is_empty());
    let (Some(spec), None) = (specs.next(), specs.next()) else {
        return Ranged::Whole; // none, or several
    };
    match split_once(spec, b'-') {
        // suffix-range = "-" suffix-length: the last n bytes
        Some((b"", n)) => match number(n) {
            Some(0) => Ranged::Unsatisfiable,
            Some(_) if len == 0 => Ranged::Whole,
            Some(n) => Ranged::Part {
                first: len.saturating_sub(n),
                last: len - 1,
            },
            None => Ranged::Whole,
        },
        // int-range = first-pos "-" [ last-pos ]
        Some((first, last)) => match (number(first), last) {
            (Some(first), b"") => part(first, u64::MAX, len),
            (Some(first), last) => match number(last) {
                // last < first: invalid (§14.1.1), so the field is ignored
                Some(last) if last >= first => part(first, last, len),
                _ => Ranged::Whole,
            },
            (None, _) => Ranged::Whole,
        },
        None => Ranged::Whole,
    }
}

// ANCHOR_END: range

// ANCHOR: part
/// An int-range is satisfiable if first-pos < len; a last-pos past the
/// end means the end (§14.1.1).
fn part(first: u64, last: u64, len: u64) -> Ranged {
    match first < len {
        true => Ranged::Part {
            first,
            last: last.min(len - 1),
        },
        false => Ranged::Unsatisfiable,
    }
}
// ANCHOR_END: part

/// 1*DIGIT; a number too large for u64 is as good as u64::MAX (no file is
/// that long).
fn number(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u64 = 0;
    for digit in digits {
        n = n.saturating_mul(10).saturating_add(u64::from(digit - b'0'));
    }
    Some(n)
}

fn split_once(bytes: &[u8], at: u8) -> Option<(&[u8], &[u8])> {
    let i = bytes.iter().position(|&b| b == at)?;
    Some((&bytes[..i], &bytes[i + 1..]))
}

/// Without OWS (SP / HTAB) on either side.
pub fn trim(bytes: &[u8]) -> &[u8] {
    let ows = |b: &u8| *b == b' ' || *b == b'\t';
    let start = bytes.iter().position(|b| !ows(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !ows(b)).map_or(start, |i| i + 1);
    &bytes[start..end]
}

// The table of Range values is the exercise's: tests/checks/range.rs, run
// against this crate by tests/exercise.rs.
