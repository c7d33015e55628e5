//! `cargo run -p ch01-raw-server -- --help`
use clap::Parser;

const PROGRAM: &str = "ch01-raw-server";

/// A raw TCP server: prints what each client sends, replies `test`, and closes.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    addr: String,
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
    ch01_raw_server::serve(
        PROGRAM,
        listener,
        ch01_raw_server::handle_connection,
    )
    .await;
}
