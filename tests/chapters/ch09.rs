//! Chapter 9: the server against clients that are unlucky or hostile — one
//! over the connection limit, a slowloris, an idle one, a body too large, one
//! that never reads — and its graceful shutdown on Ctrl-C and SIGTERM. The
//! real binary over loopback; every timeout a few tens of milliseconds.

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::support::{Client, Normalizer, Program, WAIT, tcp_socket, visible, wait_for_kernel};

const CHAPTER: &str = "ch09-concurrency";

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n";
const GET_CLOSE: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nConnection: close\r\n\r\n";

/// The listening socket as `/proc/net/tcp` shows it (its peer is `0.0.0.0:0`):
/// `unread` is its accept queue.
fn accept_queue(server: SocketAddr) -> u32 {
    let any = SocketAddr::from(([0, 0, 0, 0], 0));
    tcp_socket(server, any).map_or(0, |listening| listening.unread)
}

/// Reads one response whose body has a `Content-Length` (or none), no further.
fn read_response(client: &mut Client) -> Vec<u8> {
    let mut response = Vec::new();
    loop {
        if let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&response[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let total = end + 4 + length;
            if response.len() >= total {
                assert_eq!(response.len(), total, "nothing after the response");
                return response;
            }
        }
        let more = client.read_once().expect("read a response");
        assert!(
            !more.is_empty(),
            "the server closed mid-response: {response:?}"
        );
        response.extend_from_slice(&more);
    }
}

/// The status line of a response.
fn status_line(response: &[u8]) -> String {
    let text = String::from_utf8_lossy(response);
    text.lines().next().unwrap_or_default().to_string()
}

/// `--max-connections 1`: the server stops calling accept() while one
/// connection is open. The second client's handshake still completes (the
/// kernel does it), and the connection waits in the listening socket's accept
/// queue with its request unread, until the first connection ends; then it is
/// accepted and answered. A third one waits likewise; at Ctrl-C the server
/// closes its listening socket, and the kernel resets the connections still
/// queued in it.
#[test]
fn over_the_limit_waits_in_the_backlog() {
    let (mut server, addr) = Program::server(CHAPTER, &["--max-connections", "1"]);
    let mut shown = Vec::new();
    let mut first = Client::connect(addr);
    server.wait_for("the limit");
    shown.push("first client: connected, accepted".to_string());

    let mut second = Client::connect(addr);
    shown.push("second client: connected: the server's kernel completed the handshake".to_string());
    wait_for_kernel("the second client in the accept queue", || {
        accept_queue(addr) == 1
    });
    shown.push(
        "server's listening socket: 1 connection in its accept queue (ss: Recv-Q 1)".to_string(),
    );
    second.write(GET);
    shown.push("second client: sent its request, which waits in the server's kernel".to_string());

    first.write(GET_CLOSE);
    let response = first.read_to_end();
    assert!(
        response.starts_with(b"HTTP/1.1 200 OK\r\n"),
        "{}",
        server.transcript()
    );
    shown.push(format!(
        "first client: {}, then the server's FIN",
        status_line(&response)
    ));
    drop(first); // our FIN ends the server's drain: the connection is over
    let ours = second.stream.local_addr().expect("local address");
    server.wait_for(&format!("{ours}: connected"));
    let response = read_response(&mut second);
    server.wait_for(&format!("{ours}: GET / HTTP/1.1 → 200 OK"));
    assert_eq!(accept_queue(addr), 0, "the accept queue is empty again");
    shown.push(format!(
        "second client: accepted once the first connection ended: {} (the connection stays open)",
        status_line(&response)
    ));

    let mut third = Client::connect(addr);
    wait_for_kernel("the third client in the accept queue", || {
        accept_queue(addr) == 1
    });
    shown.push("third client: connected; waits in the accept queue".to_string());
    server.send_signal("-INT");
    shown.push("<Ctrl-C>".to_string());
    assert_eq!(third.read_once(), Err(ErrorKind::ConnectionReset));
    shown.push(
        "third client: connection reset: closing the listening socket resets its queue".to_string(),
    );
    assert_eq!(second.read_to_end(), b"");
    shown.push("second client: the end of the stream (the server's FIN)".to_string());
    drop(second);
    let output = server.finish();
    assert!(output.status.success(), "{:?}", output.status);

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("limit", ports.apply(&(shown.join("\n") + "\n")));
    insta::assert_snapshot!("limit_server", ports.apply(&output.stdout));
}

/// A slowloris: a client that sends its head one byte every few milliseconds,
/// each byte well within any per-read timeout, is cut at `--head-timeout`
/// counted from its first byte: the deadline is for the whole head.
#[test]
fn slowloris_is_cut_at_the_head_deadline() {
    let (mut server, addr) = Program::server(CHAPTER, &["--head-timeout", "50ms"]);
    let mut client = Client::connect(addr);
    client.stream.set_nodelay(true).expect("TCP_NODELAY");
    let mut writer = client.stream.try_clone().expect("clone the socket");
    let cut = Arc::new(AtomicBool::new(false));
    let trickle = std::thread::spawn({
        let cut = Arc::clone(&cut);
        move || {
            let head = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nX-Slow: ".iter();
            let bytes = head.chain(std::iter::repeat(&b'a')).take(4000);
            for byte in bytes {
                // pacing the client, not synchronising: the server decides
                if cut.load(Ordering::SeqCst) || writer.write_all(&[*byte]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    });
    let response = client.read_to_end();
    cut.store(true, Ordering::SeqCst);
    trickle.join().expect("the writer thread");
    drop(client);
    server.wait_for("no complete head");
    assert!(
        response.starts_with(b"HTTP/1.1 408 "),
        "{}",
        visible(&response)
    );
    let shown = format!(
        "client: sends its head one byte every 5 ms; reads:\n{}\
         client: the end of the stream (the server's FIN)\n",
        visible(&response)
    );
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("slowloris", ports.apply(&shown));
    insta::assert_snapshot!("slowloris_server", ports.apply(&server.interrupt().stdout));
}

/// After a response, a keep-alive connection that starts no next request
/// within `--idle-timeout` is closed politely: our read ends (FIN), and the
/// kernel records no reset.
#[test]
fn idle_connection_is_closed() {
    let (mut server, addr) = Program::server(CHAPTER, &["--idle-timeout", "50ms"]);
    let mut client = Client::connect(addr);
    client.write(GET);
    let response = read_response(&mut client);
    assert_eq!(client.read_to_end(), b"", "closed after the idle timeout");
    drop(client); // our FIN ends the server's drain
    server.wait_for("idle");
    let shown = format!(
        "client: {}, then nothing for 50 ms\nclient: the end of the stream (the server's FIN)\n",
        status_line(&response)
    );
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("idle_timeout", ports.apply(&shown));
    insta::assert_snapshot!(
        "idle_timeout_server",
        ports.apply(&server.interrupt().stdout)
    );
}

/// `--max-body 16`: a body at the limit is echoed, one byte more is 413 and
/// the connection closes, whether the body comes by Content-Length (refused
/// from the head alone) or chunked (refused at the chunk size that passes
/// the limit, before its data is read). A chunk that passes the limit after
/// the echo began cannot turn the response into a 413: it stays unfinished
/// (no last chunk), and the connection closes.
#[test]
fn body_limit() {
    let (mut server, addr) = Program::server(CHAPTER, &["--max-body", "16"]);
    let head = "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nConnection: close\r\n";
    let sixteen = "0123456789abcdef";
    let cases = [
        (
            "16 bytes by Content-Length",
            format!("Content-Length: 16\r\n\r\n{sixteen}"),
            200,
        ),
        (
            "17 bytes by Content-Length",
            format!("Content-Length: 17\r\n\r\n{sixteen}g"),
            413,
        ),
        (
            "16 bytes in one chunk",
            format!("Transfer-Encoding: chunked\r\n\r\n10\r\n{sixteen}\r\n0\r\n\r\n"),
            200,
        ),
        (
            "17 bytes in one chunk",
            format!("Transfer-Encoding: chunked\r\n\r\n11\r\n{sixteen}g\r\n0\r\n\r\n"),
            413,
        ),
        (
            "17 bytes in chunks of 10 and 7",
            "Transfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n7\r\nabcdefg\r\n0\r\n\r\n"
                .to_string(),
            200,
        ),
    ];
    let mut shown = String::from(
        "each request on its own connection: POST /echo HTTP/1.1, Host, Connection: close, then\n",
    );
    for (name, rest, status) in cases {
        let mut client = Client::connect(addr);
        client.write(format!("{head}{rest}").as_bytes());
        let response = client.read_to_end();
        drop(client);
        server.wait_for("→");
        let line = status_line(&response);
        assert!(
            line.starts_with(&format!("HTTP/1.1 {status} ")),
            "{name}: {line}"
        );
        shown += &format!("# {name}\n");
        for line in rest.split_inclusive('\n') {
            shown += &format!("> {}\n", line.replace('\r', "\\r").replace('\n', "\\n"));
        }
        let text = String::from_utf8_lossy(&response);
        let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        shown += &format!("< {line}\n< body: {body:?}, then the server's FIN\n");
    }
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("body_limit", shown);
    insta::assert_snapshot!("body_limit_server", ports.apply(&server.interrupt().stdout));
}

/// A client that pipelines requests and never reads a response. The server
/// answers until its writes block (our receive buffer and its send buffer
/// are full), then reads no more, so its receive buffer fills and our writes
/// block too, after a bounded number of bytes, not the gigabytes a server
/// that read everything would take in. After `--send-timeout` without
/// progress the server gives up on the connection: it closes it with our
/// requests still unread, so its kernel resets it, and our blocked write
/// fails. `--quiet`: thousands of requests are answered first.
#[test]
fn a_client_that_never_reads_is_bounded() {
    let args = ["--send-timeout", "50ms", "--quiet"];
    let (mut server, addr) = Program::server(CHAPTER, &args);
    let socket =
        socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("a socket");
    // small buffers on our side, so the pipes fill sooner
    socket.set_recv_buffer_size(4096).expect("SO_RCVBUF");
    socket.set_send_buffer_size(4096).expect("SO_SNDBUF");
    socket.connect(&addr.into()).expect("connect");
    let mut client = Client {
        stream: socket.into(),
    };
    client
        .stream
        .set_write_timeout(Some(WAIT))
        .expect("write timeout");
    let requests = GET.repeat(1000);
    let bound = 64 << 20;
    let mut sent = 0;
    let failed = loop {
        // whole requests, however the kernel splits the writes
        match client.stream.write_all(&requests) {
            Ok(()) => sent += requests.len(),
            Err(err) => break err,
        }
        assert!(sent < bound, "the server took {sent} bytes and still reads");
    };
    assert!(
        matches!(
            failed.kind(),
            ErrorKind::ConnectionReset | ErrorKind::BrokenPipe
        ),
        "{failed}"
    );
    let line = server.wait_for("read nothing");
    eprintln!("sent {sent} bytes before the server gave up");
    let shown = format!(
        "client: pipelined requests, never reading: the writes blocked before {} MiB, then failed: {}\nserver: {line}\n",
        bound >> 20,
        "the connection was reset",
    );
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("backpressure", ports.apply(&shown));
}

/// A request whose head the server has read (it answered `100 Continue`) and
/// whose body is still to come: in flight.
const UPLOAD: &[u8] = b"POST /headers HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\
    Content-Length: 5\r\nExpect: 100-continue\r\n\r\n";

/// Sends [`UPLOAD`]'s head and reads the server's `100 Continue`.
fn upload_in_flight(addr: SocketAddr) -> Client {
    let mut client = Client::connect(addr);
    client.write(UPLOAD);
    let interim = b"HTTP/1.1 100 Continue\r\n\r\n";
    assert_eq!(client.read_exact(interim.len()), interim);
    client
}

/// Ctrl-C with one idle connection and one in the middle of a request (its
/// head read, its body not yet): the listener is closed (a new client is
/// refused), the idle connection is closed at once, the busy one gets its
/// answer with `Connection: close`, and the server exits once both ended.
#[test]
fn graceful_shutdown() {
    let (mut server, addr) = Program::server(CHAPTER, &[]);
    let mut shown = Vec::new();
    let mut idle = Client::connect(addr);
    idle.write(GET);
    let response = read_response(&mut idle);
    server.wait_for("GET / HTTP/1.1 → 200 OK");
    shown.push(format!(
        "idle client: {} (the connection stays open)",
        status_line(&response)
    ));
    let mut busy = upload_in_flight(addr);
    shown.push(
        "busy client: sent a POST head with Expect: 100-continue; read HTTP/1.1 100 Continue"
            .to_string(),
    );

    server.send_signal("-INT");
    shown.push("<Ctrl-C>".to_string());
    server.wait_for("shutting down");
    let refused = TcpStream::connect_timeout(&addr, WAIT).map_err(|err| err.kind());
    assert_eq!(refused.err(), Some(ErrorKind::ConnectionRefused));
    shown.push("new client: connection refused".to_string());
    assert_eq!(idle.read_to_end(), b"");
    shown.push("idle client: the end of the stream (the server's FIN)".to_string());
    drop(idle); // our FIN ends the server's drain
    server.wait_for("idle at shutdown");

    busy.write(b"hello");
    let response = busy.read_to_end();
    shown.push(
        "busy client: sent the body, hello; read the response, then the server's FIN:".to_string(),
    );
    shown.push(visible(&response).trim_end().to_string());
    drop(busy);
    assert!(
        String::from_utf8_lossy(&response).contains("\r\nConnection: close\r\n"),
        "{}",
        visible(&response)
    );
    let output = server.finish();
    assert!(output.status.success(), "{:?}", output.status);
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("shutdown", ports.apply(&(shown.join("\n") + "\n")));
    insta::assert_snapshot!("shutdown_server", ports.apply(&output.stdout));
}

/// SIGTERM with a connection whose body never comes: `--shutdown-timeout`
/// later the server cuts it (the client reads the end of the stream) and
/// exits, saying how many it cut.
#[test]
fn shutdown_deadline_cuts_busy_connections() {
    let (server, addr) = Program::server(CHAPTER, &["--shutdown-timeout", "50ms"]);
    let mut busy = upload_in_flight(addr);
    server.send_signal("-TERM");
    assert_eq!(busy.read_to_end(), b"", "cut: the end of the stream");
    let output = server.finish();
    assert!(output.status.success(), "{:?}", output.status);
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("shutdown_deadline", ports.apply(&output.stdout));
}

/// `run` is the whole server: called in-process as `main.rs` calls it, on
/// port 0, with a future of the test's own (a oneshot channel) in place of
/// the signals. It serves a request; once that future resolves it returns.
/// (That the port then refuses is the shutdown test's: checked here, in a
/// process whose other tests start servers on port 0, it failed once in 65
/// runs, a connect that succeeded.)
#[test]
fn run_returns_when_its_shutdown_future_does() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let mut config = ch09_concurrency::Config {
            connection: ch08_persistent::Config::DEFAULT,
            max_connections: std::num::NonZeroUsize::MIN,
            shutdown_timeout: WAIT,
        };
        config.connection.quiet = true;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
            "the test"
        };
        let server = tokio::spawn(ch09_concurrency::run(listener, config, shutdown));

        let mut client = tokio::net::TcpStream::connect(addr).await.expect("connect");
        client.write_all(GET_CLOSE).await.expect("write");
        let mut response = Vec::new();
        let read = client.read_to_end(&mut response);
        tokio::time::timeout(WAIT, read)
            .await
            .expect("in time")
            .expect("read");
        assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"));
        drop(client);

        stop.send(()).expect("the server still waits");
        let ended = tokio::time::timeout(WAIT, server).await;
        assert!(matches!(ended, Ok(Ok(()))), "run returned");
    });
}

/// `--help` describes every option.
#[test]
fn help_describes_every_option() {
    let output = Program::start(CHAPTER, &["--help"]).finish();
    assert!(output.status.success());
    for option in [
        "--addr",
        "--max-connections",
        "--shutdown-timeout",
        "--head-timeout",
        "--idle-timeout",
        "--send-timeout",
        "--max-body",
        "--quiet",
    ] {
        // clap puts each description on the line after its option
        let lines: Vec<&str> = output.stdout.lines().collect();
        let described = lines
            .windows(2)
            .any(|pair| pair[0].trim_start().starts_with(option) && pair[1].trim().len() > 8);
        assert!(
            described,
            "--help does not describe {option}:\n{}",
            output.stdout
        );
    }
}
