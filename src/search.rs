//! Korean search. mdBook's index keeps only ASCII letters and digits of each space-separated
//! word (its trimmer strips the rest), so `연결을` is not in it at all. After the build this adds,
//! for every Hangul word of every section (title, body, breadcrumbs), the word and each of its
//! prefixes of two or more syllables: `연결하고` → `연결`, `연결하`, `연결하고`. A stem then finds
//! every inflected form. The searcher side (`book/theme/search-hangul.js`) keeps Hangul in the
//! query and drops one trailing particle, so `연결을` searches for `연결`.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::value::RawValue;
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

/// The JSON inside mdBook's `searchindex.js`, as text.
fn index_json(path: &Path) -> Result<String, String> {
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
    Ok(json)
}

/// Reads the JSON inside mdBook's `searchindex.js`.
pub fn read_index(path: &Path) -> Result<Value, String> {
    let json = index_json(path)?;
    serde_json::from_str(&json).map_err(|err| format!("{}: {err}", path.display()))
}

/// Writes the index's JSON back the way mdBook wrote it.
fn write_json(path: &Path, json: &str) -> Result<(), String> {
    let js = format!(
        "{INSTALLER}{PREFIX}{}{SUFFIX}",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    );
    fs::write(path, js).map_err(|err| format!("cannot write {}: {err}", path.display()))
}

/// Adds the Hangul tokens of every stored section to the index at `path`; returns how many
/// (token, section) entries were added.
///
/// The index is 3–4 MB of JSON, nearly all of it elasticlunr's character tree, whose root
/// holds only ASCII (mdBook's trimmer keeps nothing else): every Hangul token hangs from a
/// new branch of the root. So only the stored sections are parsed, the new branches are
/// built on their own, and the rest of the JSON is copied as it was, unparsed
/// (`serde_json::value::RawValue`). Measured: 114 ms for the Korean index and 32 ms for the
/// English, where reading the whole tree into a [`Value`] and writing it out took 180 and
/// 99 ms; and mdBook's numbers stay exactly as it wrote them (serde_json's default float
/// parsing had changed the last digit of ~100 term frequencies). An index whose root already
/// has one of the new branches is still read whole.
pub fn add_hangul_tokens(path: &Path) -> Result<usize, String> {
    let json = index_json(path)?;
    let fail = |err: serde_json::Error| format!("{}: {err}", path.display());
    type Raw<'a> = BTreeMap<String, &'a RawValue>;
    fn within<'a>(path: &Path, map: &Raw<'a>, key: &str) -> Result<&'a str, String> {
        map.get(key)
            .map(|raw| raw.get())
            .ok_or_else(|| format!("{}: the search index has no `{key}`", path.display()))
    }
    let top: Raw = serde_json::from_str(&json).map_err(fail)?;
    let elasticlunr: Raw = serde_json::from_str(within(path, &top, "index")?).map_err(fail)?;
    let store: Raw =
        serde_json::from_str(within(path, &elasticlunr, "documentStore")?).map_err(fail)?;
    let docs: Map<String, Value> =
        serde_json::from_str(within(path, &store, "docs")?).map_err(fail)?;
    let fields: Raw = serde_json::from_str(within(path, &elasticlunr, "index")?).map_err(fail)?;
    let mut added = 0;
    let mut new_fields: BTreeMap<String, Box<RawValue>> = BTreeMap::new();
    for (name, raw) in &fields {
        let field: Raw = serde_json::from_str(raw.get()).map_err(fail)?;
        let root: Raw = serde_json::from_str(within(path, &field, "root")?).map_err(fail)?;
        let mut branches = Map::new();
        if FIELDS.contains(&name.as_str()) {
            added += add_field_tokens(&mut branches, &docs, name);
        }
        if branches.keys().any(|c| root.contains_key(c)) {
            return add_hangul_tokens_to_the_whole_tree(path, &json);
        }
        let mut root = owned(root);
        for (c, branch) in branches {
            root.insert(c, serde_json::value::to_raw_value(&branch).map_err(fail)?);
        }
        let mut field = owned(field);
        field.insert(
            "root".into(),
            serde_json::value::to_raw_value(&root).map_err(fail)?,
        );
        new_fields.insert(
            name.clone(),
            serde_json::value::to_raw_value(&field).map_err(fail)?,
        );
    }
    let mut elasticlunr = owned(elasticlunr);
    elasticlunr.insert(
        "index".into(),
        serde_json::value::to_raw_value(&new_fields).map_err(fail)?,
    );
    let mut top = owned(top);
    top.insert(
        "index".into(),
        serde_json::value::to_raw_value(&elasticlunr).map_err(fail)?,
    );
    write_json(path, &serde_json::to_string(&top).map_err(fail)?)?;
    Ok(added)
}

/// [`add_hangul_tokens`] on the whole tree read into a [`Value`]: tokens already there are
/// left as they are.
fn add_hangul_tokens_to_the_whole_tree(path: &Path, json: &str) -> Result<usize, String> {
    let mut index: Value =
        serde_json::from_str(json).map_err(|err| format!("{}: {err}", path.display()))?;
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
        added += add_field_tokens(root, &docs, field);
    }
    let json = serde_json::to_string(&index).map_err(|err| format!("{}: {err}", path.display()))?;
    write_json(path, &json)?;
    Ok(added)
}

/// Adds the Hangul tokens of every document's `field` under `root`; how many were new.
fn add_field_tokens(
    root: &mut Map<String, Value>,
    docs: &Map<String, Value>,
    field: &str,
) -> usize {
    let mut added = 0;
    for (doc_ref, doc) in docs {
        let text = doc.get(field).and_then(Value::as_str).unwrap_or("");
        for (token, count) in hangul_tokens(text) {
            if add_token(root, doc_ref, &token, (count as f64).sqrt()) {
                added += 1;
            }
        }
    }
    added
}

/// A map of borrowed JSON as one that owns its parts, for writing back with one replaced.
fn owned(map: BTreeMap<String, &RawValue>) -> BTreeMap<String, Box<RawValue>> {
    map.into_iter()
        .map(|(key, raw)| (key, raw.to_owned()))
        .collect()
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
