//! The English edition shows English: a paragraph, list item, table cell, heading or
//! `<summary>` that is mostly Hangul means a message the translation never reached
//! (for instance text the extractor skipped). Code and transcripts are left out:
//! they are the same in both editions.

use std::cell::RefCell;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult};

use crate::book::support;

const BLOCKS: [&str; 14] = [
    "p",
    "li",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "summary",
    "dt",
    "dd",
    "blockquote",
];

#[derive(Default)]
struct Blocks {
    /// Depth inside `pre`, `code`, `script`, `style`: text there is not prose.
    verbatim: usize,
    current: String,
    done: Vec<String>,
}

struct Sink(RefCell<Blocks>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut blocks = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                let verbatim = matches!(name.as_str(), "pre" | "code" | "script" | "style");
                match tag.kind {
                    TagKind::StartTag if verbatim && !tag.self_closing => blocks.verbatim += 1,
                    TagKind::EndTag if verbatim => {
                        blocks.verbatim = blocks.verbatim.saturating_sub(1)
                    }
                    _ => {}
                }
                if BLOCKS.contains(&name.as_str()) {
                    let text = std::mem::take(&mut blocks.current);
                    if !text.trim().is_empty() {
                        blocks.done.push(text.trim().to_string());
                    }
                }
                match (tag.kind, name.as_str()) {
                    (TagKind::StartTag, "script") => TokenSinkResult::RawData(RawKind::ScriptData),
                    (TagKind::StartTag, "style") => TokenSinkResult::RawData(RawKind::Rawtext),
                    (TagKind::StartTag, "title" | "textarea") => {
                        TokenSinkResult::RawData(RawKind::Rcdata)
                    }
                    _ => TokenSinkResult::Continue,
                }
            }
            Token::CharacterTokens(text) if blocks.verbatim == 0 => {
                blocks.current.push_str(&text);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

fn prose_blocks(html: &str) -> Vec<String> {
    crate::book::html::tokenize(html, Sink(RefCell::new(Blocks::default())))
        .0
        .take()
        .done
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{1100}'..='\u{11FF}').contains(&c)
}

/// Mostly Korean, and long enough to be a sentence rather than a term beside its
/// English (the glossary's Korean column, `연결 수립 (handshake)`).
fn untranslated(block: &str) -> bool {
    let hangul = block.chars().filter(|&c| is_hangul(c)).count();
    let latin = block.chars().filter(char::is_ascii_alphabetic).count();
    hangul >= 12 && hangul > latin
}

#[test]
fn english_pages_have_no_untranslated_korean() {
    let mut found = Vec::new();
    for (path, file) in support::pages("en") {
        let html = std::fs::read_to_string(&file).unwrap();
        for block in prose_blocks(&html) {
            if untranslated(&block) {
                found.push(format!("{path}: {block}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "Korean text in the English edition:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_korean_prose_and_spares_terms() {
    assert!(untranslated(
        "이 책은 Rust로 TCP 서버와 클라이언트를 만듭니다."
    ));
    assert!(!untranslated("연결 수립 (handshake)"));
    assert!(!untranslated(
        "The three-way handshake (3-way 핸드셰이크) opens a connection."
    ));
    let blocks = prose_blocks(
        "<p>바깥 문장은 번역되지 않았습니다 정말로요</p><pre><code>// 코드 안의 한국어 주석은 세지 않습니다</code></pre>",
    );
    assert_eq!(blocks, ["바깥 문장은 번역되지 않았습니다 정말로요"]);
}
