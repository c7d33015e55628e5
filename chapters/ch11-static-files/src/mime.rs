//! The Content-Type of a file, from its extension: the types a book needs.

use std::path::Path;

// ANCHOR: types
/// Extension (compared case-insensitively) and media type (RFC 9110 §8.3).
/// Text says its charset: without it a browser guesses (WHATWG Encoding).
const TYPES: &[(&str, &str)] = &[
    ("html", "text/html; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"), // RFC 9239
    ("json", "application/json"),
    ("txt", "text/plain; charset=utf-8"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("ico", "image/vnd.microsoft.icon"),
    ("woff2", "font/woff2"), // RFC 8081
    ("woff", "font/woff"),
    ("ttf", "font/ttf"),
];

/// Bytes we cannot name: the client may save them, never run them as a
/// script or page (RFC 9110 §8.3: a type we are not sure of, not a guess).
pub const UNKNOWN: &str = "application/octet-stream";

pub fn content_type(file: &Path) -> &'static str {
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let known = TYPES
        .iter()
        .find(|(ext, _)| ext.eq_ignore_ascii_case(extension));
    known.map_or(UNKNOWN, |(_, media_type)| media_type)
}
// ANCHOR_END: types

#[cfg(test)]
mod tests {
    use super::*;

    /// (file name, Content-Type)
    #[rustfmt::skip]
    const CASES: &[(&str, &str)] = &[
        ("index.html", "text/html; charset=utf-8"),
        ("INDEX.HTML", "text/html; charset=utf-8"),
        ("book.js", "text/javascript; charset=utf-8"),
        ("searchindex.json", "application/json"),
        ("fonts/OpenSans.woff2", "font/woff2"),
        ("favicon.svg", "image/svg+xml"),
        ("archive.tar.gz", UNKNOWN),
        ("Makefile", UNKNOWN),
        (".html", UNKNOWN), // a hidden file called ".html", no extension
    ];

    #[test]
    fn content_types() {
        for (name, expected) in CASES {
            assert_eq!(content_type(Path::new(name)), *expected, "{name}");
        }
    }
}
