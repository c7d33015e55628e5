//! Chapter 9 wraps chapter 8's connection loop: the same judges give the same
//! answers, asserted against chapter 8's reviewed snapshots.

use crate::judges::{clients, framing, probe};

/// `text` is exactly the body of chapter 8's snapshot `name` (below insta's header).
fn same_as_ch08(name: &str, text: &str) {
    let path = format!(
        "{}/tests/judges/snapshots/{name}.snap",
        env!("CARGO_MANIFEST_DIR")
    );
    let snapshot = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let body = snapshot
        .splitn(3, "---\n")
        .nth(2)
        .unwrap_or_else(|| panic!("{path}: no insta header"));
    assert_eq!(
        text.trim_end(),
        body.trim_end(),
        "ch09 answers otherwise than ch08 ({name})"
    );
}

/// Every framing case: ch09 answers as ch08 does.
#[test]
fn framing_cases_ch09() {
    let (table, unexpected) = framing::run("ch09-concurrency");
    assert_eq!(unexpected, 0, "{table}");
    same_as_ch08("chapters__judges__framing__framing_cases_ch08", &table);
}

/// Http11Probe's pages: ch09 answers as ch08 does.
#[test]
fn http11probe_ch09() {
    let (table, mismatches) = probe::run("ch09-concurrency");
    assert!(mismatches.is_empty(), "{mismatches:?}\n{table}");
    same_as_ch08("chapters__judges__probe__http11probe_ch08", &table);
}

/// curl with three URLs: one connection, reused twice.
#[test]
fn curl_reuses_one_connection_ch09() {
    clients::curl_three_urls("ch09-concurrency", "curl_reuses_one_connection_ch09");
}
