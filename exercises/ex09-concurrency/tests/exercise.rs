//! Chapter 9's own checks against your code: `cargo test -p ex09-concurrency`.
use ex09_concurrency as subject;
#[path = "../../../chapters/ch09-concurrency/tests/checks/mod.rs"]
mod checks;
