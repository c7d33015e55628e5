//! Counts mdBook's warnings and errors. mdBook 0.5 logs through `tracing` (and its handlebars
//! through `log`) and never fails a build for them, so every WARN or ERROR event recorded while
//! a build runs becomes one problem line, and a build with problems fails.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// Problem lines found while building, shared by the log collector and our own checks.
pub type Problems = Arc<Mutex<Vec<String>>>;

/// Adds one problem line.
pub fn push(problems: &Problems, line: String) {
    if let Ok(mut lines) = problems.lock() {
        lines.push(line);
    }
}

/// Takes the problem lines out.
pub fn take(problems: &Problems) -> Vec<String> {
    problems
        .lock()
        .map(|mut lines| std::mem::take(&mut *lines))
        .unwrap_or_default()
}

thread_local! {
    static LOG_SINK: RefCell<Option<(String, Problems)>> = const { RefCell::new(None) };
}

/// Runs `f` with every WARN/ERROR event of this thread recorded into `problems`,
/// each line prefixed with `label` (the language being built).
pub fn collect<T>(label: &str, problems: &Problems, f: impl FnOnce() -> T) -> T {
    install_log_bridge();
    LOG_SINK.with(|sink| *sink.borrow_mut() = Some((label.to_string(), problems.clone())));
    let collector = Collector {
        label: label.to_string(),
        problems: problems.clone(),
    };
    let result = tracing::subscriber::with_default(collector, f);
    LOG_SINK.with(|sink| *sink.borrow_mut() = None);
    result
}

struct Collector {
    label: String,
    problems: Problems,
}

impl Subscriber for Collector {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // other threads may run other collectors (tests build in parallel): ask every time
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::WARN
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut message = Message::default();
        event.record(&mut message);
        let metadata = event.metadata();
        push(
            &self.problems,
            format!(
                "{}: mdBook {} ({}): {}",
                self.label,
                metadata.level(),
                metadata.target(),
                message.0.trim()
            ),
        );
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// Gathers an event's message and fields into one line.
#[derive(Default)]
struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?} ");
        } else {
            let _ = write!(self.0, "{}={value:?} ", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value} ");
        } else {
            let _ = write!(self.0, "{}={value} ", field.name());
        }
    }
}

/// `log` records (handlebars uses `log`) go to the same thread's problems.
struct LogBridge;

impl log::Log for LogBridge {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.level() <= log::Level::Warn
    }

    fn log(&self, record: &log::Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        LOG_SINK.with(|sink| {
            if let Some((label, problems)) = &*sink.borrow() {
                push(
                    problems,
                    format!(
                        "{label}: {} ({}): {}",
                        record.level(),
                        record.target(),
                        record.args()
                    ),
                );
            }
        });
    }

    fn flush(&self) {}
}

fn install_log_bridge() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        // fails only if the program already set a logger; then its logger sees the records
        if log::set_logger(&LogBridge).is_ok() {
            log::set_max_level(log::LevelFilter::Warn);
        }
    });
}
