//! Shared machinery for the chapter tests: build the chapters once, start one on
//! port 0 and learn its address, read its lines with a deadline, drive a client
//! over real loopback sockets, and normalise what changes from run to run.
//!
//! Every wait here is bounded by [`WAIT`]: a hang fails the test with the
//! transcript so far instead of freezing the suite.

#![allow(dead_code)] // each test module uses its own part of the harness

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// The longest any single step may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// The path of a chapter's binary, built (once per chapter and test run) with the same
/// cargo and profile as this test, exactly as `cargo run -p <chapter>` builds it. Only the
/// chapters a suite runs are built, so a chapter being written cannot break another's tests.
pub fn binary(chapter: &str) -> PathBuf {
    build(chapter, &["--bins"]);
    target_dir().join(chapter)
}

/// The path of a chapter's example program, built as
/// `cargo run -p <chapter> --example <name>` builds it.
pub fn example(chapter: &str, name: &str) -> PathBuf {
    build(chapter, &["--example", name]);
    target_dir().join("examples").join(name)
}

/// Runs `cargo build -p <chapter> <what>` once per test run. First, once, every chapter's
/// programs in one cargo run: cargo's own start and check cost ~0.1 s even when nothing is to
/// be built, once per chapter. When that fails (a chapter does not compile), each chapter is
/// built on its own, so only the broken chapter's tests fail.
fn build(chapter: &str, what: &[&str]) {
    static ALL: OnceLock<bool> = OnceLock::new();
    if *ALL.get_or_init(build_every_chapter) {
        return;
    }
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let key = format!("{chapter} {}", what.join(" "));
    let mut built = BUILT
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !built.contains(&key) {
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "--quiet", "-p", chapter]).args(what);
        profile_of_this_test(&mut build);
        let status = build.status().expect("run cargo build for the chapter");
        assert!(status.success(), "cargo build -p {key} failed");
        built.push(key);
    }
}

/// `cargo build -p ch01-raw-server … -p ch12-performance --bins --examples`, quietly; whether
/// it succeeded.
fn build_every_chapter() -> bool {
    let Ok(entries) = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("chapters"))
    else {
        return false;
    };
    let mut build = Command::new(env!("CARGO"));
    build.args(["build", "--quiet", "--bins", "--examples"]);
    profile_of_this_test(&mut build);
    for entry in entries.flatten() {
        if entry.path().join("Cargo.toml").is_file() {
            build.arg("-p").arg(entry.file_name());
        }
    }
    build
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// The Python interpreter `python3` on the PATH runs, as a path (asked once: a version
/// manager's `python3` is a shell script that costs more to start than Python itself), or
/// plain `python3` when it cannot say.
pub fn python3() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| {
        Command::new("python3")
            .args(["-c", "import sys; print(sys.executable)"])
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
            .filter(|path| path.is_file())
            .unwrap_or_else(|| PathBuf::from("python3"))
    })
}

/// Feeds `inputs` to a Python judge (`python3 <args>`), one line of hex each, and
/// returns everything it printed, waiting at most [`WAIT`] for it; its stderr goes
/// to `stderr`. None when python3 cannot be started.
pub fn python_hex_lines(args: &[&str], inputs: &[Vec<u8>], stderr: Stdio) -> Option<String> {
    let mut child = Command::new(python3())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let mut stdout = child.stdout.take()?;
    let lines: String = inputs
        .iter()
        .map(|input| input.iter().map(|b| format!("{b:02x}")).collect::<String>() + "\n")
        .collect();
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(lines.as_bytes());
    });
    let (done, answer) = mpsc::channel();
    thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        let _ = done.send(out);
    });
    let Ok(out) = answer.recv_timeout(WAIT) else {
        let _ = child.kill();
        panic!("python3 {} did not answer within {WAIT:?}", args.join(" "));
    };
    let _ = writer.join();
    let _ = child.wait();
    Some(out)
}

/// Builds with this test's own profile: `target/debug` is cargo's `dev`, any other folder
/// (`target/release`) the profile of its name.
fn profile_of_this_test(build: &mut Command) {
    let dir = target_dir();
    match dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => {}
        Some(profile) => {
            build.args(["--profile", profile]);
        }
    }
}

/// `target/<profile>`: this test runs as `target/<profile>/deps/<suite>-<hash>`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target dir")
        .to_path_buf()
}

/// A line a program printed, or the end of its output.
enum Event {
    Line(String),
    Eof,
}

/// A running chapter binary. Dropping it kills the process, so a failing test
/// never leaves one behind.
pub struct Program {
    pub name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<Event>,
    stderr: Receiver<String>,
    /// What the reader's terminal shows: the command, then every line so far.
    transcript: Vec<String>,
    done: bool,
}

/// What a program printed by the time it exited.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Program {
    /// Chapter 3's client in `--manual` mode (one write per Enter), once it has
    /// printed that it is connected to `addr`.
    pub fn manual_client(addr: SocketAddr) -> Program {
        let mut client = Program::start(
            "ch03-interval-client",
            &["--addr", &addr.to_string(), "--manual"],
        );
        client.wait_for("connect:");
        client
    }

    /// Starts `chapter` with `args`; the transcript begins with the command a
    /// reader would type (`--addr` left out: the normalised ports match the default).
    pub fn start(chapter: &str, args: &[&str]) -> Program {
        let mut command = Command::new(binary(chapter));
        command.args(args);
        Program::spawn(chapter, command, command_line(chapter, args))
    }

    /// Starts a chapter's example program, shown as `cargo run -p <chapter> --example <name>`.
    pub fn example(chapter: &str, name: &str, args: &[&str]) -> Program {
        let mut command = Command::new(example(chapter, name));
        command.args(args);
        let shown = command_line(chapter, args).replacen(
            &format!("-p {chapter}"),
            &format!("-p {chapter} --example {name}"),
            1,
        );
        Program::spawn(name, command, shown)
    }

    /// Starts any program (e.g. `node`), its transcript beginning with `shown`.
    pub fn spawn(name: &str, mut command: Command, shown: String) -> Program {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {name}: {err}"));
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let (line_tx, lines) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = std::io::BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match std::io::BufRead::read_line(&mut reader, &mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let line = line.strip_suffix('\n').unwrap_or(&line).to_string();
                        if line_tx.send(Event::Line(line)).is_err() {
                            return;
                        }
                    }
                }
            }
            let _ = line_tx.send(Event::Eof);
        });
        let (err_tx, stderr_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            let _ = err_tx.send(text);
        });
        Program {
            name: name.to_string(),
            stdin: child.stdin.take(),
            child,
            lines,
            stderr: stderr_rx,
            transcript: vec![shown],
            done: false,
        }
    }

    /// Starts a server chapter on `127.0.0.1:0` and reads its first line,
    /// `listening on ADDR`, to learn the address the OS chose.
    pub fn server(chapter: &str, args: &[&str]) -> (Program, SocketAddr) {
        let mut all = vec!["--addr", "127.0.0.1:0"];
        all.extend_from_slice(args);
        Program::start(chapter, &all).listening()
    }

    /// Like [`Program::server`], at real-time priority (`chrt --fifo 1`, which needs
    /// root or CAP_SYS_NICE): woken by a segment, the program runs at once, ahead of
    /// every ordinary process however busy the machine is. For a scenario that needs
    /// the program to react before one of its kernel's timers fires.
    pub fn server_realtime(chapter: &str, args: &[&str]) -> (Program, SocketAddr) {
        let mut command = Command::new("chrt");
        command
            .args(["--fifo", "1"])
            .arg(binary(chapter))
            .args(["--addr", "127.0.0.1:0"])
            .args(args);
        Program::spawn(chapter, command, command_line(chapter, args)).listening()
    }

    /// Reads the first line, `listening on ADDR`, and returns the address.
    fn listening(mut self) -> (Program, SocketAddr) {
        let first = self.line();
        let addr = first
            .strip_prefix("listening on ")
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| {
                panic!("{}: expected `listening on ADDR`, got {first:?}", self.name)
            });
        (self, addr)
    }

    /// The next line the program prints (panics after [`WAIT`], showing what came so far).
    pub fn line(&mut self) -> String {
        match self.lines.recv_timeout(WAIT) {
            Ok(Event::Line(line)) => {
                self.transcript.push(line.clone());
                line
            }
            Ok(Event::Eof) | Err(RecvTimeoutError::Disconnected) => {
                self.done = true;
                panic!(
                    "{} ended its output; so far:\n{}",
                    self.name,
                    self.transcript()
                )
            }
            Err(RecvTimeoutError::Timeout) => {
                panic!(
                    "{} printed nothing for {WAIT:?}; so far:\n{}",
                    self.name,
                    self.transcript()
                )
            }
        }
    }

    /// Reads lines up to and including the first one that contains `needle`.
    pub fn wait_for(&mut self, needle: &str) -> String {
        loop {
            let line = self.line();
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// Presses Enter in the program's terminal (`--manual` ticks); the transcript
    /// shows it as `<Enter>`.
    pub fn press_enter(&mut self) {
        self.transcript.push("<Enter>".to_string());
        let stdin = self.stdin.as_mut().expect("stdin still open");
        stdin
            .write_all(b"\n")
            .and_then(|()| stdin.flush())
            .expect("write to the program's stdin");
    }

    /// Closes the program's standard input (Ctrl-D in a terminal).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Everything shown so far, one line each.
    pub fn transcript(&self) -> String {
        self.transcript.join("\n") + "\n"
    }

    /// Waits for the program to exit by itself, collecting the rest of its output.
    pub fn finish(mut self) -> Output {
        let deadline = Instant::now() + WAIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not exit within {WAIT:?}; so far:\n{}",
                self.name,
                self.transcript()
            );
            thread::sleep(Duration::from_millis(5)); // polling for exit, not synchronising
        };
        self.collect(status)
    }

    /// Sends SIGINT (Ctrl-C), waits for the program to exit, collects its output.
    pub fn interrupt(self) -> Output {
        signal(&self.child, "-INT");
        self.finish()
    }

    /// Sends a signal (`-INT` is Ctrl-C, `-TERM` what `kill` sends) and returns at
    /// once: the program goes on (e.g. through a graceful shutdown) and its lines can
    /// still be read; [`Program::finish`] then waits for its exit.
    pub fn send_signal(&self, name: &str) {
        signal(&self.child, name);
    }

    /// Kills the program (SIGKILL, `kill -9`): it runs no more code, not even a stopped
    /// one; the kernel closes its sockets. Waits for it to exit, collects its output.
    pub fn kill(self) -> Output {
        signal(&self.child, "-KILL");
        self.finish()
    }

    /// Stops the program as Ctrl-Z does (SIGSTOP): it runs no code, but its kernel
    /// still answers for its sockets (handshakes, ACKs).
    /// Returns once every thread of the program has stopped.
    pub fn freeze(&self) {
        freeze(&self.child);
    }

    /// Lets a frozen program go on (SIGCONT), as `fg` does.
    pub fn thaw(&self) {
        signal(&self.child, "-CONT");
    }

    fn collect(&mut self, status: ExitStatus) -> Output {
        while !self.done {
            match self.lines.recv_timeout(WAIT) {
                Ok(Event::Line(line)) => self.transcript.push(line),
                Ok(Event::Eof) | Err(_) => self.done = true,
            }
        }
        let stderr = self.stderr.recv_timeout(WAIT).unwrap_or_default();
        Output {
            status,
            stdout: self.transcript(),
            stderr,
        }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Stops a child process (SIGSTOP) and waits until every one of its threads has
/// stopped: `kill` returns as soon as the signal is queued, not once it has taken effect.
pub fn freeze(child: &Child) {
    signal(child, "-STOP");
    let tasks = format!("/proc/{}/task", child.id());
    let deadline = Instant::now() + WAIT;
    loop {
        let stopped = std::fs::read_dir(&tasks).is_ok_and(|threads| {
            threads.flatten().all(|thread| {
                std::fs::read_to_string(thread.path().join("stat")).is_ok_and(|stat| {
                    // the state follows the command name in parentheses: `T` is stopped
                    stat.rsplit_once(") ")
                        .is_some_and(|(_, rest)| rest.starts_with('T'))
                })
            })
        });
        if stopped {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{tasks}: not stopped within {WAIT:?}"
        );
        thread::sleep(Duration::from_millis(1)); // polling the kernel's state, not synchronising
    }
}

/// Sends a signal with `kill` (e.g. `-STOP`, `-CONT`) to a child process.
pub fn signal(child: &Child, signal: &str) {
    let pid = child.id().to_string();
    let sent = Command::new("kill")
        .args([signal, &pid])
        .status()
        .expect("run kill");
    assert!(sent.success(), "kill {signal} {pid} failed");
}

fn command_line(chapter: &str, args: &[&str]) -> String {
    let mut shown = Vec::new();
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        if arg == "--addr" {
            args.next();
        } else {
            shown.push(arg);
        }
    }
    let mut line = format!("$ cargo run -p {chapter}");
    if !shown.is_empty() {
        line += &format!(" -- {}", shown.join(" "));
    }
    line
}

/// A test's own TCP client: blocking std sockets, every read bounded by [`WAIT`].
pub struct Client {
    pub stream: TcpStream,
}

impl Client {
    pub fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect to the chapter");
        stream
            .set_read_timeout(Some(WAIT))
            .expect("set read timeout");
        stream
            .set_write_timeout(Some(WAIT))
            .expect("set write timeout");
        Client { stream }
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to the chapter");
    }

    /// Sends our FIN: we will write no more, but can still read.
    pub fn shutdown_write(&mut self) {
        self.stream
            .shutdown(Shutdown::Write)
            .expect("shutdown(Write)");
    }

    /// Reads exactly `n` bytes.
    pub fn read_exact(&mut self, n: usize) -> Vec<u8> {
        let mut buf = vec![0; n];
        self.stream
            .read_exact(&mut buf)
            .expect("read from the chapter");
        buf
    }

    /// Reads until the peer's FIN.
    pub fn read_to_end(&mut self) -> Vec<u8> {
        let mut buf = Vec::new();
        self.stream
            .read_to_end(&mut buf)
            .expect("read to the chapter's FIN");
        buf
    }

    /// Reads once; `Err` carries the error kind (e.g. a reset).
    pub fn read_once(&mut self) -> Result<Vec<u8>, ErrorKind> {
        let mut buf = vec![0; 64 * 1024];
        match self.stream.read(&mut buf) {
            Ok(n) => Ok(buf[..n].to_vec()),
            Err(err) => Err(err.kind()),
        }
    }

    /// Waits (bounded) until the kernel is done with this connection: its socket has
    /// left every TCP state (it no longer shows in `/proc/net/tcp`, Linux), so no
    /// segment can still change it. Then returns the error the kernel recorded for
    /// it, if any: a reset (RST) from the peer shows here even after a clean read
    /// to the end of the stream.
    /// `peer` is the address connected to (a closed socket no longer knows it).
    pub fn closed_error(&self, peer: SocketAddr) -> Option<std::io::Error> {
        let local = self.stream.local_addr().expect("local address");
        wait_for_kernel("the end of the connection", || {
            tcp_socket(local, peer).is_none()
        });
        self.stream.take_error().expect("read SO_ERROR")
    }

    /// Vanishes abruptly: closes with SO_LINGER 0, so the kernel sends RST, not FIN.
    pub fn reset(self) {
        socket2::SockRef::from(&self.stream)
            .set_linger(Some(Duration::ZERO))
            .expect("set SO_LINGER 0");
    }
}

/// A TCP socket as the kernel shows it (Linux), the numbers behind `ss -tan`: its
/// state, how many received bytes no program has read yet (`ss`'s Recv-Q; for a
/// listening socket, its accept queue), and its inode (0 once no process holds it:
/// an orphan the kernel is still closing).
pub struct KernelSocket {
    pub state: TcpState,
    pub unread: u32,
    pub inode: u32,
}

/// The states the tests look for (the kernel's numbering, `include/net/tcp_states.h`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TcpState {
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    LastAck,
    Other(u8),
}

impl TcpState {
    fn from_kernel(state: u8) -> TcpState {
        match state {
            1 => TcpState::Established,
            4 => TcpState::FinWait1,
            5 => TcpState::FinWait2,
            8 => TcpState::CloseWait,
            9 => TcpState::LastAck,
            other => TcpState::Other(other),
        }
    }
}

/// The socket whose own end is `local` and whose peer is `peer`, if the kernel
/// still has it (a closed socket is gone from the table). Asked of the kernel by
/// its addresses (netlink's sock_diag, what `ss` uses, one hash lookup), or read
/// from `/proc/net/tcp` where that fails: the file lists every socket, and the
/// thousands in TIME-WAIT a test run leaves made each read cost ~40 ms.
pub fn tcp_socket(local: SocketAddr, peer: SocketAddr) -> Option<KernelSocket> {
    match sock_diag(local, peer) {
        Ok(found) => found,
        Err(_) => proc_net_tcp(local, peer),
    }
}

/// One `SOCK_DIAG_BY_FAMILY` request for exactly this socket (linux/inet_diag.h:
/// `struct inet_diag_req_v2`, without `NLM_F_DUMP`); the kernel answers with its
/// `inet_diag_msg`, or `ENOENT`.
fn sock_diag(local: SocketAddr, peer: SocketAddr) -> std::io::Result<Option<KernelSocket>> {
    use socket2::{Domain, Protocol, Socket, Type};
    const AF_NETLINK: i32 = 16;
    const NETLINK_SOCK_DIAG: i32 = 4;
    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    const NLMSG_ERROR: u16 = 2;
    const NLM_F_REQUEST: u16 = 1;
    const AF_INET: u8 = 2;
    const IPPROTO_TCP: u8 = 6;
    let (SocketAddr::V4(local), SocketAddr::V4(peer)) = (local, peer) else {
        return Err(ErrorKind::Unsupported.into());
    };
    let mut request = Vec::with_capacity(72);
    request.extend_from_slice(&72u32.to_ne_bytes()); // nlmsghdr: length,
    request.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes()); // type,
    request.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes()); // flags,
    request.extend_from_slice(&[0; 8]); // sequence number, port id
    request.extend_from_slice(&[AF_INET, IPPROTO_TCP, 0, 0]); // family, protocol, ext, pad
    request.extend_from_slice(&u32::MAX.to_ne_bytes()); // every state
    request.extend_from_slice(&local.port().to_be_bytes()); // sockid: sport, dport,
    request.extend_from_slice(&peer.port().to_be_bytes());
    request.extend_from_slice(&local.ip().octets()); // src[4], dst[4],
    request.extend_from_slice(&[0; 12]);
    request.extend_from_slice(&peer.ip().octets());
    request.extend_from_slice(&[0; 12]);
    request.extend_from_slice(&[0; 4]); // interface,
    request.extend_from_slice(&[0xff; 8]); // cookie: INET_DIAG_NOCOOKIE
    let mut netlink = Socket::new(
        Domain::from(AF_NETLINK),
        Type::DGRAM,
        Some(Protocol::from(NETLINK_SOCK_DIAG)),
    )?;
    netlink.set_read_timeout(Some(WAIT))?;
    netlink.write_all(&request)?;
    let mut reply = [0u8; 1024];
    let n = netlink.read(&mut reply)?;
    let reply = &reply[..n];
    let u16_at = |at: usize| {
        reply
            .get(at..at + 2)
            .map(|b| u16::from_ne_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| {
        reply
            .get(at..at + 4)
            .map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    };
    let bad = || std::io::Error::new(ErrorKind::InvalidData, "short sock_diag reply");
    match u16_at(4).ok_or_else(bad)? {
        NLMSG_ERROR => match u32_at(16).ok_or_else(bad)? as i32 {
            -2 => Ok(None), // ENOENT: no such socket
            errno => Err(std::io::Error::from_raw_os_error(-errno)),
        },
        SOCK_DIAG_BY_FAMILY => {
            // inet_diag_msg after the 16-byte header: family, state, timer, retrans,
            // the 48-byte sockid, then expires, rqueue, wqueue, uid, inode
            let port_at = |at: usize| {
                reply
                    .get(at..at + 2)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]))
            };
            // with no connection of these addresses the kernel answers with the socket
            // listening on `local`'s port, if there is one: not the socket asked for
            if port_at(20) != Some(local.port()) || port_at(22) != Some(peer.port()) {
                return Ok(None);
            }
            let state = *reply.get(17).ok_or_else(bad)?;
            Ok(Some(KernelSocket {
                state: TcpState::from_kernel(state),
                unread: u32_at(16 + 56).ok_or_else(bad)?,
                inode: u32_at(16 + 68).ok_or_else(bad)?,
            }))
        }
        other => Err(std::io::Error::new(
            ErrorKind::InvalidData,
            format!("sock_diag answered with message type {other}"),
        )),
    }
}

/// [`tcp_socket`] by reading `/proc/net/tcp`.
fn proc_net_tcp(local: SocketAddr, peer: SocketAddr) -> Option<KernelSocket> {
    // /proc/net/tcp spells 127.0.0.1:5000 as 0100007F:1388
    let hex = |addr: SocketAddr| match addr.ip() {
        std::net::IpAddr::V4(ip) => format!(
            "{:08X}:{:04X}",
            u32::from_le_bytes(ip.octets()),
            addr.port()
        ),
        std::net::IpAddr::V6(_) => panic!("tcp_socket: IPv4 only"),
    };
    let (local, peer) = (hex(local), hex(peer));
    // read line by line, up to the socket: the kernel writes the table as it is
    // read, and tens of thousands of TIME-WAIT entries (a load test) make the
    // whole of it slow to produce
    let table = std::fs::File::open("/proc/net/tcp").expect("open /proc/net/tcp");
    let lines = std::io::BufRead::lines(std::io::BufReader::new(table));
    lines.skip(1).map_while(Result::ok).find_map(|line| {
        // sl local_address rem_address st tx_queue:rx_queue ...
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.get(1) != Some(&local.as_str()) || fields.get(2) != Some(&peer.as_str()) {
            return None;
        }
        let state = u8::from_str_radix(fields.get(3)?, 16).ok()?;
        let (_, rx) = fields.get(4)?.split_once(':')?;
        Some(KernelSocket {
            state: TcpState::from_kernel(state),
            unread: u32::from_str_radix(rx, 16).ok()?,
            inode: fields.get(9)?.parse().ok()?,
        })
    })
}

/// Polls the kernel's socket table until `done` (bounded by [`WAIT`]).
pub fn wait_for_kernel(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !done() {
        assert!(Instant::now() < deadline, "no {what} within {WAIT:?}");
        thread::sleep(Duration::from_millis(1)); // polling the kernel's state, not synchronising
    }
}

/// A port on which nothing listens (bound, then released).
pub fn unused_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address")
}

/// Replaces what changes from run to run, consistently across the transcripts of one
/// scenario: the server's port becomes the default `5000`, each ephemeral port
/// `<port-1>`, `<port-2>`… in order of appearance; curl's version and the `Date`
/// header value become placeholders.
pub struct Normalizer {
    ports: HashMap<String, String>,
    ephemeral: usize,
}

impl Normalizer {
    pub fn new(server: SocketAddr) -> Normalizer {
        let mut ports = HashMap::new();
        ports.insert(server.port().to_string(), "5000".to_string());
        ports.insert("5000".to_string(), "5000".to_string()); // already what a reader sees
        Normalizer {
            ports,
            ephemeral: 0,
        }
    }

    pub fn apply(&mut self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("127.0.0.1:") {
            let (before, after) = rest.split_at(at + "127.0.0.1:".len());
            out.push_str(before);
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            let port = &after[..digits];
            if digits > 0 && port != "0" {
                let label = self.ports.entry(port.to_string()).or_insert_with(|| {
                    self.ephemeral += 1;
                    format!("<port-{}>", self.ephemeral)
                });
                out.push_str(label);
            } else {
                out.push_str(port);
            }
            rest = &after[digits..];
        }
        out.push_str(rest);
        out.lines().map(placeholders).collect::<Vec<_>>().join("\n") + "\n"
    }
}

fn placeholders(line: &str) -> String {
    if let Some(at) = line.find("curl/") {
        let end = line[at..]
            .find(|c: char| c == '\\' || c.is_whitespace())
            .map_or(line.len(), |e| at + e);
        return format!("{}curl/<version>{}", &line[..at], &line[end..]);
    }
    if let Some(rest) = line.strip_prefix("Date: ") {
        let end = rest.find('\\').unwrap_or(rest.len());
        return format!("Date: <date>{}", &rest[end..]);
    }
    line.to_string()
}

/// Shows bytes with `\r\n` visible, one line per received line, like the chapters do.
pub fn visible(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .split_inclusive('\n')
        .map(|line| line.replace('\r', "\\r").replace('\n', "\\n") + "\n")
        .collect()
}

/// Runs the real curl on `http://{addr}{path}` with `args`, sending what a reader's
/// `curl http://127.0.0.1:5000{path}` sends: that Host, and curl 7.88.1's User-Agent, so
/// the byte counts in a transcript match the page whatever curl is installed. `None` (after
/// one line saying so) where curl is missing, except in CI, where that fails the test.
pub fn curl(addr: SocketAddr, path: &str, args: &[&str]) -> Option<std::process::Output> {
    let url = format!("http://{addr}{path}");
    let run = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "20"])
        .args(["--header", "Host: 127.0.0.1:5000"])
        .args(["--user-agent", "curl/7.88.1"])
        .args(args)
        .arg(&url)
        .output();
    match run {
        Ok(output) => Some(output),
        Err(err) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped: curl is not installed ({err}); install it to run this test");
            None
        }
        Err(err) => panic!("curl is required in CI: {err}"),
    }
}
