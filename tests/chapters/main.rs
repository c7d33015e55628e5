//! The workspace's tests, in one test binary so that they run side by side (cargo runs test
//! binaries one after another; inside one, libtest runs tests on several threads, and most of
//! them wait on a socket, a child process or Chromium). Filter by module:
//!
//! - `ch01::` … `ch12::`, `help::` — every chapter run as the real binary over real loopback
//!   sockets; the transcripts the book shows are the snapshots asserted here;
//! - `book::` (tests/book/, and `book::browser::`, tests/browser/) — the book's integrity, and
//!   the book in headless Chromium;
//! - `captures::` (tests/captures/) — the segments under the transcripts, captured with tcpdump;
//! - `judges::` (tests/judges/) — chapters 8 and 9's server judged by outside clients and suites;
//! - `parser::` (tests/ch07/) — chapter 7's parser judged by httparse, h11, llhttp and suites;
//! - `seed::` (tests/seed/) — the seed post's own Node.js programs.
//!
//! `cargo test captures::` runs one of them. A suite's snapshots are in its own folder, named
//! `chapters__<module path>__<name>.snap` (insta's rule: the binary, then the module path).
//!
//! libtest starts the tests in the order of their names, as threads come free. The captures'
//! scenarios mostly wait (a server's 2 s idle timeout, a frozen process), so their suite is
//! named to start early, beside the CPU-bound book and browser: named `wire::`, it started
//! last, and the run ended with ~1.5 s of its waiting on an idle machine (measured).

mod support;

mod ch01;
mod ch02;
mod ch03;
mod ch04;
mod ch05;
mod ch06;
mod ch07;
mod ch08;
mod ch09;
mod ch10;
mod ch11;
mod ch12;
mod help;

#[path = "../book/main.rs"]
mod book;
#[path = "../captures/main.rs"]
mod captures;
#[path = "../judges/main.rs"]
mod judges;
#[path = "../ch07/main.rs"]
mod parser;
#[path = "../seed/main.rs"]
mod seed;
