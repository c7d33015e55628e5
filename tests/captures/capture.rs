//! Captures the real TCP segments of one scenario on loopback with `tcpdump`, reads
//! them as they arrive (pcap on tcpdump's stdout, parsed here), and normalises them:
//! symbolic endpoints, relative sequence numbers, no times, no windows, no options.
//!
//! The same filter a reader types: `sudo tcpdump -i lo -nn 'tcp port 5000'`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::Instant;

use crate::captures::support::WAIT;

/// One TCP segment as captured.
#[derive(Clone, Debug)]
pub struct Segment {
    /// Sent by the client (its destination is the server's port).
    pub from_client: bool,
    pub client_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: u8,
    /// Bytes of TCP payload (from the IP header, so a short snapshot length cannot hide any).
    pub len: u32,
    /// The payload bytes captured (up to tcpdump's snapshot length).
    pub payload: Vec<u8>,
}

pub const FIN: u8 = 0x01;
pub const SYN: u8 = 0x02;
pub const RST: u8 = 0x04;
pub const PSH: u8 = 0x08;
pub const ACK: u8 = 0x10;

impl Segment {
    pub fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// The sequence number just after this segment (SYN and FIN count as one each).
    pub fn end_seq(&self) -> u32 {
        let mut end = self.seq.wrapping_add(self.len);
        if self.has(SYN) {
            end = end.wrapping_add(1);
        }
        if self.has(FIN) {
            end = end.wrapping_add(1);
        }
        end
    }
}

/// Why captures cannot run here, and what to do about it.
pub struct Unavailable {
    pub reason: String,
    pub fix: &'static str,
}

/// Whether this machine can capture on loopback: checked once, by starting tcpdump
/// exactly as the tests do and waiting for its `listening on` line.
pub fn availability() -> Result<(), &'static Unavailable> {
    static CHECKED: OnceLock<Result<(), Unavailable>> = OnceLock::new();
    CHECKED
        .get_or_init(|| match Capture::start(9) {
            Ok(capture) => {
                drop(capture);
                Ok(())
            }
            Err(unavailable) => Err(unavailable),
        })
        .as_ref()
        .map(|_| ())
}

/// A running `tcpdump` on `lo` for one port. Dropping it kills tcpdump, so no
/// capture process outlives its test.
pub struct Capture {
    child: Child,
    segments: Receiver<Segment>,
    seen: Vec<Segment>,
}

impl Capture {
    /// Starts tcpdump for `tcp port PORT` and returns once it says `listening on`:
    /// from then on every segment of that port is captured.
    pub fn start(port: u16) -> Result<Capture, Unavailable> {
        let spawned = Command::new("tcpdump")
            // -U and --immediate-mode: hand over every packet as it is seen, not a buffer later
            .args(["-i", "lo", "-nn", "-U", "--immediate-mode", "-w", "-"])
            .arg(format!("tcp port {port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(err) => {
                return Err(Unavailable {
                    reason: format!("cannot run tcpdump ({err})"),
                    fix: "install it (apt-get install tcpdump), then: sudo -E cargo test captures::",
                });
            }
        };
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");

        // tcpdump's stderr: its `listening on` line, or the error that stopped it
        let (status_tx, status) = mpsc::channel();
        thread::spawn(move || {
            let mut said = String::new();
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if line.contains("listening on") {
                    let _ = status_tx.send(Ok(()));
                } else {
                    said.push_str(&line);
                    said.push('\n');
                }
            }
            let _ = status_tx.send(Err(said));
        });
        let (segment_tx, segments) = mpsc::channel();
        thread::spawn(move || read_pcap(stdout, port, &segment_tx));

        let mut capture = Capture {
            child,
            segments,
            seen: Vec::new(),
        };
        match status.recv_timeout(WAIT) {
            Ok(Ok(())) => Ok(capture),
            Ok(Err(said)) => {
                let _ = capture.child.wait();
                let said = said.trim().replace('\n', "; ");
                Err(Unavailable {
                    reason: format!("tcpdump cannot capture on lo: {said}"),
                    fix: "capturing needs CAP_NET_RAW; run: sudo -E cargo test captures::",
                })
            }
            Err(_) => panic!("tcpdump said neither `listening on` nor an error within {WAIT:?}"),
        }
    }

    /// Reads segments until one satisfies `done` (which sees all segments so far);
    /// panics after [`WAIT`], showing what was captured.
    pub fn wait_until(&mut self, what: &str, done: impl Fn(&[Segment]) -> bool) {
        let deadline = Instant::now() + WAIT;
        while !done(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.segments.recv_timeout(left) {
                Ok(segment) => self.seen.push(segment),
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no {what} captured within {WAIT:?}; captured so far:\n{}",
                    normalise(&self.seen)
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "tcpdump stopped before {what}; captured so far:\n{}",
                    normalise(&self.seen)
                ),
            }
        }
    }

    /// Everything captured so far.
    pub fn seen(&self) -> &[Segment] {
        &self.seen
    }

    /// Stops tcpdump and returns every segment captured. Call it once the last
    /// expected segment has been seen ([`Capture::wait_until`]).
    pub fn finish(mut self) -> Vec<Segment> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // anything still in the pipe arrived before the kill: keep it, so a stray
        // segment after the expected last one shows up in the snapshot
        while let Ok(segment) = self.segments.recv_timeout(WAIT) {
            self.seen.push(segment);
        }
        std::mem::take(&mut self.seen)
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// True once the peer of the side that sent the last FIN has acknowledged it and
/// both sides have sent FIN, or once a RST was sent: the connection is over.
pub fn closed(seen: &[Segment]) -> bool {
    if seen.iter().any(|s| s.has(RST)) {
        return true;
    }
    let fin = |from_client: bool| {
        seen.iter()
            .find(|s| s.from_client == from_client && s.has(FIN))
            .map(Segment::end_seq)
    };
    let (Some(client_fin), Some(server_fin)) = (fin(true), fin(false)) else {
        return false;
    };
    acked(seen, true, client_fin) && acked(seen, false, server_fin)
}

/// True once the other side has acknowledged everything `from_client`'s side sent up to `end`.
pub fn acked(seen: &[Segment], from_client: bool, end: u32) -> bool {
    seen.iter()
        .any(|s| s.from_client != from_client && s.has(ACK) && s.ack == end)
}

/// True once everything sent so far in both directions has been acknowledged,
/// as it has been by the time a person presses the next key.
pub fn all_acked(seen: &[Segment]) -> bool {
    [true, false].into_iter().all(|from_client| {
        seen.iter()
            .rev()
            .find(|s| s.from_client == from_client && (s.len > 0 || s.has(SYN | FIN)))
            .is_none_or(|sent| acked(seen, from_client, sent.end_seq()))
    })
}

/// The pcap stream on tcpdump's stdout, one [`Segment`] per TCP packet.
fn read_pcap(mut pcap: impl Read, server_port: u16, segments: &mpsc::Sender<Segment>) {
    let mut header = [0u8; 24];
    if pcap.read_exact(&mut header).is_err() {
        return;
    }
    let magic = [header[0], header[1], header[2], header[3]];
    let little = match magic {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => true,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => false,
        _ => return,
    };
    let u32_at = |bytes: &[u8], at: usize| {
        let four = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        if little {
            u32::from_le_bytes(four)
        } else {
            u32::from_be_bytes(four)
        }
    };
    // how many bytes of link-layer header precede the IP header
    let link = match u32_at(&header, 20) {
        0 => 4,    // BSD loopback
        1 => 14,   // Ethernet: what Linux's lo reports
        113 => 16, // Linux cooked
        276 => 20, // Linux cooked v2
        _ => return,
    };
    loop {
        let mut record = [0u8; 16];
        if pcap.read_exact(&mut record).is_err() {
            return;
        }
        let mut packet = vec![0; u32_at(&record, 8) as usize];
        if pcap.read_exact(&mut packet).is_err() {
            return;
        }
        if let Some(segment) = parse_ipv4_tcp(packet.get(link..).unwrap_or_default(), server_port)
            && segments.send(segment).is_err()
        {
            return;
        }
    }
}

fn parse_ipv4_tcp(ip: &[u8], server_port: u16) -> Option<Segment> {
    let be16 = |b: &[u8], at: usize| Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]));
    let be32 = |b: &[u8], at: usize| {
        Some(u32::from_be_bytes([
            *b.get(at)?,
            *b.get(at + 1)?,
            *b.get(at + 2)?,
            *b.get(at + 3)?,
        ]))
    };
    if ip.first()? >> 4 != 4 || *ip.get(9)? != 6 {
        return None; // only IPv4 TCP: the chapters listen on 127.0.0.1
    }
    let ip_header = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(be16(ip, 2)?);
    let tcp = ip.get(ip_header..)?;
    let tcp_header = usize::from(tcp.get(12)? >> 4) * 4;
    let dst = be16(tcp, 2)?;
    let src = be16(tcp, 0)?;
    let from_client = dst == server_port;
    let len = total.checked_sub(ip_header + tcp_header)?;
    let payload = tcp.get(tcp_header..).unwrap_or_default();
    Some(Segment {
        from_client,
        client_port: if from_client { src } else { dst },
        seq: be32(tcp, 4)?,
        ack: be32(tcp, 8)?,
        flags: *tcp.get(13)?,
        len: u32::try_from(len).ok()?,
        payload: payload[..payload.len().min(len)].to_vec(),
    })
}

/// The capture as the book shows it: one numbered line per segment, tcpdump's flag
/// letters (`S` SYN, `F` FIN, `P` PSH, `R` RST, `.` ACK), sequence and
/// acknowledgment numbers relative to each side's initial sequence number (its SYN),
/// the payload length and the payload's first line. No times, windows or options:
/// they change from run to run and machine to machine.
pub fn normalise(segments: &[Segment]) -> String {
    let mut clients: Vec<u16> = Vec::new();
    for s in segments {
        if !clients.contains(&s.client_port) {
            clients.push(s.client_port);
        }
    }
    let name = |port: u16| match clients.iter().position(|&p| p == port) {
        Some(_) if clients.len() == 1 => "client".to_string(),
        Some(i) => format!("client{}", i + 1),
        None => "client?".to_string(),
    };
    // each side's initial sequence number: its SYN (or its first segment)
    let isn = |port: u16, from_client: bool| {
        let theirs = || {
            segments
                .iter()
                .filter(move |s| s.client_port == port && s.from_client == from_client)
        };
        theirs()
            .find(|s| s.has(SYN))
            .or_else(|| theirs().next())
            .map_or(0, |s| s.seq)
    };
    let mut out = String::new();
    for (n, s) in segments.iter().enumerate() {
        let client = name(s.client_port);
        let (from, to) = if s.from_client {
            (client.as_str(), "server")
        } else {
            ("server", client.as_str())
        };
        let own = isn(s.client_port, s.from_client);
        let peer = isn(s.client_port, !s.from_client);
        let mut line = format!("{:>2} {from} > {to}  {:<5}", n + 1, flags(s.flags));
        if s.len > 0 {
            let start = s.seq.wrapping_sub(own);
            line += &format!(" seq {start}:{}", start.wrapping_add(s.len));
        } else if s.has(SYN | FIN | RST) {
            line += &format!(" seq {}", s.seq.wrapping_sub(own));
        }
        if s.has(ACK) {
            line += &format!(" ack {}", s.ack.wrapping_sub(peer));
        }
        if s.len > 0 {
            line += &format!(", length {} {}", s.len, preview(&s.payload, s.len));
        }
        out += line.trim_end();
        out.push('\n');
    }
    out
}

fn flags(bits: u8) -> String {
    let mut shown = String::from("[");
    for (bit, letter) in [(SYN, 'S'), (FIN, 'F'), (PSH, 'P'), (RST, 'R'), (ACK, '.')] {
        if bits & bit != 0 {
            shown.push(letter);
        }
    }
    shown + "]"
}

/// The payload's first line (at most 24 bytes), escaped like the chapters print bytes.
fn preview(payload: &[u8], len: u32) -> String {
    let line_end = payload
        .iter()
        .position(|&b| b == b'\n')
        .map_or(payload.len(), |i| i + 1);
    let shown = &payload[..line_end.min(24)];
    let more = if shown.len() < len as usize {
        "…"
    } else {
        ""
    };
    format!("\"{}\"{more}", ch01_raw_server::printable(shown))
}
