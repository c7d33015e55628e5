//! Chapter 11's own checks against your code: `cargo test -p ex11-static-files`.
use ex11_static_files as subject;
#[path = "../../../chapters/ch11-static-files/tests/checks/mod.rs"]
mod checks;
