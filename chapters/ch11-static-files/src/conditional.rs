//! Validators and conditional requests (RFC 9110 §8.8, §13): `ETag` and
//! `Last-Modified` out; `If-Match`, `If-Unmodified-Since`,
//! `If-None-Match`, `If-Modified-Since` and `If-Range` in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ch07_request_parser::Request;

use crate::range::trim;

// ANCHOR: validators
/// What tells one version of a file from the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Validators {
    /// `"<size>-<mtime>"` in hex, quotes included: a strong entity tag, as
    /// nginx and Apache make them. Any write changes the modification time
    /// (in nanoseconds, where the file system keeps them); two writes of
    /// the same size within one tick of its clock would share a tag.
    pub etag: String,
    /// The modification time in whole seconds, as HTTP-date carries it,
    /// and never later than now (RFC 9110 §8.8.2.1).
    pub last_modified: SystemTime,
}

impl Validators {
    pub fn new(len: u64, modified: SystemTime, now: SystemTime) -> Self {
        let since = modified.duration_since(UNIX_EPOCH).unwrap_or_default();
        let (seconds, nanos) = (since.as_secs(), since.subsec_nanos());
        let etag = format!("\"{len:x}-{seconds:x}{nanos:08x}\"");
        let last_modified = UNIX_EPOCH + Duration::from_secs(seconds);
        let now_seconds = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let now = UNIX_EPOCH + Duration::from_secs(now_seconds.as_secs());
        Validators {
            etag,
            last_modified: last_modified.min(now),
        }
    }
}
// ANCHOR_END: validators

/// The conditional fields of a request, each list's field lines joined
/// with ", " as RFC 9110 §5.3 allows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Conditions {
    pub if_match: Option<Vec<u8>>,
    pub if_unmodified_since: Option<Vec<u8>>,
    pub if_none_match: Option<Vec<u8>>,
    pub if_modified_since: Option<Vec<u8>>,
    pub if_range: Option<Vec<u8>>,
}

impl Conditions {
    pub fn of(request: &Request) -> Conditions {
        let field = |name| {
            let mut values = request.field_values(name);
            let mut joined = values.next()?.to_vec();
            for value in values {
                joined.extend_from_slice(b", ");
                joined.extend_from_slice(value);
            }
            Some(joined)
        };
        Conditions {
            if_match: field("if-match"),
            if_unmodified_since: field("if-unmodified-since"),
            if_none_match: field("if-none-match"),
            if_modified_since: field("if-modified-since"),
            if_range: field("if-range"),
        }
    }
}

/// What the preconditions leave of a GET or HEAD.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answer as if there were none (200, or 206 for a Range).
    Proceed,
    /// 304: the client's copy is current; it gets the validators, no body.
    NotModified,
    /// 412: a precondition the client set is false.
    Failed,
}

// ANCHOR: evaluate
/// RFC 9110 §13.2.2, in its order, for GET and HEAD (the only methods we
/// serve). A date field is ignored when a tag field covers the same
/// question (steps 2 and 4), and when it is not one valid HTTP-date.
pub fn evaluate(conditions: &Conditions, current: &Validators) -> Outcome {
    let (etag, modified) = (current.etag.as_bytes(), current.last_modified);
    // 1. If-Match, strong comparison (§13.1.1); 2. else If-Unmodified-Since
    let unchanged =
        match (&conditions.if_match, date(&conditions.if_unmodified_since)) {
            (Some(list), _) => matches(list, etag, strong),
            (None, Some(date)) => modified <= date,
            (None, None) => true,
        };
    if !unchanged {
        return Outcome::Failed;
    }
    // 3. If-None-Match, weak comparison (§13.1.2); 4. else If-Modified-Since
    let client_has_it = match (
        &conditions.if_none_match,
        date(&conditions.if_modified_since),
    ) {
        (Some(list), _) => matches(list, etag, weak),
        (None, Some(date)) => modified <= date,
        (None, None) => false,
    };
    match client_has_it {
        true => Outcome::NotModified, // for GET and HEAD; we serve no other
        false => Outcome::Proceed,    // 5. If-Range is the Range's: `if_range`
    }
}
// ANCHOR_END: evaluate

// ANCHOR: if_range
/// If-Range = entity-tag / HTTP-date (§13.1.5): true if the tag matches
/// by strong comparison, or the date is exactly Last-Modified. False, and
/// the Range ignored (200 with the whole file), for anything else.
pub fn if_range(conditions: &Conditions, current: &Validators) -> bool {
    let Some(value) = &conditions.if_range else {
        return true;
    };
    let value = trim(value);
    if value.starts_with(b"\"") || value.starts_with(b"W/") {
        let tag = entity_tags(value).and_then(|tags| match &tags[..] {
            [tag] => Some(*tag),
            _ => None,
        });
        return tag.is_some_and(|tag| strong(tag, current.etag.as_bytes()));
    }
    date(&conditions.if_range) == Some(current.last_modified)
}
// ANCHOR_END: if_range

// ANCHOR: compare
/// `"*"` or #entity-tag, against the current tag (RFC 9110 §13.1.1-2).
/// A list we cannot read matches nothing.
fn matches(
    list: &[u8],
    etag: &[u8],
    compare: fn(&[u8], &[u8]) -> bool,
) -> bool {
    if trim(list) == b"*" {
        return true; // any current representation: we have one
    }
    entity_tags(list).is_some_and(|tags| tags.iter().any(|t| compare(t, etag)))
}

/// Strong comparison: neither is weak, and they are the same (§8.8.3.2).
fn strong(a: &[u8], b: &[u8]) -> bool {
    !a.starts_with(b"W/") && !b.starts_with(b"W/") && a == b
}

/// Weak comparison: the same opaque-tag, whether W/ or not.
fn weak(a: &[u8], b: &[u8]) -> bool {
    a.strip_prefix(b"W/").unwrap_or(a) == b.strip_prefix(b"W/").unwrap_or(b)
}

// ANCHOR_END: compare

// ANCHOR: entity_tag_list
/// entity-tag = [ weak ] opaque-tag; weak = %s"W/";
/// opaque-tag = DQUOTE *etagc DQUOTE; etagc = %x21 / %x23-7E / obs-text
/// (§8.8.3). A comma may sit inside a tag, so the list is read tag by tag,
/// not split at commas.
fn entity_tags(list: &[u8]) -> Option<Vec<&[u8]>> {
    let mut tags = Vec::new();
    let mut rest = list;
    loop {
        // OWS and empty elements between the tags (§5.6.1)
        let skip = rest.iter().take_while(|b| b" \t,".contains(b)).count();
        rest = &rest[skip..];
        if rest.is_empty() {
            break;
        }
        let start = if rest.starts_with(b"W/") { 2 } else { 0 };
        if rest.get(start) != Some(&b'"') {
            return None;
        }
        let body = &rest[start + 1..];
        let close = body.iter().position(|&b| b == b'"')?;
        let etagc =
            |b: &u8| *b == 0x21 || (0x23..=0x7e).contains(b) || *b >= 0x80;
        if !body[..close].iter().all(etagc) {
            return None;
        }
        let end = start + 1 + close + 1;
        tags.push(&rest[..end]);
        rest = &rest[end..];
        let ows = rest.iter().take_while(|b| b" \t".contains(b)).count();
        if !matches!(rest.get(ows), None | Some(b',')) {
            return None; // something after a tag that is not a comma
        }
    }
    (!tags.is_empty()).then_some(tags)
}
// ANCHOR_END: entity_tag_list

/// One valid HTTP-date (IMF-fixdate, or the obsolete RFC 850 and asctime
/// forms, RFC 9110 §5.6.7); a list of two dates is no date.
fn date(value: &Option<Vec<u8>>) -> Option<SystemTime> {
    let text = std::str::from_utf8(value.as_deref()?).ok()?;
    httpdate::parse_http_date(text.trim()).ok()
}

// The tables of conditional requests are the exercise's:
// tests/checks/conditional.rs, run against this crate by tests/exercise.rs.
#[cfg(test)]
mod tests {
    use super::*;

    const MODIFIED: &str = "Fri, 24 Nov 2023 14:22:24 GMT"; // 0x6560b1a0 s

    #[test]
    fn validators_from_size_and_time() {
        let modified = UNIX_EPOCH + Duration::new(0x6560_b1a0, 5);
        let now = modified + Duration::from_secs(60);
        let v = Validators::new(31, modified, now);
        assert_eq!(v.etag, "\"1f-6560b1a000000005\"");
        assert_eq!(httpdate::fmt_http_date(v.last_modified), MODIFIED);
        // a modification time in the future: Last-Modified is now
        let early = Validators::new(31, now, modified);
        assert_eq!(httpdate::fmt_http_date(early.last_modified), MODIFIED);
    }
}
