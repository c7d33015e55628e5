//! Every transcript the book shows is an accepted insta snapshot that a chapter test asserts.

use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;
use tcp_http_book::transcript::{snapshot_body, transcript_paths};

use crate::book::support::root;

/// The header (`---` … `---`) is dropped; a later `---` line belongs to the body.
#[test]
fn snapshot_body_is_everything_after_the_insta_header() {
    let text = fs::read_to_string(root().join("tests/book/fixtures/one_client.snap")).unwrap();
    assert_eq!(
        snapshot_body(&text).unwrap(),
        "$ cargo run -p ch01-raw-server\nlistening on 127.0.0.1:5000\n---\nthe line above is part of the body, not a header"
    );
    assert!(snapshot_body("no header\n").is_err());
    assert!(snapshot_body("---\nsource: x\n").is_err());
    assert_eq!(
        snapshot_body("---\r\nsource: x\r\n---\r\nbody\r\n").unwrap(),
        "body\r"
    );
}

/// Every `{{#transcript}}` of every page: a `.snap` (never `.snap.new`) that exists, and
/// whose name `<test binary>__<module>__<name>.snap` is asserted in `tests/<binary>/<module>.rs`.
#[test]
fn every_transcript_is_a_snapshot_a_test_asserts() {
    let book = root().join("book");
    for page in markdown_pages(&book) {
        let content = fs::read_to_string(&page).unwrap();
        for snap in transcript_paths(&content, page.parent().unwrap()) {
            let shown = snap.display();
            assert!(
                snap.extension().is_some_and(|e| e == "snap"),
                "{}: {shown} is not an accepted snapshot",
                page.display()
            );
            assert!(snap.is_file(), "{}: {shown} does not exist", page.display());
            if let Err(why) = asserted_by_a_test(&snap) {
                panic!("{}: {shown}: {why}", page.display());
            }
        }
    }
}

/// The pages of the book: every `.md` under `book/` except SUMMARY.md.
pub fn markdown_pages(book: &Path) -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = fs::read_dir(book)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| !p.ends_with("SUMMARY.md"))
        .collect();
    pages.sort();
    pages
}

/// insta names `assert_snapshot!("name", …)` in module `m::n` of the test binary `chapters`
/// `chapters__m__n__name.snap`. The binary's first-level modules are the suites' folders
/// (tests/chapters/main.rs): `ch01` is tests/chapters/ch01.rs; `captures` is
/// tests/captures/main.rs and `captures::part2` tests/captures/part2.rs; `parser` is tests/ch07/;
/// `book::browser` is tests/browser/.
fn asserted_by_a_test(snap: &Path) -> Result<(), String> {
    let stem = snap.file_stem().unwrap().to_string_lossy().to_string();
    let parts: Vec<&str> = stem.split("__").collect();
    let ["chapters", modules @ .., name] = parts.as_slice() else {
        return Err("not named chapters__<module>__<name>.snap".into());
    };
    let (folder, modules): (&str, &[&str]) = match modules {
        ["book", "browser", rest @ ..] => ("browser", rest),
        ["parser", rest @ ..] => ("ch07", rest),
        [suite @ ("book" | "judges" | "seed" | "captures"), rest @ ..] => (suite, rest),
        rest => ("chapters", rest),
    };
    let tests = root().join("tests").join(folder);
    let module = modules.join("/");
    let candidates = if modules.is_empty() {
        vec![tests.join("main.rs"), tests.join("mod.rs")]
    } else {
        vec![
            tests.join(format!("{module}.rs")),
            tests.join(&module).join("mod.rs"),
        ]
    };
    let assert = Regex::new(&format!(
        r#"assert_\w*snapshot!\s*\(\s*"{}"\s*,"#,
        regex::escape(name)
    ))
    .unwrap();
    for file in candidates.iter().filter(|f| f.is_file()) {
        if assert.is_match(&fs::read_to_string(file).unwrap()) {
            return Ok(());
        }
    }
    Err(format!(
        "no test asserts it: no `assert_snapshot!(\"{name}\", …)` in tests/{folder}/{}",
        if module.is_empty() {
            "main.rs".to_string()
        } else {
            format!("{module}.rs")
        }
    ))
}

/// The snapshots the book names really are the chapter tests' (guards the naming rule above).
#[test]
fn the_naming_rule_finds_a_known_snapshot() {
    let snap = root().join("tests/chapters/snapshots/chapters__ch01__one_client.snap");
    if snap.is_file() {
        asserted_by_a_test(&snap).unwrap();
        let invented = root().join("tests/chapters/snapshots/chapters__ch01__never_asserted.snap");
        assert!(asserted_by_a_test(&invented).is_err());
        for suite in [
            "captures/snapshots/chapters__captures__ch01_ch02.snap",
            "captures/snapshots/chapters__captures__part2__ch08_pipelined_pair.snap",
            "browser/snapshots/chapters__book__browser__ch05__chromium_request.snap",
            "ch07/snapshots/chapters__parser__differential__httparse_case_table.snap",
        ] {
            asserted_by_a_test(&root().join("tests").join(suite)).unwrap();
        }
    }
}
