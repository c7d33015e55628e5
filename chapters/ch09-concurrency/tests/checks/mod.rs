//! Chapter 9's exercise checks: the accept loop around chapter 8's
//! `Connection` (a task per connection, at most `max_connections` at once)
//! and the graceful shutdown (no new connections, idle ones closed, busy
//! ones answered with `Connection: close`, a deadline for the rest).
//!
//! Written against `crate::subject`: `tests/exercise.rs` of this chapter
//! makes that `ch09_concurrency` (the book's solution passes every check),
//! and `exercises/ex09-concurrency/tests/exercise.rs` the reader's starter.
//! Each check calls `run_with` in-process, as `main.rs` calls `run`, on
//! loopback port 0 with a future of its own for the signals, and talks to
//! it over real sockets; every wait is bounded, and a `todo!()` or a panic
//! in the code under test ends the check at once with one line.

mod limit;
#[path = "../../../ch06-framing/tests/checks/report.rs"]
mod report;
mod shutdown;

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroUsize;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use ch08_persistent::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use report::{Section, fail, panicked};

const PAGE: &str = "book/ch09-concurrency.md";

const ACCEPT_LOOP: Section = Section {
    page: PAGE,
    ko: "연결 한도 아래의 accept 루프",
    en: "The accept loop under a connection limit",
    id: "accept-loop",
};

const SERVE: Section = Section {
    page: PAGE,
    ko: "연결마다 태스크 하나",
    en: "A task per connection",
    id: "serve",
};

const SHUTDOWN: Section = Section {
    page: PAGE,
    ko: "정상 종료",
    en: "Graceful shutdown",
    id: "graceful-shutdown",
};

/// How long a check waits for what a working server does at once.
const WAIT: Duration = Duration::from_secs(5);

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
const GET_CLOSE: &[u8] =
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
/// A request whose head the server reads (it answers `100 Continue`) and
/// whose 5-byte body the check sends later: a request in flight.
const UPLOAD: &[u8] = b"POST /headers HTTP/1.1\r\nHost: 127.0.0.1\r\n\
    Content-Length: 5\r\nExpect: 100-continue\r\n\r\n";
const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// The configuration of a check: chapter 8's defaults, quiet, with an
/// idle timeout no check waits for.
fn config(
    max_connections: usize,
    shutdown_timeout: Duration,
) -> crate::subject::Config {
    crate::subject::Config {
        connection: ch08_persistent::Config {
            quiet: true,
            idle_timeout: 4 * WAIT,
            head_timeout: 4 * WAIT,
            ..ch08_persistent::Config::DEFAULT
        },
        max_connections: NonZeroUsize::new(max_connections)
            .unwrap_or(NonZeroUsize::MIN),
        shutdown_timeout,
    }
}

/// Runs one check on a runtime of its own, on this thread (as `main.rs`
/// runs the server: one thread for every task).
fn check(body: impl Future<Output = ()>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(body),
        Err(err) => fail(format!("cannot start a tokio runtime: {err}")),
    }
}

/// The code under test's `run_with`, running, and what the check holds of it.
struct Server {
    addr: SocketAddr,
    /// Connections made by `run_with`'s `connect` (one per accept).
    accepted: Arc<AtomicUsize>,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), (String, String)>>,
    ended: bool,
}

impl Server {
    /// Binds `ip`:0 and starts `run_with` on it.
    async fn start(ip: Ipv4Addr, config: crate::subject::Config) -> Server {
        let listener = match TcpListener::bind((IpAddr::V4(ip), 0)).await {
            Ok(listener) => listener,
            Err(err) => fail(format!("cannot listen on {ip}:0: {err}")),
        };
        let addr = match listener.local_addr() {
            Ok(addr) => addr,
            Err(err) => fail(format!("no local address: {err}")),
        };
        let accepted = Arc::new(AtomicUsize::new(0));
        let connect = {
            let accepted = Arc::clone(&accepted);
            move |stream, peer, config| {
                accepted.fetch_add(1, Ordering::SeqCst);
                Connection::new(stream, peer, config)
            }
        };
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
            "the check"
        };
        let run = crate::subject::run_with(listener, config, connect, shutdown);
        let task = tokio::spawn(guarded(run));
        Server {
            addr,
            accepted,
            stop: Some(stop),
            task,
            ended: false,
        }
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Waits for `what` to happen (`future`), at most [`WAIT`]; a server
    /// that ends meanwhile, or a wait that fails, fails the check.
    async fn wait<T>(
        &mut self,
        what: &str,
        section: Section,
        future: impl Future<Output = io::Result<T>>,
    ) -> T {
        let mut future = pin!(tokio::time::timeout(WAIT, future));
        let done = loop {
            tokio::select! {
                biased;
                ended = &mut self.task, if !self.ended => {
                    self.ended = true;
                    match ended {
                        // after the shutdown, returning is its job
                        Ok(Ok(())) if self.stop.is_none() => continue,
                        Ok(Ok(())) => fail(format!(
                            "run_with returned while the check waited for \
                             {what}, before its shutdown future resolved\n  \
                             wanted: serve until shutdown resolves\n  \
                             read:   {section}"
                        )),
                        Ok(Err((text, at))) => {
                            panicked("run_with", section, &text, &at)
                        }
                        Err(err) => fail(format!("run_with's task: {err}")),
                    }
                }
                done = &mut future => break done,
            }
        };
        match done {
            Ok(Ok(value)) => value,
            Ok(Err(err)) => fail(format!("{what}: {err}\n  read:   {section}")),
            Err(_) => fail(format!(
                "{what}: nothing within {} s\n  read:   {section}",
                WAIT.as_secs()
            )),
        }
    }

    /// A client connected (the kernel completes the handshake whether the
    /// server accepts or not).
    async fn connect(&mut self) -> Client {
        let addr = self.addr;
        let stream = self
            .wait("a connection", ACCEPT_LOOP, TcpStream::connect(addr))
            .await;
        Client {
            stream,
            buf: Vec::new(),
        }
    }

    /// Sends `bytes` on `client`.
    async fn send(&mut self, client: &mut Client, bytes: &[u8]) {
        let write = client.stream.write_all(bytes);
        self.wait("a write", SERVE, write).await;
    }

    /// One response to a GET or a POST (its body framed by Content-Length),
    /// or the 100 Continue; `what` names it in a failure.
    async fn response(
        &mut self,
        client: &mut Client,
        what: &str,
        section: Section,
    ) -> Vec<u8> {
        loop {
            if let Some(response) = client.take_response() {
                return response;
            }
            let mut more = [0; 4096];
            let read = client.stream.read(&mut more);
            let n = self.wait(what, section, read).await;
            if n == 0 {
                fail(format!(
                    "{what}: the server closed the connection; so far {:?}\n  \
                     read:   {section}",
                    String::from_utf8_lossy(&client.buf)
                ));
            }
            client.buf.extend_from_slice(&more[..n]);
        }
    }

    /// Everything up to the server's FIN.
    async fn read_to_end(
        &mut self,
        client: &mut Client,
        what: &str,
        section: Section,
    ) -> Vec<u8> {
        let mut rest = Vec::new();
        let read = client.stream.read_to_end(&mut rest);
        self.wait(what, section, read).await;
        let mut all = std::mem::take(&mut client.buf);
        all.extend(rest);
        all
    }

    /// Resolves the shutdown future; `run_with` must then return within
    /// [`WAIT`] (every connection has ended or is past its deadline).
    async fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Waits for `run_with` to return, after [`Server::shut_down`].
    async fn returned(&mut self, what: &str) {
        if self.ended {
            return;
        }
        let ended = tokio::time::timeout(WAIT, &mut self.task).await;
        self.ended = true;
        match ended {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err((text, at)))) => {
                panicked("run_with", SHUTDOWN, &text, &at)
            }
            Ok(Err(err)) => fail(format!("run_with's task: {err}")),
            Err(_) => fail(format!(
                "run_with did not return within {} s of the shutdown ({what})\n  \
                 wanted: once every connection has ended, run_with returns\n  \
                 read:   {SHUTDOWN}",
                WAIT.as_secs()
            )),
        }
    }
}

/// `future`, polled with the panic hook silent: a `todo!()` or a panic in
/// it comes back as its text and place instead of a backtrace.
async fn guarded(
    future: impl Future<Output = ()>,
) -> Result<(), (String, String)> {
    let mut future = pin!(future);
    std::future::poll_fn(|cx| {
        match report::catch(|| future.as_mut().poll(cx)) {
            Ok(Poll::Ready(())) => Poll::Ready(Ok(())),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(panic)),
        }
    })
    .await
}

/// A check's client: a socket and the bytes read past the last response.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    /// The first whole response in `buf` (a 1xx, or a head and its
    /// Content-Length body), taken out of it.
    fn take_response(&mut self) -> Option<Vec<u8>> {
        let end = self.buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let head =
            String::from_utf8_lossy(&self.buf[..end]).to_ascii_lowercase();
        let length = match head.starts_with("http/1.1 1") {
            true => 0,
            false => head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0),
        };
        let total = end + length;
        (self.buf.len() >= total).then(|| self.buf.drain(..total).collect())
    }

    /// Whether bytes from the server are waiting, without waiting for any.
    fn has_bytes(&self) -> bool {
        let mut probe = [0; 1];
        !self.buf.is_empty()
            || matches!(self.stream.try_read(&mut probe), Ok(1..))
    }
}

/// The status line of a response.
fn status_line(response: &[u8]) -> String {
    let text = String::from_utf8_lossy(response);
    text.lines().next().unwrap_or_default().to_string()
}
