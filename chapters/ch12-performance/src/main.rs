//! `cargo run --release -p ch12-performance -- --help`
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use ch12_performance::callgrind;
use ch12_performance::load::{HeyAmount, Load};
use ch12_performance::memory::idle_connections;
use ch12_performance::process::{Server, cpu_ns, find_program, raise_open_files};
use ch12_performance::report::{Mode, Row, Run};
use ch12_performance::servers::{Answer, NODE_SCRIPT, SERVERS, answer};
use ch12_performance::{BODY, CONTENT_TYPE, ServerArgs};
use clap::Parser;

const PROGRAM: &str = "ch12-performance";
/// The server runs on this core, the load generator on the next.
const SERVER_CORE: usize = 0;
const LOAD_CORE: usize = 1;

/// Measures the book's server beside hyper, a server that does not parse (the
/// floor) and Node's http: server CPU time per request with connections kept open
/// (wrk) and a new connection per request (hey), and memory per idle connection.
#[derive(Parser)]
#[command(name = PROGRAM)]
struct Args {
    /// How long each load runs
    #[arg(long, default_value = "5s", value_parser = humantime::parse_duration)]
    duration: Duration,
    /// Load before each measured run, not counted (the allocator, caches and Node's JIT warm up)
    #[arg(long, default_value = "1s", value_parser = humantime::parse_duration)]
    warmup: Duration,
    /// Rounds of every server in turn; the table shows each figure's median
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Concurrent connections of the load generator
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Idle keep-alive connections for the memory figure
    #[arg(long, default_value_t = 10_000)]
    idle_connections: usize,
    /// A tiny load (hey only, 60 requests, 20 idle connections, one process per server) that shows the
    /// harness works; its figures mean nothing
    #[arg(long)]
    quick: bool,
    /// Where the table (ch12-performance.md) and chart (ch12-performance.svg) go
    /// [default: book/generated, or a temporary directory with --quick]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// A server to measure, NAME=COMMAND (replaces the one of that name, or adds one);
    /// the command must print `listening on ADDR` first
    #[arg(long = "server", value_name = "NAME=CMD")]
    servers: Vec<String>,
    /// Measure only these servers (comma-separated names)
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    only: Vec<String>,
    /// Instead of timing: instructions per request under valgrind's callgrind (user
    /// space; the same from run to run), from one hey worker sending a fixed number of
    /// requests; written as ch12-instructions.md (Node is skipped: its JIT)
    #[arg(long)]
    callgrind: bool,
    /// Run the workspace's servers as already built beside this program (no cargo build)
    #[arg(long)]
    no_build: bool,
}

fn main() {
    let args = Args::parse();
    let problems = run(&args);
    if problems > 0 {
        eprintln!("{PROGRAM}: {problems} problem(s), see above");
        std::process::exit(1);
    }
}

/// Runs everything; returns how many servers failed (missing tools are not failures).
fn run(args: &Args) -> usize {
    let mut run = Run {
        date: httpdate::fmt_http_date(std::time::SystemTime::now()),
        machine: machine(),
        ..Run::default()
    };
    let mut problems = 0;
    let idle = if args.quick {
        20
    } else {
        args.idle_connections
    };
    let idle = open_files_for(idle, &mut run.notes);

    // ANCHOR: pinning
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pinned = find_program("taskset").is_some() && cores >= 2;
    if !pinned {
        note(&mut run.notes, match cores {
            0 | 1 => "one core: server and load generator are not pinned apart".to_string(),
            _ => "taskset not found (apt-get install util-linux): server and load generator are not pinned".to_string(),
        });
    }
    let (server_core, load_core) = match pinned {
        true => (Some(SERVER_CORE), Some(LOAD_CORE)),
        false => (None, None),
    };
    // ANCHOR_END: pinning
    if args.callgrind {
        return count_instructions(args, &mut run, (server_core, load_core));
    }

    let (keep_alive, close) = loads(args, args.duration);
    let warmups = match args.quick || args.warmup.is_zero() {
        true => (None, None),
        false => loads(args, args.warmup),
    };
    // wrk and hey are Debian packages of the same names
    let mut have = |load: &Load| {
        let found = find_program(load.program).is_some();
        if !found {
            let tool = load.program;
            let line = format!("{tool} not found (apt-get install {tool}): its rows are skipped");
            note(&mut run.notes, line);
        }
        found
    };
    let keep_alive = keep_alive.filter(&mut have);
    let close = close.filter(&mut have);
    if let Some(load) = &keep_alive {
        run.commands
            .push(format!("keep-alive: {}", pinned_command(load, load_core)));
    }
    if let Some(load) = &close {
        run.commands.push(format!(
            "new connection: {}",
            pinned_command(load, load_core)
        ));
    }
    run.commands.push(
        "CPU µs/req: the server's Δ(Σ /proc/PID/task/*/schedstat, first field) ÷ responses the load generator received; latency as the load generator measured it (wrk: from its own send time, so a stalled server delays sends — coordinated omission)".to_string(),
    );

    let servers = match servers(args, &mut run) {
        Ok(servers) => servers,
        Err(line) => {
            eprintln!("{PROGRAM}: {line}");
            return 1;
        }
    };
    let mut files = match Files::new() {
        Ok(files) => files,
        Err(line) => {
            eprintln!("{PROGRAM}: {line}");
            return 1;
        }
    };
    let mut phases = Vec::new();
    for (mode, load, warmup) in [
        (Mode::KeepAlive, keep_alive, warmups.0),
        (Mode::Close, close, warmups.1),
    ] {
        if let Some(load) = load {
            phases.push(Phase { mode, load, warmup });
        }
    }
    let bench = Bench {
        cores: (server_core, load_core),
        phases,
        idle,
        // --quick: one process for everything (a restart costs more than its load)
        fresh: !args.quick,
    };
    let rounds = if args.quick { 1 } else { args.rounds.max(1) };
    let mut reference: Option<Answer> = None;
    let mut failed: Vec<&str> = Vec::new();
    // ANCHOR: rounds
    // Round after round of every server in turn, so that what else the machine does
    // falls on all of them alike; the table shows each figure's median.
    for round in 0..rounds {
        for (name, command) in &servers {
            if failed.contains(&name.as_str()) {
                continue;
            }
            let command = files.fill(command);
            let measured = bench.measure(name, &command, &mut run, round, &mut reference);
            let answered = match measured {
                Ok(()) => files.answered_by(reference.as_ref()),
                Err(line) => Err(line),
            };
            if let Err(line) = answered {
                eprintln!("{PROGRAM}: {line}");
                run.notes.push(line);
                failed.push(name);
                problems += 1;
            }
        }
    }
    // ANCHOR_END: rounds

    println!();
    print!("{}", run.text());
    let out = args.out.clone().unwrap_or_else(|| match args.quick {
        true => std::env::temp_dir().join("ch12-performance-quick"),
        false => book_generated(),
    });
    match write_results(&out, &run) {
        Ok(written) => println!("\nwrote {written}"),
        Err(line) => {
            eprintln!("{PROGRAM}: {line}");
            problems += 1;
        }
    }
    problems
}

// ANCHOR: count_instructions
/// `--callgrind`: every server's instructions per request in both modes.
fn count_instructions(args: &Args, run: &mut Run, cores: (Option<usize>, Option<usize>)) -> usize {
    if find_program("valgrind").is_none() || find_program("hey").is_none() {
        eprintln!("{PROGRAM}: --callgrind needs valgrind and hey (apt-get install valgrind hey)");
        return 1;
    }
    let servers = match servers(args, run) {
        Ok(servers) => servers,
        Err(line) => {
            eprintln!("{PROGRAM}: {line}");
            return 1;
        }
    };
    let mut files = match Files::new() {
        Ok(files) => files,
        Err(line) => {
            eprintln!("{PROGRAM}: {line}");
            return 1;
        }
    };
    let counts = (500, 2500);
    run.commands.push(format!(
        "instructions/req: valgrind --tool=callgrind SERVER on core 0, loaded from core 1 by {} (a new connection per request: with -disable-keepalive), then by -n {}; (Ir₂ − Ir₁) ÷ {} requests",
        Load::hey(true, 1, HeyAmount::Requests(counts.0)).shown(),
        counts.1,
        counts.1 - counts.0
    ));
    let mut problems = 0;
    let mut first = true;
    for (name, command) in &servers {
        if name == "node" && !args.only.iter().any(|only| only == "node") {
            note(
                &mut run.notes,
                "node: skipped under callgrind (JIT-compiled; --only node to count it anyway)"
                    .to_string(),
            );
            continue;
        }
        let command = files.fill(command);
        if first {
            // the first server's answer is what the others send: learn it untimed
            first = false;
            let answered =
                Server::start(name, &command, None).and_then(|server| answer(server.addr));
            if let Err(line) = answered.and_then(|answer| files.answered_by(Some(&answer))) {
                eprintln!("{PROGRAM}: {name}: {line}");
                return problems + 1;
            }
        }
        for mode in [Mode::KeepAlive, Mode::Close] {
            let dir = files
                .dir
                .join(format!("{name}-{}", mode.label().replace(' ', "-")));
            let counted = std::fs::create_dir_all(&dir)
                .map_err(|err| format!("cannot create {}: {err}", dir.display()))
                .and_then(|()| {
                    callgrind::per_request(&command, mode == Mode::KeepAlive, counts, cores, &dir)
                });
            match counted {
                Ok(instructions) => {
                    println!(
                        "{name}, {}: {instructions:.0} instructions per request",
                        mode.label()
                    );
                    run.instructions.push((name.clone(), mode, instructions));
                }
                Err(line) => {
                    eprintln!("{PROGRAM}: {name}, {}: {line}", mode.label());
                    problems += 1;
                }
            }
        }
    }
    println!();
    print!("{}", run.text());
    let out = args.out.clone().unwrap_or_else(book_generated);
    match write_named(&out, "ch12-instructions", run) {
        Ok(written) => println!("\nwrote {written}"),
        Err(line) => {
            eprintln!("{PROGRAM}: {line}");
            problems += 1;
        }
    }
    problems
}
// ANCHOR_END: count_instructions

/// The keep-alive and the new-connection load of this run, each running for `duration`.
fn loads(args: &Args, duration: Duration) -> (Option<Load>, Option<Load>) {
    if args.quick {
        // wrk runs for whole seconds only: the quick run loads with hey both ways
        let keep_alive = Load::hey(true, 2, HeyAmount::Requests(40));
        let close = Load::hey(false, 2, HeyAmount::Requests(20));
        return (Some(keep_alive), Some(close));
    }
    let keep_alive = Load::wrk(args.connections, duration);
    let close = Load::hey(false, args.connections, HeyAmount::For(duration));
    (Some(keep_alive), Some(close))
}

fn pinned_command(load: &Load, core: Option<usize>) -> String {
    match core {
        Some(core) => format!("taskset -c {core} {}", load.shown()),
        None => load.shown(),
    }
}

/// One load of a run, and the same for a second first, not measured.
struct Phase {
    mode: Mode,
    load: Load,
    warmup: Option<Load>,
}

/// How every server is measured.
struct Bench {
    /// The server's core and the load generator's.
    cores: (Option<usize>, Option<usize>),
    phases: Vec<Phase>,
    idle: usize,
    /// A fresh process for every load and for the idle connections.
    fresh: bool,
}

impl Bench {
    /// One round for one server: each load on a fresh process (unless `fresh` is
    /// false), then, in the first round (0), its idle connections. The first round
    /// also checks its answer to `GET /` against the first server's.
    fn measure(
        &self,
        name: &str,
        command: &[String],
        run: &mut Run,
        round: usize,
        reference: &mut Option<Answer>,
    ) -> Result<(), String> {
        let (server_core, load_core) = self.cores;
        let first = round == 0;
        match first {
            true => println!("{name}: {}", command.join(" ")),
            false => println!("{name}, round {}:", round + 1),
        }
        let mut server = Server::start(name, command, server_core)?;
        if first {
            let answered =
                answer(server.addr).map_err(|err| format!("{name}: GET / failed: {err}"))?;
            match reference {
                None => *reference = Some(answered),
                Some(reference) => {
                    for difference in answered.differences(reference) {
                        note(
                            &mut run.notes,
                            format!("{name} answers GET / with {difference}"),
                        );
                    }
                }
            }
        }
        for (i, phase) in self.phases.iter().enumerate() {
            if self.fresh && i > 0 {
                // a fresh process: what the last load left behind does not count here
                drop(server);
                server = Server::start(name, command, server_core)?;
            }
            let row = self.load(name, &mut server, phase, load_core, &mut run.notes)?;
            println!(
                "  {}: {} requests, {:.2} µs CPU each, {:.0} req/s",
                phase.mode.label(),
                row.report.requests,
                row.cpu_us_per_request(),
                row.report.per_second
            );
            run.rows.push(row);
        }
        if !first {
            return Ok(());
        }
        if self.fresh {
            drop(server);
            server = Server::start(name, command, server_core)?;
        }
        let memory =
            idle_connections(&server, self.idle).map_err(|err| format!("{name}: {err}"))?;
        println!(
            "  {} idle connections: {} → {} KiB, {:.2} KiB each",
            self.idle,
            memory.before_kib,
            memory.after_kib,
            memory.kib_per_connection()
        );
        run.memory.push((name.to_string(), memory));
        Ok(())
    }

    // ANCHOR: load
    /// The server's CPU time across one load, and what the load generator reported.
    fn load(
        &self,
        name: &str,
        server: &mut Server,
        phase: &Phase,
        load_core: Option<usize>,
        notes: &mut Vec<String>,
    ) -> Result<Row, String> {
        let mode = phase.mode.label();
        if let Some(warmup) = &phase.warmup {
            warmup
                .run(server.addr, load_core)
                .map_err(|err| format!("{name}: warm-up: {err}"))?;
        }
        let before = cpu_ns(server.pid())?;
        let report = phase
            .load
            .run(server.addr, load_core)
            .map_err(|err| format!("{name}: {err}"))?;
        let after = cpu_ns(server.pid())?;
        if !server.running() {
            return Err(format!("{name} exited under the {mode} load"));
        }
        if report.requests == 0 {
            return Err(format!("{name}: no response under the {mode} load"));
        }
        if let Some(errors) = &report.errors {
            note(
                notes,
                format!("{name}, {mode}: {}: {errors}", phase.load.program),
            );
        }
        Ok(Row {
            server: name.to_string(),
            mode: phase.mode,
            tool: phase.load.program,
            cpu_ns: after - before,
            report,
        })
    }
    // ANCHOR_END: load
}

/// Raises the open-file limit for `idle` connections (this process holds one end of
/// each, the server the other; both inherit the limit); returns how many fit.
fn open_files_for(idle: usize, notes: &mut Vec<String>) -> usize {
    const SPARE: usize = 1024; // stdio, the listener, the load generator's own sockets
    let wanted = (idle + SPARE) as u64;
    match raise_open_files(wanted) {
        Ok(limit) if limit >= wanted => idle,
        Ok(limit) => {
            let fit = (limit as usize).saturating_sub(SPARE).max(1);
            note(
                notes,
                format!(
                    "the hard limit on open files is {limit} (ulimit -Hn): memory measured at {fit} connections, not {idle}"
                ),
            );
            fit
        }
        Err(err) => {
            note(
                notes,
                format!(
                    "cannot raise the open-file limit ({err}): memory measured at 100 connections"
                ),
            );
            100
        }
    }
}

/// The servers to measure: the table, with `--server NAME=CMD` replacing or adding,
/// `--only` choosing; workspace binaries built (unless `--no-build`) and resolved.
fn servers(args: &Args, run: &mut Run) -> Result<Vec<(String, Vec<String>)>, String> {
    let Run {
        notes, commands, ..
    } = run;
    let mut table: Vec<(String, String)> = SERVERS
        .iter()
        .map(|(name, command)| (name.to_string(), command.to_string()))
        .collect();
    for given in &args.servers {
        let Some((name, command)) = given.split_once('=') else {
            return Err(format!("--server {given}: expected NAME=COMMAND"));
        };
        match table.iter_mut().find(|(known, _)| known == name) {
            Some(entry) => entry.1 = command.to_string(),
            None => table.push((name.to_string(), command.to_string())),
        }
    }
    if !args.only.is_empty() {
        table.retain(|(name, _)| args.only.contains(name));
    }
    let here = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .ok_or("cannot find the directory this program runs from")?;
    let mut servers = Vec::new();
    let mut to_build: Vec<(String, String)> = Vec::new();
    for (name, command) in table {
        commands.push(format!("{name}: {command}"));
        let mut words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        let Some(first) = words.first().cloned() else {
            return Err(format!("--server {name}=: empty command"));
        };
        if let Some(package) = workspace_package(&first) {
            words[0] = here.join(&first).display().to_string();
            if package != PROGRAM {
                note(notes, format!("{name}: {}", source_state(&package)));
            }
            to_build.push((package, first));
        } else if find_program(&first).is_none() {
            let hint = match first.as_str() {
                "node" => " (apt-get install nodejs)",
                _ => "",
            };
            note(notes, format!("{name}: {first} not found{hint}: skipped"));
            continue;
        }
        servers.push((name, words));
    }
    if !args.no_build && !to_build.is_empty() {
        build(&to_build)?;
    }
    servers.retain(|(name, words)| {
        let built =
            Path::new(&words[0]).is_file() || !words[0].starts_with(&*here.to_string_lossy());
        if !built {
            note(notes, format!("{name}: {} is not built: skipped", words[0]));
        }
        built
    });
    Ok(servers)
}

/// The workspace package whose binary `program` is: a chapter crate of that name, or
/// one of this crate's own servers.
fn workspace_package(program: &str) -> Option<String> {
    if program.contains('/') {
        return None;
    }
    let chapters = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let own = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src/bin")
        .join(format!("{program}.rs"));
    if own.is_file() {
        Some(PROGRAM.to_string())
    } else if chapters.join(program).join("Cargo.toml").is_file() {
        Some(program.to_string())
    } else {
        None
    }
}

/// Which state of a chapter's code is measured: the last commit that changed it,
/// and whether the tree holds changes not committed yet.
fn source_state(package: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(package);
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(args)
            .arg("--")
            .arg(".")
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    match (
        git(&["log", "-1", "--format=%h"]),
        git(&["status", "--porcelain"]),
    ) {
        (Some(commit), Some(changes)) if !commit.is_empty() => match changes.is_empty() {
            true => format!("{package} as of commit {commit}"),
            false => format!("{package} as of commit {commit}, with uncommitted changes"),
        },
        (Some(_), Some(_)) => format!("{package}, not committed yet"),
        _ => format!("{package} (no git history found)"),
    }
}

/// One `cargo build -p PACKAGE --bin BIN …` for all of them, in this program's own
/// profile (a no-op when nothing changed).
fn build(binaries: &[(String, String)]) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.args(["build", "--quiet"]);
    for (package, bin) in binaries {
        command.args(["-p", package, "--bin", bin]);
    }
    if !cfg!(debug_assertions) {
        command.arg("--release");
    }
    let mut shown = String::from("cargo build");
    for (package, bin) in binaries {
        shown.push_str(&format!(" -p {package} --bin {bin}"));
    }
    match command.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{shown} failed ({status})")),
        Err(err) => Err(format!("cannot run cargo: {err}")),
    }
}

/// The CPU's model, the number of cores and the kernel, as /proc tells them.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .and_then(|rest| rest.split_once(':'))
        .map_or("an unknown CPU", |(_, model)| model.trim())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().next().unwrap_or("?");
    format!(
        "{model}, {cores} cores, Linux {}, load average {load} at start",
        kernel.trim()
    )
}

/// Prints a note at once and keeps it for the page.
fn note(notes: &mut Vec<String>, line: String) {
    println!("note: {line}");
    notes.push(line);
}

fn write_results(out: &Path, run: &Run) -> Result<String, String> {
    write_named(out, "ch12-performance", run)
}

/// `NAME.md` (the table) and `NAME.svg` (the chart) in `out`.
fn write_named(out: &Path, name: &str, run: &Run) -> Result<String, String> {
    std::fs::create_dir_all(out)
        .map_err(|err| format!("cannot create {}: {err}", out.display()))?;
    let table = out.join(format!("{name}.md"));
    let chart = out.join(format!("{name}.svg"));
    for (path, text) in [(&table, run.markdown()), (&chart, run.svg())] {
        std::fs::write(path, text)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    Ok(format!("{} and {}", table.display(), chart.display()))
}

/// The files the servers' commands name in braces, in a directory of our own that is
/// removed at the end: the body, Content-Type and whole response of `GET /` (as the
/// book's server answered it, once it has), and the Node program.
struct Files {
    dir: PathBuf,
    content_type: String,
}

impl Files {
    fn new() -> Result<Files, String> {
        let dir = std::env::temp_dir().join(format!("{PROGRAM}-{}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
        let files = Files {
            dir,
            content_type: CONTENT_TYPE.to_string(),
        };
        let defaults = ServerArgs {
            addr: String::new(),
            content_type: CONTENT_TYPE.to_string(),
            body: None,
            response: None,
            quiet: true,
        };
        files.write("body", BODY)?;
        files.write("response", &defaults.response(PROGRAM))?;
        files.write("node.js", NODE_SCRIPT.as_bytes())?;
        Ok(files)
    }

    fn write(&self, name: &str, bytes: &[u8]) -> Result<(), String> {
        let path = self.dir.join(name);
        std::fs::write(&path, bytes)
            .map_err(|err| format!("cannot write {}: {err}", path.display()))
    }

    /// After the first server answered: the others send what it sent.
    fn answered_by(&mut self, reference: Option<&Answer>) -> Result<(), String> {
        let Some(answer) = reference else {
            return Ok(());
        };
        if let Some(content_type) = answer.field("content-type") {
            self.content_type = content_type.to_string();
        }
        self.write("body", &answer.body)?;
        self.write("response", &answer.bytes)
    }

    fn fill(&self, command: &[String]) -> Vec<String> {
        let path = |name: &str| self.dir.join(name).display().to_string();
        command
            .iter()
            .map(|word| {
                word.replace("{content_type}", &self.content_type)
                    .replace("{body_file}", &path("body"))
                    .replace("{response_file}", &path("response"))
                    .replace("{node_script}", &path("node.js"))
            })
            .collect()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `book/generated` of this workspace.
fn book_generated() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir
        .parent()
        .and_then(Path::parent)
        .unwrap_or(crate_dir);
    root.join("book").join("generated")
}
