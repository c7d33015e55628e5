//! How a check fails: one short block that says what the code did, what
//! was wanted, and where the page explains it; a `todo!()` still in the code
//! is one line naming what to write. No backtrace wall. One file for every
//! exercise's checks (chapters 6–9 and 11 include it from here); each uses
//! part of it.

#![allow(dead_code)]

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A heading of a page, in both languages.
#[derive(Clone, Copy, Debug)]
pub struct Section {
    pub page: &'static str,
    pub ko: &'static str,
    pub en: &'static str,
    pub id: &'static str,
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Section { page, ko, en, id } = self;
        write!(f, "{page}#{id}, \"{ko} / {en}\"")
    }
}

thread_local! {
    /// Inside [`call`]: a panic is caught and reported by us, not the hook.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// Where the last quiet panic happened.
    static LOCATION: RefCell<String> = const { RefCell::new(String::new()) };
    /// Raised by [`wrong`]: the hook prints the message alone.
    static REPORT: Cell<bool> = const { Cell::new(false) };
}

/// One panic hook for the whole test binary (tests run on many threads at
/// once, so it is installed once and asks the thread what to do).
fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.get() {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LOCATION.set(at);
            } else if REPORT.replace(false) {
                eprintln!("\n{}\n", text(info.payload()));
            } else {
                default(info);
            }
        }));
    });
}

fn text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_string()
    }
}

/// Fails the check with `message` as its whole report.
pub fn fail(message: String) -> ! {
    install();
    REPORT.set(true);
    panic::panic_any(message)
}

/// Fails the check: what the code did, what was wanted, where to read.
pub fn wrong(
    did: impl fmt::Display,
    wanted: impl fmt::Display,
    section: Section,
) -> ! {
    fail(format!("{did}\n  wanted: {wanted}\n  read:   {section}"))
}

/// Calls the code under test (`what`, e.g. `Lines::decode`). A `todo!()`
/// becomes "still todo!(): write it", any other panic one line with its
/// place; both name the page's section.
pub fn call<T>(what: &str, section: Section, f: impl FnOnce() -> T) -> T {
    match catch(f) {
        Ok(value) => value,
        Err((text, at)) => panicked(what, section, &text, &at),
    }
}

/// Runs `f` with the hook silent: a panic comes back as its text and
/// place (for a future polled by hand, one poll at a time).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, (String, String)> {
    install();
    let was_quiet = QUIET.replace(true);
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.set(was_quiet);
    result.map_err(|payload| (text(&*payload), LOCATION.take()))
}

/// Fails the check for a panic [`catch`] caught in `what`.
pub fn panicked(what: &str, section: Section, text: &str, at: &str) -> ! {
    if text.starts_with("not yet implemented") {
        fail(format!("{what} is still todo!() — write it: {section}"));
    }
    fail(format!(
        "{what} panicked at {at}: {text}\n  wanted: an answer for every \
         input, never a panic\n  read:   {section}"
    ))
}
