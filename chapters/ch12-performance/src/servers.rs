//! The servers measured, side by side, and the one request that checks each answers
//! `GET /` with the same bytes as the book's server.
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

// ANCHOR: table
/// Every server, as a name and a command line; the first is the book's server and
/// the others answer with what it answered. A first word that names a binary of this
/// workspace is built and run from the target directory. In braces: what the harness
/// fills in, from the book's server's answer to `GET /` (`{content_type}`,
/// `{body_file}`, `{response_file}`) and the Node program it writes (`{node_script}`).
pub const SERVERS: &[(&str, &str)] = &[
    // room for the memory test's 10 000 idle connections (the default limit is 1 000),
    // and an idle timeout longer than its default 5 s while it opens them
    (
        "ours",
        "ch09-concurrency --quiet --addr 127.0.0.1:0 --max-connections 20000 --idle-timeout 60s",
    ),
    (
        "hyper",
        "hyper-server --addr 127.0.0.1:0 --content-type {content_type} --body {body_file}",
    ),
    (
        "floor",
        "floor-server --addr 127.0.0.1:0 --response {response_file}",
    ),
    ("node", "node {node_script} {content_type} {body_file}"),
];
// ANCHOR_END: table

/// Node's `http` sending the same response: Content-Type and body from its arguments;
/// Node adds Date, and a `Connection: keep-alive` of its own. No idle timeout, so the memory test's idle connections stay open.
pub const NODE_SCRIPT: &str = "\
const http = require('http');
const fs = require('fs');
const [contentType, bodyFile] = process.argv.slice(2);
const body = fs.readFileSync(bodyFile);
const server = http.createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
  response.end(body);
});
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${server.address().port}`));
";

/// How long one response may take before the check gives up.
pub const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// A response as read off the wire.
#[derive(Clone, Debug)]
pub struct Answer {
    /// The response exactly as received, head and body.
    pub bytes: Vec<u8>,
    pub status_line: String,
    /// Field lines in the order sent, as (name, value).
    pub fields: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The field value of `name`, if the response has that field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(known, _)| known.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// What should be the same for every server: the status line, the fields (in any
    /// order; Date's value excepted, it changes every second), the body. Returns the
    /// differences, one per line.
    pub fn differences(&self, reference: &Answer) -> Vec<String> {
        let mut found = Vec::new();
        if self.status_line != reference.status_line {
            found.push(format!(
                "status {:?}, not {:?}",
                self.status_line, reference.status_line
            ));
        }
        let shown = |answer: &Answer| {
            answer
                .fields
                .iter()
                .map(|(name, value)| match name.eq_ignore_ascii_case("date") {
                    true => format!("{name}: …"),
                    false => format!("{name}: {value}"),
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
                .join(", ")
        };
        if shown(self) != shown(reference) {
            found.push(format!(
                "fields [{}], not [{}]",
                shown(self),
                shown(reference)
            ));
        }
        if self.body != reference.body {
            found.push(format!(
                "a body of {} bytes, not {}",
                self.body.len(),
                reference.body.len()
            ));
        }
        found
    }
}

/// The request every server answers, a curl-like `GET /`.
pub const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n";

/// Sends [`REQUEST`] on `stream` and reads one whole response (its body framed by
/// Content-Length), leaving the connection open.
pub fn ask(stream: &mut TcpStream) -> Result<Answer, String> {
    stream
        .write_all(REQUEST)
        .map_err(|err| format!("cannot send the request: {err}"))?;
    let mut received = Vec::with_capacity(256);
    let mut chunk = [0; 4096];
    let head_end = loop {
        // the empty line ends the response head (RFC 9112 §2.1)
        if let Some(at) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream
            .read(&mut chunk)
            .map_err(|err| format!("reading the response: {err}"))?;
        if n == 0 {
            return Err(format!("the server closed after {} bytes", received.len()));
        }
        received.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&received[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default().to_string();
    let fields: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_string(), value.trim().to_string()))
        .collect();
    let length = fields
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .ok_or_else(|| format!("no Content-Length in {status_line:?}"))?;
    let mut body = received[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream
            .read(&mut chunk)
            .map_err(|err| format!("reading the body: {err}"))?;
        if n == 0 {
            return Err(format!(
                "the server closed {} bytes into the body",
                body.len()
            ));
        }
        body.extend_from_slice(&chunk[..n]);
    }
    received.truncate(head_end + 4);
    received.extend_from_slice(&body);
    Ok(Answer {
        bytes: received,
        status_line,
        fields,
        body,
    })
}

/// Connects to `addr` with every wait bounded by [`ANSWER_TIMEOUT`].
pub fn connect(addr: SocketAddr) -> Result<TcpStream, String> {
    let stream = TcpStream::connect_timeout(&addr, ANSWER_TIMEOUT)
        .map_err(|err| format!("cannot connect to {addr}: {err}"))?;
    stream
        .set_read_timeout(Some(ANSWER_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(ANSWER_TIMEOUT)))
        .map_err(|err| format!("cannot set timeouts: {err}"))?;
    Ok(stream)
}

/// One `GET /` on a new connection.
pub fn answer(addr: SocketAddr) -> Result<Answer, String> {
    ask(&mut connect(addr)?)
}
