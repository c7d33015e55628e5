//! `cargo run -p ch11-static-files -- --root DIR` (`--help` for the rest)
use std::path::PathBuf;

use ch09_concurrency::Options;
use ch11_static_files::{Files, PROGRAM};
use clap::Parser;

/// Serves the files under a directory, on chapter 9's server: connection
/// limit, timeouts and graceful shutdown included.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// The directory to serve; nothing outside it is ever sent
    #[arg(long, value_name = "DIR")]
    root: PathBuf,
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
    #[command(flatten)]
    options: Options,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let files = match Files::new(&args.root) {
        Ok(files) => files,
        Err(err) => {
            let root = args.root.display();
            fail(&format!("{PROGRAM}: cannot serve {root}: {err}"))
        }
    };
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
    println!("listening on {local}");
    let config = args.options.config();
    ch11_static_files::run(listener, files, config, shutdown).await;
}

/// One line on stderr, exit status 1.
fn fail(line: &str) -> ! {
    eprintln!("{line}");
    std::process::exit(1);
}
