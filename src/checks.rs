//! Checks mdBook does not make: every `{{#include}}` / `{{#rustdoc_include}}` names a file that
//! exists and, when it names an anchor, the file has both `ANCHOR: name` and `ANCHOR_END: name`.
//! (mdBook only logs a missing file and silently inserts nothing for a missing anchor.)

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

static INCLUDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\\)?\{\{#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}")
        .unwrap_or_else(|_| unreachable!())
});
// the same patterns mdBook's `links` preprocessor uses
static ANCHOR_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR:\s*([\w_-]+)").unwrap_or_else(|_| unreachable!()));
static ANCHOR_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"ANCHOR_END:\s*([\w_-]+)").unwrap_or_else(|_| unreachable!()));

/// One include directive found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The directive as written.
    pub directive: String,
    /// The included file, resolved against the page's folder.
    pub file: PathBuf,
    /// The anchor, when the part after `:` is a name rather than line numbers.
    pub anchor: Option<String>,
}

/// Every include directive of a page whose folder is `page_dir`.
pub fn includes(content: &str, page_dir: &Path) -> Vec<Include> {
    INCLUDE
        .captures_iter(content)
        .filter(|caps| caps.get(1).is_none())
        .filter_map(|caps| {
            let directive = caps.get(0)?.as_str().to_string();
            let target = caps.get(3)?.as_str();
            let (file, selector) = match target.split_once(':') {
                Some((file, selector)) => (file, Some(selector)),
                None => (target, None),
            };
            // `file:3`, `file:3:9`, `file::9` select lines; anything else is an anchor
            let anchor = selector
                .filter(|s| !s.is_empty() && !s.chars().all(|c| c.is_ascii_digit() || c == ':'))
                .map(str::to_string);
            Some(Include {
                directive,
                file: normalize(&page_dir.join(file)),
                anchor,
            })
        })
        .collect()
}

/// What is wrong with one include, if anything.
pub fn check_include(include: &Include) -> Option<String> {
    let text = match fs::read_to_string(&include.file) {
        Ok(text) => text,
        Err(err) => return Some(format!("cannot read {}: {err}", include.file.display())),
    };
    let anchor = include.anchor.as_ref()?;
    let names = |re: &Regex| -> BTreeSet<String> {
        re.captures_iter(&text)
            .filter_map(|caps| caps.get(1).map(|m| m.as_str().to_string()))
            .collect()
    };
    let starts = names(&ANCHOR_START);
    let ends = names(&ANCHOR_END);
    let missing: Vec<String> = [("ANCHOR", &starts), ("ANCHOR_END", &ends)]
        .into_iter()
        .filter(|(_, found)| !found.contains(anchor))
        .map(|(marker, _)| format!("`{marker}: {anchor}`"))
        .collect();
    if missing.is_empty() {
        None
    } else {
        Some(format!(
            "{} has no {}",
            include.file.display(),
            missing.join(" and no ")
        ))
    }
}

/// `a/b/../c` → `a/c`, without touching the file system (the file may not exist).
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
