//! The parser: bytes in, a typed request head (or "need more bytes", or the
//! rule the bytes broke) out. One forward pass; it borrows from the input and
//! allocates nothing but the caller's `fields`.

use std::fmt;

use crate::rules::{
    Class, OWS, REG_NAME, Rule, TARGET, TCHAR, is_field_content,
};

// ANCHOR: limits
/// How much a request head may take; each one a `--max-…` option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the request-line, without its line end (over it: 414).
    pub max_request_line: usize,
    /// Bytes of the whole head, up to and including its empty line (431).
    pub max_head: usize,
    /// Field lines (over it: 431).
    pub max_fields: usize,
}

impl Limits {
    // RFC 9112 §3: "It is RECOMMENDED that all HTTP senders and recipients
    // support, at a minimum, request-line lengths of 8000 octets."
    // 64 KiB of head and 100 fields hold any browser's request many times
    // over (Chromium sends 14 fields, ~650 bytes), and keep what one
    // connection can make us buffer small.
    pub const DEFAULT: Limits = Limits {
        max_request_line: 8 * 1024,
        max_head: 64 * 1024,
        max_fields: 100,
    };
}
// ANCHOR_END: limits

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

// ANCHOR: types
/// What [`parse`] made of the bytes so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed<'b, 'f> {
    /// A valid beginning of a head: read more bytes and call again.
    Partial,
    /// The whole head; `request.used` bytes of the input.
    Complete(Request<'b, 'f>),
}

/// A request head, borrowed from the bytes it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'b, 'f> {
    pub method: &'b str,
    pub target: Target<'b>,
    pub version: Version,
    /// Field lines in the order received, names and values as received.
    pub fields: &'f [Field<'b>],
    /// Bytes of the head; a body or the next request starts here.
    pub used: usize,
}

/// One field line: `name: value`, the value without surrounding whitespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field<'b> {
    pub name: &'b [u8],
    pub value: &'b [u8],
}
// ANCHOR_END: types

/// The request-target and which of its four forms it has (RFC 9112 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target<'b> {
    pub raw: &'b str,
    pub form: Form,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Origin,
    Absolute,
    Authority,
    Asterisk,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

// ANCHOR: error
/// Why a head was rejected: the rule it broke, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    pub rule: Rule,
    /// Index into the input of the first byte the rule does not allow.
    pub offset: usize,
}

impl Error {
    /// The status a server answers with: 400, 414, 431, 501 or 505.
    pub fn status(&self) -> u16 {
        self.rule.status()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} at byte {}", self.rule.text(), self.offset)
    }
}
// ANCHOR_END: error

impl<'b> Request<'b, '_> {
    /// The value of the first field line called `name` (any letter case).
    pub fn field(&self, name: &str) -> Option<&'b [u8]> {
        self.field_values(name).next()
    }

    /// The values of every field line called `name`, in order.
    pub fn field_values(&self, name: &str) -> impl Iterator<Item = &'b [u8]> {
        let name = name.as_bytes();
        self.fields
            .iter()
            .filter(move |field| field.name.eq_ignore_ascii_case(name))
            .map(|field| field.value)
    }
}

impl Field<'_> {
    /// The name as text: a token is ASCII, so this never loses anything.
    pub fn name_str(&self) -> &str {
        std::str::from_utf8(self.name).unwrap_or_default()
    }
}

impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Form::Origin => "origin-form",
            Form::Absolute => "absolute-form",
            Form::Authority => "authority-form",
            Form::Asterisk => "asterisk-form",
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(match self {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        })
    }
}

/// Why the parser stopped before the end of the head.
enum Stop {
    /// The bytes so far are fine; more are needed.
    Partial,
    Reject(Error),
}

type Step<T> = Result<T, Stop>;

fn reject<T>(rule: Rule, offset: usize) -> Step<T> {
    Err(Stop::Reject(Error { rule, offset }))
}

// ANCHOR: cursor
/// A position in the input, and how far the part being read may go.
struct Cursor<'b> {
    input: &'b [u8],
    /// The input up to where the part being read must end: all of it, or
    /// as much as a limit allows.
    bytes: &'b [u8],
    pos: usize,
    /// The rule a byte past `bytes` would break (when the input goes on).
    over: Rule,
}

impl<'b> Cursor<'b> {
    /// The byte at `pos`, or why there is none.
    fn peek(&self) -> Step<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) => Ok(b),
            None => Err(self.out_of_bytes()),
        }
    }

    /// At the end of `bytes`: a limit is broken if the input goes on;
    /// else wait for more.
    #[cold]
    fn out_of_bytes(&self) -> Stop {
        let end = self.bytes.len();
        if end < self.input.len() {
            Stop::Reject(Error {
                rule: self.over,
                offset: end,
            })
        } else {
            Stop::Partial
        }
    }
}
// ANCHOR_END: cursor

// ANCHOR: take
impl<'b> Cursor<'b> {
    /// Steps over the bytes of `class`; returns them, stops at the first other.
    fn take(&mut self, class: &Class) -> Step<&'b [u8]> {
        let (bytes, start) = (self.bytes, self.pos);
        let mut end = start;
        while let Some(&b) = bytes.get(end) {
            if !class[b as usize] {
                self.pos = end;
                return Ok(&bytes[start..end]);
            }
            end += 1;
        }
        Err(self.out_of_bytes())
    }

    /// A field name: [`take`](Cursor::take) of tchar, faster for the usual
    /// bytes. Field names are about a third of a browser's head.
    fn take_name(&mut self) -> Step<&'b [u8]> {
        let start = self.pos;
        // 8 bytes at a time while they are letters and "-"
        let mut rest = &self.bytes[start..];
        while let Some((word, after)) = rest.split_first_chunk() {
            let run = name_run(word);
            self.pos += run;
            if run < 8 {
                break;
            }
            rest = after;
        }
        // the rest byte by byte: any other tchar, up to the byte that stops
        if self.bytes.get(self.pos) != Some(&b':') {
            self.take(&TCHAR)?;
        }
        Ok(&self.bytes[start..self.pos])
    }
}
// ANCHOR_END: take

// ANCHOR: name_run
/// How many of the 8 bytes of `word`, from the first, are letters or "-"
/// (8 if all are): the bytes compared at once in one u64 ("SWAR").
fn name_run(word: &[u8; 8]) -> usize {
    const ONES: u64 = u64::MAX / 255; // 0x0101…01
    const HIGH: u64 = ONES * 0x80; // the top bit of each byte
    let x = u64::from_le_bytes(*word);
    // a sum or difference below carries into the next byte only from a
    // byte that is no letter and no "-": exact up to the first such byte,
    // which is all we need
    let lower = x | (ONES * 0x20); // lower case
    // top bit set where 0x60 < byte < 0x7b in lower case: a letter
    let below = (ONES * (127 + 0x7b)).wrapping_sub(lower);
    let letter = below & lower.wrapping_add(ONES * (127 - 0x60));
    // top bit set where the byte is "-" (where x ^ "-" is zero)
    let dash = !(x ^ (ONES * 0x2d)).wrapping_add(ONES * 0x7f);
    // a byte of 0x80 or above is neither, whatever its low 7 bits
    let stops = (!(letter | dash) | x) & HIGH;
    stops.trailing_zeros() as usize / 8
}
// ANCHOR_END: name_run

// ANCHOR: parse
/// Parses the request head at the start of `input`, storing its field
/// lines in `fields` (cleared first). Fed a valid beginning, it returns
/// `Partial`; fed more bytes than a head, it stops at the head's end.
pub fn parse<'b, 'f>(
    input: &'b [u8],
    limits: &Limits,
    fields: &'f mut Vec<Field<'b>>,
) -> Result<Parsed<'b, 'f>, Error> {
    fields.clear();
    let mut cursor = Cursor {
        input,
        // a byte past max_head cannot belong to a head we accept
        bytes: &input[..input.len().min(limits.max_head)],
        pos: 0,
        over: Rule::HeadTooLarge,
    };
    let line = match request_line(&mut cursor, limits) {
        Ok(line) => line,
        Err(stop) => return stopped(stop),
    };
    match field_lines(&mut cursor, limits, Some(line.version), fields) {
        Ok(()) => Ok(Parsed::Complete(Request {
            method: line.method,
            target: line.target,
            version: line.version,
            fields,
            used: cursor.pos,
        })),
        Err(stop) => stopped(stop),
    }
}

fn stopped<'b, 'f>(stop: Stop) -> Result<Parsed<'b, 'f>, Error> {
    match stop {
        Stop::Partial => Ok(Parsed::Partial),
        Stop::Reject(error) => Err(error),
    }
}
// ANCHOR_END: parse

struct RequestLine<'b> {
    method: &'b str,
    target: Target<'b>,
    version: Version,
}

// ANCHOR: request_line
// request-line = method SP request-target SP HTTP-version   (RFC 9112 §3)
fn request_line<'b>(
    c: &mut Cursor<'b>,
    limits: &Limits,
) -> Step<RequestLine<'b>> {
    skip_empty_lines(c)?;
    let start = c.pos;
    let (head, head_over) = (c.bytes, c.over);
    let limit = start.saturating_add(limits.max_request_line);
    if limit < c.bytes.len() {
        (c.bytes, c.over) = (&c.bytes[..limit], Rule::RequestLineTooLong);
    }
    // method = token                                           (RFC 9112 §3.1)
    let method = method_text(c.take(&TCHAR)?);
    separator(c, Rule::Method, method.is_empty())?;
    let target_start = c.pos;
    let target = target_text(request_target(c)?);
    separator(c, Rule::Target, target.is_empty())?;
    let form = target_form(method, target)
        .or_else(|(rule, at)| reject(rule, target_start + at))?;
    let version_start = c.pos;
    let version = http_version(c)?;
    // the line end may sit just past the limit: the limit counts content
    (c.bytes, c.over) = (head, head_over);
    if c.peek()?.is_ascii_digit() {
        return reject(Rule::Version, c.pos); // "HTTP/1.10"
    }
    line_end(c, Rule::RequestLine)?;
    let version = supported(version, version_start)?;
    let target = Target { raw: target, form };
    Ok(RequestLine {
        method,
        target,
        version,
    })
}
// ANCHOR_END: request_line

// ANCHOR: separator
/// The single SP after a method or a target. RFC 9112 §3 lets a recipient
/// split on any whitespace, and warns: "lenient parsing can result in
/// request smuggling security vulnerabilities". We take exactly one SP.
fn separator(c: &mut Cursor, part: Rule, empty: bool) -> Step<()> {
    let at = c.pos;
    match c.peek()? {
        b' ' if !empty => {
            c.pos += 1;
            Ok(())
        }
        // a visible byte the part may not hold: the part is at fault
        b'!'..=b'~' | 0x80.. => reject(part, at),
        // a second SP, HTAB, CR, LF, a control byte: the line's shape
        _ => reject(Rule::RequestLine, at),
    }
}
// ANCHOR_END: separator

// ANCHOR: empty_lines
/// RFC 9112 §2.2: "a server that is expecting to receive and parse a
/// request-line SHOULD ignore at least one empty line (CRLF) received prior
/// to the request-line." We skip any number; they count toward max_head.
fn skip_empty_lines(c: &mut Cursor) -> Step<()> {
    loop {
        match c.peek()? {
            b'\r' | b'\n' => line_end(c, Rule::Method)?,
            _ => return Ok(()),
        }
    }
}

/// CRLF, or a bare LF. RFC 9112 §2.2: "a recipient MAY recognize a single
/// LF as a line terminator and ignore any preceding CR" — we do: a person
/// typing into nc sends LF. A CR without its LF is no line end: "A
/// recipient of such a bare CR MUST consider that element to be invalid
/// or replace each bare CR with SP" (§2.2). We reject it: 400.
#[inline]
fn line_end(c: &mut Cursor, rule: Rule) -> Step<()> {
    let at = c.pos;
    if c.bytes.get(at..at + 2) == Some(b"\r\n") {
        c.pos += 2; // the usual case, in one step
        return Ok(());
    }
    match c.peek()? {
        b'\n' => c.pos += 1,
        b'\r' => {
            c.pos += 1;
            match c.peek()? {
                b'\n' => c.pos += 1,
                _ => return reject(Rule::BareCr, at),
            }
        }
        _ => return reject(rule, at),
    }
    Ok(())
}
// ANCHOR_END: empty_lines

// ANCHOR: request_target
/// The bytes of a request-target: pchar, "/", "?", "[", "]", and each "%"
/// followed by two hex digits. Its form is judged once it is whole.
fn request_target<'b>(c: &mut Cursor<'b>) -> Step<&'b [u8]> {
    let start = c.pos;
    loop {
        c.take(&TARGET)?;
        if c.peek()? != b'%' {
            return Ok(&c.bytes[start..c.pos]);
        }
        // pct-encoded = "%" HEXDIG HEXDIG                   (RFC 3986 §2.1)
        c.pos += 1;
        for _ in 0..2 {
            if !c.peek()?.is_ascii_hexdigit() {
                return reject(Rule::PctEncoded, c.pos);
            }
            c.pos += 1;
        }
    }
}
// ANCHOR_END: request_target

// ANCHOR: http_version
// HTTP-version = HTTP-name "/" DIGIT "." DIGIT, HTTP-name = %s"HTTP"
//                                                             (RFC 9112 §2.3)
fn http_version(c: &mut Cursor) -> Step<(u8, u8)> {
    // the common case in one step: eight bytes that fit
    if let Some(v) = c.bytes.get(c.pos..).and_then(<[u8]>::first_chunk) {
        let [b'H', b'T', b'T', b'P', b'/', major, b'.', minor] = *v else {
            return http_version_bytewise(c);
        };
        if major.is_ascii_digit() && minor.is_ascii_digit() {
            c.pos += 8;
            return Ok((major, minor));
        }
    }
    http_version_bytewise(c)
}

/// The same pattern byte by byte: finds the byte at fault, or runs out.
fn http_version_bytewise(c: &mut Cursor) -> Step<(u8, u8)> {
    let mut digits = [0; 2];
    // "0" stands for any DIGIT
    for (i, expected) in b"HTTP/0.0".iter().enumerate() {
        let b = c.peek()?;
        let fits = match expected {
            b'0' => b.is_ascii_digit(),
            _ => b == *expected, // case-sensitive: "http/1.1" is no version
        };
        if !fits {
            return reject(Rule::Version, c.pos);
        }
        if *expected == b'0' {
            digits[i / 7] = b; // i is 5 or 7
        }
        c.pos += 1;
    }
    Ok((digits[0], digits[1]))
}
// ANCHOR_END: http_version

// ANCHOR: supported
/// HTTP/1.0 or HTTP/1.1, or 505 for any other major version.
fn supported((major, minor): (u8, u8), at: usize) -> Step<Version> {
    match (major, minor) {
        (b'1', b'0') => Ok(Version::Http10),
        // RFC 9110 §2.5: a recipient "SHOULD process the message as if it
        // were in the highest minor version within that major version to
        // which the recipient is conformant": HTTP/1.2 is read as 1.1
        (b'1', _) => Ok(Version::Http11),
        _ => reject(Rule::VersionNotSupported, at),
    }
}
// ANCHOR_END: supported

/// The method as text: the common ones without a UTF-8 check.
fn method_text(method: &[u8]) -> &str {
    match method {
        b"GET" => "GET",
        b"HEAD" => "HEAD",
        b"POST" => "POST",
        _ => ascii(method),
    }
}

/// The target as text: "/", a site's front page, without a UTF-8 check.
fn target_text(target: &[u8]) -> &str {
    match target {
        b"/" => "/",
        _ => ascii(target),
    }
}

/// Bytes already checked to be ASCII as text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}

// ANCHOR: target_form
/// Which of the four forms `target` has, and whether it fits `method`;
/// or the rule it breaks and the index of the byte at fault.
fn target_form(method: &str, target: &str) -> Result<Form, (Rule, usize)> {
    let bytes = target.as_bytes();
    if method == "CONNECT" {
        // authority-form = uri-host ":" port "is only used for CONNECT
        // requests" (§3.2.3), and a CONNECT must use it (RFC 9110 §9.3.6)
        return match authority(bytes, true) {
            Ok(()) => Ok(Form::Authority),
            Err(at) => Err((Rule::AuthorityForm, at)),
        };
    }
    match bytes {
        // origin-form = absolute-path [ "?" query ]               (§3.2.1)
        [b'/', ..] => {
            match bytes.iter().position(|&b| b == b'[' || b == b']') {
                Some(at) => Err((Rule::Target, at)), // "[" "]": only in a host
                None => Ok(Form::Origin),
            }
        }
        // asterisk-form = "*", "only used for a server-wide OPTIONS
        // request" (§3.2.4)
        [b'*'] if method == "OPTIONS" => Ok(Form::Asterisk),
        [b'*'] => Err((Rule::AsteriskForm, 0)),
        // absolute-form = absolute-URI                            (§3.2.2)
        _ => match scheme(bytes) {
            Ok(()) => Ok(Form::Absolute),
            Err(at) => Err((Rule::AbsoluteForm, at)),
        },
    }
}
// ANCHOR_END: target_form

// ANCHOR: scheme
// absolute-URI = scheme ":" hier-part [ "?" query ]
// scheme       = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )  (RFC 3986 §3.1)
fn scheme(bytes: &[u8]) -> Result<(), usize> {
    let fits = |b: &u8| b.is_ascii_alphanumeric() || b"+-.".contains(b);
    let end = bytes.iter().position(|b| !fits(b)).unwrap_or(bytes.len());
    match bytes.get(end) {
        _ if !bytes[0].is_ascii_alphabetic() => Err(0),
        Some(b':') => Ok(()),
        _ => Err(end),
    }
}
// ANCHOR_END: scheme

// ANCHOR: authority
// uri-host [ ":" port ], uri-host = IP-literal / IPv4address / reg-name
/// Checks an authority (CONNECT's target, or a Host value); `Err` holds
/// the index of the first byte that does not fit.
fn authority(bytes: &[u8], port_required: bool) -> Result<(), usize> {
    let mut i = 0;
    if bytes.first() == Some(&b'[') {
        // IP-literal = "[" ( IPv6address / IPvFuture ) "]", loosely
        let ip = |b: &&u8| b.is_ascii_hexdigit() || b":.".contains(b);
        i = 1 + bytes[1..].iter().take_while(ip).count();
        if bytes.get(i) != Some(&b']') {
            return Err(i);
        }
        i += 1;
    } else {
        // reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4 too
        let hex = |at: usize| bytes.get(at).is_some_and(u8::is_ascii_hexdigit);
        while let Some(&b) = bytes.get(i) {
            match b {
                _ if REG_NAME[b as usize] => i += 1,
                b'%' if hex(i + 1) && hex(i + 2) => i += 3,
                _ => break,
            }
        }
    }
    match bytes.get(i) {
        _ if port_required && i == 0 => Err(0), // CONNECT needs a host
        None if !port_required => Ok(()),
        Some(b':') => {
            // port = *DIGIT                      (RFC 3986 §3.2.2, §3.2.3)
            match bytes[i + 1..].iter().position(|b| !b.is_ascii_digit()) {
                Some(at) => Err(i + 1 + at),
                None if port_required && i + 1 == bytes.len() => Err(i + 1),
                None => Ok(()),
            }
        }
        _ => Err(i),
    }
}
// ANCHOR_END: authority

// ANCHOR: field_lines
// HTTP-message = start-line CRLF *( field-line CRLF ) CRLF [ message-body ]
//                                                             (RFC 9112 §2.1)
/// `version` is the request's; `None` for a response's fields (chapter 10):
/// Host and its rules belong to requests.
fn field_lines<'b>(
    c: &mut Cursor<'b>,
    limits: &Limits,
    version: Option<Version>,
    fields: &mut Vec<Field<'b>>,
) -> Step<()> {
    let mut host = false;
    loop {
        let line = c.pos;
        match c.peek()? {
            b'\r' | b'\n' => break, // the empty line: the head ends here
            // §2.2: "MUST either reject the message as invalid or consume
            // each whitespace-preceded line": we reject, as for obs-fold
            b' ' | b'\t' if fields.is_empty() => {
                return reject(Rule::SpaceAfterStartLine, line);
            }
            // §5.2, obs-fold: "MUST either reject [...] or replace each
            // received obs-fold with one or more SP octets": we reject
            b' ' | b'\t' => return reject(Rule::ObsFold, line),
            _ if fields.len() == limits.max_fields => {
                return reject(Rule::TooManyFields, line);
            }
            _ => {}
        }
        let (field, value_at) = field_line(c)?;
        if version.is_some() && is_host(field.name) {
            host_line(&mut host, field.value, line, value_at)?;
        }
        fields.push(field);
    }
    let empty_line = c.pos;
    line_end(c, Rule::FieldLine)?;
    if version == Some(Version::Http11) && !host {
        return reject(Rule::MissingHost, empty_line);
    }
    Ok(())
}
// ANCHOR_END: field_lines

// ANCHOR: response_fields
/// For chapter 10, which reads responses: the field lines from `start`
/// (just past a status-line) to the empty line, by the rules above, and
/// `fields` filled (cleared first). `Ok(None)`: a valid beginning, read
/// more; `Ok(Some(used))`: the head ends at `input[used]`.
pub fn response_fields<'b>(
    input: &'b [u8],
    start: usize,
    limits: &Limits,
    fields: &mut Vec<Field<'b>>,
) -> Result<Option<usize>, Error> {
    fields.clear();
    let mut cursor = Cursor {
        input,
        bytes: &input[..input.len().min(limits.max_head)],
        pos: start,
        over: Rule::HeadTooLarge,
    };
    match field_lines(&mut cursor, limits, None, fields) {
        Ok(()) => Ok(Some(cursor.pos)),
        Err(Stop::Partial) => Ok(None),
        Err(Stop::Reject(error)) => Err(error),
    }
}
// ANCHOR_END: response_fields

/// Is `name` "Host", in any letter case? The four bytes compared at once.
/// Setting bit 0x20 makes a letter lower case, and only "H" and "h" become
/// "h" (and so on): only the spellings of "Host" become "host".
fn is_host(name: &[u8]) -> bool {
    match name {
        &[h, o, s, t] => {
            let four = u32::from_le_bytes([h, o, s, t]);
            four | 0x2020_2020 == u32::from_le_bytes(*b"host")
        }
        _ => false,
    }
}

// ANCHOR: host_line
/// RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status
/// code to any HTTP/1.1 request message that lacks a Host header field and
/// to any request message that contains more than one Host header field
/// line or a Host header field with an invalid field value."
fn host_line(
    seen: &mut bool,
    value: &[u8],
    line: usize,
    value_at: usize,
) -> Step<()> {
    if *seen {
        return reject(Rule::DuplicateHost, line);
    }
    *seen = true;
    // Host = uri-host [ ":" port ]                            (RFC 9110 §7.2)
    authority(value, false).or_else(|at| reject(Rule::HostValue, value_at + at))
}
// ANCHOR_END: host_line

// ANCHOR: field_line
// field-line = field-name ":" OWS field-value OWS              (RFC 9112 §5)
/// One field line and its line end; returns it and where its value starts.
fn field_line<'b>(c: &mut Cursor<'b>) -> Step<(Field<'b>, usize)> {
    // field-name = token                                       (RFC 9110 §5.1)
    let name = c.take_name()?;
    let at = c.pos;
    match c.peek()? {
        _ if name.is_empty() => return reject(Rule::FieldName, at),
        b':' => c.pos += 1,
        b' ' | b'\t' => return space_in_name(c),
        b'\r' | b'\n' => return reject(Rule::FieldLine, at), // no colon
        _ => return reject(Rule::FieldName, at),
    }
    // OWS: one SP, nearly always, then any more
    if c.bytes.get(c.pos) == Some(&b' ') {
        c.pos += 1;
    }
    c.take(&OWS)?;
    let start = c.pos;
    skip_field_content(c);
    // the OWS after the value is not part of it; no other ASCII whitespace
    // (VT, FF, CR, LF) gets into a value, so this trims OWS only
    let value = c.bytes[start..c.pos].trim_ascii_end();
    // only a line end may stop a value: NUL, DEL, a control byte may not.
    // RFC 9110 §5.5: "a recipient of CR, LF, or NUL within a field value
    // MUST either reject the message or replace each of those characters
    // with SP": we reject
    line_end(c, Rule::FieldValue)?;
    Ok((Field { name, value }, start))
}
// ANCHOR_END: field_line

// ANCHOR: space_in_name
/// RFC 9112 §5.1: "A server MUST reject, with a response status code of
/// 400 (Bad Request), any received request message that contains
/// whitespace between a header field name and colon."
fn space_in_name<T>(c: &mut Cursor) -> Step<T> {
    let at = c.pos;
    while matches!(c.peek()?, b' ' | b'\t') {
        c.pos += 1;
    }
    match c.peek()? {
        b':' => reject(Rule::SpaceBeforeColon, at),
        _ => reject(Rule::FieldName, at), // "Foo Bar: x": a space in a name
    }
}
// ANCHOR_END: space_in_name

// ANCHOR: skip_field_content
/// Steps over field-content. Most of a head is field values, so this is
/// the parser's hot loop. While 16 bytes are left it checks all 16 at
/// once: the loop over a chunk has no early exit, so the compiler makes
/// it a handful of SIMD instructions. In the chunk that holds the stop
/// (usually the CR), [`first_ctl`] finds it without a loop.
fn skip_field_content(c: &mut Cursor) {
    let bytes = c.bytes;
    while let Some(chunk) = bytes[c.pos..].first_chunk::<16>() {
        if chunk.iter().fold(true, |all, &b| all & is_field_content(b)) {
            c.pos += 16;
            continue;
        }
        let (low, high) = chunk.split_at(8);
        c.pos += match first_ctl(low) {
            8 => 8 + first_ctl(high),
            at => at,
        };
        if bytes[c.pos] != b'\t' {
            return; // HTAB is field-content: step over it and go on
        }
        c.pos += 1;
    }
    while bytes.get(c.pos).is_some_and(|&b| is_field_content(b)) {
        c.pos += 1;
    }
}

// ANCHOR_END: skip_field_content

// ANCHOR: first_ctl
/// The index of the first byte of `word` (8 bytes) below 0x20 or equal to
/// 0x7f, or 8: eight bytes compared at once in one u64 ("SWAR").
fn first_ctl(word: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255; // 0x0101…01
    let mut bytes = [0; 8];
    bytes.copy_from_slice(word);
    let x = u64::from_le_bytes(bytes);
    // a byte's top bit is set where it was below 0x20 (the subtraction
    // borrowed) and not 0x80 or above (!x): exact for the lowest such byte
    let below_space = x.wrapping_sub(ONES * 0x20) & !x;
    let del = x ^ (ONES * 0x7f); // 0x7f bytes become zero
    let zero = del.wrapping_sub(ONES) & !del;
    let stops = (below_space | zero) & (ONES * 0x80);
    stops.trailing_zeros() as usize / 8
}
// ANCHOR_END: first_ctl

// ANCHOR: transfer_coding
/// For chapter 8, which reads bodies: RFC 9112 §6.1, "A server that
/// receives a request message with a transfer coding it does not
/// understand SHOULD respond with 501 (Not Implemented)." `offset` is
/// where `coding` starts in the input.
pub fn check_transfer_coding(
    coding: &[u8],
    understood: &[&str],
    offset: usize,
) -> Result<(), Error> {
    // transfer-coding names are case-insensitive (RFC 9112 §7)
    if understood
        .iter()
        .any(|u| coding.eq_ignore_ascii_case(u.as_bytes()))
    {
        return Ok(());
    }
    let rule = Rule::UnknownTransferCoding;
    Err(Error { rule, offset })
}
// ANCHOR_END: transfer_coding
