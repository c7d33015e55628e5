//! `cargo run -p ch02-client -- --help`
use clap::Parser;

const PROGRAM: &str = "ch02-client";

/// A TCP client: connects (the 3-way handshake), shows both ends, closes.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address of the server to connect to
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
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
    if let Err(err) = ch02_client::run(stream).await {
        eprintln!("{PROGRAM}: connection to {} failed: {err}", args.addr);
        std::process::exit(1);
    }
}
