//! Chapter 11's exercise checks: the path from a request-target to a file
//! that never leaves the root (`path::resolve`), the preconditions in RFC
//! 9110 §13.2.2's order (`conditional::evaluate`, `conditional::if_range`)
//! and the byte ranges of §14 (`range::range`). The tables are the ones
//! chapter 11's unit tests held, moved here so that one set of cases checks
//! both the book's code and the reader's.
//!
//! Written against `crate::subject`: `tests/exercise.rs` of this chapter
//! makes that `ch11_static_files` (the book's solution passes every check),
//! and `exercises/ex11-static-files/tests/exercise.rs` the reader's starter.

mod conditional;
mod path;
mod range;
#[path = "../../../ch06-framing/tests/checks/report.rs"]
mod report;

use report::Section;

const PAGE: &str = "book/ch11-static-files.md";

const RESOLVE: Section = Section {
    page: PAGE,
    ko: "요청 대상에서 파일까지",
    en: "From a request-target to a file",
    id: "resolve",
};

const SEGMENT: Section = Section {
    page: PAGE,
    ko: "세그먼트 하나",
    en: "One segment",
    id: "segment",
};

const PRECONDITIONS: Section = Section {
    page: PAGE,
    ko: "사전 조건의 순서",
    en: "The preconditions, in order",
    id: "preconditions",
};

const RANGE: Section = Section {
    page: PAGE,
    ko: "범위 요청",
    en: "Range requests",
    id: "range",
};
