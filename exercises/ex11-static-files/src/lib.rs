//! Exercise 11: the three decisions of a static file server. Write them,
//! and chapter 11's own checks tell you what your code did, what the RFC
//! wants, and which section of the page explains it:
//!
//! - [`path::resolve`]: from a request's path to a file under the root, and
//!   every way out of the root refused. The page: ch11, "요청 대상에서
//!   파일까지 / From a request-target to a file" and "세그먼트 하나 / One
//!   segment".
//! - [`conditional::evaluate`] and [`conditional::if_range`]: RFC 9110
//!   §13.2.2's preconditions, in its order. The page: ch11, "사전 조건의
//!   순서 / The preconditions, in order".
//! - [`range::range`]: `Range: bytes=…` (RFC 9110 §14). The page: ch11,
//!   "범위 요청 / Range requests".
//!
//! `cargo test -p ex11-static-files` runs the checks (every one fails until
//! you write the code); `git checkout -- exercises/ex11-static-files` puts
//! the starter back as it was.
//!
//! The types are chapter 11's own (re-exported), so its tables of cases
//! can check your answers; the functions are yours. Calling chapter 11's
//! would pass, and teach nothing.

// the parameters are yours to use: while a body is todo!(), they are not
#![allow(unused_variables)]

pub mod conditional;
pub mod path;
pub mod range;
