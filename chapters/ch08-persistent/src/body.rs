//! Reading a body by its framing, without I/O: the same steps for a
//! Content-Length body as for a chunked one, so the connection has one loop.

use ch07_request_parser::Limits;

use crate::chunked::{Decoder, Step};
use crate::framing::Framing;
use crate::rules::Rule;

// ANCHOR: body
/// A request body being read.
#[derive(Clone, Debug)]
pub enum Body {
    /// This many bytes of a Content-Length body are still to come.
    Length(u64),
    Chunked(Decoder),
}

impl Body {
    pub fn new(framing: Framing, max_body: u64, limits: &Limits) -> Body {
        match framing {
            Framing::None => Body::Length(0),
            Framing::Length(n) => Body::Length(n),
            Framing::Chunked => Body::Chunked(Decoder::new(max_body, limits)),
        }
    }

    /// What the first bytes of `input` are: see [`Step`].
    pub fn step(&mut self, input: &[u8]) -> Result<Step, Rule> {
        match self {
            Body::Length(0) => Ok(Step::End(0)),
            Body::Length(left) => {
                let n = (*left).min(input.len() as u64);
                *left -= n;
                Ok(if n == 0 {
                    Step::More
                } else {
                    Step::Data(n as usize)
                })
            }
            Body::Chunked(decoder) => decoder.step(input),
        }
    }
}
// ANCHOR_END: body
