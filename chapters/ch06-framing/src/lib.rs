//! Chapter 6: framing. TCP delivers a stream of bytes; a protocol needs
//! messages (*frames*). This server cuts the stream into frames, by hand or
//! with tokio-util's codecs (`--codec`), prints each frame and echoes it back:
//!
//! - `--framing lines`: a line ending in `\n` (a `\r` before it is dropped);
//! - `--framing length`: a 4-byte big-endian length, then that many bytes.
//!
//! A frame over `--max-frame`, bytes that are not a frame, a FIN or a silence
//! in the middle of a frame: one line to the log, the same line (framed) to
//! the peer, and our FIN. The next client is served as usual.
//!
//! Try it: `cargo run -p ch06-framing`, then `nc 127.0.0.1 5000` and type
//! lines; or `cargo run -p ch06-framing -- --framing length`, then
//! `printf '\0\0\0\5hello' | nc -N 127.0.0.1 5000 | od -c`.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use ch01_raw_server::{bytes, printable};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_util::codec::{
    Framed, LengthDelimitedCodec, LinesCodec, LinesCodecError,
};
use tokio_util::io::InspectReader;

/// How long a refused client may go on sending before we stop reading it.
pub const LINGER: Duration = Duration::from_secs(2);

/// How the byte stream is cut into frames (`--framing`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Framing {
    // (no doc comments here: clap would turn `--help` into its long form)
    Lines,
    Length,
}

/// Everything a connection needs to know, from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub framing: Framing,
    /// The largest frame accepted, in bytes: a line without its ending, a
    /// payload without its length prefix.
    pub max_frame: usize,
    pub idle_timeout: Duration,
    /// Use tokio-util's codecs instead of the hand-written framers.
    pub codec: bool,
}

// ANCHOR: framer
/// Cuts frames off the front of the bytes received so far, and frames replies.
pub trait Framer {
    /// `Ok(Some(frame))`: one whole frame, removed from the front of `buf`;
    /// `Ok(None)`: no whole frame yet, read more; `Err`: not our protocol.
    fn decode(&self, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, FrameError>;
    /// `frame` as it goes on the wire.
    fn encode(&self, frame: &[u8]) -> Vec<u8>;
}

/// Why bytes are not a frame of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// A line over `max` bytes, or no `\n` yet past them.
    LineTooLong { max: usize },
    /// A length prefix over the maximum.
    FrameTooLong { len: usize, max: usize },
}
// ANCHOR_END: framer

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::LineTooLong { max } => {
                write!(f, "a line longer than {}", bytes(*max))
            }
            FrameError::FrameTooLong { len, max } => {
                write!(
                    f,
                    "a frame of {}, over the maximum of {max}",
                    bytes(*len)
                )
            }
        }
    }
}

impl std::error::Error for FrameError {}

// ANCHOR: lines
/// A frame is the bytes before `\n`; a `\r` right before it is dropped too.
pub struct Lines {
    /// The longest line accepted, its `\r\n` or `\n` not counted.
    pub max_line: usize,
}

impl Framer for Lines {
    fn decode(&self, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, FrameError> {
        let too_long = FrameError::LineTooLong { max: self.max_line };
        let Some(newline) = buf.iter().position(|&b| b == b'\n') else {
            // no `\n` yet: the line is at least this long (a last `\r` may
            // still turn out to be half of `\r\n`)
            let shortest = buf.len() - usize::from(buf.last() == Some(&b'\r'));
            return if shortest > self.max_line {
                Err(too_long) // no way to find where the next message starts
            } else {
                Ok(None)
            };
        };
        let mut line: Vec<u8> = buf.drain(..=newline).collect();
        line.pop(); // the `\n`
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.len() > self.max_line {
            return Err(too_long);
        }
        Ok(Some(line))
    }

    fn encode(&self, frame: &[u8]) -> Vec<u8> {
        [frame, b"\n"].concat()
    }
}
// ANCHOR_END: lines

// ANCHOR: length_prefixed
/// A frame is a 4-byte big-endian length, then that many bytes of payload.
pub struct LengthPrefixed {
    /// The largest payload accepted, the 4 bytes of the prefix not counted.
    pub max_frame: usize,
}

impl Framer for LengthPrefixed {
    fn decode(&self, buf: &mut Vec<u8>) -> Result<Option<Vec<u8>>, FrameError> {
        let Some(&prefix) = buf.first_chunk::<4>() else {
            return Ok(None); // not even the whole length yet
        };
        let len = u32::from_be_bytes(prefix) as usize;
        if len > self.max_frame {
            // known before the payload arrives: refuse it without buffering it
            let max = self.max_frame;
            return Err(FrameError::FrameTooLong { len, max });
        }
        if buf.len() < 4 + len {
            return Ok(None); // the payload is still on its way
        }
        let frame = buf[4..4 + len].to_vec();
        buf.drain(..4 + len);
        Ok(Some(frame))
    }

    fn encode(&self, frame: &[u8]) -> Vec<u8> {
        // the prefix counts the payload only; 4 GiB or more cannot be said
        let len = u32::try_from(frame.len()).unwrap_or(u32::MAX);
        [&len.to_be_bytes(), frame].concat()
    }
}
// ANCHOR_END: length_prefixed

/// Runs one connection the way `options` say.
pub async fn handle(
    stream: TcpStream,
    peer: SocketAddr,
    options: Options,
) -> io::Result<()> {
    let Options {
        framing,
        max_frame,
        idle_timeout,
        codec,
    } = options;
    println!("{peer}: connected");
    match (framing, codec) {
        (Framing::Lines, false) => {
            let framer = Lines {
                max_line: max_frame,
            };
            handle_connection(stream, peer, framer, idle_timeout).await
        }
        (Framing::Length, false) => {
            let framer = LengthPrefixed { max_frame };
            handle_connection(stream, peer, framer, idle_timeout).await
        }
        (Framing::Lines, true) => {
            lines_codec(stream, peer, max_frame, idle_timeout).await
        }
        (Framing::Length, true) => {
            length_codec(stream, peer, max_frame, idle_timeout).await
        }
    }
}

// ANCHOR: handle_connection
/// Reads, cuts the bytes into frames, prints and echoes each frame.
pub async fn handle_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    framer: impl Framer,
    idle: Duration,
) -> io::Result<()> {
    let mut buf = Vec::new(); // received, not yet cut into frames
    let mut chunk = [0; 4096];
    loop {
        let Ok(read) = timeout(idle, stream.read(&mut chunk)).await else {
            let idle = humantime::format_duration(idle);
            let why = format!("nothing received for {idle}{}", leftover(&buf));
            return refuse(&mut stream, peer, &framer, why).await;
        };
        let n = read?;
        if n == 0 && buf.is_empty() {
            println!("{peer}: the client sent FIN, closing our side too");
            return Ok(());
        }
        if n == 0 {
            // FIN in the middle of a frame: say so, never drop it silently
            let why = format!("the client sent FIN{}", leftover(&buf));
            return refuse(&mut stream, peer, &framer, why).await;
        }
        println!("{peer}: read {}", bytes(n));
        buf.extend_from_slice(&chunk[..n]);
        // one read may hold no whole frame, one, or several
        loop {
            let frame = match framer.decode(&mut buf) {
                Ok(Some(frame)) => frame,
                Ok(None) => break, // read more
                Err(e) => return refuse(&mut stream, peer, &framer, e).await,
            };
            println!("{peer}: frame {}", shown(&frame));
            stream.write_all(&framer.encode(&frame)).await?;
        }
    }
}
// ANCHOR_END: handle_connection

// ANCHOR: refuse
/// One line to the log, the same line framed to the peer, then our FIN.
async fn refuse(
    stream: &mut TcpStream,
    peer: SocketAddr,
    framer: &impl Framer,
    why: impl fmt::Display,
) -> io::Result<()> {
    println!("{peer}: {why}, closing");
    let line = framer.encode(format!("error: {why}").as_bytes());
    stream.write_all(&line).await?;
    close(stream).await
}

/// Our FIN, then the client's bytes read and dropped until its FIN (for
/// [`LINGER`] at most): closing with unread bytes would send RST, and the
/// client's kernel could drop our error line unread (chapter 5).
pub async fn close(stream: &mut TcpStream) -> io::Result<()> {
    stream.shutdown().await?;
    let mut buf = [0; 4096];
    let drained = timeout(LINGER, async {
        while stream.read(&mut buf).await? > 0 {}
        io::Result::Ok(())
    });
    drained.await.unwrap_or(Ok(())) // past LINGER: give up on the client
}

/// ` in the middle of a frame: "hel" (3 bytes) left over`, or nothing.
fn leftover(buf: &[u8]) -> String {
    if buf.is_empty() {
        return String::new();
    }
    format!(" in the middle of a frame: {} left over", shown(buf))
}
// ANCHOR_END: refuse

/// `"hello" (5 bytes)`; past 40 bytes only the first 40 are shown.
pub fn shown(frame: &[u8]) -> String {
    let cut = frame.len().min(40);
    let more = if frame.len() > cut { "..." } else { "" };
    let n = bytes(frame.len());
    format!("\"{}{more}\" ({n})", printable(&frame[..cut]))
}

/// The codec modes read through this, so that they print each read as the
/// hand-written mode does.
fn show_reads(
    stream: TcpStream,
    peer: SocketAddr,
) -> InspectReader<TcpStream, impl FnMut(&[u8])> {
    InspectReader::new(stream, move |read: &[u8]| {
        if !read.is_empty() {
            println!("{peer}: read {}", bytes(read.len()));
        }
    })
}

// ANCHOR: lines_codec
/// The same line protocol with tokio-util's `LinesCodec`.
pub async fn lines_codec(
    stream: TcpStream,
    peer: SocketAddr,
    max_line: usize,
    idle: Duration,
) -> io::Result<()> {
    let codec = LinesCodec::new_with_max_length(max_line);
    let mut lines = Framed::new(show_reads(stream, peer), codec);
    let why = loop {
        let Ok(next) = timeout(idle, lines.next()).await else {
            break format!("no line for {}", humantime::format_duration(idle));
        };
        match next {
            Some(Ok(line)) => {
                println!("{peer}: frame {}", shown(line.as_bytes()));
                lines.send(line).await.map_err(io::Error::other)?;
            }
            None => {
                println!("{peer}: the client sent FIN, closing our side too");
                return Ok(());
            }
            Some(Err(LinesCodecError::Io(err))) if !is_protocol_error(&err) => {
                return Err(err); // the connection broke, e.g. a reset
            }
            Some(Err(err)) => break err.to_string(), // too long, or not UTF-8
        }
    };
    println!("{peer}: {why}, closing");
    let line = format!("error: {why}");
    lines.send(line).await.map_err(io::Error::other)?;
    close(lines.get_mut().get_mut()).await
}
// ANCHOR_END: lines_codec

// ANCHOR: length_codec
/// The same length prefix with tokio-util's `LengthDelimitedCodec`, whose
/// defaults are ours: 4 bytes, big-endian, counting the payload only.
pub async fn length_codec(
    stream: TcpStream,
    peer: SocketAddr,
    max_frame: usize,
    idle: Duration,
) -> io::Result<()> {
    let mut codec = LengthDelimitedCodec::new();
    codec.set_max_frame_length(max_frame);
    let mut frames = Framed::new(show_reads(stream, peer), codec);
    let why = loop {
        let Ok(next) = timeout(idle, frames.next()).await else {
            break format!("no frame for {}", humantime::format_duration(idle));
        };
        match next {
            Some(Ok(frame)) => {
                println!("{peer}: frame {}", shown(&frame));
                frames.send(&frame[..]).await?;
            }
            None => {
                println!("{peer}: the client sent FIN, closing our side too");
                return Ok(());
            }
            // too big, or a FIN in the middle of a frame
            Some(Err(err)) if is_protocol_error(&err) => break err.to_string(),
            Some(Err(err)) => return Err(err), // e.g. a reset
        }
    };
    println!("{peer}: {why}, closing");
    // the codec's maximum holds for what it sends too; ours is for receiving
    frames.codec_mut().set_max_frame_length(usize::MAX);
    frames.send(format!("error: {why}").as_bytes()).await?;
    close(frames.get_mut().get_mut()).await
}
// ANCHOR_END: length_codec

/// What the codecs say about bytes that break the protocol: a line too long
/// or not UTF-8, a frame too big (`InvalidData`), or a FIN in the middle of a
/// frame ("bytes remaining on stream", `Other`).
fn is_protocol_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::InvalidData | io::ErrorKind::Other
    )
}
