//! The exercise's checks (tests/checks) against the book's own framers;
//! `cargo test -p ex06-framing` runs the very same checks against the reader's.
use ch06_framing as subject;
mod checks;
