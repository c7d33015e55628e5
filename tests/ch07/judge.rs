//! One verdict per parser on the same bytes, and the disagreements the RFC
//! explains. The fuzz target (chapters/ch07-request-parser/fuzz) includes this
//! file too, so the tests and the fuzzer judge by the same rules.

use ch07_request_parser::{Limits, Parsed, Rule, Version};

/// What a parser made of a buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A valid prefix: more bytes needed.
    Partial,
    /// A whole head.
    Accept(Head),
    /// Not a request head; why, in the parser's own words.
    Reject(String),
}

/// A parsed head in one shape for both parsers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub method: String,
    pub target: String,
    /// 0 for HTTP/1.0, 1 for HTTP/1.1
    pub minor: u8,
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    pub used: usize,
}

/// Chapter 7's parser with its default limits, and the rule it broke.
pub fn ours(input: &[u8]) -> (Verdict, Option<Rule>) {
    let mut fields = Vec::new();
    match ch07_request_parser::parse(input, &Limits::DEFAULT, &mut fields) {
        Ok(Parsed::Partial) => (Verdict::Partial, None),
        Ok(Parsed::Complete(request)) => (
            Verdict::Accept(Head {
                method: request.method.to_string(),
                target: request.target.raw.to_string(),
                minor: match request.version {
                    Version::Http10 => 0,
                    Version::Http11 => 1,
                },
                fields: request
                    .fields
                    .iter()
                    .map(|f| (f.name.to_vec(), f.value.to_vec()))
                    .collect(),
                used: request.used,
            }),
            None,
        ),
        Err(e) => (Verdict::Reject(format!("{:?}", e.rule)), Some(e.rule)),
    }
}

/// httparse with room for as many fields as our `max_fields`, so both
/// parsers give up on the same count.
pub fn httparse(input: &[u8]) -> Verdict {
    let mut headers = [httparse::EMPTY_HEADER; Limits::DEFAULT.max_fields];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(input) {
        Ok(httparse::Status::Partial) => Verdict::Partial,
        Ok(httparse::Status::Complete(used)) => Verdict::Accept(Head {
            method: request.method.unwrap_or_default().to_string(),
            target: request.path.unwrap_or_default().to_string(),
            minor: request.version.unwrap_or_default(),
            fields: request
                .headers
                .iter()
                .map(|h| (h.name.as_bytes().to_vec(), h.value.to_vec()))
                .collect(),
            used,
        }),
        Err(e) => Verdict::Reject(format!("{e:?}")),
    }
}

/// A way the two parsers may answer differently, and who is right.
#[derive(Debug)]
pub struct Documented {
    pub name: &'static str,
    /// the RFC's words, and what httparse does instead
    pub why: &'static str,
}

// ANCHOR: documented
/// Where we are stricter than httparse, by design: httparse is a tokenizer
/// and leaves these checks to its caller (hyper makes some of them).
pub const HOST: Documented = Documented {
    name: "host",
    why: "RFC 9112 §3.2: \"A server MUST respond with a 400 (Bad Request) \
          status code to any HTTP/1.1 request message that lacks a Host header \
          field and to any request message that contains more than one Host \
          header field line or a Host header field with an invalid field \
          value.\" httparse does not look at field names.",
};
pub const TARGET_BYTES: Documented = Documented {
    name: "target bytes",
    why: "RFC 9112 §3.2: the request-target is one of four forms built from \
          RFC 3986's characters (pchar, \"/\", \"?\"; \"%\" HEXDIG HEXDIG). \
          httparse takes any visible byte up to the space, and UTF-8: \
          \" < > \\ ^ ` { | } and a lone % pass.",
};
pub const TARGET_FORM: Documented = Documented {
    name: "target form",
    why: "RFC 9112 §3.2.3: \"The authority-form of request-target is only used \
          for CONNECT requests\"; §3.2.4: \"The asterisk-form of request-target \
          is only used for a server-wide OPTIONS request\"; §3.2.2: \
          absolute-form = absolute-URI. httparse does not tell forms apart.",
};
pub const SIZE_LIMITS: Documented = Documented {
    name: "size limits",
    why: "RFC 9112 §3: \"A server that receives a request-target longer than \
          any URI it wishes to parse MUST respond with a 414 (URI Too Long) \
          status code\"; RFC 6585 §5 (431). httparse parses any length and \
          leaves the limit to its caller.",
};
/// Where httparse is stricter than the RFC asks.
pub const VERSION: Documented = Documented {
    name: "other versions",
    why: "RFC 9110 §2.5: \"A recipient that receives a message with a major \
          version number that it implements and a minor version number higher \
          than what it implements SHOULD process the message as if it were in \
          the highest minor version within that major version to which the \
          recipient is conformant.\" We read HTTP/1.2 as HTTP/1.1 and answer \
          505 to another major version (§15.6.6) once the line is whole; \
          httparse knows HTTP/1.0 and HTTP/1.1 only and rejects as soon as \
          the bytes can no longer become one of them.",
};
/// Where we answer sooner than httparse.
pub const FIELD_COUNT: Documented = Documented {
    name: "one field too many",
    why: "RFC 6585 §5: 431 when the header fields are too large. With room for \
          100 fields, both reject a 101st; we do at its first byte, httparse once \
          it has read the whole 101st line.",
};
/// Where we wait one byte longer than httparse, to name the rule.
pub const RULE_NAMED_AT_NEXT_BYTE: Documented = Documented {
    name: "space after a field name",
    why: "RFC 9112 §5.1: \"No whitespace is allowed between the field name and \
          colon.\" httparse rejects at the whitespace; we read on to the next \
          byte to tell SpaceBeforeColon (\"Host :\") from FieldName (\"Ho st:\"); \
          both are 400 at the same offset.",
};
pub const DOCUMENTED: &[&Documented] = &[
    &HOST,
    &TARGET_BYTES,
    &TARGET_FORM,
    &SIZE_LIMITS,
    &VERSION,
    &RULE_NAMED_AT_NEXT_BYTE,
    &FIELD_COUNT,
];

/// The documented case behind a rule we reject by and httparse lacks.
fn stricter(rule: Rule) -> Option<&'static Documented> {
    match rule {
        Rule::MissingHost | Rule::DuplicateHost | Rule::HostValue => Some(&HOST),
        Rule::Target | Rule::PctEncoded => Some(&TARGET_BYTES),
        Rule::AbsoluteForm | Rule::AuthorityForm | Rule::AsteriskForm => Some(&TARGET_FORM),
        Rule::RequestLineTooLong | Rule::HeadTooLarge => Some(&SIZE_LIMITS),
        // reached only while httparse is still partial: it rejects the 101st
        // field too, once the line is whole
        Rule::TooManyFields => Some(&FIELD_COUNT),
        _ => None,
    }
}
// ANCHOR_END: documented

/// Is the request-line's version well-formed (HTTP-name "/" DIGIT "."
/// DIGIT), or on its way to be, yet neither HTTP/1.0 nor HTTP/1.1?
fn other_version(input: &[u8]) -> bool {
    let start = input
        .iter()
        .position(|&b| b != b'\r' && b != b'\n')
        .unwrap_or(0);
    let line = input[start..]
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(version) = line.splitn(3, |&b| b == b' ').nth(2) else {
        return false;
    };
    let shape = b"HTTP/d.d";
    let fits = version.len() <= shape.len()
        && version.iter().zip(shape).all(|(&b, &s)| {
            if s == b'd' {
                b.is_ascii_digit()
            } else {
                b == s
            }
        });
    fits && !b"HTTP/1.0".starts_with(version) && !b"HTTP/1.1".starts_with(version)
}

/// Does the input stop in the whitespace after a field name? Then we wait
/// for the next byte to name the rule ("Foo :" breaks SpaceBeforeColon,
/// "Foo Bar:" FieldName); httparse rejects at the space.
fn space_after_name_at_end(input: &[u8]) -> bool {
    let last = input.rsplit(|&b| b == b'\n').next().unwrap_or_default();
    let name = last
        .iter()
        .take_while(|&&b| ch07_request_parser::rules::TCHAR[b as usize])
        .count();
    name > 0
        && last.len() > name
        && last[name..].iter().all(|&b| b == b' ' || b == b'\t')
        && input.contains(&b'\n')
}

/// How our verdict and httparse's relate on one input.
#[derive(Debug)]
pub enum Judgement {
    Agree,
    /// A difference the RFC explains.
    Documented(&'static Documented),
    /// Anything else: a bug in one of the two, to look at.
    Undocumented(String),
}

/// Compares the two parsers on `input`.
pub fn judge(input: &[u8]) -> Judgement {
    let (ours, rule) = ours(input);
    let theirs = httparse(input);
    let documented = match (&ours, &theirs) {
        (Verdict::Partial, Verdict::Partial) | (Verdict::Reject(_), Verdict::Reject(_)) => {
            return Judgement::Agree;
        }
        (Verdict::Accept(a), Verdict::Accept(b)) if a == b => {
            return Judgement::Agree;
        }
        (Verdict::Reject(_), Verdict::Accept(_) | Verdict::Partial) => rule.and_then(stricter),
        (Verdict::Accept(_) | Verdict::Partial, Verdict::Reject(_)) if other_version(input) => {
            Some(&VERSION)
        }
        (Verdict::Partial, Verdict::Reject(_)) if space_after_name_at_end(input) => {
            Some(&RULE_NAMED_AT_NEXT_BYTE)
        }
        _ => None,
    };
    match documented {
        Some(d) => Judgement::Documented(d),
        None => Judgement::Undocumented(format!("ours {ours:?}, httparse {theirs:?}")),
    }
}

/// Bytes as the tests print them: printable ASCII, and escapes for the rest.
pub fn escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\r' => out.push_str("\\r"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// The reverse of `escape`: how the suites' data files write their bytes.
pub fn unescape(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 1 < bytes.len() {
            match bytes[i + 1] {
                b'r' => out.push(b'\r'),
                b'n' => out.push(b'\n'),
                b't' => out.push(b'\t'),
                b'\\' => out.push(b'\\'),
                b'x' if i + 3 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap_or("");
                    out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                    i += 2;
                }
                other => out.extend_from_slice(&[b'\\', other]),
            }
            i += 2;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

// ANCHOR: check
/// Everything the fuzzer asserts on one input (and the regression test
/// replays): no difference from httparse outside the documented cases, and
/// the same answer however the bytes arrive.
pub fn check(input: &[u8]) -> Result<(), String> {
    if let Judgement::Undocumented(why) = judge(input) {
        return Err(why);
    }
    // Ok(Some(used)) for a whole head, Ok(None) for Partial
    let first = |k: usize| {
        let mut fields = Vec::new();
        let parsed = ch07_request_parser::parse(&input[..k], &Limits::DEFAULT, &mut fields);
        parsed.map(|p| match p {
            Parsed::Partial => None,
            Parsed::Complete(request) => Some(request.used),
        })
    };
    match first(input.len()) {
        Ok(Some(used)) if first(used) != Ok(Some(used)) => {
            Err(format!("the head alone ({used} bytes) parses otherwise"))
        }
        Ok(Some(used)) if first(used - 1) != Ok(None) => Err(format!(
            "one byte short of the head ({used}) is not partial"
        )),
        Err(e) if e.offset > input.len() => Err(format!("offset {} past the end", e.offset)),
        Err(e) if first(e.offset) != Ok(None) => Err(format!(
            "the bytes before the error ({}) are not partial",
            e.offset
        )),
        _ => Ok(()),
    }
}
// ANCHOR_END: check
