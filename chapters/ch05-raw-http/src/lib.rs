//! Chapter 5: HTTP is bytes on a TCP connection. This server prints exactly what a
//! client (curl, a browser) sends, then answers with an HTTP/1.1 response written
//! by hand, byte by byte, as RFC 9112 says; `--seed-response` sends the seed
//! post's response instead, so you can see what clients make of it.
//!
//! Try it: `cargo run -p ch05-raw-http`, then `curl -v http://127.0.0.1:5000/`
//! or open <http://127.0.0.1:5000/> in a browser.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use ch01_raw_server::{bytes, printable_lines};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout, timeout_at};

/// How the server behaves: set from the command line.
#[derive(Clone, Copy)]
pub struct Config {
    pub answer: Answer,
    /// How long a client may take to send its whole request head.
    pub head_timeout: Duration,
}

/// What the server answers with.
#[derive(Clone, Copy)]
pub enum Answer {
    /// A valid HTTP/1.1 response (RFC 9110, RFC 9112).
    Correct,
    /// The seed post's response, byte for byte.
    Seed,
}

/// The longest request head we read; a larger one gets `431`.
pub const MAX_HEAD: usize = 8 * 1024;
/// How long we keep reading after our FIN, so the client reads the response
/// before the connection is torn down (RFC 9112 §9.6).
pub const LINGER: Duration = Duration::from_secs(2);

// ANCHOR: body
/// The page: UTF-8, so `Content-Length` (bytes) is larger than the count of
/// characters.
pub const BODY: &str = "<!DOCTYPE html>\n\
<html lang=\"ko\">\n\
<meta charset=\"utf-8\">\n\
<title>HELLO HTTP!</title>\n\
<h1>HELLO!</h1>\n\
<p>안녕하세요, HTTP!</p>\n\
</html>\n";
// ANCHOR_END: body

// ANCHOR: response
/// Builds a complete HTTP/1.1 response: status line, header fields, empty
/// line, body.
pub fn response(
    status: &str,
    body: &str,
    send_body: bool,
    now: SystemTime,
) -> Vec<u8> {
    // every line ends in \r\n; the empty line ends the header section
    // (RFC 9112 §2.1)
    let head = format!(
        "HTTP/1.1 {status}\r\n\
         Date: {date}\r\n\
         Content-Type: text/html; charset=utf-8\r\n\
         Content-Length: {length}\r\n\
         {allow}\
         Connection: close\r\n\
         \r\n",
        // IMF-fixdate, always GMT (RFC 9110 §5.6.7)
        date = httpdate::fmt_http_date(now),
        length = body.len(), // bytes, not characters (RFC 9110 §8.6)
        // a 405 must name the methods that do work (RFC 9110 §15.5.6)
        allow = if status.starts_with("405") {
            "Allow: GET, HEAD\r\n"
        } else {
            ""
        },
    );
    let mut bytes = head.into_bytes();
    if send_body {
        bytes.extend_from_slice(body.as_bytes()); // HEAD: same fields, no body
    }
    bytes
}
// ANCHOR_END: response

// ANCHOR: seed_response
/// The seed's response, exactly as its JavaScript template literal produced
/// it: a leading newline (an empty first line where the status line belongs),
/// twelve spaces before every other line, bare `\n` line ends, `Date: Mon ~`.
/// The line of twelve spaces after `Date` is not an empty line, so the header
/// section does not end there (RFC 9112 §2.2); 250 bytes follow it, not 1573.
pub const SEED_RESPONSE: &[u8] = concat!(
    "\n",
    "            HTTP/1.1 200 Success\n",
    "            Connection: close\n",
    "            Content-Length: 1573\n",
    "            Content-Type: text/html; charset=UTF-8\n",
    "            Date: Mon ~\n",
    "            \n", // twelve spaces, then LF: not an empty line
    "            <!DOCTYPE html>\n",
    "            <html lang=kr>\n",
    "                <meta charset=utf-8>\n",
    "                <title>HELLO HTTP!</title>\n",
    "                <body>\n",
    "                    <h1>HELLO!</h1>\n",
    "                </body>\n",
    "            </html>\n",
    "            ",
)
.as_bytes();
// ANCHOR_END: seed_response

/// What reading a request head ended with.
enum Head {
    /// Everything up to and including the empty line.
    Complete(Vec<u8>),
    /// The client sent its FIN first; what it sent before.
    Closed(Vec<u8>),
    TooLarge,
    TimedOut,
}

// ANCHOR: read_head
/// Reads until the empty line that ends the header section, within
/// `head_timeout` for the whole head. Bytes after it (a body, or a next
/// request) are cut off: this server answers one request, and drains the rest
/// when it closes.
async fn read_head(
    stream: &mut TcpStream,
    head_timeout: Duration,
) -> io::Result<Head> {
    // one deadline for the whole head, not one per read
    let deadline = Instant::now() + head_timeout;
    let mut head = Vec::new();
    let mut buf = [0; 1024];
    loop {
        match head_end(&head) {
            Some(end) if end > MAX_HEAD => return Ok(Head::TooLarge),
            Some(end) => {
                head.truncate(end);
                return Ok(Head::Complete(head));
            }
            None if head.len() > MAX_HEAD => return Ok(Head::TooLarge),
            None => {}
        }
        let Ok(read) = timeout_at(deadline, stream.read(&mut buf)).await else {
            return Ok(Head::TimedOut);
        };
        let n = read?;
        if n == 0 {
            return Ok(Head::Closed(head));
        }
        head.extend_from_slice(&buf[..n]);
    }
}
// ANCHOR_END: read_head

/// Where the first empty line ends: a line end is LF, maybe after a CR, since
/// recipients may accept a bare LF (RFC 9112 §2.2), so the head ends at the
/// first LF followed by LF or CR LF.
fn head_end(head: &[u8]) -> Option<usize> {
    head.iter().enumerate().find_map(|(i, &byte)| {
        let rest = &head[i + 1..];
        match byte {
            b'\n' if rest.starts_with(b"\n") => Some(i + 2),
            b'\n' if rest.starts_with(b"\r\n") => Some(i + 3),
            _ => None,
        }
    })
}

// ANCHOR: check_request
/// Checks the request line (`method SP target SP version`, RFC 9112 §3) and
/// the `Host` field a server must insist on: exactly one in HTTP/1.1, at most
/// one in any version (RFC 9112 §3.2).
/// Returns the method, or the status to answer with instead.
fn check_request(head: &[u8]) -> Result<&str, &'static str> {
    let Ok(text) = std::str::from_utf8(head) else {
        return Err("400 Bad Request");
    };
    let mut lines = text.lines();
    let request_line = lines.next().unwrap_or_default();
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts[..] else {
        return Err("400 Bad Request");
    };
    if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.")
    {
        return Err("400 Bad Request");
    }
    // no Host in HTTP/1.1, or more than one in any version: 400
    let hosts = lines
        .filter(|line| line.to_ascii_lowercase().starts_with("host:"))
        .count();
    if hosts > 1 || (version == "HTTP/1.1" && hosts == 0) {
        return Err("400 Bad Request");
    }
    match method {
        "GET" | "HEAD" => Ok(method),
        _ => Err("405 Method Not Allowed"),
    }
}
// ANCHOR_END: check_request

// ANCHOR: handle_connection_head
/// One request, one response, then a close that lets the client read it all.
pub async fn handle_connection(
    mut stream: TcpStream,
    peer: SocketAddr,
    config: Config,
) -> io::Result<()> {
    println!("{peer}: connected");
    let head = match read_head(&mut stream, config.head_timeout).await? {
        Head::Complete(head) => head,
        Head::Closed(partial) if partial.is_empty() => {
            println!("{peer}: closed without sending a request");
            return Ok(());
        }
        Head::Closed(partial) => {
            let n = partial.len();
            println!(
                "{peer}: sent FIN after {}, before the end of a request head:",
                bytes(n)
            );
            println!("{}", printable_lines(&partial));
            return respond(&mut stream, peer, "400 Bad Request", true).await;
        }
        // ANCHOR_END: handle_connection_head
        // ANCHOR: handle_connection_limits
        Head::TooLarge => {
            println!("{peer}: request head larger than {MAX_HEAD} bytes");
            return respond(
                &mut stream,
                peer,
                "431 Request Header Fields Too Large",
                true,
            )
            .await;
        }
        Head::TimedOut => {
            let waited = humantime::format_duration(config.head_timeout);
            println!("{peer}: no complete request within {waited}, closing");
            return close(&mut stream).await;
        }
    };
    println!(
        "{peer}: request head, {} bytes:\n{}",
        head.len(),
        printable_lines(&head)
    );
    // ANCHOR_END: handle_connection_limits

    // ANCHOR: handle_connection_answer
    match (config.answer, check_request(&head)) {
        (Answer::Seed, _) => {
            stream.write_all(SEED_RESPONSE).await?;
            println!(
                "{peer}: sent the seed's response ({} bytes)",
                SEED_RESPONSE.len()
            );
            close(&mut stream).await
        }
        (Answer::Correct, Ok(method)) => {
            respond(&mut stream, peer, "200 OK", method == "GET").await
        }
        (Answer::Correct, Err(status)) => {
            // a response to HEAD never has a body, an error neither
            // (RFC 9110 §9.3.2)
            let send_body = !head.starts_with(b"HEAD ");
            respond(&mut stream, peer, status, send_body).await
        }
    }
}
// ANCHOR_END: handle_connection_answer

// ANCHOR: respond
async fn respond(
    stream: &mut TcpStream,
    peer: SocketAddr,
    status: &str,
    send_body: bool,
) -> io::Result<()> {
    let body = if status.starts_with("200") {
        BODY.to_string()
    } else {
        format!("<h1>{status}</h1>\n")
    };
    let bytes = response(status, &body, send_body, SystemTime::now());
    stream.write_all(&bytes).await?;
    let sent = if send_body { body.len() } else { 0 };
    let head = bytes.len() - sent;
    println!("{peer}: answered {status} ({head}-byte head, {sent}-byte body)");
    close(stream).await
}

/// Our FIN first; then read (and drop) whatever the client still sends until
/// its FIN (for up to `LINGER`), so the kernel has no unread data to answer
/// with a reset (RST), which could destroy the response before the client has
/// read it. Chapter 7 closes the same way.
pub async fn close(stream: &mut TcpStream) -> io::Result<()> {
    stream.shutdown().await?;
    let mut buf = [0; 1024];
    let drained = timeout(LINGER, async {
        while stream.read(&mut buf).await? > 0 {}
        io::Result::Ok(())
    });
    match drained.await {
        Ok(result) => result,
        Err(_elapsed) => Ok(()), // the client never closed; give up on it
    }
}
// ANCHOR_END: respond
