//! The book in Chromium: every page of both languages, the language switch, search, code
//! blocks, the sidebar, a phone's viewport and print.

use serde_json::json;

use crate::cdp::Browser;
use crate::problems;
use crate::site::{LANGUAGES, chapters, origin, pages, site};

/// Every page of both languages loads with nothing broken and no request leaving the local
/// server; the sidebar lists every chapter; the language switch lands on the same page.
#[test]
fn every_page_loads_and_switches_language() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let origin = origin();
    let chapters = chapters();
    let mut broken = Vec::new();
    for language in LANGUAGES {
        let other = tcp_http_book::other_language(language);
        for page in pages(language) {
            let url = format!("{origin}/{language}/{page}");
            if let Some(error) = browser.open(&url) {
                broken.push(format!("{url}: {error}"));
                continue;
            }
            broken.extend(
                problems(&mut browser, origin)
                    .into_iter()
                    .map(|p| format!("{url}: {p}")),
            );
            if page == "toc.html" || page == "404.html" {
                continue;
            }
            let sidebar = browser.wait_until(
                "(() => { const links = [...document.querySelectorAll('mdbook-sidebar-scrollbox ol.chapter a[href]')]; \
                  return links.length ? links.map(a => a.getAttribute('href')).filter(h => !h.startsWith('#')) : null; })()",
                "the sidebar's links",
            );
            assert_eq!(sidebar, json!(chapters), "{url}: the sidebar");
            browser.click_and_wait("a.lang-switch-link");
            let landed = browser.eval("location.pathname");
            assert_eq!(
                landed,
                json!(format!("/{other}/{page}")),
                "{url}: the language switch"
            );
            let lang = browser.eval("document.documentElement.lang");
            assert_eq!(lang, json!(other), "{url}: the page the switch lands on");
            broken.extend(
                problems(&mut browser, origin)
                    .into_iter()
                    .map(|p| format!("{url} → {other}: {p}")),
            );
        }
    }
    assert!(
        broken.is_empty(),
        "{} problem(s):\n{}",
        broken.len(),
        broken.join("\n")
    );
    let _ = site();
}
