//! The book's integrity, checked on a fresh build of both languages (`cargo test book::`),
//! and the same build read by a real browser (`browser::`, tests/browser/): one test binary,
//! so the book is built once and the browser's tests run beside the other checks instead of
//! after them.

#[path = "../browser/mod.rs"]
mod browser;
mod english;
mod html;
mod links;
mod po;
mod search;
mod support;
mod transcripts;

/// Both languages build with no mdBook warning, no missing include, anchor, page or snapshot.
#[test]
fn both_languages_build_without_problems() {
    if let Err(problems) = support::built() {
        panic!("the book has problems:\n{}", problems.join("\n"));
    }
}

/// A broken book fails, one line per problem: a missing anchor, a missing include file,
/// a missing transcript and a missing page are all reported.
#[test]
fn a_broken_book_fails_with_one_line_per_problem() {
    let root = support::root().join("tests/book/fixtures/broken-book");
    let out = support::scratch("broken-book");
    let problems = tcp_http_book::build_language(&root, "ko", &out)
        .expect_err("the broken book must not build");
    let all = problems.join("\n");
    assert!(
        all.contains("failed to read chapter `ch01-missing-page.md`"),
        "missing page not reported:\n{all}"
    );

    // with the missing page gone from SUMMARY.md, every other problem is reported
    let root = support::root().join("tests/book/fixtures/broken-includes");
    let problems = tcp_http_book::build_language(&root, "ko", &out)
        .expect_err("the broken book must not build");
    let all = problems.join("\n");
    for expected in [
        "lib.rs:no_such_anchor}}: code/lib.rs has no `ANCHOR: no_such_anchor` and no `ANCHOR_END: no_such_anchor`",
        "lib.rs:only_start}}: code/lib.rs has no `ANCHOR_END: only_start`",
        "{{#include ../code/missing.rs}}: cannot read",
        "{{#transcript ../code/missing.snap}}: cannot read",
        "{{#transcript ../code/pending.snap.new}}: a transcript must be an accepted insta snapshot",
        "mdBook ERROR",
    ] {
        assert!(all.contains(expected), "`{expected}` not reported:\n{all}");
    }
    assert!(
        problems.iter().all(|line| !line.contains('\n')),
        "one line per problem:\n{all}"
    );
}
