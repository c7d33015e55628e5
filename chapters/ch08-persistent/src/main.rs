//! `cargo run -p ch08-persistent -- --help`
use ch08_persistent::Options;
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
    #[command(flatten)]
    options: Options,
}

// one thread runs every connection's task (so the server uses one core):
// a new connection is never handed to another thread, which costs a
// wake-up and a context switch each
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let config = args.options.config();
    let listener = match ch01_raw_server::listen(PROGRAM, &args.addr).await {
        Ok(listener) => listener,
        Err(line) => {
            eprintln!("{line}");
            std::process::exit(1);
        }
    };
    // once for every connection: accept() copies it
    if let Err(err) = ch08_persistent::no_delay(&listener) {
        eprintln!("{PROGRAM}: cannot set TCP_NODELAY: {err}");
    }
    ch01_raw_server::serve(PROGRAM, listener, move |stream, peer| {
        ch08_persistent::handle_connection(stream, peer, config)
    })
    .await;
}
