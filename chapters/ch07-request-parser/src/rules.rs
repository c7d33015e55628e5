//! The grammar's rules as data: every way a request head can be rejected, the
//! status a server answers with, and the byte classes of RFC 9110 §5.6.2 and
//! RFC 3986 as lookup tables.

// ANCHOR: rule
/// A rule of RFC 9112 / RFC 9110 that a request head broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Method,
    RequestLine,
    Target,
    PctEncoded,
    AbsoluteForm,
    AuthorityForm,
    AsteriskForm,
    Version,
    VersionNotSupported,
    BareCr,
    FieldLine,
    FieldName,
    SpaceBeforeColon,
    FieldValue,
    ObsFold,
    SpaceAfterStartLine,
    MissingHost,
    DuplicateHost,
    HostValue,
    RequestLineTooLong,
    HeadTooLarge,
    TooManyFields,
    UnknownTransferCoding,
}
// ANCHOR_END: rule

impl Rule {
    /// The status a server answers a request that breaks this rule with.
    pub fn status(self) -> u16 {
        self.entry().0
    }

    /// The rule as the RFC writes it, and where.
    pub fn text(self) -> &'static str {
        self.entry().1
    }

    // ANCHOR: rule_table
    #[rustfmt::skip]
    fn entry(self) -> (u16, &'static str) {
        use Rule::*;
        match self {
            Method => (400, "method = token (RFC 9112 §3.1)"),
            RequestLine => (400, "request-line = method SP request-target \
                SP HTTP-version (RFC 9112 §3)"),
            Target => (400, "request-target = 1*( pchar / \"/\" / \"?\" ) \
                (RFC 9112 §3.2, RFC 3986 §3.3)"),
            PctEncoded => (400, "pct-encoded = \"%\" HEXDIG HEXDIG \
                (RFC 3986 §2.1)"),
            AbsoluteForm => (400, "absolute-form = absolute-URI \
                (RFC 9112 §3.2.2)"),
            AuthorityForm => (400, "authority-form = uri-host \":\" port, \
                for CONNECT only (RFC 9112 §3.2.3)"),
            AsteriskForm => (400, "asterisk-form = \"*\", for OPTIONS only \
                (RFC 9112 §3.2.4)"),
            Version => (400, "HTTP-version = HTTP-name \"/\" DIGIT \".\" \
                DIGIT (RFC 9112 §2.3)"),
            VersionNotSupported => (505, "HTTP/1.x only: the major version \
                is not supported (RFC 9110 §15.6.6)"),
            // ANCHOR_END: rule_table
            // ANCHOR: rule_table_fields
            BareCr => (400, "a CR must be followed by LF (RFC 9112 §2.2)"),
            FieldLine => (400, "field-line = field-name \":\" OWS \
                field-value OWS (RFC 9112 §5)"),
            FieldName => (400, "field-name = token (RFC 9110 §5.1)"),
            SpaceBeforeColon => (400, "no whitespace between field name \
                and colon (RFC 9112 §5.1)"),
            FieldValue => (400, "field-value = *field-content \
                (RFC 9110 §5.5)"),
            ObsFold => (400, "obs-fold = OWS CRLF RWS is rejected \
                (RFC 9112 §5.2)"),
            SpaceAfterStartLine => (400, "no whitespace between start-line \
                and first field (RFC 9112 §2.2)"),
            MissingHost => (400, "HTTP/1.1 needs a Host field \
                (RFC 9112 §3.2)"),
            DuplicateHost => (400, "only one Host field (RFC 9112 §3.2)"),
            HostValue => (400, "Host = uri-host [ \":\" port ] \
                (RFC 9110 §7.2)"),
            RequestLineTooLong => (414, "request-line longer than \
                --max-request-line (RFC 9112 §3)"),
            HeadTooLarge => (431, "head larger than --max-head \
                (RFC 6585 §5)"),
            TooManyFields => (431, "more field lines than --max-fields \
                (RFC 6585 §5)"),
            UnknownTransferCoding => (501, "transfer-coding not \
                implemented (RFC 9112 §6.1)"),
        }
    }
    // ANCHOR_END: rule_table_fields
}

/// The reason phrase for each status this parser can ask for.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

// ANCHOR: tables
/// A byte class as a table: `class[b as usize]` is one load, no branches.
pub type Class = [bool; 256];

/// Letters, digits and the bytes listed: the shape of every class below.
const fn class(alnum: bool, listed: &[u8]) -> Class {
    let mut class = [false; 256];
    let mut b = 0;
    while b < 256 {
        class[b] = alnum && (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < listed.len() {
        class[listed[i] as usize] = true;
        i += 1;
    }
    class
}

// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//         "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA      (RFC 9110 §5.6.2)
pub const TCHAR: Class = class(true, b"!#$%&'*+-.^_`|~");

// pchar = unreserved / pct-encoded / sub-delims / ":" / "@"   (RFC 3986 §3.3)
// unreserved = ALPHA / DIGIT / "-" / "." / "_" / "~"
// sub-delims = "!" / "$" / "&" / "'" / "(" / ")" / "*" / "+" / "," / ";" / "="
// a request-target is pchar, "/" and "?" (path, query), and "[" "]" for an
// IP-literal host (RFC 3986 §3.2.2); "%" (pct-encoded) is checked apart
pub const TARGET: Class = class(true, b"-._~!$&'()*+,;=:@/?[]");

// OWS = *( SP / HTAB )                                     (RFC 9110 §5.6.3)
pub const OWS: Class = class(false, b" \t");

// reg-name = *( unreserved / pct-encoded / sub-delims )      (RFC 3986 §3.2.2)
pub const REG_NAME: Class = class(true, b"-._~!$&'()*+,;=");
// ANCHOR_END: tables

// ANCHOR: field_content
// field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
// field-vchar   = VCHAR / obs-text     VCHAR = %x21-7E, obs-text = %x80-FF
//                                                              (RFC 9110 §5.5)
/// Is `b` allowed inside a field value? Everything but CTLs (CR, LF, NUL…)
/// and DEL, with HTAB the one control byte let in.
pub const fn is_field_content(b: u8) -> bool {
    (b >= 0x20 && b != 0x7f) || b == b'\t'
}
// ANCHOR_END: field_content
