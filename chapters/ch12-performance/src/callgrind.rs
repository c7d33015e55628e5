//! Instructions per request, as valgrind's callgrind counts them: the same from run
//! to run on a busy machine, where time is not. Each server runs under callgrind
//! twice per mode, for a small and a larger fixed number of requests from one hey
//! worker; the difference divided by the difference in requests leaves start-up and
//! exit out. User-space instructions only: the kernel's share is not in them.
use std::path::Path;
use std::time::Duration;

use crate::load::{HeyAmount, Load};
use crate::process::Server;

/// How long a server under valgrind may take to start and to exit.
const EXIT_TIMEOUT: Duration = Duration::from_secs(60);

// ANCHOR: instructions
/// Instructions per request of `command` under `hey` (`keep_alive` or a new
/// connection per request), from `small` and `large` requests.
pub fn per_request(
    command: &[String],
    keep_alive: bool,
    (small, large): (u64, u64),
    cores: (Option<usize>, Option<usize>),
    out: &Path,
) -> Result<f64, String> {
    let mut counts = Vec::new();
    for requests in [small, large] {
        let file = out.join(format!("callgrind.{requests}.out"));
        let mut under = vec![
            "valgrind".to_string(),
            "--tool=callgrind".to_string(),
            format!("--callgrind-out-file={}", file.display()),
        ];
        under.extend_from_slice(command);
        let server = Server::start("callgrind", &under, cores.0)?;
        let load = Load::hey(keep_alive, 1, HeyAmount::Requests(requests));
        let report = load.run(server.addr, cores.1)?;
        if report.requests != requests {
            return Err(format!(
                "{} of {requests} requests answered",
                report.requests
            ));
        }
        server.interrupt(EXIT_TIMEOUT)?;
        let text = std::fs::read_to_string(&file)
            .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
        counts.push(total(&text).ok_or_else(|| format!("{}: no totals line", file.display()))?);
    }
    Ok((counts[1] as f64 - counts[0] as f64) / (large - small) as f64)
}
// ANCHOR_END: instructions

/// The `totals:` (or `summary:`) line of a callgrind output file: instructions.
pub fn total(text: &str) -> Option<u64> {
    text.lines()
        .filter_map(|line| {
            line.strip_prefix("totals:")
                .or_else(|| line.strip_prefix("summary:"))
        })
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .max()
}

#[cfg(test)]
mod tests {
    /// A callgrind file ends with its totals (events: Ir).
    #[test]
    fn reads_totals() {
        let text = "events: Ir\nfn=(1) main\n16 3\nsummary: 1234567\ntotals: 1234567\n";
        assert_eq!(super::total(text), Some(1_234_567));
    }
}
