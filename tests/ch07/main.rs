//! Chapter 7's request parser before outside judges: httparse on every row of
//! the chapter's case table and on generated heads; the published test inputs
//! of llhttp, httparse and Http11Probe; h11 and httptools (llhttp) from Python
//! when it has them; and the fuzzer's regression inputs, replayed on stable.

mod differential;
pub mod judge;
mod python;
mod regressions;
mod suites;
