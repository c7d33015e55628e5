//! The reader's experience in a real browser: Debian's headless Chromium, driven over the
//! DevTools protocol (`cdp.rs`), reads the built book in both languages and a chapter server.
//! Without Chromium these tests pass after one line saying how to run them; with `CI` set, a
//! missing Chromium fails. A module of the book suite's test binary (`tests/book/main.rs`), so
//! that it shares the book's build and runs beside the book's other checks:
//! `cargo test book::browser::`.

mod book;
mod cdp;
mod ch05;
mod site;
use crate::support;

use serde_json::Value;

use self::cdp::Tab;

/// Everything on the current page a reader would see as broken, one line each: console
/// errors, uncaught exceptions, errors Chromium logs, failed or 4xx/5xx requests, and any
/// request that leaves `origin` (the book must work offline).
pub fn problems(browser: &mut Tab, origin: &str) -> Vec<String> {
    browser.drain();
    let mut found = Vec::new();
    for event in &browser.events {
        let params = &event["params"];
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        match event["method"].as_str().unwrap_or_default() {
            "Runtime.consoleAPICalled" if params["type"] == "error" => {
                let args: Vec<String> = params["args"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| a["value"].to_string())
                    .collect();
                found.push(format!("console.error: {}", args.join(" ")));
            }
            "Runtime.exceptionThrown" => found.push(format!(
                "uncaught exception: {}",
                params["exceptionDetails"]["exception"]["description"]
            )),
            "Log.entryAdded" if params["entry"]["level"] == "error" => found.push(format!(
                "console: {} ({})",
                text(&params["entry"]["text"]),
                text(&params["entry"]["url"])
            )),
            "Network.loadingFailed" if params["canceled"] != Value::Bool(true) => {
                found.push(format!(
                    "request failed: {} (request {})",
                    text(&params["errorText"]),
                    text(&params["requestId"])
                ));
            }
            "Network.responseReceived" => {
                let status = params["response"]["status"].as_u64().unwrap_or(0);
                if status >= 400 {
                    found.push(format!("{status} for {}", text(&params["response"]["url"])));
                }
            }
            "Network.requestWillBeSent" => {
                let url = text(&params["request"]["url"]);
                let local = url.starts_with(&format!("{origin}/"))
                    || url.starts_with("data:")
                    || url.starts_with("blob:")
                    || url.starts_with("about:");
                if !local {
                    found.push(format!("request outside {origin}: {url}"));
                }
            }
            _ => {}
        }
    }
    found
}
