//! The fuzzer's regression inputs, replayed on stable: each file under
//! chapters/ch07-request-parser/fuzz/regressions/ is one input the fuzzer
//! found (a disagreement, now documented), except `*.txt`: the minimised
//! corpus, one input a line, escaped like the suites' data.

use crate::parser::judge::{self, escape, unescape};

/// Every committed fuzz input passes the fuzz target's checks.
#[test]
fn fuzz_regressions_replay() {
    let dir = format!(
        "{}/chapters/ch07-request-parser/fuzz/regressions",
        env!("CARGO_MANIFEST_DIR")
    );
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => panic!("cannot read {dir}: {e}"),
    };
    let mut replayed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let input = match std::fs::read(&path) {
            Ok(input) => input,
            Err(e) => panic!("cannot read {}: {e}", path.display()),
        };
        let inputs = if path.extension().is_some_and(|e| e == "txt") {
            String::from_utf8_lossy(&input)
                .lines()
                .filter(|line| !line.starts_with('#'))
                .map(unescape)
                .collect()
        } else {
            vec![input]
        };
        for input in inputs {
            if let Err(why) = judge::check(&input) {
                panic!("{}: {:?}: {why}", path.display(), escape(&input));
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no regression inputs in {dir}");
}
