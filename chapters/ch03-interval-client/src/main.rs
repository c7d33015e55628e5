//! `cargo run -p ch03-interval-client -- --help`
use std::time::Duration;

use ch03_interval_client::{Options, interval_ticks, stdin_ticks};
use clap::Parser;

const PROGRAM: &str = "ch03-interval-client";

/// A TCP client that writes `testing~` on a timer and prints every event of the connection.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address of the server to connect to
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
    /// Time between writes, e.g. 1s or 50ms
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    interval: Duration,
    /// Write once each time you press Enter, instead of on a timer
    #[arg(long, conflicts_with = "interval")]
    manual: bool,
    /// Stop writing after N writes [default: until the connection fails]
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Print `timeout` after this long with no data either way, e.g. 3s [default: off]
    #[arg(long, value_parser = humantime::parse_duration)]
    timeout: Option<Duration>,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let stream = match ch02_client::connect(PROGRAM, &args.addr).await {
        Ok(stream) => stream,
        Err(line) => {
            eprintln!("{line}");
            std::process::exit(1);
        }
    };
    if let Err(err) = ch03_interval_client::announce(&stream) {
        eprintln!("{PROGRAM}: connection to {} failed: {err}", args.addr);
        std::process::exit(1);
    }
    let ticks = if args.manual {
        stdin_ticks()
    } else {
        interval_ticks(args.interval)
    };
    let options = Options {
        count: args.count,
        timeout: args.timeout,
    };
    ch03_interval_client::run(stream, ticks, options).await;
    // exit now: with --manual, tokio's stdin thread may still sit in a blocking read
    std::process::exit(0);
}
