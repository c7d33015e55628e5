//! A hook for later chapters: answer requests with your own code, on this
//! chapter's connection (persistence, bodies, framing, limits, errors).

use ch07_request_parser::Request;

use crate::response::Response;

// ANCHOR: service
/// Answers a request from its head alone; the connection reads and drops
/// the request body first, then sends the response (HEAD: its head only).
/// Chapter 11 serves files this way.
pub trait Service: Send + Sync + 'static {
    fn respond(&self, request: &Request) -> Response;
}
// ANCHOR_END: service

/// A service on a real loopback connection: a streamed body, HEAD, a 304
/// without Content-Length, and a stream that ends early (the connection
/// fails: the client sees a response shorter than its Content-Length).
#[cfg(test)]
mod tests {
    use std::error::Error;
    use std::sync::Arc;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::Service;
    use crate::response::{Content, Response};
    use crate::{Config, Connection, Next, Persist, Request};

    struct Files;

    impl Service for Files {
        fn respond(&self, request: &Request) -> Response {
            let stream =
                |bytes: &'static [u8], n| Content::Stream(Box::new(bytes), n);
            match request.target.raw {
                "/file" => {
                    Response::new(200, "text/plain", stream(b"hello", 5))
                }
                "/cached" => Response {
                    status: 304,
                    fields: "ETag: \"1\"\r\n".to_string(),
                    content: Content::None,
                    note: " (not modified)".to_string(),
                },
                _ => Response::new(200, "text/plain", stream(b"abc", 5)),
            }
        }
    }

    /// What the client reads, the Date lines left out.
    async fn exchange(requests: &[u8]) -> Result<String, Box<dyn Error>> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let (stream, peer) = listener.accept().await?;
            let config = Config {
                quiet: true,
                ..Config::DEFAULT
            };
            let mut connection = Connection::new(stream, peer, config)
                .with_service(Arc::new(Files));
            while connection.wait_for_request().await? == Next::Request {
                if connection.serve_request(|| false).await? == Persist::Close {
                    return connection.close().await;
                }
            }
            std::io::Result::Ok(())
        });
        let mut client = TcpStream::connect(addr).await?;
        client.write_all(requests).await?;
        let mut response = Vec::new();
        client.read_to_end(&mut response).await?;
        drop(client); // the FIN the server's close waits for
        let served = server.await?;
        let text = String::from_utf8(response)?;
        let lines: Vec<&str> = text
            .split_inclusive("\r\n")
            .filter(|l| !l.starts_with("Date: "))
            .collect();
        Ok(lines.concat() + &format!("(server: {served:?})"))
    }

    #[tokio::test]
    async fn a_service_answers() -> Result<(), Box<dyn Error>> {
        let got = exchange(
            b"GET /file HTTP/1.1\r\nHost: x\r\n\r\n\
              HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n\
              GET /cached HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .await?;
        let want = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\
            Content-Length: 5\r\n\r\nhello\
            HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\
            Content-Length: 5\r\n\r\n\
            HTTP/1.1 304 Not Modified\r\nETag: \"1\"\r\n\
            Connection: close\r\n\r\n(server: Ok(()))";
        assert_eq!(got, want);
        let short = exchange(b"GET /short HTTP/1.1\r\nHost: x\r\n\r\n").await?;
        let want = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\
            Content-Length: 5\r\n\r\nabc(server: Err(Custom { kind: \
            UnexpectedEof, error: \"the content ended after 3 of 5 bytes\" }))";
        assert_eq!(short, want);
        Ok(())
    }
}
