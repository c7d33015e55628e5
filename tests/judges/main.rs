//! Chapters 8 and 9's server judged from outside: real clients (curl, Python's
//! http.client), strict response parsers (h11, llhttp through httptools) and
//! httplint on every response byte of a varied script, and the inputs of
//! published request-smuggling and conformance suites (defparam/smuggler,
//! PortSwigger's http-request-smuggler, Http11Probe, the HTTP Garden's bug list)
//! sent to the running server.

use crate::support;

mod clients;
mod exchange;
mod framing;
mod parsers;
mod probe;
mod python;

mod ch09;
mod requests;
mod shutdown;
mod smuggling;
