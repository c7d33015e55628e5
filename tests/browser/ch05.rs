//! Chapter 5's server in Chromium: the page it serves, and what Chromium makes of the seed's
//! response. Screenshots for the book are written to `book/browser/` only with
//! `UPDATE_SCREENSHOTS=1` (pixels differ between machines); the text is always asserted.

use std::path::Path;

use serde_json::json;

use crate::cdp::Browser;
use crate::problems;
use crate::support::{Normalizer, Program};

/// Saves a screenshot of the page for the book, when asked to.
fn screenshot(browser: &mut Browser, name: &str) {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/browser");
    std::fs::create_dir_all(&dir).expect("create book/browser");
    let png = browser.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(dir.join(name), png).expect("write the screenshot");
}

/// The server's lines about the connection that sent `request_line`, from `connected` to
/// the line containing `last`. Lines of other connections are left out: Chromium sometimes
/// opens a spare connection at the same time (seen under load) and sends nothing on it.
fn exchange(server: &mut Program, request_line: &str, last: &str) -> Vec<String> {
    let mut by_peer: Vec<(String, Vec<String>)> = Vec::new();
    let mut current = String::new();
    loop {
        let line = server.line();
        // indented lines are the request head of the peer that printed `request head`
        if !line.starts_with(' ') {
            current = line.split(": ").next().unwrap_or_default().to_string();
        }
        let at = match by_peer.iter().position(|(peer, _)| *peer == current) {
            Some(at) => at,
            None => {
                by_peer.push((current.clone(), Vec::new()));
                by_peer.len() - 1
            }
        };
        let lines = &mut by_peer[at].1;
        lines.push(line.clone());
        if line.contains(last)
            && lines
                .iter()
                .any(|l| l.trim_start().starts_with(request_line))
        {
            return by_peer.swap_remove(at).1;
        }
    }
}

/// Makes a browser's request head the same on every machine and Chromium version: the port,
/// the version in User-Agent and in the client hints, and the head's length.
fn normalise(lines: &[String], ports: &mut Normalizer) -> String {
    let version = regex::Regex::new(r#"Chrome/[0-9.]+|v="[0-9]+"|"Not[^"]*Brand""#).expect("regex");
    let length = regex::Regex::new(r"request head, [0-9]+ bytes").expect("regex");
    let text = lines
        .iter()
        .map(|line| {
            let line = version.replace_all(line, |c: &regex::Captures| {
                let found = &c[0];
                if found.starts_with("Chrome/") {
                    "Chrome/<version>".to_string()
                } else if found.starts_with("v=") {
                    "v=\"<version>\"".to_string()
                } else {
                    "\"<grease brand>\"".to_string()
                }
            });
            length
                .replace_all(&line, "request head, <length> bytes")
                .into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n");
    ports.apply(&text)
}

/// Chromium renders ch05's page: the `<h1>`, the Korean paragraph (UTF-8, as the charset in
/// both `Content-Type` and `<meta>` says), and the request head Chromium sent.
#[test]
fn chromium_renders_the_page() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (mut server, addr) = Program::server("ch05-raw-http", &[]);
    let url = format!("http://{addr}/");
    browser.viewport(640, 360, false);
    assert_eq!(browser.open(&url), None, "{url}");
    let page = browser.wait_until(
        "(() => { const h1 = document.querySelector('h1'), p = document.querySelector('p'); \
          return h1 && p ? {h1: h1.innerText, p: p.innerText, title: document.title, \
          charset: document.characterSet, lang: document.documentElement.lang} : null; })()",
        "the page's h1",
    );
    assert_eq!(
        page,
        json!({"h1": "HELLO!", "p": "안녕하세요, HTTP!", "title": "HELLO HTTP!", "charset": "UTF-8", "lang": "ko"}),
        "{url}"
    );
    let origin = format!("http://{addr}");
    let broken = problems(&mut browser, &origin);
    assert!(broken.is_empty(), "{url}:\n{}", broken.join("\n"));
    screenshot(&mut browser, "ch05-hello.png");

    let lines = exchange(&mut server, "GET / HTTP/1.1", "answered");
    let mut ports = Normalizer::new(addr);
    let request = normalise(&lines, &mut ports);
    println!("{request}");
    insta::assert_snapshot!("chromium_request", request);
}

/// The seed's response in Chromium: not a status line first, so Chromium shows its error page
/// with ERR_INVALID_HTTP_RESPONSE instead of the page.
#[test]
fn chromium_rejects_the_seed_response() {
    let Some(mut browser) = Browser::launch() else {
        return;
    };
    let (mut server, addr) = Program::server("ch05-raw-http", &["--seed-response"]);
    let url = format!("http://{addr}/");
    browser.viewport(640, 360, false);
    let error = browser.open(&url);
    assert_eq!(
        error.as_deref(),
        Some("net::ERR_INVALID_HTTP_RESPONSE"),
        "{url}"
    );
    let shown = browser.wait_until(
        "document.body && document.body.innerText.includes('ERR_') ? document.body.innerText : null",
        "Chromium's error page",
    );
    let shown = shown.as_str().unwrap_or_default().to_string();
    println!("{shown}");
    assert!(shown.contains("ERR_INVALID_HTTP_RESPONSE"), "{shown}");
    assert!(shown.contains(&format!("{}", addr.ip())), "{shown}");
    assert!(!shown.contains("HELLO!"), "{shown}");
    screenshot(&mut browser, "ch05-seed-response.png");
    let lines = exchange(&mut server, "GET / HTTP/1.1", "sent the seed's response");
    println!("{}", lines.join("\n"));
}
