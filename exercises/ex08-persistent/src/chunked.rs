//! The chunked transfer coding (RFC 9112 §7.1), decoded without I/O: fed
//! the bytes there are, in any split, it says what the first of them are.

use ch07_request_parser::Limits;

pub use ch08_persistent::chunked::{MAX_CHUNK_LINE, Step};

use crate::Rule;

/// A chunked body's decoder. Add the fields you need (where in the body it
/// is, how much data is left in a chunk, what it has counted); `trailers`
/// is read by the checks.
///
/// ```text
/// chunked-body = *chunk last-chunk trailer-section CRLF
/// chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
/// chunk-size   = 1*HEXDIG
/// last-chunk   = 1*("0") [ chunk-ext ] CRLF
/// chunk-ext    = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
/// trailer-section = *( field-line CRLF )
/// ```
#[derive(Clone, Debug)]
pub struct Decoder {
    /// Trailer field lines read (checked, then discarded).
    pub trailers: usize,
}

impl Decoder {
    /// `max_body` bounds the chunk-data (more: [`Rule::BodyTooLarge`],
    /// refused at the chunk-size line, before its data); the trailer
    /// section is held to `limits.max_fields` lines and `limits.max_head`
    /// bytes, CRLFs included ([`Rule::TooManyTrailers`],
    /// [`Rule::TrailerTooLarge`]).
    pub fn new(max_body: u64, limits: &Limits) -> Decoder {
        todo!()
    }

    /// What `input` starts with: [`Step::More`] (not enough to decide:
    /// called again with more bytes appended), or `Framing(n)`, `Data(n)`,
    /// `End(n)` for its first `n` bytes, which the caller then drops. The
    /// answer must not depend on how the bytes were split.
    ///
    /// Every line ends in CRLF ([`Rule::BareLf`]); a chunk-size is hex
    /// that fits a `u64` ([`Rule::ChunkSize`]); extensions are checked
    /// and ignored ([`Rule::ChunkExtension`]); a chunk-size line is at most
    /// [`MAX_CHUNK_LINE`] bytes ([`Rule::ChunkLineTooLong`], as soon as
    /// `MAX_CHUNK_LINE + 2` bytes hold no LF); chunk-data is followed by
    /// CRLF ([`Rule::ChunkDataEnd`]); a trailer line is a field line
    /// ([`Rule::TrailerField`]). The page: ch08, "청크 디코더 / The
    /// chunked decoder".
    pub fn step(&mut self, input: &[u8]) -> Result<Step, Rule> {
        todo!()
    }
}
