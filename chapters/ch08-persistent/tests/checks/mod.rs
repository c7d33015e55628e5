//! Chapter 8's exercise checks: the body-length decision (`framing`, RFC
//! 9112 §6.3) and the chunked decoder (`Decoder`, §7.1), run on the
//! chapter's own tables of cases (`ch08_persistent::cases`) and limits.
//!
//! Written against `crate::subject`: `tests/exercise.rs` of this chapter
//! makes that `ch08_persistent` (the book's solution passes every check),
//! and `exercises/ex08-persistent/tests/exercise.rs` makes it the reader's
//! starter crate. The head is parsed by chapter 7's parser in both, and the
//! checks feed the reader's code only what the connection would.

mod chunked;
mod framing;
#[path = "../../../ch06-framing/tests/checks/report.rs"]
mod report;

use report::Section;

const PAGE: &str = "book/ch08-persistent.md";

const FRAMING: Section = Section {
    page: PAGE,
    ko: "본문은 어디서 끝나나: 프레이밍",
    en: "Where a body ends: framing",
    id: "framing",
};

const CHUNKED: Section = Section {
    page: PAGE,
    ko: "청크 디코더",
    en: "The chunked decoder",
    id: "chunked",
};

/// Bytes as Rust writes them in a literal (`\r\n`), cut short if long.
fn shown(bytes: &[u8]) -> String {
    const MAX: usize = 160;
    match bytes.len() > MAX {
        true => format!(
            "\"{}\"… ({} bytes)",
            bytes[..MAX].escape_ascii(),
            bytes.len()
        ),
        false => format!("\"{}\"", bytes.escape_ascii()),
    }
}

/// A refusal as a reader meets it: the rule, its status, the RFC's words.
fn rule_text(rule: crate::subject::Rule) -> String {
    format!("Err(Rule::{rule:?}), {}: {}", rule.status(), rule.text())
}
