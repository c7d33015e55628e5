//! Any bytes into chapter 7's parser, beside httparse: no panic, no hang, the
//! same answer however the bytes arrive, and no disagreement with httparse
//! outside the documented cases (tests/ch07/judge.rs, shared with `cargo test`).
#![no_main]

use libfuzzer_sys::fuzz_target;

// formatted with the root package (tests/ch07), not with this crate's width
#[path = "../../../../tests/ch07/judge.rs"]
#[allow(dead_code)]
#[rustfmt::skip]
mod judge;

// ANCHOR: fuzz_target
fuzz_target!(|input: &[u8]| {
    if let Err(why) = judge::check(input) {
        panic!("{:?}: {why}", judge::escape(input));
    }
});
// ANCHOR_END: fuzz_target
