//! The results: a table for the terminal, the same table as markdown, and an SVG bar
//! chart written by hand (text, no plotting crate) for the page.
use std::fmt::Write as _;
use std::time::Duration;

use crate::load::Report;
use crate::memory::Memory;

/// A connection kept open for many requests, or a new one per request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    KeepAlive,
    Close,
}

impl Mode {
    pub fn label(self) -> &'static str {
        match self {
            Mode::KeepAlive => "keep-alive",
            Mode::Close => "new connection",
        }
    }
}

/// One server under one load.
#[derive(Clone, Debug)]
pub struct Row {
    pub server: String,
    pub mode: Mode,
    /// The load generator that measured requests, req/s and latency.
    pub tool: &'static str,
    pub cpu_ns: u64,
    pub report: Report,
}

impl Row {
    /// The figure: server CPU time per completed request.
    pub fn cpu_us_per_request(&self) -> f64 {
        self.cpu_ns as f64 / 1e3 / self.report.requests.max(1) as f64
    }
}

/// Everything one run measured.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// When the run started (IMF-fixdate, UTC) and on what.
    pub date: String,
    pub machine: String,
    pub rows: Vec<Row>,
    pub memory: Vec<(String, Memory)>,
    /// Instructions per request under callgrind (`--callgrind`).
    pub instructions: Vec<(String, Mode, f64)>,
    /// The exact commands of the loads, one line each.
    pub commands: Vec<String>,
    /// What was skipped or differed, one line each.
    pub notes: Vec<String>,
}

/// One server under one load over all rounds: the median of each figure.
struct Summary {
    server: String,
    mode: Mode,
    tool: &'static str,
    /// CPU µs per request of every round, smallest first.
    cpu_us: Vec<f64>,
    per_second: f64,
    p50: Option<Duration>,
    p99: Option<Duration>,
}

impl Summary {
    fn cpu_us(&self) -> f64 {
        median(&self.cpu_us)
    }

    /// The smallest and the largest of the rounds, when there were several.
    fn spread(&self) -> String {
        match (self.cpu_us.first(), self.cpu_us.last()) {
            (Some(low), Some(high)) if self.cpu_us.len() > 1 => format!("{low:.2}–{high:.2}"),
            _ => "–".to_string(),
        }
    }
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn median_duration(mut values: Vec<Duration>) -> Option<Duration> {
    values.sort();
    let seconds: Vec<f64> = values.iter().map(Duration::as_secs_f64).collect();
    (!seconds.is_empty()).then(|| Duration::from_secs_f64(median(&seconds)))
}

impl Run {
    /// Every (server, mode) in the order first measured, its rounds taken together.
    fn summaries(&self) -> Vec<Summary> {
        let mut keys: Vec<(&str, Mode)> = Vec::new();
        for row in &self.rows {
            if !keys.contains(&(row.server.as_str(), row.mode)) {
                keys.push((row.server.as_str(), row.mode));
            }
        }
        keys.into_iter()
            .filter_map(|(server, mode)| {
                let rows: Vec<&Row> = self
                    .rows
                    .iter()
                    .filter(|row| row.server == server && row.mode == mode)
                    .collect();
                let mut cpu_us: Vec<f64> =
                    rows.iter().map(|row| row.cpu_us_per_request()).collect();
                cpu_us.sort_by(f64::total_cmp);
                let mut per_second: Vec<f64> =
                    rows.iter().map(|row| row.report.per_second).collect();
                per_second.sort_by(f64::total_cmp);
                Some(Summary {
                    server: server.to_string(),
                    mode,
                    tool: rows.first()?.tool,
                    cpu_us,
                    per_second: median(&per_second),
                    p50: median_duration(rows.iter().filter_map(|row| row.report.p50).collect()),
                    p99: median_duration(rows.iter().filter_map(|row| row.report.p99).collect()),
                })
            })
            .collect()
    }

    fn reference(&self, mode: Mode) -> Option<f64> {
        self.summaries()
            .iter()
            .find(|summary| summary.server == "hyper" && summary.mode == mode)
            .map(Summary::cpu_us)
    }

    /// How many rounds the figures are the median of.
    fn rounds(&self) -> usize {
        self.summaries()
            .iter()
            .map(|summary| summary.cpu_us.len())
            .max()
            .unwrap_or(0)
    }

    fn memory_reference(&self) -> Option<f64> {
        self.memory
            .iter()
            .find(|(server, _)| server == "hyper")
            .map(|(_, memory)| memory.kib_per_connection())
    }

    fn instructions_reference(&self, mode: Mode) -> Option<f64> {
        self.instructions
            .iter()
            .find(|(server, measured, _)| server == "hyper" && *measured == mode)
            .map(|(_, _, instructions)| *instructions)
    }

    /// The tables that have rows: CPU and latency, memory, instructions.
    fn tables(&self) -> Vec<Table> {
        let mut load = Vec::new();
        for summary in self.summaries() {
            let cpu = summary.cpu_us();
            load.push(vec![
                summary.server.clone(),
                summary.mode.label().to_string(),
                format!("{cpu:.2}"),
                summary.spread(),
                ratio(cpu, self.reference(summary.mode)),
                format!("{:.0}", summary.per_second),
                latency(summary.p50),
                latency(summary.p99),
                summary.tool.to_string(),
            ]);
        }
        let mut memory = Vec::new();
        for (server, measured) in &self.memory {
            let kib = measured.kib_per_connection();
            memory.push(vec![
                server.clone(),
                format!("{kib:.2}"),
                ratio(kib, self.memory_reference()),
                measured.connections.to_string(),
            ]);
        }
        let mut instructions = Vec::new();
        for (server, mode, counted) in &self.instructions {
            instructions.push(vec![
                server.clone(),
                mode.label().to_string(),
                format!("{counted:.0}"),
                ratio(*counted, self.instructions_reference(*mode)),
            ]);
        }
        [
            (LOAD_HEADER.to_vec(), load),
            (MEMORY_HEADER.to_vec(), memory),
            (INSTRUCTIONS_HEADER.to_vec(), instructions),
        ]
        .into_iter()
        .filter(|(_, rows)| !rows.is_empty())
        .collect()
    }

    /// The terminal's tables.
    pub fn text(&self) -> String {
        let tables: Vec<String> = self
            .tables()
            .iter()
            .map(|(header, rows)| aligned(header, rows))
            .collect();
        tables.join("\n")
    }

    /// The page's tables, with where and how they were measured.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "<!-- written by `cargo run --release -p ch12-performance`; do not edit -->"
        );
        let rounds = match self.rounds() {
            0 => String::new(),
            1 => "; one round".to_string(),
            n => format!("; the median of {n} rounds"),
        };
        let _ = writeln!(out, "Measured {} on {}{rounds}.\n", self.date, self.machine);
        for (header, rows) in self.tables() {
            out.push_str(&markdown_table(&header, &rows));
            out.push('\n');
        }
        for command in &self.commands {
            let _ = writeln!(out, "- `{command}`");
        }
        for note in &self.notes {
            let _ = writeln!(out, "- {note}");
        }
        out
    }

    /// The chart: server CPU µs per request in both modes, and KiB per idle connection,
    /// a horizontal bar per server.
    pub fn svg(&self) -> String {
        let mut panels: Vec<Panel> = Vec::new();
        for mode in [Mode::KeepAlive, Mode::Close] {
            let bars: Vec<_> = self
                .summaries()
                .into_iter()
                .filter(|summary| summary.mode == mode)
                .map(|summary| {
                    let cpu = summary.cpu_us();
                    let label = format!("{cpu:.2} µs · {} hyper", ratio(cpu, self.reference(mode)));
                    let range = match (summary.cpu_us.first(), summary.cpu_us.last()) {
                        (Some(low), Some(high)) if summary.cpu_us.len() > 1 => Some((*low, *high)),
                        _ => None,
                    };
                    Bar {
                        server: summary.server,
                        value: cpu,
                        label,
                        range,
                    }
                })
                .collect();
            if !bars.is_empty() {
                panels.push((format!("server CPU µs per request, {}", mode.label()), bars));
            }
        }
        let bars: Vec<_> = self
            .memory
            .iter()
            .map(|(server, memory)| {
                let kib = memory.kib_per_connection();
                let label = format!(
                    "{kib:.2} KiB · {} hyper",
                    ratio(kib, self.memory_reference())
                );
                Bar {
                    server: server.clone(),
                    value: kib,
                    label,
                    range: None,
                }
            })
            .collect();
        if !bars.is_empty() {
            let connections = self.memory.first().map_or(0, |(_, m)| m.connections);
            panels.push((format!("KiB per idle connection, {connections} open"), bars));
        }
        for mode in [Mode::KeepAlive, Mode::Close] {
            let bars: Vec<_> = self
                .instructions
                .iter()
                .filter(|(_, measured, _)| *measured == mode)
                .map(|(server, _, counted)| {
                    let reference = self.instructions_reference(mode);
                    let label = format!("{counted:.0} · {} hyper", ratio(*counted, reference));
                    Bar {
                        server: server.clone(),
                        value: *counted,
                        label,
                        range: None,
                    }
                })
                .collect();
            if !bars.is_empty() {
                panels.push((
                    format!("instructions per request (callgrind), {}", mode.label()),
                    bars,
                ));
            }
        }
        let rounds = match self.rounds() {
            0 | 1 => String::new(),
            n => format!("the median of {n} rounds; the line across a bar's end spans them"),
        };
        let caption = [format!("{} · {}", self.date, self.machine), rounds];
        svg(&caption, &panels)
    }
}

const LOAD_HEADER: [&str; 9] = [
    "server",
    "mode",
    "CPU µs/req",
    "rounds' range",
    "× hyper",
    "req/s",
    "p50",
    "p99",
    "measured by",
];
const MEMORY_HEADER: [&str; 4] = ["server", "KiB/conn", "× hyper", "connections"];
const INSTRUCTIONS_HEADER: [&str; 4] = ["server", "mode", "instructions/req", "× hyper"];

/// A table's header and rows.
type Table = (Vec<&'static str>, Vec<Vec<String>>);

fn ratio(value: f64, reference: Option<f64>) -> String {
    match reference {
        Some(reference) if reference > 0.0 => format!("{:.2}×", value / reference),
        _ => "–".to_string(),
    }
}

fn latency(value: Option<Duration>) -> String {
    match value {
        None => "–".to_string(),
        Some(value) if value < Duration::from_millis(1) => format!("{} µs", value.as_micros()),
        Some(value) => format!("{:.2} ms", value.as_secs_f64() * 1e3),
    }
}

fn aligned(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|cell| cell.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell}{}", " ".repeat(width - cell.chars().count())))
            .collect();
        padded.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

fn markdown_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", header.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// Text for SVG: `&`, `<` and `>` escaped.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

const COLOURS: [&str; 6] = [
    "#d9480f", "#1864ab", "#868e96", "#2b8a3e", "#862e9c", "#e67700",
];
const WIDTH: f64 = 720.0;
const LABEL: f64 = 70.0; // the server names' column
const BAR_AREA: f64 = 470.0;
const BAR: f64 = 18.0;
const GAP: f64 = 6.0;

/// One bar: the server, its value, the text beside it, and the rounds' smallest and
/// largest value (drawn as a line across the bar's end) when there were several.
struct Bar {
    server: String,
    value: f64,
    label: String,
    range: Option<(f64, f64)>,
}

/// A chart's panel: its title and its bars.
type Panel = (String, Vec<Bar>);

/// Panels of horizontal bars, each bar scaled to its panel's largest value.
fn svg(caption: &[String], panels: &[Panel]) -> String {
    let mut servers: Vec<&str> = Vec::new();
    let mut body = String::new();
    let mut y = 10.0;
    for line in caption.iter().filter(|line| !line.is_empty()) {
        y += 16.0;
        let _ = writeln!(
            body,
            r##"<text x="8" y="{y}" font-size="12" fill="#495057">{}</text>"##,
            escape(line)
        );
    }
    for (title, bars) in panels {
        y += 22.0;
        let _ = writeln!(
            body,
            r##"<text x="8" y="{y}" font-size="14" font-weight="bold">{}</text>"##,
            escape(title)
        );
        y += 8.0;
        let largest = bars
            .iter()
            .map(|bar| bar.range.map_or(bar.value, |(_, high)| high.max(bar.value)))
            .fold(0.0, f64::max);
        let scale = |value: f64| match largest > 0.0 {
            true => value / largest * BAR_AREA,
            false => 0.0,
        };
        for Bar {
            server,
            value,
            label,
            range,
        } in bars
        {
            if !servers.contains(&server.as_str()) {
                servers.push(server);
            }
            // the table's servers keep their colour in every chart; others take the rest
            let known = ["ours", "hyper", "floor", "node"];
            let colour = match known.iter().position(|name| name == server) {
                Some(i) => COLOURS[i],
                None => {
                    let others = servers.iter().filter(|name| !known.contains(name));
                    let i = others.take_while(|name| *name != server).count();
                    COLOURS[known.len() + i % (COLOURS.len() - known.len())]
                }
            };
            let width = scale(*value);
            let text_y = y + BAR - 5.0;
            let _ = writeln!(
                body,
                r##"<text x="{x}" y="{text_y}" font-size="13" text-anchor="end">{name}</text>"##,
                x = LABEL - 6.0,
                name = escape(server)
            );
            let _ = writeln!(
                body,
                r#"<rect x="{LABEL}" y="{y}" width="{width:.1}" height="{BAR}" fill="{colour}"/>"#
            );
            let mut end = LABEL + width;
            if let Some((low, high)) = range {
                let (from, to) = (LABEL + scale(*low), LABEL + scale(*high));
                let middle = y + BAR / 2.0;
                let _ = writeln!(
                    body,
                    r##"<line x1="{from:.1}" y1="{middle}" x2="{to:.1}" y2="{middle}" stroke="#212529" stroke-width="1.5"/>"##
                );
                end = end.max(to);
            }
            let _ = writeln!(
                body,
                r##"<text x="{x:.1}" y="{text_y}" font-size="12">{label}</text>"##,
                x = end + 6.0,
                label = escape(label)
            );
            y += BAR + GAP;
        }
    }
    let height = y + 10.0;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"sans-serif\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{body}</svg>\n"
    )
}
