//! From a request's path to a file under the root, and every way out of
//! the root refused: decoded once, checked segment by segment, then the
//! file system's answer checked again.

use std::path::Path;

pub use ch11_static_files::path::{Refusal, Resolved};

/// The file `path` names under `root` (itself canonical, see
/// [`std::fs::canonicalize`]). What to write:
///
/// - `path` starts with `/` ([`Refusal::NotAbsolute`]: `*`, `a.txt`).
/// - Split the rest at `/` (a trailing `/` is the directory form). Each
///   segment is percent-decoded once (`%2e` is `.`, `%252e` the name
///   `%2e`; a `%` without two hex digits: [`Refusal::BadEscape`]), must be
///   UTF-8 ([`Refusal::NotUtf8`]: `%ff`, the overlong `%c0%ae`), not empty
///   ([`Refusal::EmptySegment`]), not `.` or `..`
///   ([`Refusal::DotSegment`]), without NUL ([`Refusal::Nul`]) and without
///   `/` or `\` ([`Refusal::Separator`]); then it is one plain name, pushed
///   onto the root.
/// - The file system's answer: [`std::fs::canonicalize`] follows every
///   symbolic link; what it gives must still lie under `root`
///   ([`Refusal::Outside`]; compare paths by component with
///   [`Path::starts_with`], not as strings); nothing there is
///   [`Refusal::NotFound`].
/// - A regular file is [`Resolved::File`] (its canonical path); a
///   directory without the trailing `/` is [`Resolved::Directory`] (301);
///   with it, its `index.html` under the same rule (none: `NotFound`);
///   anything else (a file with `/` after it, a FIFO) is `NotFound`.
///
/// The page: ch11, "요청 대상에서 파일까지 / From a request-target to a
/// file", "세그먼트 하나 / One segment".
pub fn resolve(root: &Path, path: &str) -> Result<Resolved, Refusal> {
    todo!()
}
