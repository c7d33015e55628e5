//! Chapter 2: a TCP client. `connect` is where the 3-way handshake happens.
//!
//! Try it: start `cargo run -p ch01-raw-server`, then `cargo run -p ch02-client`.
//!
//! Later chapters reuse [`connect`].

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

// ANCHOR: connect
/// Opens a connection to `addr`. The kernel sends SYN, receives SYN-ACK and
/// sends ACK before `connect` returns. On failure: the one line that says what
/// to do.
pub async fn connect(program: &str, addr: &str) -> Result<TcpStream, String> {
    TcpStream::connect(addr).await.map_err(|err| {
        let hint = match err.kind() {
            io::ErrorKind::ConnectionRefused => {
                " (is the server running? start one with: \
                 cargo run -p ch01-raw-server)"
            }
            _ => "",
        };
        format!("{program}: cannot connect to {addr}: {err}{hint}")
    })
}
// ANCHOR_END: connect

// ANCHOR: run
/// Reports both ends of the connection, then closes it gracefully: our FIN
/// first, then we read until the server's FIN.
pub async fn run(mut stream: TcpStream) -> io::Result<()> {
    let local = stream.local_addr()?;
    let peer = stream.peer_addr()?;
    println!("connected: {local} -> {peer}");

    // nothing to say: shutdown() sends our FIN; we can still read
    stream.shutdown().await?;
    println!("sent FIN: nothing more to send");

    let mut received = Vec::new();
    stream.read_to_end(&mut received).await?;
    if !received.is_empty() {
        println!(
            "received {}: {}",
            ch01_raw_server::bytes(received.len()),
            ch01_raw_server::printable(&received)
        );
    }
    println!("closed: the server sent its FIN too");
    Ok(())
}
// ANCHOR_END: run
