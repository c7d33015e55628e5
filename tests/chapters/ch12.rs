//! Chapter 12: the measuring program runs end to end on a tiny load. Its figures
//! belong to the page and the notes; nothing here depends on how fast anything is.

use crate::support::{self, Program};

const CHAPTER: &str = "ch12-performance";
/// The book's server, which chapter 12's table measures as `ours`.
const BOOK_SERVER: &str = "ch09-concurrency";

/// `--quick`: every server starts, answers `GET /` with the book's server's bytes,
/// serves a keep-alive and a new-connection load and holds idle connections; the
/// table is printed and written as markdown and SVG.
#[test]
fn measures_every_server_on_a_tiny_load() {
    let out = std::env::temp_dir().join(format!("{CHAPTER}-test-{}", std::process::id()));
    let out_arg = out.display().to_string();
    // built here, once for the suite, so the program need not run cargo itself
    support::binary(BOOK_SERVER);
    let args = ["--quick", "--no-build", "--out", &out_arg];
    let output = Program::start(CHAPTER, &args).finish();
    let stdout = &output.stdout;
    assert!(
        output.status.success(),
        "{CHAPTER} --quick failed:\n{stdout}\n{}",
        output.stderr
    );
    let mut servers = vec!["ours", "hyper", "floor"];
    if !stdout.contains("node not found") {
        servers.push("node");
    }
    let table = std::fs::read_to_string(out.join("ch12-performance.md")).unwrap_or_default();
    let chart = std::fs::read_to_string(out.join("ch12-performance.svg")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&out);
    for server in &servers {
        for mode in ["keep-alive", "new connection"] {
            let row = format!("| {server} | {mode} | ");
            assert!(table.contains(&row), "no row {row:?} in:\n{table}");
        }
        let memory = format!("| {server} | ");
        assert_eq!(
            table.matches(&memory).count(),
            3,
            "{server}: two load rows and a memory row in:\n{table}"
        );
        assert!(
            !stdout.contains(&format!("note: {server} answers GET / with")) || *server == "node",
            "{server} does not send the book's server's response:\n{stdout}"
        );
        assert!(
            chart.contains(&format!(">{server}</text>")),
            "{server} not in the chart"
        );
    }
    assert!(chart.starts_with("<svg ") && chart.ends_with("</svg>\n"));
}
