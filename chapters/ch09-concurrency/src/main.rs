//! `cargo run -p ch09-concurrency -- --help`
use ch09_concurrency::{Options, PROGRAM};
use clap::Parser;

/// Chapter 8's HTTP/1.1 server, with a connection limit and a graceful
/// shutdown on Ctrl-C or SIGTERM.
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
        Err(line) => fail(&line),
    };
    let local = match listener.local_addr() {
        Ok(local) => local,
        Err(err) => fail(&format!(
            "{PROGRAM}: cannot read the listening address: {err}"
        )),
    };
    // before the first line: a Ctrl-C right after it must find the handler
    let shutdown = match ch09_concurrency::signals() {
        Ok(shutdown) => shutdown,
        Err(err) => fail(&format!("{PROGRAM}: cannot handle signals: {err}")),
    };
    // the signals wait in a task of their own, polled only when one comes;
    // the accept loop polls the (cheap) receiving end of a channel instead
    let (signalled, cause) = tokio::sync::oneshot::channel();
    tokio::spawn(async move { signalled.send(shutdown.await) });
    let shutdown = async { cause.await.unwrap_or("the signal task ended") };
    println!("listening on {local}");
    ch09_concurrency::run(listener, config, shutdown).await;
}

/// One line on stderr, exit status 1.
fn fail(line: &str) -> ! {
    eprintln!("{line}");
    std::process::exit(1);
}
