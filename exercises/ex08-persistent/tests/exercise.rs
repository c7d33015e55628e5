//! Chapter 8's own checks against your code: `cargo test -p ex08-persistent`.
use ex08_persistent as subject;
#[path = "../../../chapters/ch08-persistent/tests/checks/mod.rs"]
mod checks;
