//! A small Chrome DevTools Protocol client over `--remote-debugging-pipe`: Chromium reads
//! commands on its fd 3 and writes replies and events on its fd 4, one JSON object per
//! message, each ended by a NUL byte. No WebSocket, no port, no downloaded browser: it drives
//! Debian's `/usr/bin/chromium`.
//!
//! Every wait has a deadline ([`WAIT`]); a hang fails the test with what happened so far.
//! Dropping a [`Browser`] closes it and kills its whole process group, also on panic.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The longest any single step (a page load, a condition in the page) may take before the
/// test fails.
pub const WAIT: Duration = Duration::from_secs(30);
/// The longest Chromium may take to answer one command; longer than [`WAIT`], so that a
/// condition awaited inside the page reports its own timeout first.
const REPLY: Duration = Duration::from_secs(60);

/// The flags this machine needs (see the README's "Browser tests"): headless, as root, and no
/// connection of Chromium's own to the network, which is closed here and may be offline.
const FLAGS: [&str; 16] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--force-device-scale-factor=1",
    "--hide-scrollbars",
    "--lang=en-US",
    "--remote-debugging-pipe",
];

/// Where Chromium is: `$CHROMIUM`, or `chromium` on the `PATH`.
fn executable() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("chromium"))
        .find(|file| file.is_file())
}

/// A running headless Chromium with one page attached.
pub struct Browser {
    child: Child,
    commands: ChildStdin,
    messages: Receiver<Value>,
    stderr: Arc<Mutex<Vec<String>>>,
    profile: PathBuf,
    session: String,
    next_id: u64,
    /// Events of the current page since the last [`Browser::mark`].
    pub events: Vec<Value>,
}

impl Browser {
    /// Starts Chromium, or returns `None` (after one line saying so, once per test run) when it
    /// is not installed; in CI (`CI` set) a missing Chromium fails the test instead.
    pub fn launch() -> Option<Browser> {
        let Some(chromium) = executable() else {
            if std::env::var_os("CI").is_some() {
                panic!("Chromium is required in CI: no `chromium` on the PATH and CHROMIUM unset");
            }
            static SKIPPED: Once = Once::new();
            SKIPPED.call_once(|| {
                // straight to stderr: the test harness captures eprintln! of passing tests
                let _ = std::io::stderr().write_all(
                    b"skipped: the browser tests (no `chromium` on the PATH); run them with \
                      `apt-get install chromium` (or CHROMIUM=/path/to/chrome), then `cargo test --test browser`\n",
                );
            });
            return None;
        };
        Some(Browser::start(&chromium))
    }

    fn start(chromium: &Path) -> Browser {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let profile = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("chromium-profile-{}-{n}", std::process::id()));
        remove_stale_profiles(profile.parent().expect("scratch folder"));
        std::fs::create_dir_all(&profile).expect("create Chromium's profile folder");
        // the shell hands our stdin pipe to Chromium as fd 3 (commands) and our stdout pipe as
        // fd 4 (replies), then execs it, so the process we kill is Chromium itself
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(chromium)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // its own process group: Drop kills the renderers and helpers with it
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", chromium.display()));
        let commands = child.stdin.take().expect("stdin is piped");
        let replies = child.stdout.take().expect("stdout is piped");
        let stderr_pipe = child.stderr.take().expect("stderr is piped");

        let (tx, messages) = mpsc::channel();
        thread::spawn(move || {
            let mut reader = BufReader::new(replies);
            loop {
                let mut message = Vec::new();
                match reader.read_until(0, &mut message) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {
                        message.pop_if(|b| *b == 0);
                        let Ok(value) = serde_json::from_slice::<Value>(&message) else {
                            continue;
                        };
                        if tx.send(value).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let tail = stderr.clone();
        thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines() {
                let Ok(line) = line else { return };
                let mut tail = tail.lock().expect("stderr lock");
                if tail.len() == 40 {
                    tail.remove(0);
                }
                tail.push(line);
            }
        });

        let mut browser = Browser {
            child,
            commands,
            messages,
            stderr,
            profile,
            session: String::new(),
            next_id: 0,
            events: Vec::new(),
        };
        let target = browser.browser_call("Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("targetId").to_string();
        let attached = browser.browser_call(
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            browser.call(domain, json!({}));
        }
        browser
    }

    /// A command to the browser itself (no page session).
    pub fn browser_call(&mut self, method: &str, params: Value) -> Value {
        self.send(None, method, params)
            .unwrap_or_else(|err| panic!("{method}: {err}"))
    }

    /// A command to the page; panics on a protocol error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
            .unwrap_or_else(|err| panic!("{method}: {err}"))
    }

    fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).expect("serialise a command");
        bytes.push(0);
        self.commands
            .write_all(&bytes)
            .and_then(|()| self.commands.flush())
            .map_err(|err| format!("cannot write to Chromium: {err}{}", self.stderr_tail()))?;
        let deadline = Instant::now() + REPLY;
        loop {
            let message = self.receive(deadline, &format!("the reply to {method}"))?;
            if message["id"] == json!(id) {
                if let Some(error) = message.get("error") {
                    return Err(error.to_string());
                }
                return Ok(message["result"].clone());
            }
            self.keep(message);
        }
    }

    fn receive(&mut self, deadline: Instant, what: &str) -> Result<Value, String> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => Ok(message),
            Err(RecvTimeoutError::Timeout) => Err(format!(
                "no {what} from Chromium in time{}",
                self.stderr_tail()
            )),
            Err(RecvTimeoutError::Disconnected) => Err(format!(
                "Chromium closed its pipe while we waited for {what}{}",
                self.stderr_tail()
            )),
        }
    }

    /// Keeps an event of our page (replies to nobody and other targets' events are dropped).
    fn keep(&mut self, message: Value) {
        if message.get("method").is_some() && message["sessionId"] == json!(self.session) {
            self.events.push(message);
        }
    }

    /// Takes in every event that has already arrived, without waiting.
    pub fn drain(&mut self) {
        while let Ok(message) = self.messages.try_recv() {
            self.keep(message);
        }
    }

    /// Forgets the events so far: what follows belongs to the next page.
    pub fn mark(&mut self) {
        self.drain();
        self.events.clear();
    }

    /// Waits for an event `method` (already received since the mark, or still to come) for
    /// which `matches` holds, and returns it.
    pub fn wait_event(&mut self, method: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let found = |events: &[Value]| {
            events
                .iter()
                .find(|e| e["method"] == method && matches(&e["params"]))
                .cloned()
        };
        if let Some(event) = found(&self.events) {
            return event;
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let message = self
                .receive(deadline, &format!("event {method}"))
                .unwrap_or_else(|err| panic!("{err}"));
            let wanted = message["method"] == method
                && message["sessionId"] == json!(self.session)
                && matches(&message["params"]);
            self.keep(message.clone());
            if wanted {
                return message;
            }
        }
    }

    /// Opens `url` and waits for its `load` event. Returns Chromium's `errorText` when the
    /// navigation itself failed (e.g. `net::ERR_INVALID_HTTP_RESPONSE`): Chromium then shows
    /// its error page, whose load is also awaited.
    pub fn open(&mut self, url: &str) -> Option<String> {
        self.mark();
        let navigated = self.call("Page.navigate", json!({"url": url}));
        self.wait_event("Page.loadEventFired", |_| true);
        navigated["errorText"]
            .as_str()
            .filter(|text| !text.is_empty())
            .map(str::to_string)
    }

    /// Clicks the element `selector` and waits for the page it leads to to load.
    pub fn click_and_wait(&mut self, selector: &str) {
        self.mark();
        // where a reader would click: the element's centre must be in view and the element
        // itself must be what is on top there (a script's e.click() would pass even for a
        // link hidden behind the menu bar)
        let point = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return 'no such element'; \
               const r = e.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2; \
               if (!r.width || !r.height || x < 0 || y < 0 || x > innerWidth || y > innerHeight) \
                 return 'not in view: ' + JSON.stringify(r); \
               const hit = document.elementFromPoint(x, y); \
               if (!hit || !(hit === e || e.contains(hit))) return 'covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing'); \
               return [x, y]; }})()",
            json!(selector)
        ));
        let (Some(x), Some(y)) = (point[0].as_f64(), point[1].as_f64()) else {
            panic!("cannot click {selector}: {point}");
        };
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
        self.wait_event("Page.frameNavigated", |p| p["frame"]["parentId"].is_null());
        self.wait_event("Page.loadEventFired", |_| true);
    }

    /// Evaluates `expression` in the page (promises awaited) and returns its value as JSON.
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true}),
        );
        if let Some(details) = result.get("exceptionDetails") {
            panic!("JavaScript threw: {details}\nin: {expression}");
        }
        result["result"]["value"].clone()
    }

    /// Waits until the JavaScript `condition` is truthy in the page (checked on every change of
    /// the DOM, and every 20 ms for what is not in the DOM), and returns its value; panics with
    /// `what` after [`WAIT`].
    pub fn wait_until(&mut self, condition: &str, what: &str) -> Value {
        let ms = WAIT.as_millis();
        let script = format!(
            r#"new Promise(resolve => {{
                const check = () => {{ try {{ return ({condition}); }} catch (e) {{ return null; }} }};
                const first = check();
                if (first) {{ resolve(first); return; }}
                const done = value => {{ observer.disconnect(); clearInterval(timer); clearTimeout(limit); resolve(value); }};
                const observer = new MutationObserver(() => {{ const v = check(); if (v) done(v); }});
                observer.observe(document, {{subtree: true, childList: true, attributes: true, characterData: true}});
                const timer = setInterval(() => {{ const v = check(); if (v) done(v); }}, 20);
                const limit = setTimeout(() => done(null), {ms});
            }})"#
        );
        let value = self.eval(&script);
        assert!(
            !value.is_null() && value != json!(false),
            "waited {WAIT:?} for {what} on {}",
            self.eval("location.href")
        );
        value
    }

    /// Sets the page's viewport (CSS pixels) and, with `mobile`, a phone's behaviour.
    pub fn viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// A PNG of the viewport.
    pub fn screenshot(&mut self) -> Vec<u8> {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        base64_decode(shot["data"].as_str().expect("screenshot data"))
    }

    /// A PDF of the page as it prints.
    pub fn pdf(&mut self) -> Vec<u8> {
        let pdf = self.call("Page.printToPDF", json!({"printBackground": false}));
        base64_decode(pdf["data"].as_str().expect("PDF data"))
    }

    fn stderr_tail(&self) -> String {
        let tail = self.stderr.lock().map(|t| t.join("\n")).unwrap_or_default();
        if tail.is_empty() {
            String::new()
        } else {
            format!("\nChromium's stderr (last lines):\n{tail}")
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // ask politely and wait (bounded) for Chromium to close its end of the pipe; the
        // process is not reaped before the kill, so its group id cannot have been reused
        let _ = self.send(None, "Browser.close", json!({}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while let Err(RecvTimeoutError::Timeout) | Ok(_) = self
            .messages
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            if Instant::now() >= deadline {
                break;
            }
        }
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// Removes the profiles of test processes that have ended (a killed run cannot clean up).
fn remove_stale_profiles(scratch: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("chromium-profile-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &v)| n | (u32::from(v) << (18 - 6 * i)));
        let produced = chunk.len() * 6 / 8;
        out.extend_from_slice(&n.to_be_bytes()[1..1 + produced]);
    }
    out
}
