//! `cargo run -p ch04-keep-alive -- --help`
use std::time::Duration;

use clap::Parser;

const PROGRAM: &str = "ch04-keep-alive";

/// A TCP server that keeps the connection open and answers `test` to every chunk.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
    /// Close a connection after this long with nothing received, e.g. 30s or 100ms
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    idle_timeout: Duration,
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
    let idle_timeout = args.idle_timeout;
    ch01_raw_server::serve(PROGRAM, listener, move |stream, peer| {
        ch04_keep_alive::handle_connection(stream, peer, idle_timeout)
    })
    .await;
}
