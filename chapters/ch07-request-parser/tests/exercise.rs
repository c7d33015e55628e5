//! The exercise's checks (tests/checks) against the book's own parser;
//! `cargo test -p ex07-request-parser` runs the very same checks against the
//! reader's.
use ch07_request_parser as subject;
mod checks;
