//! `cargo run -p ch06-framing -- --help`
use std::time::Duration;

use ch06_framing::{Framing, Options};
use clap::Parser;

const PROGRAM: &str = "ch06-framing";

/// A TCP server that cuts the byte stream into frames, prints each frame and echoes it back.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
    /// A frame is a line ending in `\n`, or a 4-byte big-endian length and that many bytes
    #[arg(long, value_enum, default_value = "lines")]
    framing: Framing,
    /// The largest frame accepted, in bytes, without the line's ending or the length prefix
    #[arg(long, default_value_t = 8192)]
    max_frame: usize,
    /// Close a connection after this long with nothing received, e.g. 30s or 100ms
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    idle_timeout: Duration,
    /// Frame with tokio-util's LinesCodec or LengthDelimitedCodec instead of by hand
    #[arg(long)]
    codec: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let listener = match ch01_raw_server::listen(PROGRAM, &args.addr).await {
        Ok(listener) => listener,
        Err(line) => {
            eprintln!("{line}");
            std::process::exit(1);
        }
    };
    let options = Options {
        framing: args.framing,
        max_frame: args.max_frame,
        idle_timeout: args.idle_timeout,
        codec: args.codec,
    };
    ch01_raw_server::serve(PROGRAM, listener, move |stream, peer| {
        ch06_framing::handle(stream, peer, options)
    })
    .await;
}
