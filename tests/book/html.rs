//! Reads an HTML page's tags with html5ever's tokenizer (the parser mdbook-html itself uses):
//! every element's `id`, and every `href`/`src` with the tag that carries it.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

#[derive(Debug, Default)]
pub struct Page {
    /// Every `id` attribute.
    pub ids: Vec<String>,
    /// The ids of `h1`…`h6` headings.
    pub heading_ids: Vec<String>,
    /// (tag, attribute value) of every `href` and `src`.
    pub links: Vec<(String, String)>,
    /// `href` of the language switch (`a.lang-switch-link`).
    pub switch: Vec<String>,
}

struct Sink(RefCell<Page>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let name = tag.name.to_string();
        let attr = |wanted: &str| {
            tag.attrs
                .iter()
                .find(|a| &*a.name.local == wanted)
                .map(|a| a.value.to_string())
        };
        let mut page = self.0.borrow_mut();
        if let Some(id) = attr("id") {
            if matches!(name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
                page.heading_ids.push(id.clone());
            }
            page.ids.push(id);
        }
        for key in ["href", "src"] {
            if let Some(value) = attr(key) {
                page.links.push((name.clone(), value));
            }
        }
        if name == "a"
            && attr("class").is_some_and(|c| c.split_whitespace().any(|c| c == "lang-switch-link"))
            && let Some(href) = attr("href")
        {
            page.switch.push(href);
        }
        // without a tree builder the tokenizer must be told that script/style hold raw text
        match name.as_str() {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" => TokenSinkResult::RawData(RawKind::Rawtext),
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            _ => TokenSinkResult::Continue,
        }
    }
}

pub fn parse(html: &str) -> Page {
    tokenize(html, Sink(RefCell::new(Page::default()))).0.take()
}

/// Runs html5ever's tokenizer over a whole page, feeding every token to `sink`.
pub fn tokenize<S: TokenSink>(html: &str, sink: S) -> S {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink
}
