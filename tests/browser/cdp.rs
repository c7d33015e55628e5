//! A small Chrome DevTools Protocol client over `--remote-debugging-pipe`: Chromium reads
//! commands on its fd 3 and writes replies and events on its fd 4, one JSON object per
//! message, each ended by a NUL byte. No WebSocket, no port, no downloaded browser: it drives
//! Debian's `/usr/bin/chromium`.
//!
//! One Chromium serves the whole test process (starting one per test cost more than the
//! tests themselves); each test gets a [`Tab`] of its own, in its own window, so tests run
//! side by side. A reader thread hands every reply to the command that waits for it and every
//! event to its tab. Chromium ends itself when its command pipe closes, which the kernel does
//! when the test process exits, however it exits; a closed [`Tab`] closes its window.
//!
//! Every wait has a deadline ([`WAIT`]); a hang fails the test with what happened so far.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The longest any single step (a page load, a condition in the page) may take before the
/// test fails.
pub const WAIT: Duration = Duration::from_secs(30);
/// The longest Chromium may take to answer one command; longer than [`WAIT`], so that a
/// condition awaited inside the page reports its own timeout first.
const REPLY: Duration = Duration::from_secs(60);

/// The flags this machine needs (see the README's "Browser tests"): headless, as root, no
/// connection of Chromium's own to the network (closed here, maybe offline), and no
/// throttling of the windows that are not in front: every test's tab runs at full speed.
/// The three `WebUIOmnibox…Popup` features off: headless Chromium 156 otherwise renders its
/// address bar's popups as web pages, two renderers per window, ~0.7 s of CPU for each window
/// (measured) that no test looks at.
const FLAGS: [&str; 19] = [
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
    "--disable-features=Translate,MediaRouter,OptimizationHints,WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
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

/// Where the reader thread sends what Chromium writes.
#[derive(Default)]
struct Routes {
    /// The command waiting for each reply, by id.
    replies: HashMap<u64, Sender<Value>>,
    /// The tab of each page session, for its events.
    sessions: HashMap<String, Sender<Value>>,
}

/// The one Chromium of this test process.
pub struct Browser {
    commands: Mutex<ChildStdin>,
    routes: Arc<Mutex<Routes>>,
    next_id: AtomicU64,
    stderr: Arc<Mutex<Vec<String>>>,
    /// Kept so the process is not reaped while it runs (its group id stays ours).
    _child: Child,
}

impl Browser {
    /// A new tab in this process's Chromium (started on first use), or `None` (after one line
    /// saying so, once per test run) when Chromium is not installed; in CI (`CI` set) a
    /// missing Chromium fails the test instead.
    pub fn launch() -> Option<Tab> {
        static BROWSER: OnceLock<Option<Browser>> = OnceLock::new();
        let browser = BROWSER.get_or_init(|| match executable() {
            Some(chromium) => Some(Browser::start(&chromium)),
            None => {
                if std::env::var_os("CI").is_some() {
                    panic!(
                        "Chromium is required in CI: no `chromium` on the PATH and CHROMIUM unset"
                    );
                }
                // straight to stderr: the test harness captures eprintln! of passing tests
                let _ = std::io::stderr().write_all(
                    b"skipped: the browser tests (no `chromium` on the PATH); run them with \
                      `apt-get install chromium` (or CHROMIUM=/path/to/chrome), then `cargo test book::browser::`\n",
                );
                None
            }
        });
        browser.as_ref().map(|browser| Tab::new_in(browser, None))
    }

    /// [`Browser::launch`], but the tab in a browser context of its own (like a private
    /// window): its own HTTP cache, which no other test's tab holds busy while it reads.
    pub fn launch_alone() -> Option<Tab> {
        let tab = Browser::launch()?;
        let browser = tab.browser;
        drop(tab);
        let context = browser
            .send(None, "Target.createBrowserContext", json!({}))
            .unwrap_or_else(|err| panic!("Target.createBrowserContext: {err}"));
        let context = context["browserContextId"]
            .as_str()
            .expect("browserContextId")
            .to_string();
        Some(Tab::new_in(browser, Some(context)))
    }

    fn start(chromium: &Path) -> Browser {
        let scratch = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_stale_profiles(scratch);
        let profile = scratch.join(format!("chromium-profile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        std::fs::create_dir_all(&profile).expect("create Chromium's profile folder");
        // the shell hands our stdin pipe to Chromium as fd 3 (commands) and our stdout pipe as
        // fd 4 (replies), then execs it; when this process exits, the kernel closes fd 3's
        // other end and Chromium quits with all its helpers (measured: within 0.3 s)
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
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", chromium.display()));
        let commands = child.stdin.take().expect("stdin is piped");
        let replies = child.stdout.take().expect("stdout is piped");
        let stderr_pipe = child.stderr.take().expect("stderr is piped");

        let routes = Arc::new(Mutex::new(Routes::default()));
        let router = routes.clone();
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
                        let mut routes = router.lock().unwrap_or_else(|e| e.into_inner());
                        let to = if let Some(id) = value["id"].as_u64() {
                            routes.replies.remove(&id)
                        } else if let Some(session) = value["sessionId"].as_str() {
                            routes.sessions.get(session).cloned()
                        } else {
                            None // the browser's own events: no test asks for them
                        };
                        if let Some(to) = to {
                            let _ = to.send(value);
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
                let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
                if tail.len() == 40 {
                    tail.remove(0);
                }
                tail.push(line);
            }
        });
        Browser {
            commands: Mutex::new(commands),
            routes,
            next_id: AtomicU64::new(0),
            stderr,
            _child: child,
        }
    }

    /// Sends a command (to a page session, or to the browser itself) and waits for its reply.
    fn send(&self, session: Option<&str>, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let (tx, reply) = mpsc::channel();
        self.routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replies
            .insert(id, tx);
        let mut bytes = serde_json::to_vec(&message).expect("serialise a command");
        bytes.push(0);
        self.commands
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .write_all(&bytes)
            .map_err(|err| format!("cannot write to Chromium: {err}{}", self.stderr_tail()))?;
        let message = match reply.recv_timeout(REPLY) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!(
                    "no reply to {method} from Chromium in time{}",
                    self.stderr_tail()
                ));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(format!(
                    "Chromium closed its pipe while we waited for the reply to {method}{}",
                    self.stderr_tail()
                ));
            }
        };
        if let Some(error) = message.get("error") {
            return Err(error.to_string());
        }
        Ok(message["result"].clone())
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

/// A page of its own in the shared Chromium: one window, one DevTools session.
pub struct Tab {
    browser: &'static Browser,
    target: String,
    session: String,
    incoming: Receiver<Value>,
    /// The browser context of its own ([`Browser::launch_alone`]), disposed with the tab.
    context: Option<String>,
    /// Events of the current page since the last [`Tab::mark`].
    pub events: Vec<Value>,
}

impl Tab {
    fn new_in(browser: &'static Browser, context: Option<String>) -> Tab {
        let call = |method: &str, params: Value| {
            browser
                .send(None, method, params)
                .unwrap_or_else(|err| panic!("{method}: {err}"))
        };
        // a window of its own: a page in front is never throttled, whatever the flags
        let target = call(
            "Target.createTarget",
            match &context {
                Some(id) => {
                    json!({"url": "about:blank", "newWindow": true, "browserContextId": id})
                }
                None => json!({"url": "about:blank", "newWindow": true}),
            },
        );
        let target = target["targetId"].as_str().expect("targetId").to_string();
        // no event of the session comes before its domains are enabled below
        let (tx, incoming) = mpsc::channel();
        let attached = call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        let session = attached["sessionId"]
            .as_str()
            .expect("sessionId")
            .to_string();
        browser
            .routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .sessions
            .insert(session.clone(), tx);
        let mut tab = Tab {
            browser,
            target,
            session,
            incoming,
            context,
            events: Vec::new(),
        };
        for domain in [
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
            "Network.enable",
        ] {
            tab.call(domain, json!({}));
        }
        // mdBook's print.html calls window.print() once it has loaded: in a headless tab that
        // starts a real print job, slow, and the page is then "already being printed" to any
        // other print request. The tests read print.html without its scripts; should a page
        // with scripts call print(), it does nothing.
        tab.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": "window.print = () => {};"}),
        );
        tab
    }

    /// A command to this tab's page; panics on a protocol error.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.browser
            .send(Some(&self.session), method, params)
            .unwrap_or_else(|err| panic!("{method}: {err}"))
    }

    /// Takes in every event that has already arrived, without waiting. The reader thread
    /// routes an event before the reply that follows it, so after a reply every earlier event
    /// is here.
    pub fn drain(&mut self) {
        while let Ok(message) = self.incoming.try_recv() {
            self.events.push(message);
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
        self.drain();
        if let Some(event) = self
            .events
            .iter()
            .find(|e| e["method"] == method && matches(&e["params"]))
        {
            return event.clone();
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.incoming.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => panic!(
                    "no event {method} from Chromium in time{}",
                    self.browser.stderr_tail()
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "Chromium closed its pipe while we waited for event {method}{}",
                    self.browser.stderr_tail()
                ),
            };
            let wanted = message["method"] == method && matches(&message["params"]);
            self.events.push(message.clone());
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

    /// Where a reader would click `selector`: the centre of the element, which must be in
    /// view and be itself what is on top there (a script's `e.click()` would pass even for a
    /// link hidden behind the menu bar).
    pub fn clickable_point(&mut self, selector: &str) -> Result<(f64, f64), String> {
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
        match (point[0].as_f64(), point[1].as_f64()) {
            (Some(x), Some(y)) => Ok((x, y)),
            _ => Err(format!("cannot click {selector}: {point}")),
        }
    }

    /// Clicks the element `selector` with the mouse and waits for the page it leads to to load.
    pub fn click_and_wait(&mut self, selector: &str) {
        self.mark();
        let (x, y) = self
            .clickable_point(selector)
            .unwrap_or_else(|err| panic!("{err}"));
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
}

impl Drop for Tab {
    fn drop(&mut self) {
        // close this test's window; the browser goes on serving the other tests
        let _ = self
            .browser
            .send(None, "Target.closeTarget", json!({"targetId": self.target}));
        self.browser
            .routes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .sessions
            .remove(&self.session);
        if let Some(context) = &self.context {
            let _ = self.browser.send(
                None,
                "Target.disposeBrowserContext",
                json!({"browserContextId": context}),
            );
        }
    }
}

/// Removes the profiles of test processes that have ended (a killed run cannot clean up).
fn remove_stale_profiles(scratch: &Path) {
    let Ok(entries) = std::fs::read_dir(scratch) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix("chromium-profile-") else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Standard base64 (with `=` padding) to bytes: one table lookup per character, since the
/// tests are built with little optimisation and a screenshot is hundreds of kilobytes of it.
fn base64_decode(text: &str) -> Vec<u8> {
    const INVALID: u8 = 0xff;
    let mut table = [INVALID; 256];
    for (value, c) in
        (0u8..).zip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    {
        table[usize::from(*c)] = value;
    }
    let text = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let (mut bits, mut count) = (0u32, 0u32);
    for &c in text {
        let value = table[usize::from(c)];
        assert!(value != INVALID, "not base64: {c}");
        bits = (bits << 6) | u32::from(value);
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}
