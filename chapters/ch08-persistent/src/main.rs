//! `cargo run -p ch08-persistent -- --help`
use std::time::Duration;

use ch08_persistent::{Config, Limits};
use clap::Parser;

const PROGRAM: &str = "ch08-persistent";

/// A persistent HTTP/1.1 server: many requests per connection, bodies by
/// Content-Length or chunked, pipelining, HEAD and 100-continue.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
    /// Longest request-line in bytes, without its CRLF (longer: 414)
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_request_line)]
    max_request_line: usize,
    /// Largest request head (and trailer section) in bytes (larger: 431)
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_head)]
    max_head: usize,
    /// Most field lines in a head (and trailer section) (more: 431)
    #[arg(long, value_name = "N", default_value_t = Limits::DEFAULT.max_fields)]
    max_fields: usize,
    /// Largest request body in bytes (larger: 413)
    #[arg(long, value_name = "BYTES", default_value_t = Config::DEFAULT.max_body)]
    max_body: u64,
    /// Close a connection whose request head has not all come within this time (408)
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    head_timeout: Duration,
    /// Close a connection that sends nothing for this long, between requests or inside a body
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration)]
    idle_timeout: Duration,
    /// Close a connection whose client reads nothing of a response for this long
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    send_timeout: Duration,
    /// Print no line per connection (for load tests)
    #[arg(long)]
    quiet: bool,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let config = Config {
        limits: Limits {
            max_request_line: args.max_request_line,
            max_head: args.max_head,
            max_fields: args.max_fields,
        },
        head_timeout: args.head_timeout,
        idle_timeout: args.idle_timeout,
        send_timeout: args.send_timeout,
        max_body: args.max_body,
        quiet: args.quiet,
    };
    let listener = match ch01_raw_server::listen(PROGRAM, &args.addr).await {
        Ok(listener) => listener,
        Err(line) => {
            eprintln!("{line}");
            std::process::exit(1);
        }
    };
    ch01_raw_server::serve(PROGRAM, listener, move |stream, peer| {
        ch08_persistent::handle_connection(stream, peer, config)
    })
    .await;
}
