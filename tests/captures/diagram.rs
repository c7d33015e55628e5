//! A sequence diagram (SVG) drawn from a capture snapshot: the client's and the
//! server's lifelines, one arrow per segment, and the `ss` states beside the
//! lifelines where they were read. Drawn from the snapshot text, so the picture
//! cannot disagree with the asserted capture. Self-contained and deterministic:
//! no external fonts, no times, the same bytes for the same snapshot.

use std::fmt::Write;

const WIDTH: u32 = 900;
const CLIENT_X: u32 = 200;
const SERVER_X: u32 = 660;
const TOP: u32 = 96;
const ROW: u32 = 36;
const SLANT: u32 = 12;

/// The body of an insta snapshot file: what follows its second `---` line.
pub fn snapshot_body(file: &str) -> &str {
    file.splitn(3, "---\n").nth(2).unwrap_or(file)
}

/// The title above the diagram: the commands of the scenario.
fn title(name: &str) -> &'static str {
    match name {
        "ch01_ch02" => "ch01-raw-server  ←  ch02-client",
        "ch01_ch03" => "ch01-raw-server  ←  ch03-interval-client --manual",
        "ch04_ch03" => {
            "ch04-keep-alive --idle-timeout 2s  ←  ch03-interval-client --manual --count 3"
        }
        "ch05_curl" => "ch05-raw-http  ←  curl --include",
        "ch05_seed_curl" => "ch05-raw-http --seed-response  ←  curl --include",
        _ => "",
    }
}

enum Row {
    Segment {
        number: String,
        from_client: bool,
        label: String,
        flags: String,
    },
    States {
        client: Vec<String>,
        server: Vec<String>,
    },
}

fn parse(body: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in body.lines() {
        let line = line.trim();
        if let Some(states) = line.strip_prefix("ss:") {
            let (mut client, mut server) = (Vec::new(), Vec::new());
            for socket in states.split(',').map(str::trim) {
                if let Some(state) = socket.strip_prefix("client ") {
                    client.push(state.to_string());
                } else if let Some(state) = socket.strip_prefix("server ") {
                    server.insert(0, state.to_string());
                } else if !socket.is_empty() && !socket.starts_with('(') {
                    server.push(socket.to_string());
                }
            }
            rows.push(Row::States { client, server });
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [number, from, ">", _to, flags, rest @ ..] = &words[..] {
            rows.push(Row::Segment {
                number: (*number).to_string(),
                from_client: from.starts_with("client"),
                label: std::iter::once(*flags)
                    .chain(rest.iter().copied())
                    .collect::<Vec<_>>()
                    .join(" "),
                flags: (*flags).to_string(),
            });
        }
    }
    rows
}

/// Draws the diagram of scenario `name` from its capture snapshot's body.
pub fn render(name: &str, body: &str) -> String {
    let rows = parse(body);
    let height = TOP + ROW * rows.len() as u32 + 40;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="monospace" font-size="12">"#
    );
    let _ = writeln!(
        svg,
        r##"<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>"##
    );
    let _ = writeln!(
        svg,
        r##"<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>"##
    );
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="24" text-anchor="middle" font-size="13" fill="#333333">{}</text>"##,
        WIDTH / 2,
        escape(title(name))
    );
    for (x, who) in [(CLIENT_X, "client"), (SERVER_X, "server")] {
        let _ = writeln!(
            svg,
            r##"<rect x="{}" y="40" width="120" height="28" rx="4" fill="#eef2f7" stroke="#445566"/><text x="{x}" y="59" text-anchor="middle" font-size="14" font-weight="bold" fill="#223344">{who}</text>"##,
            x - 60
        );
        let _ = writeln!(
            svg,
            r##"<line x1="{x}" y1="68" x2="{x}" y2="{}" stroke="#8899aa" stroke-width="2"/>"##,
            height - 20
        );
    }
    for (i, row) in rows.iter().enumerate() {
        let y = TOP + ROW * i as u32;
        match row {
            Row::Segment {
                number,
                from_client,
                label,
                flags,
            } => {
                let (x1, x2) = if *from_client {
                    (CLIENT_X, SERVER_X)
                } else {
                    (SERVER_X, CLIENT_X)
                };
                let color = if flags.contains('R') {
                    "#c62828" // reset
                } else if flags.contains('S') || flags.contains('F') {
                    "#1565c0" // opening and closing
                } else if flags.contains('P') {
                    "#2e7d32" // data
                } else {
                    "#555555" // acknowledgment only
                };
                let _ = writeln!(
                    svg,
                    r##"<line x1="{x1}" y1="{}" x2="{x2}" y2="{}" stroke="{color}" stroke-width="1.6" marker-end="url(#arrow)"/>"##,
                    y + 8,
                    y + 8 + SLANT
                );
                let _ = writeln!(
                    svg,
                    r##"<text x="{}" y="{}" text-anchor="middle" fill="{color}">{}</text>"##,
                    (CLIENT_X + SERVER_X) / 2,
                    y + 8,
                    escape(label)
                );
                let _ = writeln!(
                    svg,
                    r##"<text x="16" y="{}" fill="#888888">{}</text>"##,
                    y + 16,
                    escape(number)
                );
            }
            Row::States { client, server } => {
                let _ = writeln!(
                    svg,
                    r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#bbbbbb" stroke-dasharray="4 4"/>"##,
                    CLIENT_X,
                    y + 14,
                    SERVER_X,
                    y + 14
                );
                for (lines, x, anchor) in [
                    (client, CLIENT_X - 10, "end"),
                    (server, SERVER_X + 10, "start"),
                ] {
                    let text = lines.join(" · ");
                    let _ = writeln!(
                        svg,
                        r##"<text x="{x}" y="{}" text-anchor="{anchor}" font-weight="bold" fill="#6a1b9a">{}</text>"##,
                        y + 18,
                        escape(&text)
                    );
                }
            }
        }
    }
    let _ = writeln!(
        svg,
        r##"<text x="{}" y="{}" text-anchor="middle" font-size="10" fill="#999999">drawn from tests/captures/snapshots/chapters__captures__{name}.snap · states from ss</text>"##,
        WIDTH / 2,
        height - 6
    );
    svg.push_str("</svg>\n");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
