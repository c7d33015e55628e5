//! Korean search, checked without a browser: the generated index holds the Hangul tokens, and
//! queries run against it the way elasticlunr.js runs them with `book/theme/search-hangul.js`
//! loaded (Unicode trimmer, one particle dropped, English stop words and stemmer, prefix
//! expansion, AND of the words). The browser tests type queries into the real searcher and
//! check that it finds what [`search`] finds.

use std::collections::BTreeSet;
use std::fs;
use std::sync::OnceLock;

use elasticlunr::Language;
use regex::Regex;
use serde_json::Value;
use tcp_http_book::search::{FIELDS, is_hangul, read_index};

use crate::book::support::{root, site};

/// The parsed index of a language, read once for all the tests (it is over a megabyte).
fn index(language: &str) -> &'static Value {
    static INDEXES: OnceLock<Vec<(String, Value)>> = OnceLock::new();
    let indexes = INDEXES.get_or_init(|| {
        tcp_http_book::LANGUAGES
            .iter()
            .map(|l| {
                let path = site().join(l).join("searchindex.js");
                (l.to_string(), read_index(&path).unwrap())
            })
            .collect()
    });
    &indexes.iter().find(|(l, _)| l == language).unwrap().1
}

/// The particles search-hangul.js drops, read from the script itself so the two cannot drift.
fn particles() -> Vec<String> {
    let js = fs::read_to_string(root().join("book/theme/search-hangul.js")).unwrap();
    let list = Regex::new(r"(?s)PARTICLES = \[(.*?)\]").unwrap();
    let list = &list.captures(&js).expect("PARTICLES in search-hangul.js")[1];
    Regex::new(r"'([^']+)'")
        .unwrap()
        .captures_iter(list)
        .map(|c| c[1].to_string())
        .collect()
}

/// What the searcher makes of a query: elasticlunr's tokenizer, then the pipeline.
fn query_tokens(query: &str) -> Vec<String> {
    let english = elasticlunr::lang::English::new().make_pipeline();
    let particles = particles();
    query
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '_')
                .to_string()
        })
        .filter_map(|w| {
            if w.chars().all(is_hangul) && !w.is_empty() {
                let stripped = particles
                    .iter()
                    .find(|p| w.chars().count() >= p.chars().count() + 2 && w.ends_with(p.as_str()))
                    .map_or(w.clone(), |p| w[..w.len() - p.len()].to_string());
                Some(stripped)
            } else {
                english.run(vec![w]).into_iter().next()
            }
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The documents of every index token that starts with `token` (elasticlunr's `expand`).
fn expand(node: &Value, docs: &mut BTreeSet<String>) {
    let Some(map) = node.as_object() else { return };
    if let Some(found) = map.get("docs").and_then(Value::as_object) {
        docs.extend(found.keys().cloned());
    }
    for (key, child) in map {
        if key != "docs" && key != "df" {
            expand(child, docs);
        }
    }
}

/// The pages (`doc_urls` without `#…`) a query finds. `book::browser::book` checks that the
/// real searcher (elasticlunr.js with search-hangul.js, in Chromium) finds the same.
pub(crate) fn search(language: &str, query: &str) -> BTreeSet<String> {
    let index = index(language);
    let urls = index["doc_urls"].as_array().unwrap();
    let mut result: Option<BTreeSet<String>> = None;
    for token in query_tokens(query) {
        let mut docs = BTreeSet::new();
        for field in FIELDS {
            let mut node = &index["index"]["index"][field]["root"];
            for c in token.chars() {
                node = &node[c.to_string().as_str()];
            }
            expand(node, &mut docs);
        }
        result = Some(match result {
            None => docs,
            Some(before) => before.intersection(&docs).cloned().collect(),
        });
    }
    result
        .unwrap_or_default()
        .into_iter()
        .map(|doc| {
            let url = urls[doc.parse::<usize>().unwrap()].as_str().unwrap();
            url.split('#').next().unwrap().to_string()
        })
        .collect()
}

/// The pages whose Korean source contains `word`.
fn pages_saying(word: &str) -> BTreeSet<String> {
    crate::book::transcripts::markdown_pages(&root().join("book"))
        .into_iter()
        .filter(|page| fs::read_to_string(page).unwrap().contains(word))
        .map(|page| {
            page.with_extension("html")
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn the_korean_index_holds_hangul_words_and_their_stems() {
    let index = index("ko");
    let body = &index["index"]["index"]["body"]["root"];
    for token in ["연결", "연결을", "핸드셰이크", "연결하고"] {
        let mut node = body;
        for c in token.chars() {
            node = &node[c.to_string().as_str()];
        }
        let docs = node["docs"].as_object().map_or(0, |d| d.len());
        assert!(docs > 0, "`{token}` is not in the Korean search index");
    }
}

#[test]
fn a_korean_stem_finds_every_inflected_form() {
    let found = search("ko", "연결");
    for form in ["연결을", "연결이", "연결하고"] {
        let expected = pages_saying(form);
        assert!(
            !expected.is_empty(),
            "no page says {form} any more; pick another form"
        );
        assert!(
            expected.is_subset(&found),
            "연결 finds {found:?}, not all of {expected:?} ({form})"
        );
    }
    // a particle in the query is dropped: 연결을 finds what 연결 finds
    assert_eq!(search("ko", "연결을"), found);
}

#[test]
fn handshake_in_korean_and_english_finds_the_handshake_pages() {
    let expected = pages_saying("핸드셰이크");
    assert!(expected.contains("ch01-raw-server.html"));
    // the English term stands beside the Korean on the pages that explain it
    let explained = pages_saying("handshake");
    assert!(explained.contains("ch02-client.html") && explained.contains("glossary.html"));
    for query in ["핸드셰이크", "핸드셰이크를", "handshake"] {
        let expected = if query == "handshake" {
            &explained
        } else {
            &expected
        };
        let found = search("ko", query);
        assert!(
            expected.is_subset(&found),
            "ko: {query} finds {found:?}, expected {expected:?}"
        );
    }
    let found = search("en", "handshake");
    assert!(
        found.contains("ch01-raw-server.html"),
        "en: handshake finds {found:?}"
    );
}

#[test]
fn english_search_keeps_working() {
    let found = search("en", "connections");
    assert!(
        found.contains("ch04-keep-alive.html"),
        "en: connections finds {found:?}"
    );
    assert!(search("en", "xylophone").is_empty());
}

/// The Hangul tokens are added to a small index in mdBook's format, beside what mdBook put
/// there, and adding them again (the tree read whole, since it has Hangul branches now)
/// changes nothing.
#[test]
fn hangul_tokens_are_added_once() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("searchindex-{}.js", std::process::id()));
    let json = r#"{"doc_urls":["a.html#x"],"index":{"documentStore":{"docInfo":{"0":{"body":2,"breadcrumbs":0,"title":1}},"docs":{"0":{"body":"연결을 맺고 keep","breadcrumbs":"","id":"0","title":"연결"}},"length":1,"save":true},"fields":["title","body","breadcrumbs"],"index":{"body":{"root":{"k":{"docs":{},"df":0,"e":{"docs":{},"df":0,"e":{"docs":{},"df":0,"p":{"docs":{"0":{"tf":1.4142135623730951}},"df":1}}}}}},"breadcrumbs":{"root":{}},"title":{"root":{}}},"lang":"English","pipeline":["trimmer"],"ref":"id","version":"0.9.5"},"results_options":{},"search_options":{}}"#;
    let js = format!("window.search = Object.assign(window.search, JSON.parse('{json}'));");
    fs::write(&path, js).unwrap();
    let added = tcp_http_book::search::add_hangul_tokens(&path).unwrap();
    // body: 연결을 → 연결, 연결을; 맺고 → 맺고; title: 연결
    assert_eq!(added, 4);
    let once = read_index(&path).unwrap();
    let body = &once["index"]["index"]["body"]["root"];
    assert_eq!(body["연"]["결"]["을"]["docs"]["0"]["tf"], 1.0);
    assert_eq!(body["맺"]["고"]["df"], 1);
    let keep = &body["k"]["e"]["e"]["p"]["docs"]["0"]["tf"];
    assert_eq!(
        keep.to_string(),
        "1.4142135623730951",
        "mdBook's own entry, as it was"
    );
    assert_eq!(once["index"]["index"]["title"]["root"]["연"]["결"]["df"], 1);
    assert_eq!(tcp_http_book::search::add_hangul_tokens(&path).unwrap(), 0);
    assert_eq!(read_index(&path).unwrap(), once);
    let _ = fs::remove_file(&path);
}
