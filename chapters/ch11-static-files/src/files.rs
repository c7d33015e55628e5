//! The service: from a request to a file's response, through [`resolve`]
//! and the validators, preconditions and ranges of RFC 9110.

use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use ch07_request_parser::Request;
use ch08_persistent::response::reason;
use ch08_persistent::routes::path;
use ch08_persistent::{Content, Response, Service};

use crate::conditional::{Conditions, Outcome, Validators, evaluate, if_range};
use crate::mime::content_type;
use crate::path::{Refusal, Resolved, resolve};
use crate::range::{Ranged, range};

/// The directory served; canonical, so every file's canonical path can be
/// checked against it.
pub struct Files {
    root: PathBuf,
}

impl Files {
    /// `root` must be a directory; its canonical path is kept.
    pub fn new(root: &Path) -> io::Result<Files> {
        let root = std::fs::canonicalize(root)?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        Ok(Files { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

// ANCHOR: respond
impl Service for Files {
    /// Only GET and HEAD; the path resolved under the root, or refused; a
    /// directory without its slash redirected; then the file. (The file
    /// system calls are quick on a local disk and run in place; the
    /// file's bytes are read through tokio::fs, on its blocking threads.)
    fn respond(&self, request: &Request) -> Response {
        if !matches!(request.method, "GET" | "HEAD") {
            return text(405, "Allow: GET, HEAD\r\n".into(), "");
        }
        let path = path(&request.target);
        match resolve(&self.root, path) {
            Err(refusal) => self.refuse(refusal, path),
            Ok(Resolved::Directory) => redirect(request.target.raw, path),
            Ok(Resolved::File(file)) => match serve(&file, request) {
                Ok(response) => response,
                Err(err) => {
                    // gone since resolve, or unreadable: the log says which
                    let mut response = self.refuse(Refusal::NotFound, path);
                    response.note = format!(": {err}");
                    response
                }
            },
        }
    }
}
// ANCHOR_END: respond

// ANCHOR: serve
/// A file that is there: 304 or 412 if a precondition says so, else the
/// file, whole or in part.
fn serve(file: &Path, request: &Request) -> io::Result<Response> {
    let open = File::open(file)?;
    let metadata = open.metadata()?; // fstat: the very file we read
    let len = metadata.len();
    let current = Validators::new(len, metadata.modified()?, SystemTime::now());
    let conditions = Conditions::of(request);
    let fields = format!(
        "ETag: {}\r\nLast-Modified: {}\r\nCache-Control: no-cache\r\n",
        current.etag,
        httpdate::fmt_http_date(current.last_modified),
    );
    match evaluate(&conditions, &current) {
        // the client's copy is current: the validators, no body
        Outcome::NotModified => Ok(empty(304, fields)),
        Outcome::Failed => Ok(text(412, String::new(), "")),
        Outcome::Proceed => {
            // Range: only for GET (RFC 9110 §14.2), if If-Range holds
            let mut ranges = request.field_values("range");
            let ranged = match (ranges.next(), ranges.next()) {
                (Some(value), None)
                    if request.method == "GET"
                        && if_range(&conditions, &current) =>
                {
                    range(value, len)
                }
                _ => Ranged::Whole, // none, or two Range lines
            };
            let media_type = content_type(file);
            send_file(open, len, ranged, fields, media_type)
        }
    }
}
// ANCHOR_END: serve

// ANCHOR: send_file
/// 200 with the whole file, 206 with a part, or 416: the file's bytes
/// from where the range starts, read as they are sent.
fn send_file(
    mut open: File,
    len: u64,
    ranged: Ranged,
    mut fields: String,
    media_type: &str,
) -> io::Result<Response> {
    let (status, first, count, note) = match ranged {
        Ranged::Whole => (200, 0, len, String::new()),
        Ranged::Part { first, last } => {
            let range = format!("bytes {first}-{last}/{len}");
            fields += &format!("Content-Range: {range}\r\n");
            (206, first, last - first + 1, format!(": {range}"))
        }
        Ranged::Unsatisfiable => {
            let fields = format!("Content-Range: bytes */{len}\r\n");
            let mut response = text(416, fields, "");
            response.note = format!(": bytes */{len}");
            return Ok(response);
        }
    };
    fields += &format!("Content-Type: {media_type}\r\n");
    fields += "Accept-Ranges: bytes\r\n"; // RFC 9110 §14.3
    open.seek(SeekFrom::Start(first))?;
    let source = Box::new(tokio::fs::File::from_std(open));
    let content = Content::Stream(source, count);
    Ok(Response {
        status,
        fields,
        content,
        note,
    })
}
// ANCHOR_END: send_file

impl Files {
    // ANCHOR: refuse
    /// 400 says which rule the path broke. 404 says no more than that, for
    /// nothing there and for what is not ours to show alike: a 403 would
    /// tell a prober that something is there.
    fn refuse(&self, refusal: Refusal, path: &str) -> Response {
        let mut response = match refusal.status() {
            400 => text(400, String::new(), refusal.text()),
            status => self
                .not_found_page(path)
                .unwrap_or_else(|| text(status, String::new(), "")),
        };
        response.note = format!(": {}", refusal.text());
        response
    }
    // ANCHOR_END: refuse

    /// The site's own 404 page, found by the same rules as any file: the
    /// `404.html` of the path's first directory (a book's language), else
    /// the root's.
    fn not_found_page(&self, path: &str) -> Option<Response> {
        let first = path.trim_start_matches('/').split('/').next();
        let pages = [format!("/{}/404.html", first?), "/404.html".into()];
        pages.iter().find_map(|page| {
            let Ok(Resolved::File(file)) = resolve(&self.root, page) else {
                return None;
            };
            let open = File::open(&file).ok()?;
            let len = open.metadata().ok()?.len();
            let fields = format!("Content-Type: {}\r\n", content_type(&file));
            let source = Box::new(tokio::fs::File::from_std(open));
            let content = Content::Stream(source, len);
            Some(Response {
                status: 404,
                fields,
                content,
                note: String::new(),
            })
        })
    }
}

/// 301 to the directory's slash form, the query kept (RFC 9110 §15.4.2):
/// relative links in its index.html resolve against that.
fn redirect(target: &str, path: &str) -> Response {
    let query = target
        .split_once('?')
        .map_or(String::new(), |(_, q)| format!("?{q}"));
    let fields = format!("Location: {path}/{query}\r\n");
    text(301, fields, "")
}

/// A short text body: `404 Not Found`, `400 Bad Request: why`.
fn text(status: u16, mut fields: String, why: &str) -> Response {
    let body = match why {
        "" => format!("{status} {}\n", reason(status)),
        why => format!("{status} {}: {why}\n", reason(status)),
    };
    fields += "Content-Type: text/plain; charset=utf-8\r\n";
    let content = Content::Bytes(body.into_bytes());
    Response {
        status,
        fields,
        content,
        note: String::new(),
    }
}

/// No body and no Content-Length: a 304.
fn empty(status: u16, fields: String) -> Response {
    Response {
        status,
        fields,
        content: Content::None,
        note: String::new(),
    }
}
