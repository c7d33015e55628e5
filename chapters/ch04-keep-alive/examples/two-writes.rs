//! Two writes, one read: TCP is a byte stream, and keeps no message boundaries.
//!
//! It writes `one`, waits until the server's answer (`test`) sits in its receive
//! buffer without reading it, writes `two`, waits until the second `test` has
//! arrived too, and then calls read() once: that one read returns both answers,
//! `testtest`, as one chunk. Every step prints one line.
//!
//! Try it: `cargo run -p ch04-keep-alive` in one terminal, then
//! `cargo run -p ch04-keep-alive --example two-writes` in another.
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use ch01_raw_server::{bytes, printable};
use clap::Parser;

const PROGRAM: &str = "two-writes";
/// The longest we wait for the server at any step.
const WAIT: Duration = Duration::from_secs(10);

/// Writes twice, waits until both answers are buffered, then reads once.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address of chapter 4's server
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
}

fn main() {
    let args = Args::parse();
    if let Err(err) = run(&args.addr) {
        eprintln!("{PROGRAM}: {err}");
        std::process::exit(1);
    }
}

// ANCHOR: run
fn run(addr: &str) -> io::Result<()> {
    let mut stream = TcpStream::connect(addr).map_err(|err| {
        io::Error::new(err.kind(), format!("cannot connect to {addr}: {err}"))
    })?;
    stream.set_read_timeout(Some(WAIT))?;
    let (local, peer) = (stream.local_addr()?, stream.peer_addr()?);
    println!("connect: {local} -> {peer}");

    for (message, buffered) in [(&b"one"[..], 4), (b"two", 8)] {
        stream.write_all(message)?;
        println!("write: {} \"{}\"", bytes(message.len()), printable(message));
        let waiting = peek_until(&stream, buffered)?;
        println!(
            "peek: {} \"{}\" waiting in the receive buffer, not read yet",
            bytes(waiting.len()),
            printable(&waiting)
        );
    }

    // one read() call: it takes everything buffered (up to the buffer's size)
    let mut buf = [0; 1024];
    let n = stream.read(&mut buf)?;
    println!(
        "read: one read() returned {} \"{}\"",
        bytes(n),
        printable(&buf[..n])
    );
    println!("done: closing our side (FIN)");
    Ok(())
}
// ANCHOR_END: run

/// Waits until at least `want` bytes sit in the receive buffer, and returns them
/// without reading them: peek() copies the bytes but leaves them in the buffer.
fn peek_until(stream: &TcpStream, want: usize) -> io::Result<Vec<u8>> {
    let deadline = Instant::now() + WAIT;
    let mut buf = [0; 64];
    loop {
        // blocks until at least one byte is there (or the read timeout)
        let n = stream.peek(&mut buf)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed the connection",
            ));
        }
        if n >= want {
            return Ok(buf[..n].to_vec());
        }
        if Instant::now() > deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("only {} of {want} arrived within {WAIT:?}", bytes(n)),
            ));
        }
        thread::sleep(Duration::from_millis(1)); // polling the buffer, not synchronising
    }
}
