//! Chapter 5's server in Chromium: the page it serves, and what Chromium makes of the seed's
//! response. Screenshots for the book are written to `book/browser/` only with
//! `UPDATE_SCREENSHOTS=1` (pixels differ between machines); the text is always asserted.

use std::path::Path;

use serde_json::json;

use super::cdp::{Browser, Tab};
use super::problems;
use super::support::{Normalizer, Program};

/// Saves a screenshot of the page for the book, when asked to.
fn screenshot(browser: &mut Tab, name: &str) {
    if std::env::var_os("UPDATE_SCREENSHOTS").is_none() {
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/browser");
    std::fs::create_dir_all(&dir).expect("create book/browser");
    let png = browser.screenshot();
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    std::fs::write(dir.join(name), png).expect("write the screenshot");
}

/// The server's lines, one list per connection in the order the connections were opened,
/// until every request line of `requests` has been answered (a line containing `last`).
fn session(server: &mut Program, requests: &[&str], last: &str) -> Vec<Vec<String>> {
    let mut by_peer: Vec<(String, Vec<String>)> = Vec::new();
    let mut current = String::new();
    let answered = |by_peer: &[(String, Vec<String>)], request: &str| {
        by_peer.iter().any(|(_, lines)| {
            lines.iter().any(|l| l.trim_start().starts_with(request))
                && lines.iter().any(|l| l.contains(last))
        })
    };
    while !requests.iter().all(|r| answered(&by_peer, r)) {
        let line = server.line();
        // indented lines are the request head of the peer that printed `request head`
        if !line.starts_with(' ') {
            current = line.split(": ").next().unwrap_or_default().to_string();
        }
        match by_peer.iter_mut().find(|(peer, _)| *peer == current) {
            Some((_, lines)) => lines.push(line),
            None => by_peer.push((current.clone(), vec![line])),
        }
    }
    by_peer.into_iter().map(|(_, lines)| lines).collect()
}

/// The connection of `session` that carried `request_line`.
fn carrying(connections: &[Vec<String>], request_line: &str) -> Vec<String> {
    connections
        .iter()
        .find(|lines| {
            lines
                .iter()
                .any(|l| l.trim_start().starts_with(request_line))
        })
        .cloned()
        .unwrap_or_default()
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

    // after the page, Chromium asks for /favicon.ico (ch05 answers every GET with its page),
    // and it opens a connection ahead of need: it carries the favicon request, or it stays
    // unused (seen both ways, from run to run)
    let connections = session(
        &mut server,
        &["GET / HTTP/1.1", "GET /favicon.ico HTTP/1.1"],
        "answered",
    );
    let mut ports = Normalizer::new(addr);
    let page = normalise(&carrying(&connections, "GET / HTTP/1.1"), &mut ports);
    let favicon = normalise(
        &carrying(&connections, "GET /favicon.ico HTTP/1.1"),
        &mut ports,
    );
    let spare: Vec<&Vec<String>> = connections
        .iter()
        .filter(|lines| !lines.iter().any(|l| l.contains("request head")))
        .collect();
    for lines in &spare {
        // a connection opened ahead of need: so far it has only been opened
        assert!(
            lines.iter().all(|l| l.ends_with(": connected")),
            "a connection with no request printed more: {lines:?}"
        );
    }
    println!("{page}{favicon}{} unused connection(s)", spare.len());
    insta::assert_snapshot!("chromium_request", page);
    insta::assert_snapshot!("chromium_favicon", favicon);
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
    let connections = session(&mut server, &["GET / HTTP/1.1"], "sent the seed's response");
    println!("{}", carrying(&connections, "GET / HTTP/1.1").join("\n"));
}
