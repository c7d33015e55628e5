//! Chapter 10: the other side. An HTTP/1.1 client written by hand on a
//! TCP stream: it writes a request, reads the response's status-line and
//! fields with chapter 7's rules, its body by its framing (Content-Length,
//! chunked with chapter 8's decoder, or the close: RFC 9112 §6.3), prints
//! them like `curl -i`, and refuses, in one line naming the rule, any
//! response it cannot read exactly one way.
//!
//! Try it: `cargo run -p ch08-persistent`, then
//! `cargo run -p ch10-http-client -- -v http://127.0.0.1:5000/ \
//! http://127.0.0.1:5000/headers` (two requests, one connection), or
//! against chapter 5's `--seed-response` to see the seed's response
//! refused.

pub mod client;
pub mod framing;
pub mod request;
pub mod response;
pub mod rules;
pub mod url;

pub use client::{Client, Config, Failure};
pub use request::Request;
pub use rules::{Malformed, Rule};
pub use url::{Url, parse_url};

// ANCHOR: run
/// Every request in order; the first failure ends the run.
pub async fn run(requests: &[Request], config: Config) -> Result<(), Failure> {
    let mut client = Client::new(config);
    for request in requests {
        if let Err(failure) = client.send(request).await {
            client.end_line(); // what came before the error line
            return Err(failure);
        }
    }
    client.finish()
}
// ANCHOR_END: run
