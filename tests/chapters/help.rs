use crate::support::Program;

/// `--help` describes every option of every chapter, and exits with status 0.
#[test]
fn every_option_is_described() {
    let chapters: [(&str, &[&str]); 5] = [
        ("ch01-raw-server", &["--addr"]),
        ("ch02-client", &["--addr"]),
        (
            "ch03-interval-client",
            &["--addr", "--interval", "--manual", "--count", "--timeout"],
        ),
        ("ch04-keep-alive", &["--addr", "--idle-timeout"]),
        (
            "ch05-raw-http",
            &["--addr", "--seed-response", "--head-timeout"],
        ),
    ];
    for (chapter, options) in chapters {
        let output = Program::start(chapter, &["--help"]).finish();
        assert!(
            output.status.success(),
            "{chapter} --help: {:?}",
            output.status
        );
        for option in options {
            let described = output.stdout.lines().any(|line| {
                let line = line.trim_start();
                line.starts_with(option) && line.len() > option.len() + 8
            });
            assert!(
                described,
                "{chapter} --help does not describe {option}:\n{}",
                output.stdout
            );
        }
    }
}
