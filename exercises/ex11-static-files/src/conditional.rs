//! Conditional requests (RFC 9110 §13): `If-Match`, `If-Unmodified-Since`,
//! `If-None-Match`, `If-Modified-Since` and `If-Range`, against a file's
//! validators.

pub use ch11_static_files::conditional::{Conditions, Outcome, Validators};

/// RFC 9110 §13.2.2, in its order, for GET and HEAD. What to write:
///
/// 1. `If-Match` (a list of entity-tags, or `*`), by strong comparison:
///    no match is [`Outcome::Failed`] (412).
/// 2. Only without `If-Match`: `If-Unmodified-Since`; modified after that
///    date is `Failed`.
/// 3. `If-None-Match`, by weak comparison: a match is
///    [`Outcome::NotModified`] (304).
/// 4. Only without `If-None-Match`: `If-Modified-Since`; not modified
///    after that date is `NotModified`.
/// 5. Otherwise [`Outcome::Proceed`].
///
/// entity-tag = [ `W/` ] DQUOTE *etagc DQUOTE (§8.8.3): a comma may sit
/// inside a tag, so read the list tag by tag; a list you cannot read
/// matches nothing. Strong comparison: neither is weak, and the bytes are
/// the same; weak: the same without `W/` (§8.8.3.2). A date field is
/// ignored unless it is one valid HTTP-date (`httpdate::parse_http_date`
/// reads all three forms). The page: ch11, "사전 조건의 순서 / The
/// preconditions, in order".
pub fn evaluate(conditions: &Conditions, current: &Validators) -> Outcome {
    todo!()
}

/// If-Range = entity-tag / HTTP-date (§13.1.5): true if there is none, if
/// the tag matches by strong comparison, or if the date is exactly
/// `last_modified`. False (the Range ignored: 200 with the whole file) for
/// anything else, a weak tag or a list of tags among them.
pub fn if_range(conditions: &Conditions, current: &Validators) -> bool {
    todo!()
}
