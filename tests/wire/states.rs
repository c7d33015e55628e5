//! Socket states from the kernel, as `ss` shows them:
//! `ss -tanH state all '( sport = :5000 or dport = :5000 )'`.

use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::wire::support::WAIT;

/// One socket of the scenario's port.
#[derive(Debug)]
pub struct Socket {
    /// `client`, `server` (a connection the server accepted) or `listener`.
    pub name: String,
    /// ss's spelling: `LISTEN`, `ESTAB`, `FIN-WAIT-2`, `CLOSE-WAIT`, `TIME-WAIT`…
    pub state: String,
    /// Whether a process still holds it (false once the program has closed it).
    pub held: bool,
}

/// States a socket passes through while a segment is on its way: a moment is read
/// only once none is left, so it never depends on how fast the kernel got there.
const PASSING: [&str; 5] = ["SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "CLOSING", "LAST-ACK"];

/// The sockets of the scenario (the listener on `port`, and the connections of
/// `clients`), read again and again (bounded by [`WAIT`]) until none is
/// in a passing state and `ready` holds; then shown as one line for the snapshot.
/// `clients` are the client ports in the order the capture met them.
pub fn settled(port: u16, clients: &[u16], ready: impl Fn(&[Socket]) -> bool) -> String {
    let deadline = Instant::now() + WAIT;
    loop {
        let sockets = read(port, clients);
        let passing = sockets.iter().any(|s| PASSING.contains(&s.state.as_str()));
        if !passing && ready(&sockets) {
            return show(&sockets);
        }
        assert!(
            Instant::now() < deadline,
            "the sockets did not settle within {WAIT:?}: {}",
            show(&sockets)
        );
        thread::sleep(Duration::from_millis(2)); // polling the kernel's state, not synchronising
    }
}

/// `ss: client CLOSE-WAIT, server FIN-WAIT-2, listener LISTEN`.
fn show(sockets: &[Socket]) -> String {
    let shown: Vec<String> = sockets
        .iter()
        .map(|s| format!("{} {}", s.name, s.state))
        .collect();
    if shown.is_empty() {
        "ss: (no socket on the port)".to_string()
    } else {
        format!("ss: {}", shown.join(", "))
    }
}

fn read(port: u16, clients: &[u16]) -> Vec<Socket> {
    let filter = format!("( sport = :{port} or dport = :{port} )");
    let output = Command::new("ss")
        .args(["-tanpH", "state", "all", &filter])
        .output()
        .expect("run ss (iproute2)");
    assert!(output.status.success(), "ss failed: {output:?}");
    let text = String::from_utf8_lossy(&output.stdout);
    let port_of = |endpoint: &str| {
        endpoint
            .rsplit_once(':')
            .and_then(|(_, port)| port.parse::<u16>().ok())
    };
    let mut sockets: Vec<(usize, Socket)> = text
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [state, _recv_q, _send_q, local, peer, ..] = fields[..] else {
                return None;
            };
            let held = line.contains("users:");
            // only this scenario's sockets: a port number is reused, and an earlier
            // connection on it may still be in TIME-WAIT
            let (order, name) = if port_of(local) != Some(port) {
                let client = port_of(local).filter(|p| clients.contains(p))?;
                (0, client_name(client, clients))
            } else if let Some(client) = port_of(peer) {
                clients.contains(&client).then_some(())?;
                (1, "server".to_string())
            } else {
                (2, "listener".to_string())
            };
            Some((
                order,
                Socket {
                    name,
                    state: state.to_string(),
                    held,
                },
            ))
        })
        .collect();
    sockets.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    sockets.into_iter().map(|(_, socket)| socket).collect()
}

fn client_name(port: u16, clients: &[u16]) -> String {
    match clients.iter().position(|&p| p == port) {
        Some(_) if clients.len() == 1 => "client".to_string(),
        Some(i) => format!("client{}", i + 1),
        None => "client?".to_string(),
    }
}
