//! Memory per idle keep-alive connection: the server's resident memory before and
//! after N connections that each carried one request and then stay open.
use std::net::{SocketAddr, TcpStream};

use crate::process::{Server, rss_kib};
use crate::servers::{ask, connect};

/// What N idle connections cost a server.
#[derive(Clone, Debug)]
pub struct Memory {
    pub connections: usize,
    pub before_kib: u64,
    pub after_kib: u64,
}

impl Memory {
    pub fn kib_per_connection(&self) -> f64 {
        self.after_kib.saturating_sub(self.before_kib) as f64 / self.connections as f64
    }
}

// ANCHOR: idle_connections
/// Opens `connections` connections to `server`, one after another, sends one request
/// on each and reads its response (so the server has made its per-connection state),
/// and reads the server's RSS while all of them are open and idle.
pub fn idle_connections(server: &Server, connections: usize) -> Result<Memory, String> {
    // a first connection, closed again, so what is made once (buffers, caches) is not
    // counted per connection
    crate::servers::answer(server.addr)?;
    let before_kib = rss_kib(server.pid())?;
    let mut open: Vec<TcpStream> = Vec::with_capacity(connections);
    for i in 0..connections {
        let mut stream = connect(server.addr).map_err(|err| format!("connection {i}: {err}"))?;
        ask(&mut stream).map_err(|err| format!("connection {i}: {err}"))?;
        open.push(stream);
    }
    let after_kib = rss_kib(server.pid())?;
    still_open(&open, server.addr)?;
    Ok(Memory {
        connections,
        before_kib,
        after_kib,
    })
}
// ANCHOR_END: idle_connections

/// Checks that the server has closed none of the connections while we measured: a
/// server that shed them would look cheap.
fn still_open(open: &[TcpStream], addr: SocketAddr) -> Result<(), String> {
    for (i, stream) in open.iter().enumerate() {
        stream
            .set_nonblocking(true)
            .map_err(|err| format!("connection {i}: {err}"))?;
        let mut byte = [0];
        match stream.peek(&mut byte) {
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {}
            Ok(0) => return Err(format!("{addr} closed idle connection {i}")),
            Ok(_) => {
                return Err(format!(
                    "{addr} sent bytes nobody asked for on connection {i}"
                ));
            }
            Err(err) => return Err(format!("connection {i}: {err}")),
        }
    }
    Ok(())
}
