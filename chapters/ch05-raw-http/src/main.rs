//! `cargo run -p ch05-raw-http -- --help`
use std::time::Duration;

use ch05_raw_http::{Answer, Config};
use clap::Parser;

const PROGRAM: &str = "ch05-raw-http";

/// An HTTP/1.1 server on a raw TCP socket: prints each request, answers with a hand-written response.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
    /// Answer with the seed post's response, byte for byte, instead of a valid one
    #[arg(long)]
    seed_response: bool,
    /// Close a connection that has not sent a whole request head within this time
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    head_timeout: Duration,
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
    let answer = if args.seed_response {
        Answer::Seed
    } else {
        Answer::Correct
    };
    let config = Config {
        answer,
        head_timeout: args.head_timeout,
    };
    ch01_raw_server::serve(PROGRAM, listener, move |stream, peer| {
        ch05_raw_http::handle_connection(stream, peer, config)
    })
    .await;
}
