//! Korean search. mdBook's index keeps only ASCII letters and digits of each space-separated
//! word (its trimmer strips the rest), so `연결을` is not in it at all. After the build this adds,
//! for every Hangul word of every section (title, body, breadcrumbs), the word and each of its
//! prefixes of two or more syllables: `연결하고` → `연결`, `연결하`, `연결하고`. A stem then finds
//! every inflected form. The searcher side (`book/theme/search-hangul.js`) keeps Hangul in the
//! query and drops one trailing particle, so `연결을` searches for `연결`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value, json};

const PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
const SUFFIX: &str = "'));";
/// The Korean-aware trimmer (book/theme/search-hangul.js), also put at the top of
/// `searchindex.js`: the index is loaded with the pipeline registered at that moment,
/// and a `?search=` link can load the index before the page's own copy of the script
/// has run, which left a first visit's Korean search with nothing.
const INSTALLER: &str = include_str!("../book/theme/search-hangul.js");
/// The fields mdBook indexes.
pub const FIELDS: [&str; 3] = ["title", "body", "breadcrumbs"];

/// A precomposed Hangul syllable (가–힣).
pub fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The Hangul tokens of `text` with how often each occurs: every run of Hangul syllables and
/// its prefixes of at least two syllables (a one-syllable run is its own token).
pub fn hangul_tokens(text: &str) -> BTreeMap<String, usize> {
    let mut tokens = BTreeMap::new();
    for run in text
        .split(|c: char| !is_hangul(c))
        .filter(|run| !run.is_empty())
    {
        let ends: Vec<usize> = run.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
        let shortest = if ends.len() == 1 { 0 } else { 1 };
        for &end in &ends[shortest..] {
            *tokens.entry(run[..end].to_string()).or_insert(0) += 1;
        }
    }
    tokens
}

/// Reads the JSON inside mdBook's `searchindex.js`.
pub fn read_index(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path)
        .map_err(|err| format!("cannot read the search index {}: {err}", path.display()))?;
    let text = text.strip_prefix(INSTALLER).unwrap_or(&text);
    let quoted = text
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .ok_or_else(|| {
            format!(
                "{}: not the search index format of mdBook 0.5",
                path.display()
            )
        })?;
    // mdBook escaped `\` as `\\` and `'` as `\'`
    let mut json = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        json.push(if c == '\\' {
            chars.next().unwrap_or('\\')
        } else {
            c
        });
    }
    serde_json::from_str(&json).map_err(|err| format!("{}: {err}", path.display()))
}

/// Writes the index back the way mdBook wrote it.
fn write_index(path: &Path, index: &Value) -> Result<(), String> {
    let json = serde_json::to_string(index).map_err(|err| format!("{}: {err}", path.display()))?;
    let js = format!(
        "{INSTALLER}{PREFIX}{}{SUFFIX}",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    );
    fs::write(path, js).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// Adds the Hangul tokens of every stored section to the index at `path`; returns how many
/// (token, section) entries were added.
pub fn add_hangul_tokens(path: &Path) -> Result<usize, String> {
    let mut index = read_index(path)?;
    let docs = index
        .pointer("/index/documentStore/docs")
        .and_then(Value::as_object)
        .cloned()
        .ok_or_else(|| format!("{}: the search index stores no documents", path.display()))?;
    let mut added = 0;
    for field in FIELDS {
        let pointer = format!("/index/index/{field}/root");
        let root = index
            .pointer_mut(&pointer)
            .and_then(Value::as_object_mut)
            .ok_or_else(|| {
                format!(
                    "{}: the search index has no `{field}` field",
                    path.display()
                )
            })?;
        for (doc_ref, doc) in &docs {
            let text = doc.get(field).and_then(Value::as_str).unwrap_or("");
            for (token, count) in hangul_tokens(text) {
                if add_token(root, doc_ref, &token, (count as f64).sqrt()) {
                    added += 1;
                }
            }
        }
    }
    write_index(path, &index)?;
    Ok(added)
}

/// Inserts `token` for `doc_ref` into elasticlunr's character tree, as elasticlunr-rs does
/// (`docs` maps a document to its term frequency, `df` counts the documents).
fn add_token(root: &mut Map<String, Value>, doc_ref: &str, token: &str, tf: f64) -> bool {
    let mut node = root;
    for c in token.chars() {
        let child = node
            .entry(c.to_string())
            .or_insert_with(|| json!({"docs": {}, "df": 0}));
        let Some(child) = child.as_object_mut() else {
            return false;
        };
        node = child;
    }
    let docs = node
        .entry("docs")
        .or_insert_with(|| json!({}))
        .as_object_mut();
    let Some(docs) = docs else {
        return false;
    };
    if docs.contains_key(doc_ref) {
        return false;
    }
    docs.insert(doc_ref.to_string(), json!({ "tf": tf }));
    let df = docs.len();
    node.insert("df".to_string(), json!(df));
    true
}
