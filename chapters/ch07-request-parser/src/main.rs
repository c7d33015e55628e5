//! `cargo run -p ch07-request-parser -- --help`
use std::time::Duration;

use ch07_request_parser::{Config, Limits};
use clap::Parser;

const PROGRAM: &str = "ch07-request-parser";

/// An HTTP/1.1 server that answers every request with what its hand-written
/// parser made of the request head, or with the rule the head broke.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
    /// Parse one request head from standard input, print it, and exit
    #[arg(long)]
    stdin: bool,
    /// Longest request-line in bytes, without its CRLF (longer: 414)
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_request_line)]
    max_request_line: usize,
    /// Largest request head in bytes, up to its empty line (larger: 431)
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_head)]
    max_head: usize,
    /// Most field lines in a head (more: 431)
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_fields)]
    max_fields: usize,
    /// Close a connection that has not sent a whole request head within this time
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    head_timeout: Duration,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let limits = Limits {
        max_request_line: args.max_request_line,
        max_head: args.max_head,
        max_fields: args.max_fields,
    };
    if args.stdin {
        std::process::exit(ch07_request_parser::parse_stdin(PROGRAM, &limits));
    }
    let listener = match ch01_raw_server::listen(PROGRAM, &args.addr).await {
        Ok(listener) => listener,
        Err(line) => {
            eprintln!("{line}");
            std::process::exit(1);
        }
    };
    let config = Config {
        limits,
        head_timeout: args.head_timeout,
    };
    ch01_raw_server::serve(PROGRAM, listener, move |stream, peer| {
        ch07_request_parser::handle_connection(stream, peer, config)
    })
    .await;
}
