//! Exercise 6: chapter 6's two framers, written by you.
//!
//! The [`Framer`] trait and [`FrameError`] are the chapter's (its page,
//! "프레임을 자르는 틀 / A shape for cutting frames"); the two framers below
//! have `todo!()` bodies. Write them, then run the chapter's own checks:
//!
//! ```sh
//! cargo test -p ex06-framing
//! ```
//!
//! The checks feed your framers the page's inputs whole, split at every
//! position and one byte at a time, at their limits and one byte past them,
//! and run them inside chapter 6's server (`ch06_framing::handle_connection`)
//! over loopback. A failing check says what your code did, what was wanted,
//! and which section of `book/ch06-framing.md` explains it.
//! To start again: `git checkout -- exercises/ex06-framing`.

// The bodies are todo!() until you write them, so their parameters are
// unused until then: delete this line once they are written.
#![allow(unused_variables)]

pub use ch06_framing::{FrameError, Framer};

/// A frame is the bytes before `\n`; a `\r` right before it is dropped too.
pub struct Lines {
    /// The longest line accepted, its `\r\n` or `\n` not counted.
    pub max_line: usize,
}

impl Framer for Lines {
    /// Page section "줄 / Lines". Find the first `\n` in `buf`:
    ///
    /// - none yet: `Ok(None)`, unless `buf` already holds more than
    ///   `max_line` bytes, not counting a last `\r` (it may be half of
    ///   `\r\n`): then `Err(FrameError::LineTooLong { max })`;
    /// - found: remove the line and its `\n` from the front of `buf`, drop a
    ///   `\r` right before the `\n`, and return the line, or `LineTooLong`
    ///   if it is longer than `max_line`.
    fn decode(&self, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, FrameError> {
        todo!()
    }

    /// The frame, then `\n`.
    fn encode(&self, frame: &[u8]) -> Vec<u8> {
        todo!()
    }
}

/// A frame is a 4-byte big-endian length, then that many bytes of payload.
pub struct LengthPrefixed {
    /// The largest payload accepted, the 4 bytes of the prefix not counted.
    pub max_frame: usize,
}

impl Framer for LengthPrefixed {
    /// Page section "길이 접두사 / A length prefix":
    ///
    /// - fewer than 4 bytes in `buf`: `Ok(None)`, the length itself may
    ///   come in pieces;
    /// - a length over `max_frame`: `Err(FrameError::FrameTooLong { len,
    ///   max })` at once, before any of the payload arrives;
    /// - `4 + len` bytes in `buf`: remove them from its front and return the
    ///   `len` bytes of payload (an empty frame is a frame too); fewer:
    ///   `Ok(None)`.
    fn decode(&self, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, FrameError> {
        todo!()
    }

    /// The payload's length as 4 big-endian bytes, then the payload.
    fn encode(&self, frame: &[u8]) -> Vec<u8> {
        todo!()
    }
}
