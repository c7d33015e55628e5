//! The book in Chromium: both languages on a phone's screen, the language switch, search, code
//! blocks, the sidebar, print, file URLs, and the book served by chapter 11.

use serde_json::json;

use super::cdp::{Browser, Tab};
use super::problems;
use super::site::{chapters, origin, site};

/// The Korean book on a phone's screen (375×812). print.html — every chapter's content on one
/// page, with the scripts and styles every page loads (`book::links` checks that) — loads with
/// nothing broken and no request leaving the local server, is no wider than the screen, and
/// prints every chapter. Its scripts run on the chapter pages of `book_works_from_file_urls`.
#[test]
fn the_korean_book() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let broken = print_html(&mut browser, "ko");
    assert!(
        broken.is_empty(),
        "{} problem(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// The English book's print.html on a phone's screen: every chapter's English text, tables,
/// diagrams and listings laid out with nothing failing to load, nothing requested from outside
/// and nothing wider than the screen.
#[test]
fn the_english_book() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let broken = print_html(&mut browser, "en");
    assert!(
        broken.is_empty(),
        "{} problem(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// A page load costs more than the checks (measured: ~0.3 s of Chromium's CPU for a chapter,
/// 1.5–2 s for print.html; loading all 20 pages of both languages cost 17 s), and print.html
/// already holds every chapter's text, listings, transcripts and diagrams: so each page is
/// loaded once, laid out once on a phone's screen, and every check runs on that load.
/// print.html is read without its scripts: they are every page's files (`book::links`), run on
/// the chapter pages of `book_works_from_file_urls`, and highlighting the whole book's listings
/// and building its sidebar again cost ~0.6 s of CPU for each language.
fn print_html(browser: &mut Tab, language: &str) -> Vec<String> {
    browser.viewport(375, 812, true);
    let url = format!("{}/{language}/print.html", origin());
    browser.call(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    );
    assert_eq!(browser.open(&url), None, "{url}");
    let broken = loaded(browser, origin(), &url);
    if language == "ko" {
        print_page_has_every_chapter(browser, language, &url);
    }
    broken
}

/// Chapter 5's loaded page, on a phone's screen: what [`loaded`] checks (the previous/next
/// arrows and the menu bar included), its listings highlighted, the sidebar lists every
/// chapter, and the switch is where a reader can tap it.
fn chapter_page(browser: &mut Tab, origin: &str, url: &str, chapters: &[String]) -> Vec<String> {
    let mut broken = loaded(browser, origin, url);
    code_blocks_and_transcripts_render(browser, url);
    let sidebar = browser.wait_until(
        "(() => { const links = [...document.querySelectorAll('mdbook-sidebar-scrollbox ol.chapter a[href]')]; \
          return links.length ? links.map(a => a.getAttribute('href')).filter(h => !h.startsWith('#')) : null; })()",
        "the sidebar's links",
    );
    assert_eq!(sidebar, json!(chapters), "{url}: the sidebar");
    if let Err(err) = browser.clickable_point("a.lang-switch-link") {
        broken.push(format!("{url}: the language switch: {err}"));
    }
    broken
}

/// Everything broken on the loaded page (see [`problems`]), and whether it is wider than a
/// phone's screen.
fn loaded(browser: &mut Tab, origin: &str, url: &str) -> Vec<String> {
    let mut broken: Vec<String> = problems(browser, origin)
        .into_iter()
        .map(|p| format!("{url}: {p}"))
        .collect();
    if let Some(wide) = wider_than_a_phone(browser) {
        broken.push(format!("{url}: on a phone, {wide}"));
    }
    broken
}

/// What a reader gets by opening the search bar on the current page (if it is not open yet)
/// and typing `query` into it: the header line and the pages the results link to, in order
/// (`ch01-raw-server.html`).
fn search(browser: &mut Tab, origin: &str, query: &str) -> (String, Vec<String>) {
    let url = browser.eval("location.href");
    let hidden = browser
        .eval("document.getElementById('mdbook-search-wrapper').classList.contains('hidden')");
    if hidden == json!(true) {
        browser.eval("document.getElementById('mdbook-search-toggle').click()");
    }
    // the index is fetched when the bar opens; the searcher focuses the bar once it is loaded
    browser.wait_until(
        "!document.getElementById('mdbook-searchbar-outer').classList.contains('searching') \
         && document.activeElement === document.getElementById('mdbook-searchbar')",
        "the search index",
    );
    browser.eval("document.getElementById('mdbook-searchbar').value = ''");
    type_text(browser, query);
    let found = browser.wait_until(
        &format!(
            "(() => {{ const header = document.getElementById('mdbook-searchresults-header'); \
              if (!header || !header.innerText.includes({})) return null; \
              const links = [...document.querySelectorAll('#mdbook-searchresults a[href]')].map(a => a.getAttribute('href')); \
              return {{header: header.innerText.trim(), links}}; }})()",
            json!(query)
        ),
        &format!("search results for {query}"),
    );
    let problems = problems(browser, origin);
    assert!(problems.is_empty(), "{url}:\n{}", problems.join("\n"));
    let header = found["header"].as_str().unwrap_or_default().to_string();
    let mut pages: Vec<String> = Vec::new();
    for link in found["links"].as_array().expect("links") {
        let page = link.as_str().unwrap_or_default();
        let page = page
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_string();
        if !pages.contains(&page) {
            pages.push(page);
        }
    }
    (header, pages)
}

/// Types `text` into the focused field as an input method would (Hangul arrives composed),
/// then releases a key: mdBook's searcher searches on `keyup`.
fn type_text(browser: &mut Tab, text: &str) {
    browser.call("Input.insertText", json!({"text": text}));
    browser.call(
        "Input.dispatchKeyEvent",
        json!({"type": "keyUp", "key": "End", "code": "End", "windowsVirtualKeyCode": 35}),
    );
}

/// The chapters whose text (inside `<main>`, tags removed) contains `needle`, ignoring case.
fn chapters_saying(language: &str, needle: &str) -> Vec<String> {
    let tags = regex::Regex::new(r"<[^>]*>").expect("regex");
    let mut found: Vec<String> = chapters()
        .into_iter()
        .filter(|page| {
            let html = std::fs::read_to_string(site().join(language).join(page)).expect("page");
            let main = html
                .split_once("<main>")
                .and_then(|(_, rest)| rest.split_once("</main>"))
                .map_or("", |(main, _)| main);
            tags.replace_all(main, " ")
                .to_lowercase()
                .contains(&needle.to_lowercase())
        })
        .collect();
    found.sort();
    found
}

/// A Korean stem and a Korean word find their chapters, and so do English words: the pages the
/// results link to are exactly the chapters that say it, and exactly what the book's model of
/// the searcher finds (`book::search`). Typed on the current page.
fn search_finds_its_chapters(browser: &mut Tab, origin: &str, language: &str) {
    let queries: &[(&str, &str)] = match language {
        "ko" => &[("핸드셰이크", "핸드셰이크"), ("연결을", "연결")],
        _ => &[("handshake", "handshak"), ("slowloris", "slowloris")],
    };
    let mut report = Vec::new();
    for &(query, needle) in queries {
        let (header, pages) = search(browser, origin, query);
        report.push(format!("{language} {query}: {header}: {}", pages.join(" ")));
        let expected = chapters_saying(language, needle);
        assert!(!expected.is_empty(), "no {language} chapter says {needle}");
        let mut shown = pages.clone();
        shown.sort();
        let count: usize = header
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        // and the pages the book's model of the searcher finds (book::search, whose other
        // tests rely on it): elasticlunr.js and the model must agree
        let model: Vec<String> = crate::book::search::search(language, query)
            .into_iter()
            .collect();
        if count < 30 {
            assert_eq!(shown, expected, "{language} search for {query}: {header}");
            assert_eq!(
                shown, model,
                "{language} {query}: the searcher and book::search"
            );
        } else {
            // mdBook shows 30 results at most: each is a chapter that says it
            assert!(
                shown
                    .iter()
                    .all(|p| expected.contains(p) && model.contains(p)),
                "{language} {query}: {shown:?}"
            );
        }
    }
    // the numbers behind the report: `cargo test book::browser:: -- --nocapture`
    println!("{}", report.join("\n"));
}

/// On the loaded ch05 page: code listings and transcripts render as code, highlighted, with
/// their exact text.
fn code_blocks_and_transcripts_render(browser: &mut Tab, url: &str) {
    {
        let blocks = browser.wait_until(
            "(() => { const blocks = [...document.querySelectorAll('pre code')]; \
              return blocks.length && blocks.every(b => b.classList.contains('hljs')) \
                ? blocks.map(b => ({class: b.className, text: b.innerText, visible: b.getClientRects().length > 0})) : null; })()",
            "highlighted code blocks",
        );
        let blocks = blocks.as_array().expect("blocks");
        let has = |class: &str, text: &str| {
            blocks.iter().any(|b| {
                b["class"].as_str().unwrap_or_default().contains(class)
                    && b["text"].as_str().unwrap_or_default().contains(text)
                    && b["visible"] == json!(true)
            })
        };
        assert!(
            has("language-rust", "pub fn response("),
            "{url}: the `response` listing"
        );
        assert!(
            has("language-rust", "async fn read_head("),
            "{url}: the `read_head` listing"
        );
        assert!(
            has("language-txt", "HTTP/1.1 200 OK\\r\\n"),
            "{url}: curl's transcript"
        );
        assert!(
            has("language-sh", "curl --include http://127.0.0.1:5000/"),
            "{url}: the command"
        );
        let keywords =
            browser.eval("document.querySelectorAll('code.language-rust .hljs-keyword').length");
        assert!(
            keywords.as_u64().unwrap_or(0) > 10,
            "{url}: Rust is highlighted ({keywords})"
        );
    }
}

/// Whether the loaded page, laid out on a phone's screen (the viewport print_html sets), is
/// wider than the screen (wide code may scroll inside its block).
fn wider_than_a_phone(browser: &mut Tab) -> Option<String> {
    let width = browser.eval(
        "(() => { const doc = document.documentElement; \
          if (doc.scrollWidth <= window.innerWidth) return null; \
          const culprits = [...document.querySelectorAll('main *')] \
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1) \
            .filter(e => !e.closest('pre')) \
            .slice(0, 3).map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 40)); \
          return doc.scrollWidth + ' px wide in ' + window.innerWidth + ': ' + culprits.join(' | '); })()",
    );
    width.as_str().map(str::to_string)
}

/// On the loaded `print.html`: every chapter is there and shown when printing (sidebar and
/// menus hidden). (No PDF: Chromium's printToPDF of the 500-page book cost 2 s of CPU, a fifth
/// of the browser's share of the whole `cargo test`, and showed nothing the print layout
/// checked here does not.) The tab then leaves the page for about:blank before it stops
/// emulating print: switching back on the page would lay its whole text out again (~0.3 s of
/// CPU), for no check.
fn print_page_has_every_chapter(browser: &mut Tab, language: &str, url: &str) {
    let h1 = regex::Regex::new(r"(?s)<main>.*?<h1[^>]*>(.*?)</h1>").expect("regex");
    let tags = regex::Regex::new(r"<[^>]*>").expect("regex");
    // each chapter's own first heading, read from its page
    let titles: Vec<serde_json::Value> = chapters()
        .iter()
        .map(|page| {
            let html = std::fs::read_to_string(site().join(language).join(page)).expect("page");
            let title = h1
                .captures(&html)
                .map_or("", |c| c.get(1).map_or("", |m| m.as_str()));
            json!(tags.replace_all(title, "").trim())
        })
        .collect();
    browser.call("Emulation.setEmulatedMedia", json!({"media": "print"}));
    let shown = browser.eval(
        "[...document.querySelectorAll('main h1')].filter(h => h.getClientRects().length > 0).map(h => h.innerText.trim())",
    );
    for title in &titles {
        assert!(
            shown.as_array().expect("headings").contains(title),
            "{url}: {title} is not printed; printed: {shown}"
        );
    }
    let sidebar = browser.eval(
        "(() => { const s = document.getElementById('mdbook-sidebar'); return !s || s.getClientRects().length === 0 || getComputedStyle(s).display === 'none' || getComputedStyle(s).visibility === 'hidden'; })()",
    );
    assert_eq!(sidebar, json!(true), "{url}: the sidebar is printed");
    assert_eq!(browser.open("about:blank"), None, "about:blank");
    browser.call("Emulation.setEmulatedMedia", json!({"media": ""}));
}

/// Opened from disk (`file://`, what `cargo run` prints), on a phone's screen, the book works
/// with its scripts: chapter 5's Korean page is no wider than the screen (its arrows and menu
/// bar too), nothing on it is broken, its sidebar lists every chapter, its listings and
/// transcripts are highlighted, and the language switch is where a reader can tap it; it lands
/// on the same English page, checked the same way, where a search typed into the bar (the index
/// comes from `searchindex.js`, a script, since a `file://` page cannot fetch the JSON index)
/// finds its chapters. (Over HTTP, chapter 11's server, `a_first_visit_and_a_reload` reads the
/// Korean book's first page and searches it.)
#[test]
fn book_works_from_file_urls() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    browser.viewport(375, 812, true);
    let dir = site().canonicalize().expect("site folder");
    let origin = format!("file://{}", dir.display());
    let chapters = chapters();
    let page = "ch05-raw-http.html";
    let url = format!("{origin}/ko/{page}");
    let target = format!("{origin}/en/{page}");
    assert_eq!(browser.open(&url), None, "{url}");
    let mut broken = chapter_page(&mut browser, &origin, &url, &chapters);
    browser.click_and_wait("a.lang-switch-link");
    assert_eq!(
        browser.eval("location.href"),
        json!(target),
        "{url}: the switch"
    );
    let lang = browser.eval("document.documentElement.lang");
    assert_eq!(lang, json!("en"), "{url}: the page the switch lands on");
    broken.extend(chapter_page(
        &mut browser,
        &origin,
        &format!("{url} → {target}"),
        &chapters,
    ));
    assert!(
        broken.is_empty(),
        "{} problem(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
    search_finds_its_chapters(&mut browser, &origin, "en");
}

/// A first visit, in a browser context of its own (an empty cache, as a new reader's): a search
/// link (`index.html?search=핸드셰이크`) finds something, and typed Korean searches find exactly
/// their chapters. On a first visit mdBook's searcher fetches the index while the page's later
/// scripts are still loading; the Korean trimmer is therefore also installed by searchindex.js
/// itself (src/search.rs): before that, the index could be built with mdBook's ASCII trimmer and
/// a Korean query found nothing. Then `/` leads to the Korean book (`target/book/index.html`, a
/// refresh to `ko/`), and a reload costs no second copy: chapter 11's server answers the page
/// and everything it loads `304 Not Modified` (the browser revalidates: `Cache-Control:
/// no-cache`, with `If-None-Match` and `If-Modified-Since` from the first answer's `ETag` and
/// `Last-Modified`).
#[test]
fn a_first_visit_and_a_reload() {
    let Some(mut browser) = Browser::launch_alone() else {
        return;
    };
    let url = format!(
        "{}/ko/index.html?search=%ED%95%B8%EB%93%9C%EC%85%B0%EC%9D%B4%ED%81%AC",
        origin()
    );
    assert_eq!(browser.open(&url), None, "{url}");
    let header = browser.wait_until(
        "(() => { const h = document.getElementById('mdbook-searchresults-header'); \
          return h && h.innerText.trim() ? h.innerText.trim() : null; })()",
        "the search results",
    );
    assert!(
        !header
            .as_str()
            .unwrap_or_default()
            .starts_with("No search results"),
        "{url}: {header}"
    );
    // then typed, on the same page: a stem and an inflected word find their chapters
    search_finds_its_chapters(&mut browser, origin(), "ko");

    let origin = origin();
    let korean = format!("{origin}/ko/");
    assert_eq!(browser.open(&format!("{origin}/")), None, "{origin}/");
    browser.wait_event("Page.frameNavigated", |p| {
        p["frame"]["parentId"].is_null() && p["frame"]["url"] == json!(korean)
    });
    browser.wait_until("document.readyState === 'complete'", "the Korean book");
    assert_eq!(browser.eval("document.documentElement.lang"), json!("ko"));
    let found = problems(&mut browser, origin);
    assert!(
        found.is_empty(),
        "{origin}/ → {korean}:\n{}",
        found.join("\n")
    );

    // the Korean book's first page, reloaded
    let url = korean;
    browser.mark();
    browser.call("Page.reload", json!({}));
    browser.wait_event("Page.loadEventFired", |_| true);
    // the page's own status as it came over the wire: Chromium reports a revalidated
    // document with the cached copy's 200 in responseReceived, and the server's 304 in the
    // ExtraInfo event of the same request (its raw head)
    let page = browser.wait_event("Network.responseReceived", |p| p["type"] == "Document");
    let id = page["params"]["requestId"].clone();
    let wire = browser.wait_event("Network.responseReceivedExtraInfo", |p| {
        p["requestId"] == id
    });
    assert_eq!(
        wire["params"]["statusCode"],
        json!(304),
        "{url} reloaded: {}",
        wire["params"]["headersText"]
    );
    // what the page loads: every file the browser revalidated (If-None-Match, from the first
    // answer's ETag) is 304. (A file whose cache entry Chromium was still writing is fetched
    // again without a validator, and is 200: the browser's choice, not the server's.)
    browser.drain();
    let validated = |id: &serde_json::Value| {
        browser.events.iter().any(|e| {
            e["method"] == "Network.requestWillBeSentExtraInfo"
                && e["params"]["requestId"] == *id
                && e["params"]["headers"]
                    .as_object()
                    .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("if-none-match")))
        })
    };
    // the status each request got over the wire (its ExtraInfo event): for a revalidated
    // file, responseReceived may report the cached copy's 200 as it does for the page
    let on_the_wire = |id: &serde_json::Value| {
        browser.events.iter().find_map(|e| {
            (e["method"] == "Network.responseReceivedExtraInfo" && e["params"]["requestId"] == *id)
                .then(|| e["params"]["statusCode"].as_u64())
                .flatten()
        })
    };
    let mut not_modified = 0;
    let mut wrong = Vec::new();
    for event in &browser.events {
        let p = &event["params"];
        let file = p["response"]["url"].as_str().unwrap_or_default();
        if event["method"] != "Network.responseReceived"
            // (the page, above, and the icon are fetched by the browser itself, which reports
            // a revalidated copy as the cached 200: their 304 is in the ExtraInfo event only)
            || p["type"] == "Document"
            || p["type"] == "Other"
            || !file.starts_with(&format!("{origin}/"))
        {
            continue;
        }
        let id = &p["requestId"];
        let status = on_the_wire(id).or(p["response"]["status"].as_u64());
        match (validated(id), status) {
            (_, Some(304)) => not_modified += 1,
            (true, status) => wrong.push(format!("{status:?} {file}")),
            (false, _) => {}
        }
    }
    assert!(
        wrong.is_empty(),
        "{url}: revalidated, yet not 304:\n{}",
        wrong.join("\n")
    );
    assert!(not_modified > 0, "{url}: no file of the page came back 304");
    // `cargo test book::browser:: -- --nocapture`
    println!("reload of {url}: the page and {not_modified} files 304");
    let found = problems(&mut browser, origin);
    assert!(found.is_empty(), "{url} reloaded:\n{}", found.join("\n"));
}
