//! The floor: no parsing at all. For every `\r\n\r\n` that arrives it writes one
//! fixed response (the bytes the book's server sent for `GET /`, which the harness
//! passes with `--response`: its Date frozen), so what it costs per request is the
//! kernel's and the runtime's share.
//! `cargo run --release -p ch12-performance --bin floor-server -- --addr 127.0.0.1:0`
use ch12_performance::{ServerArgs, listen};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const PROGRAM: &str = "floor-server";

// ANCHOR: ends
/// Steps a matcher for "\r\n\r\n" (the end of a request head) by one byte: the
/// state is how many of its bytes have just been seen; 4 means the whole of it.
fn step(seen: u8, byte: u8) -> u8 {
    match (seen, byte) {
        (0 | 2, b'\r') => seen + 1,
        (1 | 3, b'\n') => seen + 1,
        (_, b'\r') => 1,
        _ => 0,
    }
}
// ANCHOR_END: ends

// ANCHOR: serve
async fn serve(mut stream: TcpStream, response: &[u8]) -> std::io::Result<()> {
    let mut buf = vec![0; 4096];
    let mut out = Vec::with_capacity(response.len());
    let mut seen = 0;
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(()); // the client's FIN: it has what it asked for
        }
        out.clear();
        for &byte in &buf[..n] {
            seen = step(seen, byte);
            if seen == 4 {
                out.extend_from_slice(response);
                seen = 0;
            }
        }
        // one write for every head that ended in this read (pipelined ones too)
        stream.write_all(&out).await?;
    }
}
// ANCHOR_END: serve

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = ServerArgs::read();
    let response: &'static [u8] = args.response(PROGRAM).leak();
    let listener = listen(PROGRAM, &args.addr).await;
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                tokio::spawn(async move {
                    let _ = serve(stream, response).await;
                });
            }
            Err(err) => eprintln!("{PROGRAM}: accept failed: {err}"),
        }
    }
}
