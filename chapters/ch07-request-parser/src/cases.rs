//! The table of named cases: request heads drawn from the RFCs' examples and
//! ABNF, each with what the parser must make of it. The tests feed every row
//! whole, split at every byte and one byte at a time; the differential test
//! and the fuzzer's regression replay reuse it.

use crate::parse::{Form, Version};
use crate::rules::Rule;

/// One named request head and its expected outcome, with the RFC section
/// that decides it.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    pub name: &'static str,
    pub rfc: &'static str,
    pub input: &'static [u8],
    pub expect: Expect,
}

#[derive(Clone, Copy, Debug)]
pub enum Expect {
    /// A head: its parts, its field lines as (name, value), the bytes it used.
    Request {
        method: &'static str,
        target: &'static str,
        form: Form,
        version: Version,
        fields: &'static [(&'static str, &'static str)],
        used: usize,
    },
    /// A rejection: the rule, the status, the offset of the byte at fault.
    Reject {
        rule: Rule,
        status: u16,
        offset: usize,
    },
}

use Expect::{Reject, Request};
use Form::*;
use Rule::*;
use Version::*;

pub const CASES: &[Case] = &[
    Case {
        name: "RFC 9112 §2.1's example request",
        rfc: "RFC 9112 §2.1",
        input: b"GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/hello.txt",
            form: Origin,
            version: Http11,
            fields: &[("User-Agent", "curl/7.64.1"), ("Host", "www.example.com"), ("Accept-Language", "en, mi")],
            used: 100,
        },
    },
    // ANCHOR: cases_sample
    Case {
        name: "origin-form with a query",
        rfc: "RFC 9112 §3.2.1",
        input: b"GET /where?q=now HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/where?q=now",
            form: Origin,
            version: Http11,
            fields: &[("Host", "www.example.org")],
            used: 52,
        },
    },
    // ANCHOR_END: cases_sample
    Case {
        name: "absolute-form",
        rfc: "RFC 9112 §3.2.2",
        input: b"GET http://www.example.org/pub/WWW/TheProject.html HTTP/1.1\r\nHost: www.example.org\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "http://www.example.org/pub/WWW/TheProject.html",
            form: Absolute,
            version: Http11,
            fields: &[("Host", "www.example.org")],
            used: 86,
        },
    },
    Case {
        name: "authority-form for CONNECT",
        rfc: "RFC 9112 §3.2.3",
        input: b"CONNECT www.example.com:80 HTTP/1.1\r\nHost: www.example.com:80\r\n\r\n",
        expect: Request {
            method: "CONNECT",
            target: "www.example.com:80",
            form: Authority,
            version: Http11,
            fields: &[("Host", "www.example.com:80")],
            used: 65,
        },
    },
    Case {
        name: "asterisk-form for OPTIONS",
        rfc: "RFC 9112 §3.2.4",
        input: b"OPTIONS * HTTP/1.1\r\nHost: www.example.org:8001\r\n\r\n",
        expect: Request {
            method: "OPTIONS",
            target: "*",
            form: Asterisk,
            version: Http11,
            fields: &[("Host", "www.example.org:8001")],
            used: 50,
        },
    },
    Case {
        name: "curl's request (chapter 5)",
        rfc: "RFC 9112 §3",
        input: b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "127.0.0.1:5000"), ("User-Agent", "curl/7.88.1"), ("Accept", "*/*")],
            used: 78,
        },
    },
    Case {
        name: "Chromium's request (chapter 5)",
        rfc: "RFC 9112 §3",
        input: b"GET / HTTP/1.1\r\nHost: 127.0.0.1:5000\r\nConnection: keep-alive\r\nsec-ch-ua: \"Not)A;Brand\";v=\"8\", \"Chromium\";v=\"138\"\r\nsec-ch-ua-mobile: ?0\r\nsec-ch-ua-platform: \"Linux\"\r\nUpgrade-Insecure-Requests: 1\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/138.0.0.0 Safari/537.36\r\nAccept: text/html,application/xhtml+xml,application/xml;q=0.9,image/jxl,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7\r\nSec-Fetch-Site: none\r\nSec-Fetch-Mode: navigate\r\nSec-Fetch-User: ?1\r\nSec-Fetch-Dest: document\r\nAccept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "127.0.0.1:5000"), ("Connection", "keep-alive"), ("sec-ch-ua", "\"Not)A;Brand\";v=\"8\", \"Chromium\";v=\"138\""), ("sec-ch-ua-mobile", "?0"), ("sec-ch-ua-platform", "\"Linux\""), ("Upgrade-Insecure-Requests", "1"), ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/138.0.0.0 Safari/537.36"), ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/jxl,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"), ("Sec-Fetch-Site", "none"), ("Sec-Fetch-Mode", "navigate"), ("Sec-Fetch-User", "?1"), ("Sec-Fetch-Dest", "document"), ("Accept-Encoding", "gzip, deflate, br, zstd"), ("Accept-Language", "en-US,en;q=0.9")],
            used: 644,
        },
    },
    Case {
        name: "HTTP/1.0 needs no Host",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.0\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http10,
            fields: &[],
            used: 18,
        },
    },
    Case {
        name: "HTTP/1.2 is read as HTTP/1.1",
        rfc: "RFC 9110 §2.5",
        input: b"GET / HTTP/1.2\r\nHost: x\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x")],
            used: 27,
        },
    },
    Case {
        name: "a body after the head is not part of it",
        rfc: "RFC 9112 §6",
        input: b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
        expect: Request {
            method: "POST",
            target: "/echo",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x"), ("Content-Length", "5")],
            used: 51,
        },
    },
    Case {
        name: "two pipelined requests: the first one",
        rfc: "RFC 9112 §9.3.2",
        input: b"GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/1",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x")],
            used: 28,
        },
    },
    Case {
        name: "the same name twice, in order",
        rfc: "RFC 9110 §5.3",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nExample-Field: Foo, Bar\r\nExample-Field: Baz\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x"), ("Example-Field", "Foo, Bar"), ("Example-Field", "Baz")],
            used: 72,
        },
    },
    Case {
        name: "OWS around the value is trimmed, inside kept",
        rfc: "RFC 9112 §5",
        input: b"GET / HTTP/1.1\r\nHost:x\r\nA: \t b \t c \t \r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x"), ("A", "b \t c")],
            used: 41,
        },
    },
    Case {
        name: "an empty value",
        rfc: "RFC 9110 §5.5",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Blank:   \r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x"), ("X-Empty", ""), ("X-Blank", "")],
            used: 50,
        },
    },
    Case {
        name: "obs-text in a value",
        rfc: "RFC 9110 §5.5",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\xc3\xa9\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x"), ("X-Name", "café")],
            used: 42,
        },
    },
    Case {
        name: "every tchar in a name and a method",
        rfc: "RFC 9110 §5.6.2",
        input: b"!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\nHost: x\r\n!#$%&'*+-.^_`|~09azAZ: y\r\n\r\n",
        expect: Request {
            method: "!#$%&'*+-.^_`|~09azAZ",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x"), ("!#$%&'*+-.^_`|~09azAZ", "y")],
            used: 71,
        },
    },
    Case {
        name: "a method is case-sensitive: get is a method, not GET",
        rfc: "RFC 9110 §9.1",
        input: b"get / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Request {
            method: "get",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x")],
            used: 27,
        },
    },
    Case {
        name: "leading empty lines are skipped",
        rfc: "RFC 9112 §2.2",
        input: b"\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x")],
            used: 31,
        },
    },
    Case {
        name: "bare LF ends a line",
        rfc: "RFC 9112 §2.2",
        input: b"GET / HTTP/1.1\nHost: x\nAccept: */*\n\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x"), ("Accept", "*/*")],
            used: 36,
        },
    },
    Case {
        name: "an empty Host",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.1\r\nHost:\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("Host", "")],
            used: 25,
        },
    },
    Case {
        name: "Host is case-insensitive; an IPv6 literal",
        rfc: "RFC 9110 §7.2",
        input: b"GET / HTTP/1.1\r\nhOsT: [::1]:8080\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/",
            form: Origin,
            version: Http11,
            fields: &[("hOsT", "[::1]:8080")],
            used: 36,
        },
    },
    Case {
        name: "pct-encoded bytes in the target",
        rfc: "RFC 3986 §2.1",
        input: b"GET /caf%C3%A9?q=%20 HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Request {
            method: "GET",
            target: "/caf%C3%A9?q=%20",
            form: Origin,
            version: Http11,
            fields: &[("Host", "x")],
            used: 42,
        },
    },
    Case {
        name: "CONNECT to an IPv6 literal",
        rfc: "RFC 9112 §3.2.3",
        input: b"CONNECT [2001:db8::1]:443 HTTP/1.1\r\nHost: [2001:db8::1]:443\r\n\r\n",
        expect: Request {
            method: "CONNECT",
            target: "[2001:db8::1]:443",
            form: Authority,
            version: Http11,
            fields: &[("Host", "[2001:db8::1]:443")],
            used: 63,
        },
    },
    Case {
        name: "a method that is no token",
        rfc: "RFC 9112 §3.1",
        input: b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Method,
            status: 400,
            offset: 1,
        },
    },
    Case {
        name: "whitespace before the method",
        rfc: "RFC 9112 §3",
        input: b" GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: RequestLine,
            status: 400,
            offset: 0,
        },
    },
    Case {
        name: "HTAB instead of SP",
        rfc: "RFC 9112 §3",
        input: b"GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: RequestLine,
            status: 400,
            offset: 3,
        },
    },
    Case {
        name: "two SPs",
        rfc: "RFC 9112 §3",
        input: b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: RequestLine,
            status: 400,
            offset: 4,
        },
    },
    Case {
        name: "no version (HTTP/0.9's request-line)",
        rfc: "RFC 9112 §3",
        input: b"GET /\r\n\r\n",
        expect: Reject {
            rule: RequestLine,
            status: 400,
            offset: 5,
        },
    },
    Case {
        name: "SP after the version",
        rfc: "RFC 9112 §3",
        input: b"GET / HTTP/1.1 \r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: RequestLine,
            status: 400,
            offset: 14,
        },
    },
    Case {
        name: "the version is case-sensitive",
        rfc: "RFC 9112 §2.3",
        input: b"GET / http/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Version,
            status: 400,
            offset: 6,
        },
    },
    Case {
        name: "a version with two digits",
        rfc: "RFC 9112 §2.3",
        input: b"GET / HTTP/1.10\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Version,
            status: 400,
            offset: 14,
        },
    },
    Case {
        name: "a version without a dot",
        rfc: "RFC 9112 §2.3",
        input: b"GET / HTTP/11\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Version,
            status: 400,
            offset: 12,
        },
    },
    Case {
        name: "HTTP/2.0 in an HTTP/1 request-line",
        rfc: "RFC 9110 §15.6.6",
        input: b"GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: VersionNotSupported,
            status: 505,
            offset: 6,
        },
    },
    Case {
        name: "HTTP/0.9",
        rfc: "RFC 9110 §15.6.6",
        input: b"GET / HTTP/0.9\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: VersionNotSupported,
            status: 505,
            offset: 6,
        },
    },
    Case {
        name: "a quote in the target",
        rfc: "RFC 3986 §3.3",
        input: b"GET /a\"b HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Target,
            status: 400,
            offset: 6,
        },
    },
    Case {
        name: "a fragment in the target",
        rfc: "RFC 9112 §3.2",
        input: b"GET /page#top HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Target,
            status: 400,
            offset: 9,
        },
    },
    Case {
        name: "UTF-8 in the target, not pct-encoded",
        rfc: "RFC 3986 §2.1",
        input: b"GET /\xed\x95\x9c HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Target,
            status: 400,
            offset: 5,
        },
    },
    Case {
        name: "a bad pct-encoding",
        rfc: "RFC 3986 §2.1",
        input: b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: PctEncoded,
            status: 400,
            offset: 6,
        },
    },
    Case {
        name: "a short pct-encoding",
        rfc: "RFC 3986 §2.1",
        input: b"GET /%4 HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: PctEncoded,
            status: 400,
            offset: 7,
        },
    },
    Case {
        name: "brackets in a path",
        rfc: "RFC 3986 §3.3",
        input: b"GET /[x] HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: Target,
            status: 400,
            offset: 5,
        },
    },
    Case {
        name: "asterisk-form for GET",
        rfc: "RFC 9112 §3.2.4",
        input: b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: AsteriskForm,
            status: 400,
            offset: 4,
        },
    },
    Case {
        name: "origin-form for CONNECT",
        rfc: "RFC 9112 §3.2.3",
        input: b"CONNECT / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: AuthorityForm,
            status: 400,
            offset: 8,
        },
    },
    Case {
        name: "CONNECT without a port",
        rfc: "RFC 9112 §3.2.3",
        input: b"CONNECT example.com HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: AuthorityForm,
            status: 400,
            offset: 19,
        },
    },
    Case {
        name: "a target that is no form",
        rfc: "RFC 9112 §3.2.2",
        input: b"GET 1http://x/ HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: AbsoluteForm,
            status: 400,
            offset: 4,
        },
    },
    Case {
        name: "a bare CR in the request-line",
        rfc: "RFC 9112 §2.2",
        input: b"GET / HTTP/1.1\rHost: x\r\n\r\n",
        expect: Reject {
            rule: BareCr,
            status: 400,
            offset: 14,
        },
    },
    Case {
        name: "a bare CR before the request-line",
        rfc: "RFC 9112 §2.2",
        input: b"\rGET / HTTP/1.1\r\nHost: x\r\n\r\n",
        expect: Reject {
            rule: BareCr,
            status: 400,
            offset: 0,
        },
    },
    // ANCHOR: cases_reject_sample
    Case {
        name: "whitespace before the colon",
        rfc: "RFC 9112 §5.1",
        input: b"GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        expect: Reject {
            rule: SpaceBeforeColon,
            status: 400,
            offset: 20,
        },
    },
    Case {
        name: "HTAB before the colon",
        rfc: "RFC 9112 §5.1",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nAccept\t: */*\r\n\r\n",
        expect: Reject {
            rule: SpaceBeforeColon,
            status: 400,
            offset: 31,
        },
    },
    // ANCHOR_END: cases_reject_sample
    Case {
        name: "a space inside a name",
        rfc: "RFC 9110 §5.1",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX Y: z\r\n\r\n",
        expect: Reject {
            rule: FieldName,
            status: 400,
            offset: 26,
        },
    },
    Case {
        name: "a name that is no token",
        rfc: "RFC 9110 §5.1",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX(Y): z\r\n\r\n",
        expect: Reject {
            rule: FieldName,
            status: 400,
            offset: 26,
        },
    },
    Case {
        name: "an empty name",
        rfc: "RFC 9110 §5.1",
        input: b"GET / HTTP/1.1\r\nHost: x\r\n: z\r\n\r\n",
        expect: Reject {
            rule: FieldName,
            status: 400,
            offset: 25,
        },
    },
    Case {
        name: "a field line without a colon",
        rfc: "RFC 9112 §5",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
        expect: Reject {
            rule: FieldLine,
            status: 400,
            offset: 32,
        },
    },
    Case {
        name: "obs-fold",
        rfc: "RFC 9112 §5.2",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n b\r\n\r\n",
        expect: Reject {
            rule: ObsFold,
            status: 400,
            offset: 36,
        },
    },
    Case {
        name: "a whitespace-only line",
        rfc: "RFC 9112 §5.2",
        input: b"GET / HTTP/1.1\r\nHost: x\r\n   \r\n\r\n",
        expect: Reject {
            rule: ObsFold,
            status: 400,
            offset: 25,
        },
    },
    Case {
        name: "whitespace before the first field",
        rfc: "RFC 9112 §2.2",
        input: b"GET / HTTP/1.1\r\n Host: x\r\n\r\n",
        expect: Reject {
            rule: SpaceAfterStartLine,
            status: 400,
            offset: 16,
        },
    },
    Case {
        name: "a bare CR in a value",
        rfc: "RFC 9112 §2.2",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX: a\rb\r\n\r\n",
        expect: Reject {
            rule: BareCr,
            status: 400,
            offset: 29,
        },
    },
    Case {
        name: "a bare CR ending a field line",
        rfc: "RFC 9112 §2.2",
        input: b"GET / HTTP/1.1\r\nHost: x\r\r\n\r\n",
        expect: Reject {
            rule: BareCr,
            status: 400,
            offset: 23,
        },
    },
    Case {
        name: "a bare CR ending the head",
        rfc: "RFC 9112 §2.2",
        input: b"GET / HTTP/1.1\r\nHost: x\r\n\rX",
        expect: Reject {
            rule: BareCr,
            status: 400,
            offset: 25,
        },
    },
    Case {
        name: "NUL in a value",
        rfc: "RFC 9110 §5.5",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",
        expect: Reject {
            rule: FieldValue,
            status: 400,
            offset: 29,
        },
    },
    Case {
        name: "DEL in a value",
        rfc: "RFC 9110 §5.5",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x7fb\r\n\r\n",
        expect: Reject {
            rule: FieldValue,
            status: 400,
            offset: 29,
        },
    },
    Case {
        name: "a control byte in a value",
        rfc: "RFC 9110 §5.5",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x1bb\r\n\r\n",
        expect: Reject {
            rule: FieldValue,
            status: 400,
            offset: 29,
        },
    },
    Case {
        name: "NUL in a name",
        rfc: "RFC 9110 §5.1",
        input: b"GET / HTTP/1.1\r\nHost: x\r\nX\x00: b\r\n\r\n",
        expect: Reject {
            rule: FieldName,
            status: 400,
            offset: 26,
        },
    },
    Case {
        name: "no Host in HTTP/1.1",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.1\r\nAccept: */*\r\n\r\n",
        expect: Reject {
            rule: MissingHost,
            status: 400,
            offset: 29,
        },
    },
    Case {
        name: "a second Host",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
        expect: Reject {
            rule: DuplicateHost,
            status: 400,
            offset: 25,
        },
    },
    Case {
        name: "a second Host with the same value",
        rfc: "RFC 9112 §3.2",
        input: b"GET / HTTP/1.1\r\nHost: a\r\nAccept: */*\r\nHost: a\r\n\r\n",
        expect: Reject {
            rule: DuplicateHost,
            status: 400,
            offset: 38,
        },
    },
    Case {
        name: "a Host with a space",
        rfc: "RFC 9110 §7.2",
        input: b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
        expect: Reject {
            rule: HostValue,
            status: 400,
            offset: 23,
        },
    },
    Case {
        name: "a Host with a path",
        rfc: "RFC 9110 §7.2",
        input: b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
        expect: Reject {
            rule: HostValue,
            status: 400,
            offset: 23,
        },
    },
    Case {
        name: "a Host with a bad port",
        rfc: "RFC 9110 §7.2",
        input: b"GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n",
        expect: Reject {
            rule: HostValue,
            status: 400,
            offset: 25,
        },
    },
];
