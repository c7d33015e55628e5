//! Chapter 3: a client that writes `testing~` on every tick and prints every event
//! of the connection (`connect`, `write`, `data`, `end`, `reset`, `timeout`,
//! `error`, `done`), one plain line each, as TCP really delivers them.
//!
//! Try it: start `cargo run -p ch01-raw-server`, then
//! `cargo run -p ch03-interval-client`. With `-- --manual` it writes once each
//! time you press Enter, so you can watch every step.

use std::io;
use std::time::Duration;

use ch01_raw_server::{bytes, printable};
use tokio::io::{AsyncWriteExt, Interest};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep_until};

/// What the client writes on every tick.
pub const MESSAGE: &[u8] = b"testing~";

/// When to stop.
pub struct Options {
    /// Stop writing after this many writes (`None`: until the connection
    /// fails).
    pub count: Option<u64>,
    /// Print `timeout` after this long without data in either direction, as
    /// Node's `socket.setTimeout` does (`None`: never).
    pub timeout: Option<Duration>,
}

// ANCHOR: run_state
/// Runs the conversation: on each tick one `write`, and in between whatever
/// the server sends. Returns once the connection has failed, or once the
/// server has ended it and we have nothing more to write.
pub async fn run(
    mut stream: TcpStream,
    mut ticks: mpsc::Receiver<()>,
    options: Options,
) {
    let mut buf = [0; 1024];
    let mut writes = 0;
    let mut writing = true; // until --count writes, or the ticks run out
    let mut reading = true; // until the server's FIN
    let mut reset = false; // the server's kernel answered with RST
    let mut idle_since = Instant::now();
    let mut timeout_armed = options.timeout.is_some();
    let idle_limit = options.timeout.unwrap_or(Duration::from_secs(86_400));

    while writing || reading {
        let idle_deadline = idle_since + idle_limit;
        tokio::select! {
            // what has already arrived is reported before the next write
            biased;
            // ANCHOR_END: run_state

            // ANCHOR: run_read
            // the kernel has something for us: bytes, the server's FIN,
            // or an error
            _ = stream.readable(), if reading => {
                match stream.try_read(&mut buf) {
                    Ok(0) => {
                        println!(
                            "end: the server sent FIN \
                             (it will send no more; we still may)"
                        );
                        reading = false;
                    }
                    Ok(n) => {
                        let text = printable(&buf[..n]);
                        println!("data: {} \"{text}\"", bytes(n));
                        idle_since = Instant::now();
                        timeout_armed = options.timeout.is_some();
                    }
                    // nothing to read after all
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                    Err(err) => {
                        println!("error: read failed: {err}");
                        return;
                    }
                }
            },
            // ANCHOR_END: run_read

            // ANCHOR: run_write
            tick = ticks.recv(), if writing => {
                if tick.is_none() {
                    writing = false;
                    continue;
                }
                // one write() call: the kernel takes the bytes, or reports
                // an error
                match stream.write(MESSAGE).await {
                    Ok(n) => println!(
                        "write: {n} bytes \"{}\" accepted by the kernel",
                        printable(&MESSAGE[..n])
                    ),
                    Err(err) => {
                        println!("error: write failed: {err}");
                        return;
                    }
                }
                idle_since = Instant::now();
                timeout_armed = options.timeout.is_some();
                writes += 1;
                if options.count == Some(writes) {
                    writing = false;
                }
            },
            // ANCHOR_END: run_write

            // ANCHOR: run_reset
            // after the FIN we read no more, but the kernel still reports
            // a reset (RST)
            _ = stream.ready(Interest::ERROR), if !reading && !reset => {
                reset = true;
                match stream.take_error() {
                    Ok(Some(err)) => println!(
                        "reset: the server answered with RST; \
                         pending error: {err}"
                    ),
                    _ => println!("reset: the server answered with RST"),
                }
            },

            () = sleep_until(idle_deadline), if timeout_armed => {
                let idle = humantime::format_duration(idle_limit);
                println!(
                    "timeout: no data either way for {idle} \
                     (the connection stays open)"
                );
                timeout_armed = false; // like Node: once per idle spell
            },
        }
    }
    println!("done: closing our side");
}
// ANCHOR_END: run_reset

// ANCHOR: ticks
/// A tick every `interval`, the first one after a full interval, as
/// `setInterval` does.
pub fn interval_ticks(interval: Duration) -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let mut timer =
            tokio::time::interval_at(Instant::now() + interval, interval);
        loop {
            timer.tick().await;
            if tx.send(()).await.is_err() {
                return;
            }
        }
    });
    rx
}

/// A tick for every line on standard input (every Enter); none after its end.
pub fn stdin_ticks() -> mpsc::Receiver<()> {
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        let mut lines = tokio::io::BufReader::new(tokio::io::stdin());
        let mut line = String::new();
        while let Ok(n) =
            tokio::io::AsyncBufReadExt::read_line(&mut lines, &mut line).await
        {
            if n == 0 || tx.send(()).await.is_err() {
                return;
            }
            line.clear();
        }
    });
    rx
}
// ANCHOR_END: ticks

/// Prints the first line: both ends of the new connection.
pub fn announce(stream: &TcpStream) -> io::Result<()> {
    println!(
        "connect: {} -> {}",
        stream.local_addr()?,
        stream.peer_addr()?
    );
    Ok(())
}
