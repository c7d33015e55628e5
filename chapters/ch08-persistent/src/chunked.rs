//! The chunked transfer coding (RFC 9112 §7.1), decoded without I/O: feed
//! it the bytes you have, in any split, and it says what the first of them
//! are (framing, body data, the end) or that it needs more.

use ch07_request_parser::Limits;
use ch07_request_parser::rules::{TCHAR, is_field_content};

use crate::rules::Rule;

/// The longest chunk-size line we read, chunk extensions included, without
/// its CRLF. Extensions are ignored, so a client gains nothing by a long one.
pub const MAX_CHUNK_LINE: usize = 4096;

/// What the first bytes of the input are. The caller drops the bytes a
/// step used (all but [`Step::More`]) and calls again with the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Not enough to decide: read more, call again with them appended.
    More,
    /// `input[..n]` was framing: a chunk-size line, a CRLF, a trailer.
    Framing(usize),
    /// `input[..n]` is body data.
    Data(usize),
    /// `input[..n]` ended the body (the trailer section's empty line).
    End(usize),
}

// ANCHOR: decoder
/// Where in the chunked body the decoder is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Size,      // at a chunk-size line
    Data(u64), // inside chunk-data, this many bytes left
    DataEnd,   // at the CRLF after chunk-data
    Trailer,   // at a trailer field line, or the final empty line
    Done,
}

/// A chunked body's decoder, fed any split of its bytes.
#[derive(Clone, Debug)]
pub struct Decoder {
    state: State,
    seen: usize, // bytes of the current line already searched for LF
    max_body: u64,
    limits: Limits,
    pub body: u64,       // chunk-data bytes announced so far
    pub chunks: usize,   // chunks, not counting the last one
    pub trailers: usize, // trailer field lines read (and discarded)
    trailer_bytes: usize,
}
// ANCHOR_END: decoder

impl Decoder {
    /// `max_body` bounds the data (413); the trailer section is held to
    /// the head's `max_fields` and `max_head` (431).
    pub fn new(max_body: u64, limits: &Limits) -> Decoder {
        Decoder {
            state: State::Size,
            seen: 0,
            max_body,
            limits: *limits,
            body: 0,
            chunks: 0,
            trailers: 0,
            trailer_bytes: 0,
        }
    }

    /// In the trailer section: a `Step::Framing` now is a trailer line.
    pub fn in_trailer(&self) -> bool {
        self.state == State::Trailer
    }

    // ANCHOR: step
    // chunked-body = *chunk last-chunk trailer-section CRLF  (RFC 9112 §7.1)
    // chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
    // last-chunk   = 1*("0") [ chunk-ext ] CRLF
    /// What `input` starts with.
    pub fn step(&mut self, input: &[u8]) -> Result<Step, Rule> {
        match self.state {
            State::Size => self.size_line(input),
            State::Data(_) if input.is_empty() => Ok(Step::More),
            State::Data(left) => {
                let n = left.min(input.len() as u64);
                self.state = match left - n {
                    0 => State::DataEnd,
                    left => State::Data(left),
                };
                Ok(Step::Data(n as usize))
            }
            State::DataEnd => data_end(input).inspect(|step| {
                if *step != Step::More {
                    self.state = State::Size;
                }
            }),
            State::Trailer => self.trailer(input),
            State::Done => Ok(Step::End(0)),
        }
    }
    // ANCHOR_END: step

    // ANCHOR: size_line
    /// A chunk-size line: the size of the chunk-data that follows, checked
    /// against `max_body` before any of it is read.
    fn size_line(&mut self, input: &[u8]) -> Result<Step, Rule> {
        let Some(end) = self.line(input, MAX_CHUNK_LINE)? else {
            return Ok(Step::More);
        };
        let size = chunk_size(&input[..end])?;
        if size > self.max_body - self.body {
            return Err(Rule::BodyTooLarge);
        }
        self.body += size;
        self.chunks += usize::from(size > 0);
        self.state = match size {
            0 => State::Trailer, // the last chunk
            size => State::Data(size),
        };
        Ok(Step::Framing(end + 2))
    }
    // ANCHOR_END: size_line

    // ANCHOR: trailer
    // trailer-section = *( field-line CRLF )              (RFC 9112 §7.1.2)
    /// One trailer field line (checked, counted, discarded: RFC 9110 §6.5.1
    /// lets a recipient drop what it does not use), or the empty line.
    fn trailer(&mut self, input: &[u8]) -> Result<Step, Rule> {
        // the section's lines, CRLFs included, fit in max_head
        let left = self.limits.max_head.saturating_sub(self.trailer_bytes);
        let Some(end) = self.line(input, left.saturating_sub(2))? else {
            return Ok(Step::More);
        };
        if end == 0 {
            self.state = State::Done;
            return Ok(Step::End(2));
        }
        if self.trailers == self.limits.max_fields {
            return Err(Rule::TooManyTrailers);
        }
        field_line(&input[..end])?;
        self.trailers += 1;
        self.trailer_bytes += end + 2;
        Ok(Step::Framing(end + 2))
    }
    // ANCHOR_END: trailer

    // ANCHOR: line
    /// The length of the line `input` starts with, once its CRLF is in
    /// (`None`: not yet). A line longer than `max` is an error as soon as
    /// `max + 2` bytes hold no LF, so the answer never depends on the split.
    fn line(
        &mut self,
        input: &[u8],
        max: usize,
    ) -> Result<Option<usize>, Rule> {
        let too_long = match self.state {
            State::Trailer => Rule::TrailerTooLarge,
            _ => Rule::ChunkLineTooLong,
        };
        let enough = max.saturating_add(2); // the line, then CR LF
        let searched = input.len().min(enough);
        let lf = input[self.seen.min(searched)..searched]
            .iter()
            .position(|&b| b == b'\n');
        let Some(lf) = lf.map(|at| self.seen + at) else {
            if input.len() >= enough {
                return Err(too_long);
            }
            self.seen = input.len();
            return Ok(None);
        };
        self.seen = 0;
        if lf == 0 || input[lf - 1] != b'\r' {
            return Err(Rule::BareLf); // RFC 9112 §7.1: lines end in CRLF
        }
        Ok(Some(lf - 1))
    }
    // ANCHOR_END: line
}

// ANCHOR: chunk_size
// chunk-size = 1*HEXDIG                                  (RFC 9112 §7.1)
/// The size a chunk-size line announces; its extensions are checked and
/// ignored (§7.1.1: "A recipient MUST ignore unrecognized chunk extensions").
fn chunk_size(line: &[u8]) -> Result<u64, Rule> {
    let hex = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    let (digits, rest) = line.split_at(hex);
    if hex == 0 || !matches!(rest.first(), None | Some(b' ' | b'\t' | b';')) {
        return Err(Rule::ChunkSize); // "-1", "0x5", " 5", "5z"
    }
    let size = digits.iter().try_fold(0u64, |size, &b| {
        let digit = (b as char).to_digit(16).unwrap_or_default();
        size.checked_mul(16).map(|size| size | u64::from(digit))
    });
    let size = size.ok_or(Rule::ChunkSize)?; // over 16 significant digits
    chunk_ext(rest).map(|()| size)
}
// ANCHOR_END: chunk_size

// ANCHOR: chunk_ext
// chunk-ext      = *( BWS ";" BWS chunk-ext-name
//                     [ BWS "=" BWS chunk-ext-val ] )     (RFC 9112 §7.1.1)
// chunk-ext-name = token
// chunk-ext-val  = token / quoted-string
/// BWS comes only before a ";" (or an "="): `5 ` and `5;a=b ` are
/// rejected, as llhttp does (h11 accepts them).
fn chunk_ext(mut rest: &[u8]) -> Result<(), Rule> {
    loop {
        let Some(after) = bws(rest).strip_prefix(b";") else {
            return match rest {
                [] => Ok(()),
                _ => Err(Rule::ChunkExtension),
            };
        };
        let (name, after) = token(bws(after));
        if name == 0 {
            return Err(Rule::ChunkExtension);
        }
        rest = after;
        if let Some(value) = bws(rest).strip_prefix(b"=") {
            rest = match bws(value) {
                [b'"', quoted @ ..] => quoted_string(quoted)?,
                value => match token(value) {
                    (0, _) => return Err(Rule::ChunkExtension),
                    (_, after) => after,
                },
            };
        }
    }
}
// ANCHOR_END: chunk_ext

/// BWS = OWS: spaces and tabs (RFC 9110 §5.6.3).
fn bws(text: &[u8]) -> &[u8] {
    let n = text
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &text[n..]
}

/// How long the token at the start of `text` is, and what follows it.
fn token(text: &[u8]) -> (usize, &[u8]) {
    let n = text.iter().take_while(|&&b| TCHAR[b as usize]).count();
    (n, &text[n..])
}

// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE  (RFC 9110 §5.6.4)
// quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
/// What follows the closing quote; `text` starts after the opening one.
fn quoted_string(text: &[u8]) -> Result<&[u8], Rule> {
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'"' => return Ok(&text[i + 1..]),
            b'\\' if text.get(i + 1).is_some_and(|&b| is_field_content(b)) => {
                i += 2
            }
            b'\\' => break,
            b if is_field_content(b) => i += 1, // qdtext
            _ => break,
        }
    }
    Err(Rule::ChunkExtension)
}

// ANCHOR: data_end
/// The CRLF after chunk-data; anything else means the size was a lie.
fn data_end(input: &[u8]) -> Result<Step, Rule> {
    match input {
        [] | [b'\r'] => Ok(Step::More),
        [b'\r', b'\n', ..] => Ok(Step::Framing(2)),
        [b'\n', ..] => Err(Rule::BareLf),
        _ => Err(Rule::ChunkDataEnd),
    }
}
// ANCHOR_END: data_end

// ANCHOR: field_line
// field-line = field-name ":" OWS field-value OWS            (RFC 9112 §5)
/// A trailer line: a token, a colon, field-content (chapter 7's classes).
fn field_line(line: &[u8]) -> Result<(), Rule> {
    let (name, rest) = token(line);
    match rest.strip_prefix(b":") {
        Some(value)
            if name > 0 && value.iter().all(|&b| is_field_content(b)) =>
        {
            Ok(())
        }
        _ => Err(Rule::TrailerField),
    }
}
// ANCHOR_END: field_line
