//! The program's options for every limit and timeout, as a piece that
//! chapter 9's program (and later ones) flatten into their own, so each
//! option is declared once.

use std::time::Duration;

use crate::{Config, Limits};

// ANCHOR: options
/// Every limit and timeout of [`Config`], as command-line options.
#[derive(clap::Args, Clone, Debug)]
pub struct Options {
    /// Longest request-line in bytes, without its CRLF (longer: 414)
    #[arg(long, value_name = "BYTES",
          default_value_t = Limits::DEFAULT.max_request_line)]
    pub max_request_line: usize,
    /// Largest request head (and trailer section) in bytes (larger: 431)
    #[arg(long, value_name = "BYTES",
          default_value_t = Limits::DEFAULT.max_head)]
    pub max_head: usize,
    /// Most field lines in a head (and trailer section) (more: 431)
    #[arg(long, value_name = "N",
          default_value_t = Limits::DEFAULT.max_fields)]
    pub max_fields: usize,
    /// Largest request body in bytes (larger: 413)
    #[arg(long, value_name = "BYTES",
          default_value_t = Config::DEFAULT.max_body)]
    pub max_body: u64,
    /// Close a connection whose request head has not all come within this
    /// time (408)
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub head_timeout: Duration,
    /// Close a connection that sends nothing for this long, between
    /// requests or inside a body
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration)]
    pub idle_timeout: Duration,
    /// Close a connection whose client reads nothing of a response for
    /// this long
    #[arg(long, default_value = "10s", value_parser = humantime::parse_duration)]
    pub send_timeout: Duration,
    /// Print no line per connection (for load tests)
    #[arg(long)]
    pub quiet: bool,
}
// ANCHOR_END: options

impl Options {
    /// The configuration these options describe.
    pub fn config(&self) -> Config {
        Config {
            limits: Limits {
                max_request_line: self.max_request_line,
                max_head: self.max_head,
                max_fields: self.max_fields,
            },
            head_timeout: self.head_timeout,
            idle_timeout: self.idle_timeout,
            send_timeout: self.send_timeout,
            max_body: self.max_body,
            quiet: self.quiet,
        }
    }
}
