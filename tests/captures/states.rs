//! Socket states from the kernel, as `ss` shows them:
//! `ss -tanpH state all '( sport = :5000 or dport = :5000 )'`.

use std::net::{Ipv4Addr, SocketAddr};
use std::thread;
use std::time::{Duration, Instant};

use crate::captures::support::{TcpState, WAIT, tcp_socket};

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

/// The listener on `port` and both ends of each connection of `clients`, each looked up by its
/// addresses in the kernel's table (netlink sock_diag, what `ss` asks: [`tcp_socket`]), in
/// `show`'s order: clients, then the server's ends, then the listener. A socket a process
/// holds has an inode; one no process holds (in the backlog, orphaned, in TIME-WAIT) has none,
/// which is what `ss -p` finds by reading every process's file descriptors: a run of `ss` cost
/// ~10 ms of CPU, ~0.05 ms this way.
fn read(port: u16, clients: &[u16]) -> Vec<Socket> {
    let at = |port: u16| SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let socket = |name: String, local: SocketAddr, peer: SocketAddr| {
        tcp_socket(local, peer).map(|found| Socket {
            name,
            state: ss_name(found.state).to_string(),
            held: found.inode != 0,
        })
    };
    let mut sockets: Vec<Socket> = clients
        .iter()
        .filter_map(|&client| socket(client_name(client, clients), at(client), at(port)))
        .collect();
    let mut servers: Vec<Socket> = clients
        .iter()
        .filter_map(|&client| socket("server".to_string(), at(port), at(client)))
        .collect();
    sockets.sort_by(|a, b| a.name.cmp(&b.name));
    sockets.append(&mut servers);
    let unspecified = SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0));
    sockets.extend(
        socket("listener".to_string(), at(port), unspecified).filter(|s| s.state == "LISTEN"),
    );
    sockets
}

/// `ss`'s name for a state (the kernel's numbering, `include/net/tcp_states.h`).
fn ss_name(state: TcpState) -> &'static str {
    match state {
        TcpState::Established => "ESTAB",
        TcpState::FinWait1 => "FIN-WAIT-1",
        TcpState::FinWait2 => "FIN-WAIT-2",
        TcpState::CloseWait => "CLOSE-WAIT",
        TcpState::LastAck => "LAST-ACK",
        TcpState::Other(2) => "SYN-SENT",
        TcpState::Other(3 | 12) => "SYN-RECV",
        TcpState::Other(6) => "TIME-WAIT",
        TcpState::Other(7) => "UNCONN",
        TcpState::Other(10) => "LISTEN",
        TcpState::Other(11) => "CLOSING",
        TcpState::Other(_) => "UNKNOWN",
    }
}

fn client_name(port: u16, clients: &[u16]) -> String {
    match clients.iter().position(|&p| p == port) {
        Some(_) if clients.len() == 1 => "client".to_string(),
        Some(i) => format!("client{}", i + 1),
        None => "client?".to_string(),
    }
}
