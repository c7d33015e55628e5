//! The server's four routes: the page, `/echo`, `/headers`, and 404 for
//! anything else. A route is chosen from the head alone.

use ch05_raw_http::BODY as PAGE;
use ch07_request_parser::{Form, Request, Target};

use crate::response::{Content, Response};

// ANCHOR: route
/// Where a request goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `GET` or `HEAD /`: a small HTML page.
    Page,
    /// Another method on `/`: 405, with `Allow`.
    NotAllowed,
    /// Any method on `/echo`: the request body, as received.
    Echo,
    /// `/headers`: the request's field lines, one per line, as received.
    Headers(Vec<u8>),
    NotFound,
}

pub fn route(request: &Request) -> Route {
    match (path(&request.target), request.method) {
        ("/", "GET" | "HEAD") => Route::Page,
        ("/", _) => Route::NotAllowed,
        ("/echo", _) => Route::Echo,
        ("/headers", _) => Route::Headers(field_lines(request)),
        _ => Route::NotFound,
    }
}
// ANCHOR_END: route

// ANCHOR: response
impl Route {
    /// The answer of every route but `/echo` (which streams, in
    /// `connection.rs`).
    pub fn response(self) -> Response {
        let text = "text/plain; charset=utf-8";
        match self {
            Route::Page => {
                let html = "text/html; charset=utf-8";
                Response::new(200, html, Content::Static(PAGE.as_bytes()))
            }
            Route::Headers(lines) => {
                Response::new(200, text, Content::Bytes(lines))
            }
            Route::NotAllowed => {
                let body = b"/ takes GET or HEAD\n";
                let mut response =
                    Response::new(405, text, Content::Static(body));
                // a 405 names the methods that do work (RFC 9110 §15.5.6)
                response.fields += "Allow: GET, HEAD\r\n";
                response
            }
            Route::Echo | Route::NotFound => {
                let body = b"404 Not Found\n";
                Response::new(404, text, Content::Static(body))
            }
        }
    }
}
// ANCHOR_END: response

/// The field lines as received, `name: value\n` each (values are bytes:
/// they may hold obs-text, RFC 9110 §5.5).
fn field_lines(request: &Request) -> Vec<u8> {
    let mut out = Vec::new();
    for field in request.fields {
        out.extend_from_slice(field.name);
        out.extend_from_slice(b": ");
        out.extend_from_slice(field.value);
        out.push(b'\n');
    }
    out
}

// ANCHOR: path
/// The path of the target, without its query. An absolute-form target
/// (`http://host/echo`, which a server MUST accept, RFC 9112 §3.2.2) has
/// its path after the authority.
pub fn path<'b>(target: &Target<'b>) -> &'b str {
    let raw = match target.form {
        Form::Absolute => {
            let after_scheme = target.raw.split_once("://").map_or("", |s| s.1);
            match after_scheme.find('/') {
                Some(at) => &after_scheme[at..],
                None => "/", // RFC 9112 §3.2.2's empty path
            }
        }
        _ => target.raw,
    };
    raw.split_once('?').map_or(raw, |(path, _query)| path)
}
// ANCHOR_END: path
