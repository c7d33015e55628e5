"""How two strict parsers read the same request bytes the server was sent:
h11 (server role) and llhttp (httptools' HttpRequestParser). Reads one
hex-encoded input a line from stdin; answers a line each: the judge's reading
for h11, a tab, the reading for llhttp. A reading is the bodies of the
requests it read whole, escaped and comma-separated, then `error` if it
stopped on one, `partial` if the bytes ended inside a request, or `upgrade`
if it stopped for a protocol switch (CONNECT, Upgrade).

Run by tests/judges/requests.rs.
"""

import sys

import h11
import httptools


def esc(body):
    out = ""
    for b in body:
        c = chr(b)
        if c == "\\":
            out += "\\\\"
        elif c == "\r":
            out += "\\r"
        elif c == "\n":
            out += "\\n"
        elif 0x20 <= b < 0x7F and c not in '",':
            out += c
        else:
            out += "\\x%02x" % b
    return '"' + out + '"'


def by_h11(data):
    conn = h11.Connection(h11.SERVER)
    conn.receive_data(data)
    conn.receive_data(b"")
    bodies = []
    body = b""
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError:
            return bodies, "error"
        if event is h11.NEED_DATA:
            return bodies, "partial"
        if isinstance(event, h11.ConnectionClosed):
            return bodies, ""
        if isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            bodies.append(body)
            body = b""
            try:
                conn.send(h11.Response(status_code=200, headers=[(b"Content-Length", b"0")]))
                conn.send(h11.EndOfMessage())
            except h11.LocalProtocolError:
                # a CONNECT or Upgrade: h11 waits to switch protocols
                return bodies, "upgrade"
            if conn.our_state is h11.MUST_CLOSE:
                return bodies, ""
            conn.start_next_cycle()
        elif event is h11.PAUSED:
            return bodies, "upgrade" if conn.their_state is h11.MIGHT_SWITCH_PROTOCOL else ""


class Seen:
    def __init__(self):
        self.bodies = []
        self.body = b""
        self.open = False

    def on_message_begin(self):
        self.open = True

    def on_body(self, body):
        self.body += body

    def on_message_complete(self):
        self.bodies.append(self.body)
        self.body = b""
        self.open = False


def by_llhttp(data):
    seen = Seen()
    parser = httptools.HttpRequestParser(seen)
    try:
        parser.feed_data(data)
    except httptools.HttpParserUpgrade:
        return seen.bodies, "upgrade"
    except httptools.HttpParserError:
        return seen.bodies, "error"
    return seen.bodies, "partial" if seen.open else ""


def show(reading):
    bodies, end = reading
    parts = [esc(b) for b in bodies] + ([end] if end else [])
    return ", ".join(parts) or "nothing"


print(f"h11 {h11.__version__}, httptools {httptools.__version__}", flush=True)
for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    print(show(by_h11(data)) + "\t" + show(by_llhttp(data)), flush=True)
