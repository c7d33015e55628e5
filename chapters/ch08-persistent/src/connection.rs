//! One connection, many requests: wait for the next one, read its head and
//! its body, answer, and say whether the connection goes on.

use std::io;
use std::net::SocketAddr;

use std::sync::Arc;

use ch01_raw_server::bytes;
use ch07_request_parser::{Head, Parsed, parse, read_head};
use std::pin::Pin;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep, sleep_until, timeout};

use crate::body::Body;
use crate::chunked::Step;
use crate::framing::Framing;
use crate::request::{Exchange, request_line};
use crate::response::{CONTINUE, Content, Length, Response, head, reason};
use crate::routes::Route;
use crate::rules::Rule;
use crate::service::Service;
use crate::{Config, Next, Persist};

const TEXT: &str = "Content-Type: text/plain; charset=utf-8\r\n";
const OCTETS: &str = "Content-Type: application/octet-stream\r\n";

/// A streamed response goes out in pieces of at most this many bytes.
const PIECE: usize = 64 * 1024;

/// The read buffer: one read takes up to this much (a browser's head is
/// under 1 KiB, and glibc's malloc hands out blocks up to this size from a
/// per-thread cache, cheaply); a larger head makes it grow.
const BUF: usize = 1024;

/// After a large head, an idle connection keeps a buffer of at most this.
const KEEP: usize = 4096;

// ANCHOR: connection
/// A client's connection and the bytes read from it that no request has
/// used yet: the start of the next (pipelined) request lives here.
pub struct Connection {
    stream: TcpStream,
    peer: SocketAddr,
    buf: Vec<u8>,
    config: Config,
    requests: usize,
    /// The last response answered, whole, a request that carried
    /// `Connection: close`: the client sends nothing more.
    client_done: bool,
    /// The idle timer between requests, made at the first wait, then reset.
    idle: Option<Pin<Box<Sleep>>>,
    /// Who answers, if not this chapter's routes.
    service: Option<Arc<dyn Service>>,
}
// ANCHOR_END: connection

/// A checked head, and the service's response to it if there is one; or
/// the request-line (for the log) and the rule it broke.
type Checked = Result<(Exchange, Option<Response>), (String, Rule)>;

/// What reading a piece of a body found.
enum Piece {
    /// `buf[..n]` is body data.
    Data(usize),
    End,
    Broke(Rule),
    /// The client closed, or sent nothing for `idle_timeout`.
    Cut(u16, String),
}

impl Connection {
    pub fn new(stream: TcpStream, peer: SocketAddr, config: Config) -> Self {
        // TCP_NODELAY came from the listener (`no_delay`), in accept()
        let connection = Connection {
            stream,
            peer,
            buf: Vec::with_capacity(BUF),
            config,
            requests: 0,
            client_done: false,
            idle: None,
            service: None,
        };
        connection.log(format_args!("connected"));
        connection
    }

    /// Answers with `service` instead of this chapter's routes.
    pub fn with_service(mut self, service: Arc<dyn Service>) -> Connection {
        self.service = Some(service);
        self
    }

    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// One line on stdout about this connection, unless `--quiet`.
    fn log(&self, line: std::fmt::Arguments) {
        if !self.config.quiet {
            ch01_raw_server::say!("{}: {line}", self.peer);
        }
    }

    // ANCHOR: wait_for_request
    /// Between requests: at once if a pipelined request is already here,
    /// else the first byte of the next one, the client's FIN, or the idle
    /// timeout. Cancel-safe: the one await is `read_buf`, which puts bytes
    /// into `buf` only when it completes.
    pub async fn wait_for_request(&mut self) -> io::Result<Next> {
        let idle = self.config.idle_timeout;
        let deadline = Instant::now() + idle;
        if self.buf.is_empty() && self.buf.capacity() > KEEP {
            // after a large head: an idle connection keeps 1 KiB, not 64
            self.buf = Vec::with_capacity(BUF);
        }
        loop {
            skip_empty_lines(&mut self.buf);
            if !self.buf.is_empty() && self.buf != b"\r" {
                return Ok(Next::Request);
            }
            // one timer per connection, reset for every wait: a new one
            // for every request would be set up and torn down each time
            let timer = match &mut self.idle {
                Some(timer) => {
                    timer.as_mut().reset(deadline);
                    timer
                }
                None => self.idle.insert(Box::pin(sleep_until(deadline))),
            };
            let read = self.stream.read_buf(&mut self.buf);
            let read = tokio::select! {
                biased; // a read that is ready never starts the timer
                read = read => Some(read),
                () = timer.as_mut() => None,
            };
            match read {
                Some(Err(err)) => return Err(err),
                Some(Ok(n)) if n > 0 => {}
                Some(Ok(_)) => {
                    let served = requests(self.requests);
                    self.log(format_args!(
                        "closed by the client after {served}"
                    ));
                    return Ok(Next::Closed);
                }
                None => {
                    let idle = humantime::format_duration(idle);
                    self.log(format_args!("idle for {idle}, closing"));
                    return Ok(Next::TimedOut);
                }
            }
        }
    }
    // ANCHOR_END: wait_for_request

    // ANCHOR: serve_request
    /// Reads one request head, checks it, and answers it (body included).
    /// `closing()` is asked when the response head is written: true, and
    /// the server is shutting down: this is the last response.
    pub async fn serve_request(
        &mut self,
        closing: impl Fn() -> bool,
    ) -> io::Result<Persist> {
        // usually the whole head is in `buf` already (wait_for_request
        // read it): then it is parsed once, here, and not by read_head
        let checked = match self.check() {
            Some(checked) => checked,
            None => {
                match self.read_head().await? {
                    Ok(_) => {}
                    Err(None) => return Ok(Persist::Close), // nothing came
                    Err(Some((status, text))) => {
                        return self.refuse(None, status, &text).await;
                    }
                }
                match self.check() {
                    Some(checked) => checked,
                    // not after read_head: the same bytes, the same answer
                    None => {
                        return self
                            .refuse(None, 400, "the head changed")
                            .await;
                    }
                }
            }
        };
        let (used, checked) = checked;
        self.buf.drain(..used); // the body or the next request starts here
        self.requests += 1;
        match checked {
            Ok((exchange, served)) => {
                self.answer(exchange, served, &closing).await
            }
            Err((line, rule)) => {
                let request = Some((line.as_str(), line.starts_with("HEAD ")));
                self.refuse(request, rule.status(), rule.text()).await
            }
        }
    }
    // ANCHOR_END: serve_request

    // ANCHOR: check
    /// The head in `buf`, if it is whole: how many bytes it used, checked,
    /// and answered by the service if there is one. `None`: not a whole
    /// head yet, or one chapter 7 rejects (`read_head` says which).
    fn check(&self) -> Option<(usize, Checked)> {
        // a field is two slices: room for 16 fields without growing
        let mut fields = Vec::with_capacity(16);
        let Ok(Parsed::Complete(request)) =
            parse(&self.buf, &self.config.limits, &mut fields)
        else {
            return None;
        };
        let checked = match Exchange::new(&request, &self.config) {
            Ok(exchange) => {
                let service = self.service.as_ref();
                let served = service.map(|service| service.respond(&request));
                Ok((exchange, served))
            }
            Err(rule) => Err((request_line(&request), rule)),
        };
        Some((request.used, checked))
    }
    // ANCHOR_END: check

    // ANCHOR: read_head
    /// Chapter 7's `read_head` on the connection's buffer, which may hold
    /// the head already (pipelined) or its start. `Ok(used)`: the head is
    /// `buf[..used]`; else the status and text to refuse it with (`None`:
    /// the client closed before sending anything).
    async fn read_head(
        &mut self,
    ) -> io::Result<Result<usize, Option<(u16, String)>>> {
        let config = ch07_request_parser::Config {
            limits: self.config.limits,
            head_timeout: self.config.head_timeout,
        };
        let head = read_head(&mut self.stream, &mut self.buf, &config);
        Ok(match head.await? {
            Head::Complete { used } => Ok(used),
            Head::Rejected(error) => {
                Err(Some((error.status(), error.to_string())))
            }
            Head::Closed(0) => Err(None),
            Head::Closed(n) => {
                let text = format!("the client closed after {}", bytes(n));
                Err(Some((400, text)))
            }
            Head::TimedOut => {
                let waited = humantime::format_duration(config.head_timeout);
                Err(Some((408, format!("no complete head within {waited}"))))
            }
        })
    }
    // ANCHOR_END: read_head

    // ANCHOR: close
    /// The end of the connection. After the whole answer to a request
    /// that carried `Connection: close`, with no byte read past it, at
    /// once: "A client that sends a "close" connection option MUST NOT
    /// send further requests on that connection" (RFC 9112 §9.6), so
    /// nothing is left for the kernel to answer our close with RST, and
    /// dropping the socket (close(2)) sends the FIN. Any other close is
    /// chapter 5's polite one: our FIN, then drain until the client's.
    pub async fn close(mut self) -> io::Result<()> {
        if self.client_done && self.buf.is_empty() {
            return Ok(()); // the stream is dropped here
        }
        ch05_raw_http::close(&mut self.stream).await
    }
    // ANCHOR_END: close

    // ANCHOR: answer
    /// The route's answer, after reading the body it comes with.
    async fn answer(
        &mut self,
        exchange: Exchange,
        served: Option<Response>,
        closing: &impl Fn() -> bool,
    ) -> io::Result<Persist> {
        let body_follows =
            !matches!(exchange.framing, Framing::None | Framing::Length(0));
        let continued =
            exchange.expects_continue && body_follows && self.buf.is_empty();
        if continued {
            // RFC 9110 §10.1.1: the client may wait for this before it
            // sends the body; a client that already sends it needs none
            self.send(CONTINUE).await?;
        }
        let max_body = self.config.max_body;
        let body = Body::new(exchange.framing, max_body, &self.config.limits);
        let mut answer = Answer {
            exchange,
            persist: Persist::Close, // decided when the head is written
            continued,
            body,
        };
        let route = std::mem::replace(&mut answer.exchange.route, Route::Echo);
        match (served, route) {
            (Some(response), _) => {
                self.respond(answer, response, closing).await
            }
            (None, Route::Echo) => self.echo(answer, closing).await,
            (None, route) => {
                self.respond(answer, route.response(), closing).await
            }
        }
    }
    // ANCHOR_END: answer
}

/// One request being answered.
struct Answer {
    exchange: Exchange,
    persist: Persist,
    continued: bool, // a 100 Continue went out
    body: Body,
}

impl Answer {
    /// Whether the connection goes on after this response: the client's
    /// wish, unless the server is shutting down (asked as the head is
    /// written, so a request in flight at the shutdown hears of it).
    fn decide(&mut self, closing: &impl Fn() -> bool) -> Persist {
        self.persist = match self.exchange.keep_alive && !closing() {
            true => Persist::KeepOpen,
            false => Persist::Close,
        };
        self.persist
    }
}

impl Connection {
    // ANCHOR: respond
    /// Reads the request body to its end (and drops it), then sends the
    /// response: head and body in one write, or a stream in pieces.
    async fn respond(
        &mut self,
        mut answer: Answer,
        response: Response,
        closing: &impl Fn() -> bool,
    ) -> io::Result<Persist> {
        if let Some(refused) = self.drop_body(&mut answer).await? {
            return Ok(refused);
        }
        let (status, version) = (response.status, answer.exchange.version);
        let (persist, length) =
            (answer.decide(closing), response.content.length());
        let mut out = head(status, &response.fields, length, persist, version);
        let content = match answer.exchange.head_only {
            true => Content::None, // HEAD: the same head, no body
            false => response.content,
        };
        match content {
            Content::None => self.send(&out).await?,
            Content::Static(bytes) => {
                out.extend_from_slice(bytes);
                self.send(&out).await?;
            }
            Content::Bytes(bytes) => {
                out.extend_from_slice(&bytes);
                self.send(&out).await?;
            }
            Content::Stream(reader, n) => self.stream(out, reader, n).await?,
        }
        self.client_done = answer.exchange.client_closes;
        self.log_answer(&answer, status, &response.note, "");
        Ok(persist)
    }
    // ANCHOR_END: respond

    // ANCHOR: drop_body
    /// Reads the request body to its end and drops it; `Some`: it broke a
    /// rule or broke off, and was refused.
    async fn drop_body(
        &mut self,
        answer: &mut Answer,
    ) -> io::Result<Option<Persist>> {
        loop {
            match self.piece(&mut answer.body).await? {
                Piece::Data(n) => drop(self.buf.drain(..n)),
                Piece::End => return Ok(None),
                Piece::Broke(rule) => {
                    let refused = self.refuse_rule(&answer.exchange, rule);
                    return refused.await.map(Some);
                }
                Piece::Cut(status, text) => {
                    let request = Some(answer.exchange.refused());
                    return self.refuse(request, status, &text).await.map(Some);
                }
            }
        }
    }
    // ANCHOR_END: drop_body

    // ANCHOR: stream
    /// The head in `out`, then `n` bytes from `reader`, in pieces of at
    /// most PIECE bytes (the first piece goes out with the head).
    async fn stream(
        &mut self,
        mut out: Vec<u8>,
        mut reader: Box<dyn AsyncRead + Send + Unpin>,
        n: u64,
    ) -> io::Result<()> {
        let mut left = n;
        while left > 0 {
            let start = out.len();
            out.resize(start + PIECE.min(left as usize), 0);
            let read = reader.read(&mut out[start..]).await?;
            if read == 0 {
                let sent = n - left;
                let text =
                    format!("the content ended after {sent} of {n} bytes");
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, text));
            }
            out.truncate(start + read);
            left -= read as u64;
            self.send(&out).await?;
            out.clear();
        }
        self.send(&out).await // an empty body: the head alone
    }
    // ANCHOR_END: stream

    // ANCHOR: echo
    /// `/echo`: the body back as it arrives, framed as it came. The head
    /// goes out with the first piece, so a bad first chunk still gets 400.
    async fn echo(
        &mut self,
        mut answer: Answer,
        closing: &impl Fn() -> bool,
    ) -> io::Result<Persist> {
        let length = Length::from(answer.exchange.framing);
        let (version, head_only) =
            (answer.exchange.version, answer.exchange.head_only);
        let mut started = false; // the head went out
        loop {
            let piece = self.piece(&mut answer.body).await?;
            let mut out = Vec::new();
            let ready = matches!(piece, Piece::End)
                || matches!(piece, Piece::Data(_)) && !head_only;
            if ready && !started {
                let persist = answer.decide(closing);
                out = head(200, OCTETS, length, persist, version);
                started = true;
            }
            match piece {
                Piece::Data(n) => {
                    if !head_only {
                        frame(&mut out, length, &self.buf[..n]);
                    }
                    self.buf.drain(..n);
                }
                Piece::End => break self.end_echo(out, &answer, length).await,
                Piece::Broke(rule) if !started => {
                    return self.refuse_rule(&answer.exchange, rule).await;
                }
                Piece::Cut(status, text) if !started => {
                    let request = Some(answer.exchange.refused());
                    return self.refuse(request, status, &text).await;
                }
                Piece::Broke(rule) => return self.cut(&answer, rule.text()),
                Piece::Cut(_, text) => return self.cut(&answer, &text),
            }
            self.send(&out).await?;
        }
    }
    // ANCHOR_END: echo

    // ANCHOR: end_echo
    /// The last of an echo: the last chunk, if chunked.
    async fn end_echo(
        &mut self,
        mut out: Vec<u8>,
        answer: &Answer,
        length: Length,
    ) -> io::Result<Persist> {
        if length == Length::Chunked && !answer.exchange.head_only {
            out.extend_from_slice(b"0\r\n\r\n"); // last-chunk, no trailers
        }
        self.send(&out).await?;
        self.client_done = answer.exchange.client_closes;
        self.log_answer(answer, 200, "", "");
        Ok(answer.persist)
    }
    // ANCHOR_END: end_echo

    /// A body that broke off after its echo began: the response cannot
    /// become a 400 now; it stays unfinished (no last chunk, or fewer bytes
    /// than its Content-Length), which tells the client it is incomplete.
    fn cut(&self, answer: &Answer, why: &str) -> io::Result<Persist> {
        let ending = format!(", then: {why}: closing mid-response");
        self.log_answer(answer, 200, "", &ending);
        Ok(Persist::Close)
    }

    // ANCHOR: piece
    /// The next piece of the body: data in `buf`, its end, a broken rule,
    /// or the client gone quiet (`idle_timeout` for each read) or away.
    async fn piece(&mut self, body: &mut Body) -> io::Result<Piece> {
        loop {
            match body.step(&self.buf) {
                Err(rule) => return Ok(Piece::Broke(rule)),
                Ok(Step::Data(n)) => return Ok(Piece::Data(n)),
                Ok(Step::End(n)) => {
                    self.buf.drain(..n);
                    return Ok(Piece::End);
                }
                Ok(Step::Framing(n)) => {
                    self.buf.drain(..n);
                    continue;
                }
                Ok(Step::More) => {}
            }
            let idle = self.config.idle_timeout;
            let read = timeout(idle, self.stream.read_buf(&mut self.buf));
            match read.await {
                Ok(Err(err)) => return Err(err),
                Ok(Ok(n)) if n > 0 => {}
                Ok(Ok(_)) => {
                    let text = "the client closed inside the body".to_string();
                    return Ok(Piece::Cut(400, text));
                }
                Err(_) => {
                    let idle = humantime::format_duration(idle);
                    let text = format!("no body byte within {idle}");
                    return Ok(Piece::Cut(408, text));
                }
            }
        }
    }
    // ANCHOR_END: piece

    // ANCHOR: refuse
    /// A request that broke a rule of this chapter, after its head.
    async fn refuse_rule(
        &mut self,
        exchange: &Exchange,
        rule: Rule,
    ) -> io::Result<Persist> {
        self.refuse(Some(exchange.refused()), rule.status(), rule.text())
            .await
    }

    /// An error response, then the end of the connection: after a framing
    /// error we cannot know where a next request would start (RFC 9112
    /// §6.3, §11.2), so every error closes. `request`: its request-line
    /// and whether it is HEAD, if its head was read whole.
    async fn refuse(
        &mut self,
        request: Option<(&str, bool)>,
        status: u16,
        text: &str,
    ) -> io::Result<Persist> {
        let reason = reason(status);
        let body = format!("{status} {reason}: {text}\n");
        let length = Length::Known(body.len() as u64);
        let version = ch07_request_parser::Version::Http11;
        let mut response = head(status, TEXT, length, Persist::Close, version);
        // RFC 9110 §9.3.2: no content for HEAD, not even in an error
        let head_only = match request {
            Some((_, head_only)) => head_only,
            None => skip_empty_lines_of(&self.buf).starts_with(b"HEAD "),
        };
        if !head_only {
            response.extend_from_slice(body.as_bytes());
        }
        self.send(&response).await?;
        match request {
            Some((line, _)) => {
                self.log(format_args!("{line} → {status} {reason}: {text}"))
            }
            None => self.log(format_args!("{status} {reason}: {text}")),
        }
        Ok(Persist::Close)
    }
    // ANCHOR_END: refuse

    /// `GET / HTTP/1.1 → 200 OK`, with the body read and what follows.
    fn log_answer(
        &self,
        answer: &Answer,
        status: u16,
        note: &str,
        ending: &str,
    ) {
        if self.config.quiet {
            return; // before any of the line is formatted
        }
        let line = &answer.exchange.line;
        let body = match (&answer.exchange.framing, &answer.body) {
            (Framing::Length(n), _) => format!(", {n}-byte body"),
            (Framing::Chunked, Body::Chunked(chunks)) => {
                let (n, trailers) = (chunks.chunks, chunks.trailers);
                let size = bytes(chunks.body as usize);
                let mut text = format!(", chunked body: {size} in {n} chunk");
                text += plural(n);
                if trailers > 0 {
                    text += &format!(", {trailers} trailer field");
                    text += plural(trailers);
                }
                text
            }
            _ => String::new(),
        };
        let continued = if answer.continued {
            "100 Continue, "
        } else {
            ""
        };
        let status = format!("{status} {}{note}", reason(status));
        let closing = match answer.persist {
            Persist::Close if ending.is_empty() => ", closing",
            _ => "",
        };
        self.log(format_args!(
            "{line}{body} → {continued}{status}{ending}{closing}"
        ));
    }

    // ANCHOR: send
    /// Writes all of `bytes`; a write that makes no progress for
    /// `send_timeout` (a client that stopped reading) is an error.
    async fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut sent = 0;
        while sent < bytes.len() {
            // most responses fit the socket's send buffer at once: try
            // that first, and start a timer only for a write that waits
            match self.stream.try_write(&bytes[sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    sent += n;
                    continue;
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(err) => return Err(err),
            }
            let write = self.stream.write(&bytes[sent..]);
            match timeout(self.config.send_timeout, write).await {
                Ok(Ok(0)) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(Ok(n)) => sent += n,
                Ok(Err(err)) => return Err(err),
                Err(_) => {
                    let waited =
                        humantime::format_duration(self.config.send_timeout);
                    let text = format!("the client read nothing for {waited}");
                    return Err(io::Error::new(io::ErrorKind::TimedOut, text));
                }
            }
        }
        Ok(())
    }
    // ANCHOR_END: send
}

// ANCHOR: frame
/// One piece of an echo, framed as the response is: as is for a
/// Content-Length, as one chunk for a chunked body (RFC 9112 §7.1).
fn frame(out: &mut Vec<u8>, length: Length, data: &[u8]) {
    if length == Length::Chunked {
        out.extend_from_slice(format!("{:x}\r\n", data.len()).as_bytes());
    }
    out.extend_from_slice(data);
    if length == Length::Chunked {
        out.extend_from_slice(b"\r\n"); // chunk-data CRLF
    }
}
// ANCHOR_END: frame

/// RFC 9112 §2.2: "a server that is expecting to receive and parse a
/// request-line SHOULD ignore at least one empty line (CRLF) received prior
/// to the request-line" (some clients send one after a body). A lone CR
/// stays: it may be the first half of a CRLF, or a bare CR to reject.
fn skip_empty_lines(buf: &mut Vec<u8>) {
    let rest = skip_empty_lines_of(buf).len();
    buf.drain(..buf.len() - rest);
}

/// What follows the empty lines `bytes` starts with.
fn skip_empty_lines_of(mut bytes: &[u8]) -> &[u8] {
    loop {
        match bytes {
            [b'\r', b'\n', rest @ ..] | [b'\n', rest @ ..] => bytes = rest,
            _ => return bytes,
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `1 request`, `2 requests`.
fn requests(n: usize) -> String {
    format!("{n} request{}", plural(n))
}
