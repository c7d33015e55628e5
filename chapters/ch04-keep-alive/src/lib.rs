//! Chapter 4: the keep-alive server: chapter 1 without the close. It answers
//! `test` to every chunk it reads and leaves closing to the client, or to an idle
//! timeout, so a forgotten connection does not live forever.
//!
//! Try it: `cargo run -p ch04-keep-alive`, then `nc 127.0.0.1 5000` and type lines.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use ch01_raw_server::{bytes, printable_lines};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

// ANCHOR: handle_connection
/// Replies `test` to every chunk until the client closes its side, or until it
/// has been silent for `idle_timeout`.
pub async fn handle_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    idle_timeout: Duration,
) -> io::Result<()> {
    println!("{peer}: connected");
    let mut buf = [0; 1024];
    loop {
        // a chunk: up to 1024 of the bytes the kernel has buffered, which may
        // be part of one write or pieces of several
        let Ok(read) =
            tokio::time::timeout(idle_timeout, stream.read(&mut buf)).await
        else {
            let idle = humantime::format_duration(idle_timeout);
            println!("{peer}: nothing received for {idle}, closing");
            stream.shutdown().await?;
            return Ok(());
        };
        let n = read?;
        if n == 0 {
            println!("{peer}: the client sent FIN, closing our side too");
            return Ok(());
        }
        println!(
            "{peer}: received {}:\n{}",
            bytes(n),
            printable_lines(&buf[..n])
        );
        stream.write_all(b"test").await?;
    }
}
// ANCHOR_END: handle_connection
