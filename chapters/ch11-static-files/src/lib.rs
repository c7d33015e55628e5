//! Chapter 11: a static file server on chapter 9's server. It serves a
//! directory (`--root`) and nothing outside it: every request path is
//! percent-decoded once, checked segment by segment, and resolved by the
//! file system with its symbolic links, whose answer must still lie under
//! the root. It names each file's type, answers a directory with its
//! `index.html`, sends `Last-Modified` and `ETag` and answers 304 to a
//! client whose copy is current, serves byte ranges (206, 416), and sends
//! a large file in bounded pieces, never whole in memory.
//!
//! Try it: `cargo run -p ch11-static-files -- --root book/`, then
//! `curl -i http://127.0.0.1:5000/` or
//! `curl -i --path-as-is http://127.0.0.1:5000/../Cargo.toml` (404).

pub mod conditional;
pub mod mime;
pub mod path;
pub mod range;
