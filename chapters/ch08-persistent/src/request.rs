//! What chapter 8 reads in a head beyond chapter 7's grammar: the Host an
//! `http` server needs, whether the connection persists, what the client
//! expects, how the body is framed, and where the request goes. Checked
//! once, then kept as plain data (the head's bytes are dropped right after).

use ch07_request_parser::{Form, Request, Version};

use crate::Config;
use crate::framing::{Framing, framing, list};
use crate::routes::{Route, route};
use crate::rules::Rule;

// ANCHOR: exchange
/// What the connection keeps of a request head once its bytes are gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// `GET / HTTP/1.1`: the request-line, for the log; empty with
    /// `--quiet`, which logs nothing.
    pub line: String,
    pub version: Version,
    /// HEAD: the same fields as GET, no body (RFC 9110 §9.3.2).
    pub head_only: bool,
    /// The client's Connection options let the connection persist.
    pub keep_alive: bool,
    /// The client sent the "close" option: it sends no more requests on
    /// this connection (RFC 9112 §9.6).
    pub client_closes: bool,
    /// `Expect: 100-continue` (HTTP/1.1 only).
    pub expects_continue: bool,
    pub framing: Framing,
    pub route: Route,
}

impl Exchange {
    /// The checks, in order; the first rule broken is the answer.
    pub fn new(request: &Request, config: &Config) -> Result<Exchange, Rule> {
        host(request)?;
        let framing = framing(request)?;
        if matches!(framing, Framing::Length(n) if n > config.max_body) {
            // refused before reading it, and without a 100 Continue
            return Err(Rule::BodyTooLarge);
        }
        let expects_continue = expects_continue(request)?;
        let client_closes = has_option(request, b"close");
        Ok(Exchange {
            line: match config.quiet {
                true => String::new(), // not made for every request in vain
                false => request_line(request),
            },
            version: request.version,
            head_only: request.method == "HEAD",
            keep_alive: !client_closes && keep_alive(request),
            client_closes,
            expects_continue,
            framing,
            route: route(request),
        })
    }

    /// What an error response needs of the request: its request-line
    /// (for the log) and whether it is HEAD (no content, not even then).
    pub fn refused(&self) -> (&str, bool) {
        (&self.line, self.head_only)
    }
}
// ANCHOR_END: exchange

/// `GET / HTTP/1.1`, as the log shows a request: made for every request,
/// so by copying its pieces (`format!` costs more than the copies).
pub fn request_line(request: &Request) -> String {
    let version = match request.version {
        Version::Http10 => "HTTP/1.0",
        Version::Http11 => "HTTP/1.1",
    };
    [request.method, " ", request.target.raw, " ", version].concat()
}

// ANCHOR: host
/// Chapter 7's parser already answers 400 for a missing Host in HTTP/1.1,
/// a second Host line, and a value that is not `uri-host [ ":" port ]`
/// (RFC 9112 §3.2). The grammar lets the host be empty, and a client sends
/// `Host:` when the target URI has no authority; but we serve `http` URIs,
/// and RFC 9110 §4.2.1 says "A recipient that processes such a URI
/// reference [with an empty host] MUST reject it as invalid". An
/// absolute-form target carries its own host, and then Host is ignored
/// (RFC 9112 §3.2.2).
fn host(request: &Request) -> Result<(), Rule> {
    let empty = request.field("host").is_some_and(|host| {
        host.is_empty() || host.starts_with(b":") // ":80": a port, no host
    });
    match empty && request.target.form != Form::Absolute {
        true => Err(Rule::EmptyHost),
        false => Ok(()),
    }
}
// ANCHOR_END: host

// ANCHOR: keep_alive
/// RFC 9112 §9.3: the "close" option ends the connection after this
/// response (`Exchange::new` looks for it first); otherwise HTTP/1.1
/// persists, and HTTP/1.0 persists only with the "keep-alive" option.
fn keep_alive(request: &Request) -> bool {
    match request.version {
        Version::Http11 => true,
        Version::Http10 => has_option(request, b"keep-alive"),
    }
}

/// Connection = #connection-option, and options are case-insensitive
/// (RFC 9110 §7.6.1): `Keep-Alive, TE` has "keep-alive".
fn has_option(request: &Request, option: &[u8]) -> bool {
    list(request.fields, "connection").any(|o| o.eq_ignore_ascii_case(option))
}
// ANCHOR_END: keep_alive

// ANCHOR: expect
/// RFC 9110 §10.1.1: Expect = #expectation, case-insensitive; the one
/// expectation defined is 100-continue, "A server that receives an Expect
/// field value containing a member other than 100-continue MAY respond
/// with a 417 (Expectation Failed)" (we do), and "A server that receives
/// a 100-continue expectation in an HTTP/1.0 request MUST ignore that
/// expectation."
fn expects_continue(request: &Request) -> Result<bool, Rule> {
    if request.version == Version::Http10 {
        return Ok(false);
    }
    let mut expects = false;
    for expectation in list(request.fields, "expect") {
        if !expectation.eq_ignore_ascii_case(b"100-continue") {
            return Err(Rule::Expectation);
        }
        expects = true;
    }
    Ok(expects)
}
// ANCHOR_END: expect
