//! Chapter 1: a raw TCP server, the first program of the post this book grew from.
//!
//! For each connection it prints who connected (the *peer's* address), prints the
//! first chunk of bytes that arrives, replies `test` and closes the connection.
//!
//! Try it: `cargo run -p ch01-raw-server`, then in a second terminal
//! `printf 'hello' | nc 127.0.0.1 5000`.
//!
//! Later chapters reuse [`listen`], [`serve`], [`printable`],
//! [`printable_lines`], [`bytes`] and [`say!`].

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: listen
/// Binds `addr`, or returns the one line that tells the reader what to do.
pub async fn listen(program: &str, addr: &str) -> Result<TcpListener, String> {
    TcpListener::bind(addr).await.map_err(|err| {
        let hint = match err.kind() {
            io::ErrorKind::AddrInUse => {
                " (is another program using the port? try --addr 127.0.0.1:0)"
            }
            io::ErrorKind::PermissionDenied => {
                " (ports below 1024 need root; pick another port)"
            }
            _ => "",
        };
        format!("{program}: cannot listen on {addr}: {err}{hint}")
    })
}
// ANCHOR_END: listen

// ANCHOR: serve_setup
/// Prints `listening on ADDR` (the first line), then accepts connections until
/// Ctrl-C. Each connection runs in its own task, so a slow or silent client
/// never holds up the next one; a connection's error is one line naming the
/// peer.
pub async fn serve<H, F>(program: &str, listener: TcpListener, handler: H)
where
    H: Fn(TcpStream, SocketAddr) -> F,
    F: Future<Output = io::Result<()>> + Send + 'static,
{
    let local = match listener.local_addr() {
        Ok(local) => local,
        Err(err) => {
            return say!("{program}: cannot read the listening address: {err}");
        }
    };
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut announced = false;
    // ANCHOR_END: serve_setup
    // ANCHOR: serve_loop
    loop {
        tokio::select! {
            // poll in this order: Ctrl-C is caught before we announce ourselves
            biased;
            _ = &mut ctrl_c => break,
            () = std::future::ready(()), if !announced => {
                say!("listening on {local}");
                announced = true;
            }
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let connection = handler(stream, peer);
                    tokio::spawn(async move {
                        if let Err(err) = connection.await {
                            say!("{peer}: connection failed: {err}");
                        }
                    });
                }
                Err(err) => {
                    // e.g. "Too many open files": say so, breathe, go on
                    say!("{program}: accept failed: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }
    say!("{program}: shutting down");
}
// ANCHOR_END: serve_loop

// ANCHOR: handle_connection
/// The seed's `socket.on('data')` handler: print the first chunk, reply
/// `test`, close.
pub async fn handle_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
) -> io::Result<()> {
    // `peer` is the other end; the seed printed socket.address(), our own end
    println!("{peer}: connected");

    let mut buf = [0; 1024];
    let n = stream.read(&mut buf).await?;
    if n == 0 {
        println!("{peer}: closed without sending anything");
        return Ok(());
    }
    println!(
        "{peer}: received {}:\n{}",
        bytes(n),
        printable_lines(&buf[..n])
    );

    // four bytes out, then our FIN: shutdown() is what Node's socket.end() does
    stream.write_all(b"test").await?;
    stream.shutdown().await?;
    println!("{peer}: replied \"test\" and closed");
    Ok(())
} // `stream` is dropped here: the socket is closed for reading too
// ANCHOR_END: handle_connection

// ANCHOR: say
/// `println!` for a server's log: `say!("{peer}: connected")`. Where
/// `println!` panics when stdout is closed (its reader gone, as in
/// `server | head -1`), this loses the line: a server must not die of
/// its own log.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::say_line(format_args!($($arg)*))
    };
}

/// What [`say!`] does: one line on stdout, any error ignored.
pub fn say_line(line: std::fmt::Arguments) {
    use std::io::Write;
    let _ = writeln!(io::stdout().lock(), "{line}");
}
// ANCHOR_END: say

// ANCHOR: printable
/// Shows bytes as text a terminal can print safely: valid UTF-8 as is, control
/// bytes and invalid bytes as escapes (`\r`, `\n`, `\x00`, `\xff`), backslash
/// as `\\`.
pub fn printable(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => {
                    out.push_str(&format!("\\x{:02x}", c as u32))
                }
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// `1 byte`, `8 bytes`: how much arrived, in English.
pub fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// Like [`printable`], but one indented output line per received line, so a
/// request reads top to bottom; each line still shows its `\r\n`.
pub fn printable_lines(bytes: &[u8]) -> String {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(|line| format!("    {}", printable(line)))
        .collect::<Vec<_>>()
        .join("\n")
}
// ANCHOR_END: printable
