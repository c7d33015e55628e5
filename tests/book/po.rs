//! `book/po/en.po` is complete against the current Korean sources, and holds no code.

use std::collections::BTreeMap;
use std::fs;

use tcp_http_book::checks::includes;
use tcp_http_book::transcript::{read_transcript, transcript_paths};

use crate::book::support::{catalog, root};
use crate::book::transcripts::markdown_pages;

/// Re-extracts the messages and compares: every msgid translated, none fuzzy, none stale.
#[test]
fn en_po_is_complete_against_the_korean_sources() {
    let pot = catalog();
    let po_path = root().join("book/po/en.po");
    let po = polib::po_file::parse(&po_path).unwrap();

    let expected: Vec<String> = pot.messages().map(|m| m.msgid().to_string()).collect();
    let translated: BTreeMap<String, (String, bool)> = po
        .messages()
        .map(|m| {
            let msgstr = m.msgstr().unwrap_or("").to_string();
            (m.msgid().to_string(), (msgstr, m.is_fuzzy()))
        })
        .collect();

    let mut problems = Vec::new();
    for msgid in &expected {
        match translated.get(msgid) {
            None => problems.push(format!(
                "missing (run `cargo run -- pot` and msgmerge): {msgid:?}"
            )),
            Some((msgstr, _)) if msgstr.is_empty() => {
                problems.push(format!("untranslated: {msgid:?}"))
            }
            Some((_, true)) => {
                problems.push(format!("fuzzy (check it, then remove the flag): {msgid:?}"))
            }
            // msginit copies every msgid; a Korean sentence left as its own translation is untranslated
            Some((msgstr, _))
                if msgstr == msgid
                    && msgid.contains(' ')
                    && msgid.chars().any(tcp_http_book::search::is_hangul) =>
            {
                problems.push(format!("still Korean: {msgid:?}"))
            }
            Some(_) => {}
        }
    }
    for msgid in translated.keys() {
        if !expected.contains(msgid) {
            problems.push(format!("stale (no longer in the sources): {msgid:?}"));
        }
    }
    let text = fs::read_to_string(&po_path).unwrap();
    if text.lines().any(|line| line.starts_with("#~")) {
        problems.push("obsolete `#~` entries: delete them (msgattrib --no-obsolete)".into());
    }
    assert!(
        problems.is_empty(),
        "book/po/en.po:\n{}",
        problems.join("\n")
    );
}

/// Included code and transcripts never reach the PO file (`<!-- i18n:skip -->`, `txt` fences):
/// no message contains a line of an included file or of a transcript.
#[test]
fn no_code_or_transcript_in_the_messages() {
    let pot = catalog();
    let mut lines = Vec::new();
    for page in markdown_pages(&root().join("book")) {
        let content = fs::read_to_string(&page).unwrap();
        let dir = page.parent().unwrap();
        for include in includes(&content, dir) {
            lines.extend(
                fs::read_to_string(&include.file)
                    .unwrap()
                    .lines()
                    .map(str::to_string),
            );
        }
        for snap in transcript_paths(&content, dir) {
            lines.extend(read_transcript(&snap).unwrap().lines().map(str::to_string));
        }
    }
    let lines: Vec<String> = lines
        .into_iter()
        .map(|l| l.trim().trim_start_matches("//").trim().to_string())
        .filter(|l| l.len() >= 12)
        .collect();
    // prose may quote a line of output or code in an inline `code span`; a leaked block may not
    let code_span = regex::Regex::new(r"`[^`]*`").unwrap();
    // one automaton for every line: a message is scanned once, not once per line
    let any_line = aho_corasick::AhoCorasick::new(&lines).unwrap();
    for message in pot.messages() {
        let msgid = message.msgid();
        let prose = code_span.replace_all(msgid, "");
        assert!(!prose.contains("ANCHOR"), "code in the PO file: {msgid:?}");
        if let Some(line) = any_line.find(prose.as_ref()).map(|m| &lines[m.pattern()]) {
            panic!(
                "code or a transcript reached the PO file: {msgid:?} (from {line:?}); put <!-- i18n:skip --> before the block or use a txt fence"
            );
        }
    }
}
