//! A tiny static file server for `target/book` (std only): `cargo run -- serve`.
//! One thread per connection, GET and HEAD, one response per connection.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// Serves `dir` on `addr` until the process is stopped (Ctrl-C).
pub fn serve(dir: &Path, addr: &str) -> Result<(), String> {
    let listener = TcpListener::bind(addr).map_err(|err| {
        format!("cannot listen on {addr}: {err} (is another server running? try `cargo run -- serve 127.0.0.1:0`)")
    })?;
    let local = listener
        .local_addr()
        .map_err(|err| format!("cannot listen on {addr}: {err}"))?;
    println!("serving {} on http://{local}/", dir.display());
    println!("  Korean:  http://{local}/ko/");
    println!("  English: http://{local}/en/");
    println!("press Ctrl-C to stop");
    serve_on(dir, &listener);
    Ok(())
}

/// Serves `dir` on a bound `listener`, one thread per connection, until the process ends
/// (the browser tests bind 127.0.0.1:0 and run this on a thread).
pub fn serve_on(dir: &Path, listener: &TcpListener) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let dir = dir.to_path_buf();
                std::thread::spawn(move || {
                    if let Err(err) = respond(&dir, stream) {
                        eprintln!("tcp-http-book serve: {err}");
                    }
                });
            }
            Err(err) => eprintln!("tcp-http-book serve: accept failed: {err}"),
        }
    }
}

fn respond(dir: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // read the header fields up to the empty line; only If-Modified-Since matters here
    let mut line = String::new();
    let mut if_modified_since = None;
    while reader.read_line(&mut line)? > 2 {
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("if-modified-since")
        {
            if_modified_since = Some(value.trim().to_string());
        }
        line.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return send(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"GET or HEAD only\n",
            true,
        );
    }
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    if path == "/" {
        let head = "HTTP/1.1 302 Found\r\nLocation: /ko/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        return stream.write_all(head.as_bytes());
    }
    let Some(mut file) = resolve(dir, &path) else {
        return send(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            true,
        );
    };
    if file.is_dir() {
        if !path.ends_with('/') {
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {path}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            return stream.write_all(head.as_bytes());
        }
        file.push("index.html");
    }
    // Last-Modified, and 304 when the browser's copy is as new: a reload (and every page of
    // the browser tests) reuses the scripts it has, and V8's compiled code with them
    let modified = fs::metadata(&file)
        .and_then(|m| m.modified())
        .map(httpdate::fmt_http_date)
        .ok();
    if modified.is_some() && modified == if_modified_since {
        let head = format!(
            "HTTP/1.1 304 Not Modified\r\nLast-Modified: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
            modified.unwrap_or_default()
        );
        return stream.write_all(head.as_bytes());
    }
    match fs::read(&file) {
        Ok(body) => {
            let mut response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
                content_type(&file),
                body.len()
            );
            if let Some(modified) = &modified {
                // no-cache: the browser keeps its copy but asks every time, so an edited and
                // rebuilt page shows at once
                response.push_str(&format!(
                    "Last-Modified: {modified}\r\nCache-Control: no-cache\r\n"
                ));
            }
            response.push_str("Connection: close\r\n\r\n");
            let mut response = response.into_bytes();
            if method == "GET" {
                response.extend_from_slice(&body);
            }
            stream.write_all(&response)
        }
        Err(_) => {
            // mdBook's 404 page of the language the path is in
            let language = path.trim_start_matches('/').split('/').next().unwrap_or("");
            let page =
                resolve(dir, &format!("/{language}/404.html")).and_then(|p| fs::read(p).ok());
            match page {
                Some(body) => send(
                    &mut stream,
                    "404 Not Found",
                    "text/html; charset=utf-8",
                    &body,
                    method == "GET",
                ),
                None => send(
                    &mut stream,
                    "404 Not Found",
                    "text/plain",
                    b"not found\n",
                    method == "GET",
                ),
            }
        }
    }
}

fn send(
    stream: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    // one write for head and body: two small writes would let Nagle's algorithm hold the body
    // until the head's ACK, which the browser delays (measured: 40–100 ms per file)
    let mut response = head.into_bytes();
    if with_body {
        response.extend_from_slice(body);
    }
    stream.write_all(&response)?;
    stream.flush()
}

/// The file for a URL path, never outside `dir`.
fn resolve(dir: &Path, path: &str) -> Option<PathBuf> {
    let mut file = dir.to_path_buf();
    for component in Path::new(path.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
