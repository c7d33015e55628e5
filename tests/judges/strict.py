"""Every response byte of a varied script, read by two strict HTTP/1.1 parsers
and a linter: h11 (python-hyper) in the client role, llhttp (Node.js's parser,
through httptools) as a response parser, and httplint (REDbot's checks). Any
deviation one of them reports fails the run (exit status 1, the reason on
stderr); on success, a transcript on stdout: each response's status line and
fields (Date's value left out), its content's length, and httplint's notes.

Run by tests/judges/parsers.rs: python3 strict.py HOST PORT
"""

import socket
import sys

import h11
import httplint
import httptools

HOST, PORT = sys.argv[1], int(sys.argv[2])
WAIT = 20  # seconds: every socket wait bounded, as in the Rust harness


def fail(why):
    sys.stderr.write(why + "\n")
    sys.exit(1)


def req(method, target, fields=(), body=b"", chunks=None, version=b"1.1", raw=None):
    """One request: the bytes we send, and the request h11's client sends in
    its place (the same method, target, version and framing; for a request we
    write by hand to be refused, a plain one with the same method and target)."""
    fields = list(fields)
    if version == b"1.1":
        fields = [(b"Host", b"127.0.0.1:5000")] + fields
    plain = body if chunks is None else b"".join(chunks)
    if raw is None:
        if chunks is not None:
            body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
        head = b"%s %s HTTP/%s\r\n" % (method, target, version)
        raw = head + b"".join(b"%s: %s\r\n" % f for f in fields) + b"\r\n" + body
        h11_fields = fields
    else:
        plain = b""
        h11_fields = [(b"Host", b"127.0.0.1:5000")]
        # the field lines as written, for httplint (it reads the request too)
        lines = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]
        fields = [tuple(x.strip() for x in line.split(b":", 1)) for line in lines if b":" in line]
    if version == b"1.0":
        # h11 sends only HTTP/1.1: the same request as 1.1 means the same to
        # the connection when a 1.0 one without keep-alive says close
        h11_fields = [(b"Host", b"127.0.0.1:5000")] + fields
        if (b"Connection", b"keep-alive") not in fields:
            h11_fields.append((b"Connection", b"close"))
    return {"method": method, "target": target, "version": version, "raw": raw, "fields": fields,
            "h11": h11.Request(method=method, target=target, headers=h11_fields),
            "plain": plain}


def read_to_end(sock):
    data = b""
    while True:
        piece = sock.recv(65536)
        if not piece:
            return data
        data += piece


def read_head(sock):
    """Reads until the end of one response head (for 100-continue)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(1)
        if not piece:
            fail("the server closed before the 100 (Continue)")
        data += piece
    return data


def talk(requests, continue_first=False):
    """Sends the requests (pipelined, in one write, then FIN) and returns every
    byte the server sent until its FIN."""
    sock = socket.create_connection((HOST, PORT), timeout=WAIT)
    with sock:
        if continue_first:
            first = requests[0]
            head, body = first["raw"].split(b"\r\n\r\n", 1)
            sock.sendall(head + b"\r\n\r\n")
            interim = read_head(sock)
            sock.sendall(body + b"".join(r["raw"] for r in requests[1:]))
            sock.shutdown(socket.SHUT_WR)
            return interim + read_to_end(sock)
        sock.sendall(b"".join(r["raw"] for r in requests))
        sock.shutdown(socket.SHUT_WR)
        return read_to_end(sock)


def by_h11(requests, data):
    """h11 as the client that sent `requests`, one fresh client connection per
    request (h11 does not pipeline), each handed the bytes the one before left
    (its trailing_data), the server's FIN at the end: every response, or the
    first protocol error. A server may stop answering only after a response
    that closes the connection."""
    responses = []
    rest = data
    for r in requests:
        conn = h11.Connection(h11.CLIENT)
        conn.send(r["h11"])
        if r["plain"]:
            conn.send(h11.Data(data=r["plain"]))
        conn.send(h11.EndOfMessage())
        conn.receive_data(rest)
        conn.receive_data(b"")  # the server's FIN, after everything it sent
        what = f"h11: {r['method'].decode()} {r['target'][:40].decode()}"
        response = {"interim": [], "data": b"", "trailers": None, "head": None}
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as err:
                fail(f"{what}: {err}")
            if isinstance(event, h11.ConnectionClosed) and response["head"] is None:
                if responses and responses[-1][2]:
                    return responses, rest
                fail(f"{what}: the server closed without answering (and without saying it would)")
            if event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
                fail(f"{what}: the response ended early")
            if isinstance(event, h11.InformationalResponse):
                response["interim"].append(event)
            elif isinstance(event, h11.Response):
                response["head"] = event
            elif isinstance(event, h11.Data):
                response["data"] += event.data
            elif isinstance(event, h11.EndOfMessage):
                response["trailers"] = event.headers
                break
        closes = conn.their_state is h11.MUST_CLOSE or conn.our_state is h11.MUST_CLOSE
        rest, _ = conn.trailing_data
        responses.append((r, response, closes))
        if closes and rest:
            fail(f"{what}: {len(rest)} bytes after a response that ends the connection")
    if rest:
        fail(f"h11: {len(rest)} bytes after the last response")
    return responses, rest


class Seen:
    def __init__(self):
        self.messages = 0
        self.statuses = []
        self.parser = None

    def on_headers_complete(self):
        self.statuses.append(self.parser.get_status_code())

    def on_message_complete(self):
        self.messages += 1


def by_llhttp(data, expected):
    seen = Seen()
    parser = httptools.HttpResponseParser(seen)
    seen.parser = parser
    try:
        parser.feed_data(data)
    except httptools.HttpParserError as err:
        fail(f"llhttp: {err} (after {seen.messages} responses)")
    if seen.statuses != expected or seen.messages != len(expected):
        fail(f"llhttp read statuses {seen.statuses} ({seen.messages} complete), h11 {expected}")


# statuses httplint calls bad because the request earned them: they say what
# the client did wrong, not what the response does
EARNED = {"STATUS_URI_TOO_LONG", "STATUS_VERSION_NOT_SUPPORTED"}


def lint(r, response, head):
    """httplint on one response, told the request it answers (method, fields)."""
    request = httplint.HttpRequestLinter()
    request.process_request_topline(r["method"], b"http://127.0.0.1:5000" + r["target"], b"HTTP/" + r["version"])
    request.process_headers(r["fields"])
    request.finish_content(True)
    linter = httplint.HttpResponseLinter(_related=request)
    linter.is_head_response = r["method"] == b"HEAD"
    linter.process_response_topline(b"HTTP/" + head.http_version, b"%d" % head.status_code, head.reason)
    linter.process_headers(list(head.headers.raw_items()))
    linter.feed_content(response["data"])
    trailers = list(response["trailers"].raw_items()) if response["trailers"] else None
    linter.finish_content(True, trailers or None)
    return list(linter.notes)


def field(head, name):
    return [v for n, v in head.headers if n == name]


def check(r, response):
    """The rules issue 11 names, beyond the parsers' syntax: every response
    dated (RFC 9110 §6.6.1) and framed (RFC 9112 §6), no chunked response to
    HTTP/1.0 (RFC 9112 §6.1), HEAD answered with GET's fields but no content."""
    head = response["head"]
    what = f"{r['method'].decode()} {r['target'].decode()} -> {head.status_code}"
    if not field(head, b"date"):
        fail(f"{what}: no Date (RFC 9110 §6.6.1)")
    framed = field(head, b"content-length") or field(head, b"transfer-encoding")
    if head.status_code not in (204, 304) and not framed:
        fail(f"{what}: neither Content-Length nor Transfer-Encoding (RFC 9112 §6.3)")
    if r["version"] == b"1.0" and field(head, b"transfer-encoding"):
        fail(f"{what}: Transfer-Encoding in a response to HTTP/1.0 (RFC 9112 §6.1)")
    if r["method"] == b"HEAD" and response["data"]:
        fail(f"{what}: content in a response to HEAD (RFC 9110 §9.3.2)")


# The script: each entry one connection, its requests pipelined in one write.
LONG = b"/" + b"a" * 9000
CONNECTIONS = [
    ("pipelined, keep-alive", False, [
        req(b"GET", b"/"),
        req(b"GET", b"/headers", [(b"X-Judge", b"h11 and llhttp")]),
        req(b"GET", b"/missing"),
        req(b"POST", b"/echo", [(b"Content-Length", b"5")], b"hello"),
        req(b"POST", b"/echo", [(b"Transfer-Encoding", b"chunked")], chunks=[b"hello", b" world"]),
        req(b"PUT", b"/echo", [(b"Content-Length", b"0")]),
        req(b"GET", b"/", [(b"Connection", b"close")]),
    ]),
    ("HEAD", False, [
        req(b"HEAD", b"/"),
        req(b"HEAD", b"/missing"),
        req(b"HEAD", b"/echo"),
        req(b"GET", b"/", [(b"Connection", b"close")]),
    ]),
    ("Expect: 100-continue", True, [
        req(b"POST", b"/echo", [(b"Expect", b"100-continue"), (b"Content-Length", b"5")], b"hello"),
        req(b"GET", b"/missing", [(b"Connection", b"close")]),
    ]),
    ("HTTP/1.0", False, [
        req(b"POST", b"/echo", [(b"Content-Length", b"5")], b"hello", version=b"1.0"),
    ]),
    ("HTTP/1.0 keep-alive", False, [
        req(b"GET", b"/", [(b"Connection", b"keep-alive")], version=b"1.0"),
        req(b"POST", b"/echo", [(b"Connection", b"keep-alive"), (b"Content-Length", b"2")], b"hi", version=b"1.0"),
        req(b"GET", b"/missing", version=b"1.0"),
    ]),
    ("a bad request line", False, [req(b"GET", b"/", raw=b"GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n")]),
    ("Content-Length and Transfer-Encoding", False, [req(b"POST", b"/echo", raw=(
        b"POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))]),
    ("an unknown transfer coding", False, [req(b"POST", b"/echo", raw=(
        b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"))]),
    ("a bad chunk size", False, [req(b"POST", b"/echo", raw=(
        b"POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))]),
    ("an unmet expectation", False, [req(b"POST", b"/echo", raw=(
        b"POST /echo HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\nContent-Length: 5\r\n\r\nhello"))]),
    ("a request line too long", False, [req(b"GET", b"/", raw=b"GET " + LONG + b" HTTP/1.1\r\nHost: a\r\n\r\n")]),
    ("no Host", False, [req(b"GET", b"/", raw=b"GET / HTTP/1.1\r\n\r\n")]),
    ("HTTP/2.0", False, [req(b"GET", b"/", raw=b"GET / HTTP/2.0\r\nHost: a\r\n\r\n")]),
]


def main():
    print(f"h11 {h11.__version__}, httptools {httptools.__version__}, httplint {httplint.__version__}")
    notes = {}
    for name, continue_first, requests in CONNECTIONS:
        data = talk(requests, continue_first)
        responses, _ = by_h11(requests, data)
        if not any(r["method"] == b"HEAD" for r in requests):
            statuses = []
            for _, resp, _ in responses:
                statuses += [i.status_code for i in resp["interim"]]
                statuses.append(resp["head"].status_code)
            by_llhttp(data, statuses)
        print(f"== {name}: {len(responses)} of {len(requests)} answered"
              + ("" if any(r["method"] == b"HEAD" for r in requests) else ", llhttp agrees"))
        for r, resp, _ in responses:
            head = resp["head"]
            check(r, resp)
            for interim in resp["interim"]:
                print(f"  HTTP/{interim.http_version.decode()} {interim.status_code} {interim.reason.decode()}")
            print(f"  {r['method'].decode()} {r['target'][:40].decode()} -> HTTP/{head.http_version.decode()}"
                  f" {head.status_code} {head.reason.decode()}")
            for n, v in head.headers.raw_items():
                print(f"    {n.decode()}: {'<date>' if n.lower() == b'date' else v.decode('latin-1')}")
            print(f"    [{len(resp['data'])} bytes of content]")
            for note in lint(r, resp, head):
                if note.level == httplint.levels.BAD and type(note).__name__ not in EARNED:
                    fail(f"httplint: {r['method'].decode()} {r['target'].decode()}: {note.summary}")
                key = f"{note.level.value} {type(note).__name__}: {note.summary}"
                notes[key] = notes.get(key, 0) + 1
    print("httplint notes (count):")
    for key in sorted(notes):
        print(f"  {key} ({notes[key]})")


main()
