//! `Range: bytes=…` (RFC 9110 §14): which part of a file a client asks for.

pub use ch11_static_files::range::{Ranged, trim};

/// What a Range field's value asks of a representation `len` bytes long.
/// What to write:
///
/// ```text
/// Range       = range-unit "=" range-set        ; unit: case-insensitive
/// range-set   = 1#range-spec                     ; skip empty elements
/// range-spec  = int-range / suffix-range
/// int-range   = first-pos "-" [ last-pos ]       ; 1*DIGIT each
/// suffix-range = "-" suffix-length
/// ```
///
/// - Another unit, bad syntax, `last-pos < first-pos`, several ranges:
///   [`Ranged::Whole`] (a server MAY ignore Range, §14.2).
/// - An int-range is satisfiable if `first-pos < len`, and a last-pos past
///   the end means the end: [`Ranged::Part`]; otherwise
///   [`Ranged::Unsatisfiable`] (416).
/// - A suffix-range is the last `n` bytes (all of them if `n >= len`);
///   `-0` is `Unsatisfiable`; a suffix of an empty file is `Whole` (no
///   Content-Range can say "bytes 0 to -1").
/// - Numbers too large for a `u64` are as good as `u64::MAX`.
///
/// [`trim`] removes OWS from both ends. The page: ch11, "범위 요청 / Range
/// requests".
pub fn range(value: &[u8], len: u64) -> Ranged {
    todo!()
}
