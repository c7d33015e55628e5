//! Builds the book in both languages: `cargo run` (then open the printed file:// paths),
//! `cargo run -- serve` (http://127.0.0.1:3000/), `cargo run -- pot` (messages for translators).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const PROGRAM: &str = "tcp-http-book";

fn main() -> ExitCode {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("build") => build(&root).map(|_| ()),
        Some("serve") if matches!(args.get(1).map(String::as_str), Some("-h" | "--help")) => {
            help();
            Ok(())
        }
        Some("serve") => build(&root).and_then(|out| serve(&out, args.get(1))),
        Some("pot") => pot(&root),
        Some("-h" | "--help" | "help") => {
            help();
            Ok(())
        }
        Some(other) => Err(vec![format!(
            "unknown command `{other}` (try `cargo run -- --help`)"
        )]),
    }
    .map_or_else(
        |problems| {
            for line in &problems {
                eprintln!("{PROGRAM}: {line}");
            }
            if problems.len() > 1 {
                eprintln!("{PROGRAM}: {} problems", problems.len());
            }
            ExitCode::FAILURE
        },
        |()| ExitCode::SUCCESS,
    )
}

fn help() {
    println!("usage: cargo run [-- build | serve [ADDR] | pot]");
    println!("  build   build target/book/ko and target/book/en (the default)");
    println!("  serve   build, then serve target/book on 127.0.0.1:3000 (or ADDR) with");
    println!("          chapter 11's server, one line per request; Ctrl-C stops it");
    println!("  pot     write target/i18n/messages.pot for msgmerge");
}

fn build(root: &Path) -> Result<PathBuf, Vec<String>> {
    let out = tcp_http_book::default_out_dir(root);
    let started = Instant::now();
    let built = tcp_http_book::build_all(root, &out)?;
    println!(
        "built {} languages in {:.2} s; open in a browser:",
        built.len(),
        started.elapsed().as_secs_f64()
    );
    for dir in built {
        println!("  file://{}", dir.join("index.html").display());
    }
    Ok(out)
}

fn serve(out: &Path, addr: Option<&String>) -> Result<(), Vec<String>> {
    let addr = addr.map_or("127.0.0.1:3000", String::as_str);
    tcp_http_book::serve::serve(out, addr).map_err(|line| vec![line])
}

fn pot(root: &Path) -> Result<(), Vec<String>> {
    let path = root.join("target").join("i18n").join("messages.pot");
    tcp_http_book::write_pot(root, &path)?;
    println!("wrote {}", path.display());
    println!("next: msgmerge --update book/po/en.po {}", path.display());
    Ok(())
}
