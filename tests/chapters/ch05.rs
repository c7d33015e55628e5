use crate::support::{
    Client, Normalizer, Program, TcpState, curl, tcp_socket, visible, wait_for_kernel,
};

/// curl gets a valid response: exit status 0, the status line, the fields, the page.
#[test]
fn curl_reads_the_response() {
    let (mut server, addr) = Program::server("ch05-raw-http", &[]);
    let Some(output) = curl(addr, "/", &["--include"]) else {
        return;
    };
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    server.wait_for("answered");

    let mut ports = Normalizer::new(addr);
    let shown = format!(
        "$ curl --include http://127.0.0.1:{}/\n{}",
        addr.port(),
        visible(&output.stdout)
    );
    insta::assert_snapshot!("curl", ports.apply(&shown));
    insta::assert_snapshot!("curl_server", ports.apply(&server.interrupt().stdout));
}

/// The seed's response: curl refuses it, because its first line is not a status line.
#[test]
fn curl_rejects_the_seed_response() {
    let (mut server, addr) = Program::server("ch05-raw-http", &["--seed-response"]);
    let Some(output) = curl(addr, "/", &["--include"]) else {
        return;
    };
    assert_eq!(output.status.code(), Some(1), "curl's exit status");
    server.wait_for("sent the seed's response");
    let Some(raw) = curl(addr, "/", &["--http0.9"]) else {
        return;
    };
    assert!(raw.status.success());
    server.wait_for("sent the seed's response");

    let mut ports = Normalizer::new(addr);
    let shown = format!(
        "$ curl --include http://127.0.0.1:{port}/\n{}\
         $ curl --http0.9 http://127.0.0.1:{port}/\n{}",
        String::from_utf8_lossy(&output.stderr),
        visible(&raw.stdout),
        port = addr.port()
    );
    insta::assert_snapshot!("curl_seed", ports.apply(&shown));
    insta::assert_snapshot!("curl_seed_server", ports.apply(&server.interrupt().stdout));
}

/// The exact bytes: CRLF line ends, a Date in IMF-fixdate, Content-Length in bytes.
#[test]
fn response_bytes() {
    let (server, addr) = Program::server("ch05-raw-http", &[]);
    let mut client = Client::connect(addr);
    client.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let response = client.read_to_end();
    let text = String::from_utf8(response.clone()).expect("UTF-8 response");
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("an empty line ends the head");
    assert!(head.lines().all(|line| !line.is_empty()));
    assert_eq!(
        head.matches("\r\n").count(),
        head.lines().count() - 1,
        "every line ends in CRLF"
    );
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("Content-Length");
    assert_eq!(length.parse::<usize>().expect("a number"), body.len());
    assert!(
        body.chars().count() < body.len(),
        "the body has multi-byte characters"
    );
    let date = head
        .lines()
        .find_map(|l| l.strip_prefix("Date: "))
        .expect("Date");
    assert!(is_imf_fixdate(date), "{date}");

    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("response_bytes", ports.apply(&visible(&response)));
    drop(server);
}

/// HEAD: the same header fields, Content-Length included, and no body.
#[test]
fn head_has_no_body() {
    let (_server, addr) = Program::server("ch05-raw-http", &[]);
    let mut client = Client::connect(addr);
    client.write(b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    let response = String::from_utf8(client.read_to_end()).expect("UTF-8");
    assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
    assert!(response.ends_with("\r\n\r\n"), "no body: {response}");
    assert!(response.contains("Content-Length: 1"), "{response}");
}

/// Wrong requests get their status, and the server goes on: garbage (400), no
/// Host in HTTP/1.1 (400), POST and DELETE (405), two Host lines (400), HEAD
/// without a body even for a 400, bare-LF line ends (the first empty line ends
/// the head), heads over 8 KiB (431), a client that says
/// nothing (timeout), one that closes at once, and one that resets.
#[test]
fn bad_requests_get_one_line_each() {
    let (mut server, addr) = Program::server("ch05-raw-http", &["--head-timeout", "50ms"]);
    let status_of = |request: &[u8], shutdown: bool| {
        let mut client = Client::connect(addr);
        client.write(request);
        if shutdown {
            client.shutdown_write();
        }
        let response = client.read_to_end();
        String::from_utf8_lossy(&response)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };

    assert_eq!(
        status_of(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", true),
        "HTTP/1.1 400 Bad Request"
    );
    server.wait_for("answered 400");
    assert_eq!(
        status_of(b"GET / HTTP/1.1\r\n\r\n", false),
        "HTTP/1.1 400 Bad Request"
    );
    server.wait_for("answered 400");
    assert_eq!(
        status_of(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
            false
        ),
        "HTTP/1.1 405 Method Not Allowed"
    );
    server.wait_for("answered 405");
    let mut delete = Client::connect(addr);
    delete.write(b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
    let response = String::from_utf8(delete.read_to_end()).expect("UTF-8");
    assert!(response.contains("\r\nAllow: GET, HEAD\r\n"), "{response}");
    server.wait_for("answered 405");
    // two Host lines, in any version (RFC 9112 §3.2)
    assert_eq!(
        status_of(b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", false),
        "HTTP/1.1 400 Bad Request"
    );
    server.wait_for("answered 400");
    // a failed HEAD gets the same head as a GET would, and no body (RFC 9110 §9.3.2)
    let mut head = Client::connect(addr);
    head.write(b"HEAD / HTTP/1.1\r\n\r\n");
    let response = head.read_to_end();
    assert!(
        response.ends_with(b"Connection: close\r\n\r\n"),
        "{response:?}"
    );
    server.wait_for("answered 400");
    // bare LF ends lines too, and the first empty line ends the head, however the
    // lines after it end (RFC 9112 §2.2)
    assert_eq!(
        status_of(
            b"GET / HTTP/1.1\nHost: x\n\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n",
            false
        ),
        "HTTP/1.1 200 OK"
    );
    server.wait_for("answered 200");
    assert_eq!(
        status_of(b"GET / HTTP/1.1\r\nHost: x\n\r\n", false),
        "HTTP/1.1 200 OK"
    );
    server.wait_for("answered 200");
    let mut huge = b"GET / HTTP/1.1\r\nHost: x\r\n".to_vec();
    huge.extend(std::iter::repeat_n(b"X-Filler: 0123456789abcdef\r\n", 800).flatten());
    assert_eq!(
        status_of(&huge, false),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    server.wait_for("answered 431");
    huge.truncate(8 * 1024); // a complete head, 4 bytes over the 8 KiB limit
    huge.extend_from_slice(b"\r\n\r\n");
    assert_eq!(
        status_of(&huge, false),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    server.wait_for("answered 431");

    let mut silent = Client::connect(addr);
    assert_eq!(silent.read_to_end(), b"", "closed after the head timeout");
    server.wait_for("no complete request within 50ms");
    Client::connect(addr).shutdown_write();
    server.wait_for("closed without sending a request");
    let mut vanishing = Client::connect(addr);
    vanishing.write(b"GET / HT");
    server.wait_for("connected");
    vanishing.reset();
    server.wait_for("connection failed");

    assert_eq!(
        status_of(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false),
        "HTTP/1.1 200 OK"
    );
    server.wait_for("answered 200");
    let mut ports = Normalizer::new(addr);
    insta::assert_snapshot!("bad_requests", ports.apply(&server.interrupt().stdout));
}

/// The drain: a request the server never reads does not turn its close into a reset.
/// The first request is exactly as long as the server's one read (1024 bytes), so a
/// second request sent in the same write is left unread in the server's receive
/// buffer when it has answered the first. The server sends FIN, then reads (and
/// drops) that request until our FIN, so the connection ends without RST: the
/// kernel records no error for our socket. Without the drain the server's kernel
/// would answer the close with RST (RFC 9293 §3.6.1), and our socket would carry
/// the reset (`Broken pipe` or `Connection reset by peer`) even after a clean read.
#[test]
fn unread_request_is_drained_not_reset() {
    let (mut server, addr) = Program::server("ch05-raw-http", &[]);
    let first = padded_request(1024);
    let second: &[u8] = b"GET /again HTTP/1.1\r\nHost: 127.0.0.1:5000\r\n\r\n";
    let mut shown = vec![format!(
        "client: one write of {} bytes: a {}-byte request, then {} bytes of a second one",
        first.len() + second.len(),
        first.len(),
        second.len()
    )];
    let mut client = Client::connect(addr);
    client.write(&[first.as_slice(), second].concat());

    let head = server.wait_for("request head");
    shown.push(format!("server: {}", after_peer(&head)));
    let answered = server.wait_for("answered");
    shown.push(format!("server: {}", after_peer(&answered)));

    let response = client.read_to_end();
    assert!(response.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(response.ends_with(b"</html>\n"), "the whole body");
    shown.push(format!(
        "client: read {} bytes, \"HTTP/1.1 200 OK\\r\\n\" to \"</html>\\n\", then the end of the stream (the server's FIN)",
        response.len()
    ));
    // Before our FIN, the server must have done its part: read everything we sent
    // after its FIN (nothing unread on its side, which only the drain achieves), or
    // have closed and reset the connection (then ours is gone from the kernel too).
    let ours = client.stream.local_addr().expect("local address");
    wait_for_kernel("drain or reset", || {
        let drained = tcp_socket(addr, ours).is_some_and(|server_side| {
            server_side.unread == 0
                && matches!(server_side.state, TcpState::FinWait1 | TcpState::FinWait2)
        });
        drained || tcp_socket(ours, addr).is_none()
    });
    shown.push(
        "server: its socket has nothing unread left (Recv-Q 0): it read the second request after its FIN"
            .to_string(),
    );
    // our FIN ends the server's drain; a reset connection may refuse it, which is fine
    let _ = client.stream.shutdown(std::net::Shutdown::Write);
    shown.push("client: shutdown(Write): our FIN".to_string());
    let error = client.closed_error(addr);
    assert!(
        error.is_none(),
        "the server's kernel reset the connection (RST): our socket's pending error is {error:?}"
    );
    shown.push("client: the connection has ended; pending error: none (no RST)".to_string());

    insta::assert_snapshot!("drained", shown.join("\n") + "\n");
    drop(server);
}

/// `GET / HTTP/1.1` with a Host field and one padding field, exactly `len` bytes long.
fn padded_request(len: usize) -> Vec<u8> {
    let start = b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nX-Padding: ";
    let end = b"\r\n\r\n";
    let mut request = start.to_vec();
    request.resize(len - end.len(), b'a');
    request.extend_from_slice(end);
    request
}

/// A server line without the peer's address: `request head, 1024 bytes:`.
fn after_peer(line: &str) -> &str {
    line.split_once(": ").map_or(line, |(_, rest)| rest)
}

fn is_imf_fixdate(date: &str) -> bool {
    // e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 §5.6.7)
    let b = date.as_bytes();
    date.len() == 29
        && ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].contains(&&date[..3])
        && &date[3..5] == ", "
        && b[5..7].iter().all(u8::is_ascii_digit)
        && date.ends_with(" GMT")
}
