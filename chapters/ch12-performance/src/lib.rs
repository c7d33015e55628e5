//! Chapter 12: measuring a server honestly. `cargo run --release -p ch12-performance`
//! starts the book's server, hyper, a floor server that does not parse, and Node's
//! `http` (when `node` is installed) one after another on core 0, loads each from
//! core 1 with `wrk` (keep-alive) and `hey -disable-keepalive` (a connection per
//! request), and reports the server's CPU time per request, its requests per second
//! and latency, and its memory per idle keep-alive connection; then writes the table
//! as markdown and an SVG chart (`--out`, default `book/generated/`).
//! `cargo run -p ch12-performance -- --quick` is a tiny load that only shows the
//! harness works end to end; `-- --callgrind` counts instructions per request instead
//! (valgrind), which do not change from run to run on a busy machine.

pub mod callgrind;
pub mod load;
pub mod memory;
pub mod process;
pub mod report;
pub mod servers;

/// The body of `GET /` when the book's server is not measured (with `--only`): the
/// others then answer with this.
pub const BODY: &[u8] = b"Hello, world!";
/// The Content-Type sent with [`BODY`].
pub const CONTENT_TYPE: &str = "text/plain";

/// The options of the small servers in `src/bin`. The harness passes what the book's
/// server answered for `GET /`, so every server sends the same bytes.
#[derive(clap::Parser)]
pub struct ServerArgs {
    /// Address to listen on; port 0 lets the OS choose one
    #[arg(long, default_value = "127.0.0.1:5000")]
    pub addr: String,
    /// The Content-Type of every response
    #[arg(long, default_value = CONTENT_TYPE)]
    pub content_type: String,
    /// A file holding the body of every response [default: "Hello, world!"]
    #[arg(long, value_name = "FILE")]
    pub body: Option<std::path::PathBuf>,
    /// A file holding a whole response, head and body, sent as it is (floor-server)
    #[arg(long, value_name = "FILE")]
    pub response: Option<std::path::PathBuf>,
    /// Accepted for the harness's sake; these servers print nothing per connection
    #[arg(long)]
    pub quiet: bool,
}

impl ServerArgs {
    /// The options (clap prints a bad one's line and exits with status 2).
    pub fn read() -> ServerArgs {
        <ServerArgs as clap::Parser>::parse()
    }

    /// The body every response carries.
    pub fn body(&self, program: &str) -> Vec<u8> {
        match &self.body {
            None => BODY.to_vec(),
            Some(path) => read_or_exit(program, path),
        }
    }

    /// The floor's whole response: the given one, or a head like the book's server's
    /// (Date, Content-Type, Content-Length) with a Date formatted once, at start.
    pub fn response(&self, program: &str) -> Vec<u8> {
        if let Some(path) = &self.response {
            return read_or_exit(program, path);
        }
        let body = self.body(program);
        let date = httpdate::fmt_http_date(std::time::SystemTime::now());
        let head = format!(
            "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
            self.content_type,
            body.len()
        );
        let mut response = head.into_bytes();
        response.extend_from_slice(&body);
        response
    }
}

fn read_or_exit(program: &str, path: &std::path::Path) -> Vec<u8> {
    match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("{program}: cannot read {}: {err}", path.display());
            std::process::exit(1);
        }
    }
}

/// Binds `addr` and prints `listening on ADDR` (the harness reads the port from it),
/// or prints one line and exits.
pub async fn listen(program: &str, addr: &str) -> tokio::net::TcpListener {
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("{program}: cannot listen on {addr}: {err}");
            std::process::exit(1);
        }
    };
    match listener.local_addr() {
        Ok(local) => println!("listening on {local}"),
        Err(err) => {
            eprintln!("{program}: cannot read the bound address: {err}");
            std::process::exit(1);
        }
    }
    listener
}
