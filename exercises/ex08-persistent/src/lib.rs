//! Exercise 8: where a request's body ends. Write the two pieces of
//! chapter 8 that decide it, and chapter 8's own checks tell you what your
//! code did, what the RFC wants, and which section of the page explains it:
//!
//! - [`framing::framing`]: RFC 9112 §6.3, a request's head to "no body",
//!   "this many bytes", or "chunked", or the rule it breaks. The page:
//!   ch08, "본문은 어디서 끝나나: 프레이밍 / Where a body ends: framing".
//! - [`chunked::Decoder`]: RFC 9112 §7.1, a chunked body fed in any split,
//!   step by step. The page: ch08, "청크 디코더 / The chunked decoder".
//!
//! `cargo test -p ex08-persistent` runs the checks (every one fails until
//! you write the code); `git checkout -- exercises/ex08-persistent` puts
//! the starter back as it was.
//!
//! The types are chapter 8's own ([`Rule`], [`framing::Framing`],
//! [`chunked::Step`]), so its tables of cases can check your answers; the
//! functions are yours. Chapter 7's parser reads the head; its helpers
//! (`ch07_request_parser::check_transfer_coding`, `rules::TCHAR`,
//! `rules::is_field_content`) and chapter 8's `framing::list` are there to
//! use. Calling chapter 8's `framing` or `Decoder` would pass, and teach
//! nothing.

// the parameters are yours to use: while a body is todo!(), they are not
#![allow(unused_variables)]

pub mod chunked;
pub mod framing;

pub use ch08_persistent::Rule;
