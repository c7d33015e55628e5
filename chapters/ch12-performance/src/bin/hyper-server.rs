//! The reference: hyper's HTTP/1.1 server on a current-thread tokio runtime,
//! answering every request with the body and Content-Type the book's server sends
//! for `GET /` (the harness passes them; `--help`).
//! `cargo run --release -p ch12-performance --bin hyper-server -- --addr 127.0.0.1:0`
use std::convert::Infallible;

use ch12_performance::{ServerArgs, listen};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

const PROGRAM: &str = "hyper-server";

// ANCHOR: hello
/// The same response for every request: hyper adds Content-Length (the body's length
/// is known) and Date (formatted once a second and cached).
fn hello(body: &Bytes, content_type: &HeaderValue) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.clone()));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, content_type.clone());
    response
}
// ANCHOR_END: hello

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = ServerArgs::read();
    let body = Bytes::from(args.body(PROGRAM));
    let content_type = match HeaderValue::from_str(&args.content_type) {
        Ok(value) => value,
        Err(err) => {
            eprintln!("{PROGRAM}: --content-type {:?}: {err}", args.content_type);
            std::process::exit(2);
        }
    };
    let listener = listen(PROGRAM, &args.addr).await;
    // ANCHOR: accept
    loop {
        let (stream, _peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                eprintln!("{PROGRAM}: accept failed: {err}");
                continue;
            }
        };
        let (body, content_type) = (body.clone(), content_type.clone());
        let service = service_fn(move |_request: Request<Incoming>| {
            let response = hello(&body, &content_type);
            async move { Ok::<_, Infallible>(response) }
        });
        tokio::spawn(async move {
            // title-case field names ("Content-Type"), as the book's server writes them
            let _ = http1::Builder::new()
                .title_case_headers(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
    // ANCHOR_END: accept
}
