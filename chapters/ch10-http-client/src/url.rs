//! An `http://` URL taken apart: where to connect, what to send as `Host`,
//! and the request-target (RFC 9110 §4.2.1, RFC 9112 §3.2).

use ch07_request_parser::rules::{REG_NAME, TARGET};

/// What a request to this URL needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The host to connect to: a name, an IPv4 or an IPv6 address (without
    /// its brackets).
    pub host: String,
    pub port: u16,
    /// `host[:port]` as written: the `Host` field's value (RFC 9110 §7.2).
    pub authority: String,
    /// origin-form: the path (at least "/") and the query (RFC 9112 §3.2.1).
    pub target: String,
}

// ANCHOR: parse_url
/// `http://host[:port][/path][?query][#fragment]`, or why not.
pub fn parse_url(text: &str) -> Result<Url, &'static str> {
    let scheme_end = text.find("://").ok_or("not an http:// URL")?;
    match text[..scheme_end].to_ascii_lowercase().as_str() {
        "http" => {}
        "https" => {
            return Err("https:// needs TLS: this client speaks \
            http:// only");
        }
        _ => return Err("not an http:// URL"),
    }
    let rest = &text[scheme_end + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, rest) = rest.split_at(end);
    if authority.contains('@') {
        // RFC 9110 §4.2.4: "treat its presence as an error"
        return Err("user@ in an http URL is deprecated (RFC 9110 §4.2.4)");
    }
    let (host, port) = host_and_port(authority)?;
    // the fragment stays with the client (RFC 9110 §4.2.5)
    let target = rest.split('#').next().unwrap_or_default();
    // "If the target URI's path component is empty, the client MUST send
    // "/" as the path within the origin-form" (RFC 9112 §3.2.1)
    let target = match target {
        "" => "/".to_string(),
        query if query.starts_with('?') => format!("/{query}"),
        path => path.to_string(),
    };
    check_target(&target)?;
    let (host, authority) = (host.to_string(), authority.to_string());
    Ok(Url {
        host,
        port,
        authority,
        target,
    })
}
// ANCHOR_END: parse_url

/// `uri-host [ ":" port ]`; port 80 when there is none (RFC 9110 §4.2.1).
fn host_and_port(authority: &str) -> Result<(&str, u16), &'static str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or("no ] after [")?;
            (host, after.strip_prefix(':').unwrap_or(after))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, port),
            None => (authority, ""),
        },
    };
    let ip = host.bytes().all(|b| b.is_ascii_hexdigit() || b == b':');
    let reg_name = host.bytes().all(|b| REG_NAME[b as usize]);
    if host.is_empty() {
        return Err("an http URL needs a host (RFC 9110 §4.2.1)");
    }
    if !(reg_name || authority.starts_with('[') && ip) {
        return Err("not a host name or address (RFC 3986 §3.2.2)");
    }
    let port = match port {
        "" => 80,
        digits => digits.parse().map_err(|_| "not a port (RFC 3986 §3.2.3)")?,
    };
    Ok((host, port))
}

/// Only bytes a request-target may hold: no space, no control byte, no
/// non-ASCII (percent-encode them first), "%" only before two hex digits.
fn check_target(target: &str) -> Result<(), &'static str> {
    let bytes = target.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let hex = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
        let fits = TARGET[b as usize] || b == b'%' && hex(i + 1) && hex(i + 2);
        if !fits {
            return Err("not a request-target: percent-encode spaces and \
                other bytes (RFC 3986 §2.1, RFC 9112 §3.2)");
        }
    }
    Ok(())
}
