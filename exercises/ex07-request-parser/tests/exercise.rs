//! Chapter 7's checks against your parser: `cargo test -p ex07-request-parser`.
use ex07_request_parser as subject;
#[path = "../../../chapters/ch07-request-parser/tests/checks/mod.rs"]
mod checks;
