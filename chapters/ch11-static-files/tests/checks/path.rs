//! `resolve`: chapter 11's table of request paths against a small tree
//! with a secret beside its root and symbolic links in and out of it.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;

use super::report::{call, fail, wrong};
use super::{RESOLVE, SEGMENT};
use crate::subject::path::{Refusal, Resolved, resolve};

/// A root beside a secret, removed when dropped:
/// ```text
/// secret.txt
/// root/index.html  a.txt  %2e  dir/index.html  dir/b.txt  empty/
///      in -> a.txt  out -> ../secret.txt  up -> ..  dir-out -> /etc
/// ```
struct Tree(PathBuf);

impl Tree {
    /// A tree of its own for each check (they run at once).
    fn new(check: &str) -> Tree {
        let unique = format!("ch11-checks-{check}-{}", std::process::id());
        let top = std::env::temp_dir().join(unique);
        match Tree::build(&top) {
            Ok(()) => Tree(top),
            Err(err) => fail(format!(
                "cannot build the test tree {}: {err}",
                top.display()
            )),
        }
    }

    fn build(top: &std::path::Path) -> std::io::Result<()> {
        let _ = fs::remove_dir_all(top);
        let root = top.join("root");
        fs::create_dir_all(root.join("dir"))?;
        fs::create_dir_all(root.join("empty"))?;
        fs::write(top.join("secret.txt"), "secret")?;
        for file in
            ["index.html", "a.txt", "%2e", "dir/index.html", "dir/b.txt"]
        {
            fs::write(root.join(file), file)?;
        }
        symlink("a.txt", root.join("in"))?;
        symlink("../secret.txt", root.join("out"))?;
        symlink("..", root.join("up"))?;
        symlink("/etc", root.join("dir-out"))
    }

    /// The root, canonical (as `Files::new` makes it).
    fn root(&self) -> PathBuf {
        match fs::canonicalize(self.0.join("root")) {
            Ok(root) => root,
            Err(err) => fail(format!("the test tree's root: {err}")),
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

enum Expect {
    File(&'static str),
    Directory,
    Refused(Refusal),
}
use Expect::{Directory, File, Refused};
use Refusal::*;

/// (name, request path, expected)
#[rustfmt::skip]
const CASES: &[(&str, &str, Expect)] = &[
    ("the root", "/", File("index.html")),
    ("a file", "/a.txt", File("a.txt")),
    ("an encoded letter", "/%61.txt", File("a.txt")),
    ("a directory", "/dir/", File("dir/index.html")),
    ("a directory without its slash", "/dir", Directory),
    ("a file in a directory", "/dir/b.txt", File("dir/b.txt")),
    ("a link inside the root", "/in", File("a.txt")),
    ("decoded once: %252e is the name %2e", "/%252e", File("%2e")),
    ("a file with a slash after it", "/a.txt/", Refused(NotFound)),
    ("a directory without index.html", "/empty/", Refused(NotFound)),
    ("nothing there", "/nothing", Refused(NotFound)),
    ("..", "/..", Refused(DotSegment)),
    ("../ to the secret", "/../secret.txt", Refused(DotSegment)),
    ("deep ..", "/dir/../../secret.txt", Refused(DotSegment)),
    (".", "/./a.txt", Refused(DotSegment)),
    ("%2e%2e", "/%2e%2e/secret.txt", Refused(DotSegment)),
    ("%2E%2E", "/%2E%2E/secret.txt", Refused(DotSegment)),
    (".%2e", "/.%2e/secret.txt", Refused(DotSegment)),
    ("%2f inside a segment", "/..%2fsecret.txt", Refused(Separator)),
    ("%2F inside a segment", "/dir%2Fb.txt", Refused(Separator)),
    ("%5c inside a segment", "/..%5csecret.txt", Refused(Separator)),
    ("a raw backslash", "/..\\secret.txt", Refused(Separator)),
    ("an absolute path after //", "//etc/passwd", Refused(EmptySegment)),
    ("an empty segment", "/dir//b.txt", Refused(EmptySegment)),
    ("%00", "/a.txt%00.html", Refused(Nul)),
    ("overlong . (%c0%ae)", "/%c0%ae%c0%ae/secret.txt", Refused(NotUtf8)),
    ("overlong / (%c0%af)", "/..%c0%afsecret.txt", Refused(NotUtf8)),
    ("a lone %ff", "/%ff", Refused(NotUtf8)),
    ("a % without digits", "/%", Refused(BadEscape)),
    ("a % with one digit", "/%2", Refused(BadEscape)),
    ("a % with a non-digit", "/%2g", Refused(BadEscape)),
    ("no slash in front", "a.txt", Refused(NotAbsolute)),
    ("the asterisk", "*", Refused(NotAbsolute)),
    ("a link to the secret", "/out", Refused(Outside)),
    ("a link to the parent", "/up/secret.txt", Refused(Outside)),
    ("a link to /etc", "/dir-out/passwd", Refused(Outside)),
    ("the parent by link, as a directory", "/up", Refused(Outside)),
];

fn answer(got: &Result<Resolved, Refusal>, root: &std::path::Path) -> String {
    match got {
        Ok(Resolved::File(file)) => match file.strip_prefix(root) {
            Ok(inside) => {
                format!("Ok(Resolved::File(<root>/{}))", inside.display())
            }
            Err(_) => format!(
                "Ok(Resolved::File({})), outside the root",
                file.display()
            ),
        },
        Ok(Resolved::Directory) => {
            "Ok(Resolved::Directory): 301 to the slash form".to_string()
        }
        Err(refusal) => format!(
            "Err(Refusal::{refusal:?}): {} ({})",
            refusal.status(),
            refusal.text()
        ),
    }
}

/// Every row that `select` picks, resolved under a tree of its own.
fn check_rows(check: &str, select: impl Fn(&Expect) -> bool) {
    let tree = Tree::new(check);
    let root = tree.root();
    let mut checked = 0;
    for (name, path, expect) in CASES.iter().filter(|(_, _, e)| select(e)) {
        let want = match expect {
            File(file) => match fs::canonicalize(root.join(file)) {
                Ok(file) => Ok(Resolved::File(file)),
                Err(err) => fail(format!("the test tree's {file}: {err}")),
            },
            Directory => Ok(Resolved::Directory),
            Refused(refusal) => Err(*refusal),
        };
        let section = match expect {
            Refused(
                DotSegment | Separator | EmptySegment | Nul | NotUtf8
                | BadEscape,
            ) => SEGMENT,
            _ => RESOLVE,
        };
        let got = call("resolve", section, || resolve(&root, path));
        if got != want {
            wrong(
                format!(
                    "row {name:?}: resolve(root, {path:?}) answered {}",
                    answer(&got, &root)
                ),
                answer(&want, &root),
                section,
            );
        }
        checked += 1;
    }
    assert!(checked > 0, "no row of the table was checked");
}

/// Files, a directory's index.html, a directory without its slash, a link
/// inside the root, a name decoded once: served.
#[test]
fn resolves_files_under_the_root() {
    check_rows("files", |e| matches!(e, File(_) | Directory));
}

/// `..` and `.` however spelled, `/` and `\` inside a segment, `//`: 404
/// before the file system is asked.
#[test]
fn refuses_dot_segments_and_separators() {
    check_rows("dots", |e| {
        matches!(e, Refused(DotSegment | Separator | EmptySegment))
    });
}

/// Bytes that cannot name a file (NUL, not UTF-8, a bad `%`) and a path
/// that does not start with `/`: 400.
#[test]
fn refuses_paths_that_name_no_file() {
    check_rows("bytes", |e| {
        matches!(e, Refused(Nul | NotUtf8 | BadEscape | NotAbsolute))
    });
}

/// Symbolic links are followed, and what they lead to must lie under the
/// root: out of it, 404.
#[test]
fn refuses_links_out_of_the_root() {
    check_rows("links", |e| matches!(e, Refused(Outside)));
}

/// Nothing there, a file with a slash after it, a directory without
/// index.html: 404.
#[test]
fn refuses_what_is_not_there() {
    check_rows("missing", |e| matches!(e, Refused(NotFound)));
}
