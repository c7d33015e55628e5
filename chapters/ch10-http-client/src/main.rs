//! `cargo run -p ch10-http-client -- --help`
use std::time::Duration;

use ch07_request_parser::Limits;
use ch07_request_parser::rules::TCHAR;
use ch10_http_client::{Config, Request, parse_url, run};
use clap::Parser;
use humantime::parse_duration;

const DEFAULT: Limits = Limits::DEFAULT;

const PROGRAM: &str = "ch10-http-client";

/// An HTTP/1.1 client on a raw TCP socket: prints each response's status
/// line, fields and body, like `curl -i`. URLs to the same host:port share
/// one connection while the server keeps it open.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// http:// URLs, requested in order
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// The request method (default GET; POST with -d; HEAD with --head)
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    method: Option<String>,
    /// Send DATA as the request's content (with Content-Length)
    #[arg(short, long)]
    data: Option<String>,
    /// Send the content in the chunked transfer coding instead
    #[arg(long, requires = "data")]
    chunked: bool,
    /// Send HEAD: the fields of a GET's response, no body
    #[arg(short = 'I', long, conflicts_with_all = ["method", "data"])]
    head: bool,
    /// Print each request sent and the connection's events on stderr
    #[arg(short, long)]
    verbose: bool,
    /// Give up on a connection not established within this time
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    connect_timeout: Duration,
    /// Give up when a response sends nothing for this long
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    response_timeout: Duration,
    /// Largest response head (and trailer section) in bytes
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT.max_head)]
    max_head: usize,
    /// Most field lines in a response head (and trailer section)
    #[arg(long, value_name = "N", default_value_t = DEFAULT.max_fields)]
    max_fields: usize,
}

fn main() {
    let args = Args::parse();
    let requests = match requests(&args) {
        Ok(requests) => requests,
        Err(line) => fail(&line),
    };
    let config = Config {
        limits: Limits {
            max_head: args.max_head,
            max_fields: args.max_fields,
            ..Limits::DEFAULT
        },
        connect_timeout: args.connect_timeout,
        response_timeout: args.response_timeout,
        verbose: args.verbose,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(run(&requests, config)),
        Err(err) => fail(&format!("cannot start the runtime: {err}")),
    };
    if let Err(failure) = result {
        fail(&failure.to_string());
    }
}

/// One line on stderr, exit status 1.
fn fail(line: &str) -> ! {
    eprintln!("{PROGRAM}: {line}");
    std::process::exit(1);
}

/// The requests of the command line, or the line saying what is wrong.
fn requests(args: &Args) -> Result<Vec<Request>, String> {
    let method = match (&args.method, args.head, &args.data) {
        (Some(method), _, _) => method.clone(),
        (None, true, _) => "HEAD".to_string(),
        (None, false, Some(_)) => "POST".to_string(),
        (None, false, None) => "GET".to_string(),
    };
    // method = token (RFC 9112 §3.1)
    if method.is_empty() || !method.bytes().all(|b| TCHAR[b as usize]) {
        return Err(format!(
            "{method:?} is not a method: method = token \
            (RFC 9112 §3.1)"
        ));
    }
    if method == "CONNECT" {
        return Err("CONNECT opens a tunnel (RFC 9110 §9.3.6): this client \
            does not send it"
            .to_string());
    }
    let body = args.data.as_ref().map(|data| data.as_bytes().to_vec());
    let mut requests = Vec::new();
    for text in &args.urls {
        let url = parse_url(text).map_err(|why| format!("{text}: {why}"))?;
        let (method, body, chunked) =
            (method.clone(), body.clone(), args.chunked);
        requests.push(Request {
            method,
            url,
            body,
            chunked,
        });
    }
    Ok(requests)
}
