//! `{{#transcript PATH}}`: the body of an insta snapshot, so a page shows exactly the output a
//! test asserts. PATH is relative to the page's file, like `{{#include}}`. Pages put the
//! directive inside a ```` ```txt ```` fence, which the gettext extractor never reads.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use regex::Regex;

use crate::logging::{Problems, push};

/// `{{#transcript path}}`; a backslash before it (`\{{#transcript …}}`) leaves it as text.
pub static TRANSCRIPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\)?\{\{#transcript\s+([^}\s]+)\s*\}\}").unwrap_or_else(|_| unreachable!())
});

/// The body of an insta snapshot: everything after its YAML header, which runs from the first
/// line `---` to the next line `---`. The final newline insta writes is dropped.
pub fn snapshot_body(snapshot: &str) -> std::result::Result<&str, String> {
    let mut lines = snapshot.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err("not an insta snapshot (it does not start with a `---` header)".to_string());
    }
    let mut offset = first.len();
    for line in lines {
        offset += line.len();
        if line.trim_end() == "---" {
            let body = &snapshot[offset..];
            return Ok(body.strip_suffix('\n').unwrap_or(body));
        }
    }
    Err("not an insta snapshot (its `---` header never ends)".to_string())
}

/// Every `{{#transcript PATH}}` in `content`, resolved against `page_dir`.
pub fn transcript_paths(content: &str, page_dir: &Path) -> Vec<PathBuf> {
    TRANSCRIPT
        .captures_iter(content)
        .filter(|caps| caps.get(1).is_none())
        .filter_map(|caps| caps.get(2))
        .map(|path| crate::checks::normalize(&page_dir.join(path.as_str())))
        .collect()
}

/// The preprocessor. A missing or malformed snapshot is a problem line (the build fails).
pub struct Transcript {
    pub problems: Problems,
}

impl Preprocessor for Transcript {
    fn name(&self) -> &str {
        "transcript"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let src_dir = ctx.root.join(&ctx.config.book.src);
        let language = ctx.config.book.language.clone().unwrap_or_default();
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let Some(path) = &chapter.path else {
                return;
            };
            let page = src_dir.join(path);
            let page_dir = page.parent().unwrap_or(&src_dir).to_path_buf();
            let expanded =
                TRANSCRIPT.replace_all(&chapter.content, |caps: &regex::Captures<'_>| {
                    let whole = caps.get(0).map_or("", |m| m.as_str());
                    if caps.get(1).is_some() {
                        return whole[1..].to_string();
                    }
                    let target = caps.get(2).map_or("", |m| m.as_str());
                    let read = read_transcript(&crate::checks::normalize(&page_dir.join(target)))
                        .map_err(|err| err.replace(&format!("{}/", ctx.root.display()), ""));
                    match read {
                        Ok(body) => body,
                        Err(err) => {
                            push(
                                &self.problems,
                                format!(
                                    "{language}: {}: {{{{#transcript {target}}}}}: {err}",
                                    crate::shown(&ctx.root, &page)
                                ),
                            );
                            whole.to_string()
                        }
                    }
                });
            chapter.content = expanded.into_owned();
        });
        Ok(book)
    }
}

/// Reads a `.snap` file and returns its body.
pub fn read_transcript(path: &Path) -> std::result::Result<String, String> {
    let name = path.to_string_lossy();
    if !name.ends_with(".snap") {
        return Err(
            "a transcript must be an accepted insta snapshot (`.snap`), not a pending one".into(),
        );
    }
    let text = fs::read_to_string(path).map_err(|err| format!("cannot read {name}: {err}"))?;
    snapshot_body(&text).map(str::to_string)
}
