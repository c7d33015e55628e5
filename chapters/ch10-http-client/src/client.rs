//! The connection: a request written, a response read by its framing and
//! printed as it arrives. A connection the response left open carries the
//! next request to the same host:port; one the server closed meanwhile is
//! replaced once, when that is safe.

use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::time::Duration;

use ch07_request_parser::Limits;
use ch08_persistent::chunked::{Decoder, Step};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

use crate::framing::{self, Body};
use crate::request::Request;
use crate::response::{Response, parse_head};
use crate::rules::{Malformed, Rule, at};
use crate::url::Url;

/// How the client behaves: set from the command line.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// Chapter 7's limits, on a response head and on a trailer section.
    pub limits: Limits,
    pub connect_timeout: Duration,
    /// The longest wait for the next bytes of a response.
    pub response_timeout: Duration,
    /// Print the request and the connection's events (`-v`).
    pub verbose: bool,
}

// ANCHOR: failure
/// Why a request got no well-formed response: one line each.
#[derive(Debug)]
pub enum Failure {
    Connect(String, io::Error),
    ConnectTimeout(String, Duration),
    Send(SocketAddr, io::Error),
    Receive(SocketAddr, io::Error),
    NoResponse(SocketAddr),
    NotRetried(SocketAddr, String),
    TimedOut(SocketAddr, Duration),
    Malformed(SocketAddr, Malformed),
    Stdout(io::Error),
}
// ANCHOR_END: failure

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let time = |d: &Duration| humantime::format_duration(*d);
        match self {
            Failure::Connect(to, err) => {
                write!(f, "cannot connect to {to}: {err}")
            }
            Failure::ConnectTimeout(to, d) => write!(
                f,
                "cannot connect to {to}: no answer within {} \
                 (--connect-timeout)",
                time(d)
            ),
            Failure::Send(peer, err) => {
                write!(f, "cannot send the request to {peer}: {err}")
            }
            Failure::Receive(peer, err) => {
                write!(f, "cannot read the response from {peer}: {err}")
            }
            Failure::NoResponse(peer) => {
                write!(f, "{peer} closed the connection without a response")
            }
            Failure::NotRetried(peer, method) => write!(
                f,
                "{peer} closed the connection before answering; not sent \
                 again: {method} is not idempotent (RFC 9110 §9.2.2)"
            ),
            Failure::TimedOut(peer, d) => write!(
                f,
                "{peer} sent nothing for {} (--response-timeout)",
                time(d)
            ),
            Failure::Malformed(peer, malformed) => {
                write!(f, "malformed response from {peer}: {malformed}")
            }
            Failure::Stdout(err) => {
                write!(f, "cannot write to standard output: {err}")
            }
        }
    }
}

/// How an exchange failed: before any byte of a response arrived (the
/// server may have closed an idle connection), or later.
enum Failed {
    Unanswered(Failure),
    Other(Failure),
}

impl From<Failure> for Failed {
    fn from(failure: Failure) -> Failed {
        Failed::Other(failure)
    }
}

/// Standard output for the response, standard error for the events; in
/// order, even when both go to one terminal or pipe.
struct Out {
    stdout: io::Stdout,
    verbose: bool,
    /// The last byte written to stdout was not a line end (a body's).
    mid_line: bool,
}

impl Out {
    fn write(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        if let Some(&last) = bytes.last() {
            self.mid_line = last != b'\n';
        }
        self.stdout.write_all(bytes).map_err(Failure::Stdout)
    }

    /// Flushes stdout; after a body without a final line end, starts a
    /// new line on stderr, so a line there starts at the margin (stdout
    /// keeps the body's bytes exactly).
    fn end_line(&mut self) -> Result<(), Failure> {
        self.flush()?;
        if std::mem::take(&mut self.mid_line) {
            eprintln!();
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Failure> {
        self.stdout.flush().map_err(Failure::Stdout)
    }

    /// A line on standard error (`-v`: `*` an event, `>` a line sent).
    fn event(&mut self, line: &str) -> Result<(), Failure> {
        self.end_line()?;
        eprintln!("{line}");
        Ok(())
    }

    fn verbose(&mut self, line: &str) -> Result<(), Failure> {
        if self.verbose {
            self.event(line)?;
        }
        Ok(())
    }
}

/// An open connection and the bytes read from it but not used yet.
struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    local: SocketAddr,
    /// host and port, as the URL gave them: the key for reuse
    origin: (String, u16),
    buf: Vec<u8>,
}

impl Connection {
    /// Reads more of the response into `buf`: `Ok(0)` at the server's
    /// close; waits at most `response_timeout`.
    async fn read_more(&mut self, config: &Config) -> Result<usize, Failure> {
        self.buf.reserve(16 * 1024);
        let read = self.stream.read_buf(&mut self.buf);
        match timeout(config.response_timeout, read).await {
            Err(_) => {
                Err(Failure::TimedOut(self.peer, config.response_timeout))
            }
            Ok(Err(err)) => Err(Failure::Receive(self.peer, err)),
            Ok(Ok(n)) => Ok(n),
        }
    }

    /// Does `buf` start with a whole response head? `Err`: it breaks a rule.
    fn look(&self, limits: &Limits) -> Result<bool, Failure> {
        let mut fields = Vec::new(); // it borrows from buf: one per look
        match parse_head(&self.buf, limits, &mut fields) {
            Ok(head) => Ok(head.is_some()),
            Err(malformed) => Err(Failure::Malformed(self.peer, malformed)),
        }
    }

    /// The rule the response broke at byte `offset`, as a failure.
    fn malformed(&self, rule: Rule, offset: usize) -> Failure {
        Failure::Malformed(self.peer, at(rule, offset))
    }
}

/// Requests one after the other, on as few connections as the server lets.
pub struct Client {
    config: Config,
    connection: Option<Connection>,
    out: Out,
}

impl Client {
    pub fn new(config: Config) -> Client {
        let out = Out {
            stdout: io::stdout(),
            verbose: config.verbose,
            mid_line: false,
        };
        Client {
            config,
            connection: None,
            out,
        }
    }

    // ANCHOR: send
    /// Sends `request` and prints its response. On a reused connection
    /// that the server closed before a byte of the response came, "a
    /// client MAY open a new connection and automatically retransmit [...]
    /// if all of those requests have idempotent methods" (RFC 9112
    /// §9.3.1); "A client SHOULD NOT automatically retry a request with a
    /// non-idempotent method", nor "a failed automatic retry" (RFC 9110
    /// §9.2.2): once, GET and the like only.
    pub async fn send(&mut self, request: &Request) -> Result<(), Failure> {
        let (mut connection, reused) = self.connection(&request.url).await?;
        let mut outcome = self.exchange(&mut connection, request).await;
        if let Err(Failed::Unanswered(_)) = outcome
            && reused
        {
            let (peer, method) = (connection.peer, request.method.clone());
            if !request.idempotent() {
                return Err(Failure::NotRetried(peer, method));
            }
            let target = &request.url.target;
            self.out.event(&format!(
                "* {peer} closed the idle connection; \
                 sending {method} {target} again on a new one"
            ))?;
            (connection, _) = self.connection(&request.url).await?;
            outcome = self.exchange(&mut connection, request).await;
        }
        match outcome {
            Ok(Ok(())) => self.connection = Some(connection), // for the next
            Ok(Err(why)) => {
                self.out
                    .verbose(&format!("* closing the connection: {why}"))?;
            }
            Err(Failed::Unanswered(failure) | Failed::Other(failure)) => {
                return Err(failure);
            }
        }
        self.out.flush()
    }
    // ANCHOR_END: send

    /// [`exchange`] with this client's configuration and output.
    async fn exchange(
        &mut self,
        connection: &mut Connection,
        request: &Request,
    ) -> Result<Result<(), &'static str>, Failed> {
        exchange(connection, request, &self.config, &mut self.out).await
    }

    // ANCHOR: connection
    /// The open connection if it goes to the URL's host and port (`true`:
    /// reused); else a new one.
    async fn connection(
        &mut self,
        url: &Url,
    ) -> Result<(Connection, bool), Failure> {
        let origin = (url.host.to_ascii_lowercase(), url.port);
        if let Some(open) = self.connection.take() {
            let peer = open.peer;
            if open.origin == origin {
                self.out
                    .verbose(&format!("* reusing the connection to {peer}"))?;
                return Ok((open, true));
            }
            self.out
                .verbose(&format!("* closing the connection to {peer}"))?;
        }
        let connection = connect(url, origin, &self.config).await?;
        let (peer, local) = (connection.peer, connection.local);
        self.out
            .verbose(&format!("* connected to {peer} from {local}"))?;
        Ok((connection, false))
    }
    // ANCHOR_END: connection

    /// Ends the run: flushes standard output; the open connection closes.
    pub fn finish(mut self) -> Result<(), Failure> {
        if let Some(open) = self.connection.take() {
            let line = format!("* closing the connection to {}", open.peer);
            self.out.verbose(&line)?;
        }
        self.out.flush()
    }

    /// Before an error line: what came before it, flushed, and the
    /// error line's own line.
    pub fn end_line(&mut self) {
        let _ = self.out.end_line();
    }
}

// ANCHOR: connect
/// A new TCP connection to the URL's host and port (the 3-way handshake
/// of chapter 2), within `connect_timeout`.
async fn connect(
    url: &Url,
    origin: (String, u16),
    config: &Config,
) -> Result<Connection, Failure> {
    let to = || url.authority.clone();
    let connect = TcpStream::connect((url.host.as_str(), url.port));
    let stream = match timeout(config.connect_timeout, connect).await {
        Err(_) => {
            return Err(Failure::ConnectTimeout(to(), config.connect_timeout));
        }
        Ok(connected) => {
            connected.map_err(|err| Failure::Connect(to(), err))?
        }
    };
    let addrs = stream
        .peer_addr()
        .and_then(|p| Ok((p, stream.local_addr()?)));
    let (peer, local) = addrs.map_err(|err| Failure::Connect(to(), err))?;
    let buf = Vec::new();
    Ok(Connection {
        stream,
        peer,
        local,
        origin,
        buf,
    })
}
// ANCHOR_END: connect

// ANCHOR: exchange
/// One request, its interim (1xx) responses and its final response,
/// printed as `curl -i` does. `Ok(Err(why))`: the connection ends here.
async fn exchange(
    c: &mut Connection,
    request: &Request,
    config: &Config,
    out: &mut Out,
) -> Result<Result<(), &'static str>, Failed> {
    for line in request.head().lines() {
        out.verbose(format!("> {line}").trim_end())?;
    }
    let sent = c.stream.write_all(&request.bytes()).await; // in one write
    sent.map_err(|err| Failed::Unanswered(Failure::Send(c.peer, err)))?;
    let mut first = true;
    loop {
        read_head(c, config, first).await?;
        first = false;
        let (used, body, persists) = {
            let mut fields = Vec::new();
            let parsed = parse_head(&c.buf, &config.limits, &mut fields);
            let malformed = |m| Failure::Malformed(c.peer, m);
            let Some(response) = parsed.map_err(malformed)? else {
                return Err(c.malformed(Rule::ClosedInHead, 0).into());
            };
            print_head(out, &response)?;
            if response.status == 101 {
                return Err(c.malformed(Rule::SwitchingProtocols, 9).into());
            }
            let body = framing::body(&request.method, &response);
            let body = body.map_err(malformed)?;
            let persists = framing::persistence(&response, body);
            let last = response.status >= 200; // not an interim 1xx
            (response.used, last.then_some(body), persists)
        };
        c.buf.drain(..used);
        if let Some(body) = body {
            read_body(c, body, used, config, out).await?;
            return Ok(persists);
        }
    }
}
// ANCHOR_END: exchange

/// The status-line and the field lines as received, then the empty line.
fn print_head(out: &mut Out, response: &Response) -> Result<(), Failure> {
    out.write(response.status_line)?;
    out.write(b"\n")?;
    for field in response.fields {
        out.write(field.name)?;
        out.write(b": ")?;
        out.write(field.value)?;
        out.write(b"\n")?;
    }
    out.write(b"\n")
}

// ANCHOR: read_head
/// Reads until `buf` starts with a whole response head, or the head
/// breaks a rule. `first`: the exchange's first head, where a close (or a
/// reset) before any byte may be an idle connection's.
async fn read_head(
    c: &mut Connection,
    config: &Config,
    first: bool,
) -> Result<(), Failed> {
    let limits = &config.limits;
    let mut seen = 0; // bytes already looked at
    loop {
        // the answer changes only when a line ends or the limit passes
        let buf = &c.buf;
        let line_ended = buf[seen..].contains(&b'\n');
        if (line_ended || buf.len() > limits.max_head) && c.look(limits)? {
            return Ok(());
        }
        seen = c.buf.len();
        let nothing_yet = first && seen == 0;
        match c.read_more(config).await {
            Ok(0) if nothing_yet => {
                return Err(Failed::Unanswered(Failure::NoResponse(c.peer)));
            }
            Err(Failure::Receive(peer, err))
                if nothing_yet
                    && err.kind() == io::ErrorKind::ConnectionReset =>
            {
                return Err(Failed::Unanswered(Failure::Receive(peer, err)));
            }
            // a rule the bytes broke, or else a head cut short
            Ok(0) => {
                return match c.look(limits)? {
                    true => Ok(()),
                    false => Err(c.malformed(Rule::ClosedInHead, seen).into()),
                };
            }
            Ok(_) => {}
            Err(failure) => return Err(failure.into()),
        }
    }
}
// ANCHOR_END: read_head

// ANCHOR: read_body
/// Reads the body as `body` frames it, writing it to standard output as
/// it comes. `offset`: where the body starts in the response.
async fn read_body(
    c: &mut Connection,
    body: Body,
    offset: usize,
    config: &Config,
    out: &mut Out,
) -> Result<(), Failure> {
    match body {
        Body::None => Ok(()),
        Body::Length(length) => {
            read_length(c, length, offset, config, out).await
        }
        Body::Chunked => read_chunked(c, offset, config, out).await,
        // every byte up to the server's close
        Body::Close => loop {
            out.write(&c.buf)?;
            c.buf.clear();
            if c.read_more(config).await? == 0 {
                return Ok(());
            }
        },
    }
}

// ANCHOR_END: read_body

// ANCHOR: read_length
/// Exactly `length` bytes; the close before them is an incomplete
/// message (RFC 9112 §8).
async fn read_length(
    c: &mut Connection,
    length: u64,
    mut offset: usize,
    config: &Config,
    out: &mut Out,
) -> Result<(), Failure> {
    let mut left = length;
    while left > 0 {
        if c.buf.is_empty() && c.read_more(config).await? == 0 {
            return Err(c.malformed(Rule::ClosedInLength, offset));
        }
        let n = c.buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        out.write(&c.buf[..n])?;
        c.buf.drain(..n);
        (left, offset) = (left - n as u64, offset + n);
    }
    Ok(())
}
// ANCHOR_END: read_length

// ANCHOR: read_chunked
/// Chapter 8's decoder, fed what has arrived: chunk data to standard
/// output, framing dropped, trailer fields printed after the body.
async fn read_chunked(
    c: &mut Connection,
    mut offset: usize,
    config: &Config,
    out: &mut Out,
) -> Result<(), Failure> {
    // no limit on the data: it goes to standard output, not to memory
    let mut decoder = Decoder::new(u64::MAX, &config.limits);
    let mut trailers = Vec::new();
    loop {
        let trailer = decoder.in_trailer(); // before the step moves on
        let step = decoder.step(&c.buf);
        let used = match step.map_err(|r| c.malformed(Rule::Body(r), offset))? {
            Step::More => {
                if c.read_more(config).await? == 0 {
                    let end = offset + c.buf.len();
                    return Err(c.malformed(Rule::ClosedInChunked, end));
                }
                continue;
            }
            Step::Data(n) => {
                out.write(&c.buf[..n])?;
                n
            }
            // a trailer field line
            Step::Framing(n) if trailer => {
                trailers.push(c.buf[..n - 2].to_vec()); // without its CRLF
                n
            }
            Step::Framing(n) | Step::End(n) => n,
        };
        c.buf.drain(..used);
        offset += used;
        if let Ok(Step::End(_)) = step {
            break;
        }
    }
    for line in trailers {
        out.write(&line)?;
        out.write(b"\n")?;
    }
    Ok(())
}
// ANCHOR_END: read_chunked
