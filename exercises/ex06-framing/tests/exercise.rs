//! Chapter 6's checks against your framers: `cargo test -p ex06-framing`.
use ex06_framing as subject;
#[path = "../../../chapters/ch06-framing/tests/checks/mod.rs"]
mod checks;
