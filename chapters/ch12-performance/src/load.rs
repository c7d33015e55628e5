//! The load generators, run as programs: `wrk` keeps its connections open, `hey
//! -disable-keepalive` opens a new one for every request. What each one reports is
//! read off its output: requests completed, requests per second, p50 and p99.
use std::net::SocketAddr;
use std::process::Command;
use std::time::Duration;

/// What a load generator reported.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Responses received (wrk: "N requests in"; hey: the sum of its status codes).
    pub requests: u64,
    pub per_second: f64,
    pub p50: Option<Duration>,
    pub p99: Option<Duration>,
    /// Socket errors, non-2xx responses and the like, in the tool's own words.
    pub errors: Option<String>,
}

/// One way of loading a server.
#[derive(Clone, Debug)]
pub struct Load {
    pub program: &'static str,
    pub args: Vec<String>,
}

impl Load {
    /// `wrk -t1 -cC -dD --latency URL`: one thread, C connections kept open.
    pub fn wrk(connections: usize, duration: Duration) -> Load {
        let seconds = duration.as_secs().max(1); // wrk counts whole seconds, at least one
        Load {
            program: "wrk",
            args: vec![
                "-t1".into(),
                format!("-c{connections}"),
                format!("-d{seconds}s"),
                "--latency".into(),
            ],
        }
    }

    /// `hey [-disable-keepalive] -c C -z D` (or `-n N` for a fixed count).
    pub fn hey(keep_alive: bool, connections: usize, amount: HeyAmount) -> Load {
        let mut args = Vec::new();
        if !keep_alive {
            args.push("-disable-keepalive".into());
        }
        args.extend(["-c".into(), connections.to_string()]);
        match amount {
            HeyAmount::Requests(n) => args.extend(["-n".into(), n.to_string()]),
            HeyAmount::For(duration) => {
                args.extend(["-z".into(), format!("{}ms", duration.as_millis())])
            }
        }
        Load {
            program: "hey",
            args,
        }
    }

    /// The command line as a reader would type it (the URL last).
    pub fn shown(&self) -> String {
        format!(
            "{} {} http://127.0.0.1:PORT/",
            self.program,
            self.args.join(" ")
        )
    }

    /// Runs the load against `addr` (pinned with `taskset -c CORE` when given) and
    /// reads its report.
    pub fn run(&self, addr: SocketAddr, core: Option<usize>) -> Result<Report, String> {
        let url = format!("http://{addr}/");
        let mut command = match core {
            Some(core) => {
                let mut command = Command::new("taskset");
                command.args(["-c", &core.to_string(), self.program]);
                command
            }
            None => Command::new(self.program),
        };
        let output = command
            .args(&self.args)
            .arg(&url)
            .output()
            .map_err(|err| format!("cannot run {}: {err}", self.program))?;
        let text = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(format!(
                "{} failed ({}): {}",
                self.program,
                output.status,
                stderr.trim()
            ));
        }
        let report = match self.program {
            "wrk" => parse_wrk(&text),
            _ => parse_hey(&text),
        };
        report.ok_or_else(|| format!("cannot read {}'s output:\n{text}", self.program))
    }
}

/// How much load hey sends.
#[derive(Clone, Copy, Debug)]
pub enum HeyAmount {
    Requests(u64),
    For(Duration),
}

/// Reads wrk's report: `  50 requests in 1.00s, 6.79KB read`, `Requests/sec: 49.99`,
/// and the `--latency` distribution (`     50%  516.00us`).
pub fn parse_wrk(text: &str) -> Option<Report> {
    let mut requests = None;
    let mut per_second = None;
    let (mut p50, mut p99) = (None, None);
    let mut errors = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some((count, _)) = line.split_once(" requests in ") {
            requests = count.trim().parse().ok();
        } else if let Some(value) = line.strip_prefix("Requests/sec:") {
            per_second = value.trim().parse().ok();
        } else if let Some(value) = line.strip_prefix("50%") {
            p50 = wrk_duration(value.trim());
        } else if let Some(value) = line.strip_prefix("99%") {
            p99 = wrk_duration(value.trim());
        } else if line.starts_with("Socket errors:") || line.starts_with("Non-2xx") {
            errors.push(line.to_string());
        }
    }
    Some(Report {
        requests: requests?,
        per_second: per_second?,
        p50,
        p99,
        errors: (!errors.is_empty()).then(|| errors.join("; ")),
    })
}

/// wrk's durations: `516.00us`, `1.22ms`, `1.01s`, `2.00m`.
fn wrk_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => number / 1e6,
        "ms" => number / 1e3,
        "s" => number,
        "m" => number * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

/// Reads hey's report: `  Requests/sec:\t1988.1340`, `  50% in 0.0007 secs`, the
/// status codes (`  [200]\t20 responses`) and the error distribution.
pub fn parse_hey(text: &str) -> Option<Report> {
    let mut per_second = None;
    let (mut p50, mut p99) = (None, None);
    let mut requests = 0;
    let mut statuses = Vec::new();
    let mut errors = Vec::new();
    let mut section = "";
    for line in text.lines() {
        let trimmed = line.trim();
        if !line.starts_with(' ') && trimmed.ends_with(':') {
            section = trimmed;
            continue;
        }
        if let Some(value) = trimmed.strip_prefix("Requests/sec:") {
            per_second = value.trim().parse().ok();
        } else if let Some(value) = trimmed.strip_prefix("50% in ") {
            p50 = hey_duration(value);
        } else if let Some(value) = trimmed.strip_prefix("99% in ") {
            p99 = hey_duration(value);
        } else if section == "Status code distribution:" {
            // `[200]	20 responses`
            let Some((status, rest)) = trimmed.split_once(']') else {
                continue;
            };
            let count: u64 = rest.split_whitespace().next()?.parse().ok()?;
            let status = status.trim_start_matches('[');
            if status.starts_with('2') {
                requests += count;
            } else {
                statuses.push(format!("{count} × {status}"));
            }
        } else if section == "Error distribution:" && !trimmed.is_empty() {
            errors.push(trimmed.to_string());
        }
    }
    errors.extend(statuses);
    Some(Report {
        requests,
        per_second: per_second?,
        p50,
        p99,
        errors: (!errors.is_empty()).then(|| errors.join("; ")),
    })
}

/// hey's durations: `0.0007 secs`.
fn hey_duration(text: &str) -> Option<Duration> {
    let seconds: f64 = text.trim().strip_suffix("secs")?.trim().parse().ok()?;
    Some(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WRK: &str = "Running 1s test @ http://127.0.0.1:33203/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.97ms    0.86ms   3.80ms   86.00%
    Req/Sec     0.00      0.00     0.00      -nan%
  Latency Distribution
     50%  516.00us
     75%    1.22ms
     90%    2.26ms
     99%    3.80ms
  50 requests in 1.00s, 6.79KB read
  Socket errors: connect 0, read 2, write 0, timeout 0
Requests/sec:     49.99
Transfer/sec:      6.79KB
";

    const HEY: &str = "
Summary:
  Total:\t0.0101 secs
  Requests/sec:\t1988.1340

Latency distribution:
  10% in 0.0005 secs
  50% in 0.0007 secs
  95% in 0.0022 secs
  0% in 0.0000 secs

Status code distribution:
  [200]\t20 responses
  [404]\t2 responses

Error distribution:
  [3]\tGet \"http://127.0.0.1:1/\": dial tcp: connection refused
";

    /// wrk's report as Debian's wrk 4.1.0 prints it.
    #[test]
    fn reads_wrk() {
        let report = parse_wrk(WRK);
        assert_eq!(
            report,
            Some(Report {
                requests: 50,
                per_second: 49.99,
                p50: Some(Duration::from_micros(516)),
                p99: Some(Duration::from_micros(3800)),
                errors: Some("Socket errors: connect 0, read 2, write 0, timeout 0".into()),
            })
        );
    }

    /// hey's report; with few requests it prints no 99% line.
    #[test]
    fn reads_hey() {
        let report = parse_hey(HEY);
        assert_eq!(
            report,
            Some(Report {
                requests: 20,
                per_second: 1988.134,
                p50: Some(Duration::from_micros(700)),
                p99: None,
                errors: Some(
                    "[3]\tGet \"http://127.0.0.1:1/\": dial tcp: connection refused; 2 × 404"
                        .into()
                ),
            })
        );
    }
}
