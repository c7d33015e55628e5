//! What chapter 6's page says about the codecs past their maximum, checked on
//! the library itself (`cargo test -p ch06-framing`): LinesCodec is built to
//! skip the long line and go on, but `Framed` ends the stream right after the
//! error; LengthDelimitedCodec skips nothing.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{
    Decoder, FramedRead, LengthDelimitedCodec, LinesCodec, LinesCodecError,
};

/// The decoder alone: one error for the long line, then the next line.
#[test]
fn lines_codec_skips_the_long_line() {
    let mut codec = LinesCodec::new_with_max_length(4);
    let mut buf = BytesMut::from(&b"toolong\nok\n"[..]);
    assert!(matches!(
        codec.decode(&mut buf),
        Err(LinesCodecError::MaxLineLengthExceeded)
    ));
    assert_eq!(codec.decode(&mut buf).ok().flatten().as_deref(), Some("ok"));
    assert_eq!(codec.decode(&mut buf).ok().flatten(), None);
}

/// Through `FramedRead`: the error, then `None`; polled again, it reads before
/// it decodes, so the `ok` line already buffered waits for more bytes.
#[tokio::test]
async fn framed_ends_after_the_error() {
    let (mut peer, ours) = tokio::io::duplex(64);
    let mut lines = FramedRead::new(ours, LinesCodec::new_with_max_length(4));
    assert!(peer.write_all(b"toolong\nok\n").await.is_ok());
    assert!(matches!(lines.next().await, Some(Err(_))));
    assert!(lines.next().await.is_none());
    let waiting = tokio::time::timeout(Duration::from_millis(50), lines.next());
    assert!(
        waiting.await.is_err(),
        "the buffered line came out unprompted"
    );
    assert!(peer.write_all(b"more\n").await.is_ok());
    let next = lines.next().await.and_then(Result::ok);
    assert_eq!(next.as_deref(), Some("ok"));
    let next = lines.next().await.and_then(Result::ok);
    assert_eq!(next.as_deref(), Some("more"));
}

/// LengthDelimitedCodec past its maximum: the error, and the length prefix
/// stays at the front of the buffer, so the next call fails the same way and
/// the frame after it never comes out.
#[test]
fn length_delimited_codec_skips_nothing() {
    let mut codec = LengthDelimitedCodec::new();
    codec.set_max_frame_length(4);
    let mut buf = BytesMut::from(&b"\0\0\0\x05hello\0\0\0\x02ok"[..]);
    for _ in 0..2 {
        let err = codec.decode(&mut buf).err().map(|err| err.to_string());
        assert_eq!(err.as_deref(), Some("frame size too big"));
        assert_eq!(buf.len(), 4 + 5 + 4 + 2, "nothing was consumed");
    }
}
