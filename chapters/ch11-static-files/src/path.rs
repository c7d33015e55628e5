//! From a request's path to a file under the root, and every way out of
//! the root refused: decoded once, checked segment by segment, then the
//! file system's answer checked again.
//!
//! Symbolic links are followed, and the file they lead to is served only
//! if it lies under the root (canonicalize, then compare). What this does
//! not close: someone who can write inside the root while we serve could
//! swap a directory for a link between our check and our open. We serve
//! trees nobody writes to meanwhile; on Linux, openat2 with
//! RESOLVE_BENEATH would close that gap too.

use std::fs;
use std::path::{Path, PathBuf};

// ANCHOR: refusal
/// Why a path is not served. 400: the path cannot name a file at all;
/// 404: it names none we serve. Never 403: that would tell a prober that
/// something is there (RFC 9110 §15.5.5 lets a server answer 404 instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `%` without two hex digits after it (RFC 3986 §2.1): chapter 7's
    /// parser refuses such a target first; checked again for any caller.
    BadEscape,
    /// The decoded bytes are not UTF-8: `%ff`, or an overlong `%c0%ae`.
    NotUtf8,
    /// `%00`: no file name holds a NUL byte.
    Nul,
    /// Not an absolute path: `*`, or a target without a `/` in front.
    NotAbsolute,
    /// A `.` or `..` segment, however it is spelled (`%2e%2e`).
    DotSegment,
    /// A `/` or `\` inside a segment (`%2f`, `%5c`).
    Separator,
    /// An empty segment (`//`).
    EmptySegment,
    /// Nothing there, or nothing we open (a device, a FIFO).
    NotFound,
    /// There, but through a symbolic link that leads out of the root.
    Outside,
}

impl Refusal {
    pub fn status(self) -> u16 {
        match self {
            Refusal::BadEscape
            | Refusal::NotUtf8
            | Refusal::Nul
            | Refusal::NotAbsolute => 400,
            _ => 404,
        }
    }
    // ANCHOR_END: refusal

    /// For the log (and a 400's body): which rule the path broke.
    pub fn text(self) -> &'static str {
        match self {
            Refusal::BadEscape => "a % without two hex digits",
            Refusal::NotUtf8 => "the decoded path is not UTF-8",
            Refusal::Nul => "a NUL byte in the path",
            Refusal::NotAbsolute => "the path does not start with /",
            Refusal::DotSegment => "a . or .. segment",
            Refusal::Separator => "a / or \\ inside a segment",
            Refusal::EmptySegment => "an empty segment (//)",
            Refusal::NotFound => "no such file",
            Refusal::Outside => "a symbolic link out of the root",
        }
    }
}

/// What a path that is served names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular file, by its canonical path (no symbolic link left in it).
    File(PathBuf),
    /// A directory named without its trailing slash: 301 to the slash form.
    Directory,
}

// ANCHOR: resolve
/// The file `path` names under `root` (itself canonical, see
/// [`fs::canonicalize`]). Every segment is decoded once and checked before
/// it touches the file system; then the file system's own answer, with
/// every symbolic link followed, must still lie under the root.
pub fn resolve(root: &Path, path: &str) -> Result<Resolved, Refusal> {
    let rest = path.strip_prefix('/').ok_or(Refusal::NotAbsolute)?;
    let directory_form = path.ends_with('/');
    let mut file = root.to_path_buf();
    if path != "/" {
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        for raw in rest.split('/') {
            file.push(segment(raw)?); // one plain name: push cannot climb
        }
    }
    let real = fs::canonicalize(&file).map_err(|_| Refusal::NotFound)?;
    // component by component: /srv/www2 does not start with /srv/www
    if !real.starts_with(root) {
        return Err(Refusal::Outside);
    }
    let metadata = fs::metadata(&real).map_err(|_| Refusal::NotFound)?;
    match (metadata.is_dir(), directory_form) {
        (true, false) => Ok(Resolved::Directory),
        (true, true) => match resolve_index(root, &real) {
            Some(index) => Ok(Resolved::File(index)),
            None => Err(Refusal::NotFound),
        },
        (false, false) if metadata.is_file() => Ok(Resolved::File(real)),
        _ => Err(Refusal::NotFound), // `/a.txt/`, a FIFO, a device
    }
}
// ANCHOR_END: resolve

/// A directory's `index.html`, under the same rule: it may be a link too.
fn resolve_index(root: &Path, directory: &Path) -> Option<PathBuf> {
    let index = fs::canonicalize(directory.join("index.html")).ok()?;
    let file = fs::metadata(&index).ok()?.is_file();
    (file && index.starts_with(root)).then_some(index)
}

// ANCHOR: segment
/// One segment of the path, percent-decoded once (`%252e` is the three
/// characters `%2e`, a name like any other), as a plain file name.
fn segment(raw: &str) -> Result<String, Refusal> {
    let decoded = decode(raw)?;
    let name = String::from_utf8(decoded).map_err(|_| Refusal::NotUtf8)?;
    match name.as_str() {
        "" => Err(Refusal::EmptySegment),
        // clients remove dot segments before they send (RFC 3986 §5.2.4):
        // one that is still here was put there on purpose
        "." | ".." => Err(Refusal::DotSegment),
        name if name.contains('\0') => Err(Refusal::Nul),
        // `\` separates paths on Windows; no name of ours holds either
        name if name.contains(['/', '\\']) => Err(Refusal::Separator),
        _ => Ok(name),
    }
}
// ANCHOR_END: segment

// ANCHOR: decode
/// pct-encoded = "%" HEXDIG HEXDIG (RFC 3986 §2.1): the byte it stands for.
fn decode(raw: &str) -> Result<Vec<u8>, Refusal> {
    let mut bytes = raw.bytes();
    let mut out = Vec::with_capacity(raw.len());
    while let Some(byte) = bytes.next() {
        if byte != b'%' {
            out.push(byte);
            continue;
        }
        let high = bytes.next().and_then(hex);
        let low = bytes.next().and_then(hex);
        match (high, low) {
            (Some(high), Some(low)) => out.push(high << 4 | low),
            _ => return Err(Refusal::BadEscape),
        }
    }
    Ok(out)
}
// ANCHOR_END: decode

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|value| value as u8)
}

// The table of request paths (and the tree it runs on) is the exercise's:
// tests/checks/path.rs, run against this crate by tests/exercise.rs.
#[cfg(test)]
mod tests {
    use super::Refusal::*;

    #[test]
    fn statuses() {
        assert_eq!(BadEscape.status(), 400);
        assert_eq!(NotUtf8.status(), 400);
        assert_eq!(Nul.status(), 400);
        assert_eq!(DotSegment.status(), 404);
        assert_eq!(Outside.status(), 404);
    }
}
