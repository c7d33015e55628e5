"""Python's standard http.client against the server: several requests on one
HTTPConnection (GET, HEAD, 404, a body by Content-Length, a chunked body with
encode_chunked=True, /headers), then one that asks to close. One line per
response; the local port shows every request went over one connection.

Run by tests/judges/clients.rs: python3 stdlib.py HOST PORT
"""

import http.client
import sys

HOST, PORT = sys.argv[1], int(sys.argv[2])

conn = http.client.HTTPConnection(HOST, PORT, timeout=20)
ports = set()


def show(method, target, response, content):
    framing = response.getheader("Content-Length")
    framing = f"Content-Length {framing}" if framing else f"Transfer-Encoding {response.getheader('Transfer-Encoding')}"
    shown = repr(content[:40]) + ("..." if len(content) > 40 else "")
    print(f"{method} {target} -> {response.status} {response.reason}, {framing}, {len(content)} bytes: {shown}")


def send(method, target, body=None, headers=None, **kw):
    conn.request(method, target, body=body, headers=headers or {}, **kw)
    ports.add(conn.sock.getsockname()[1])
    response = conn.getresponse()
    content = response.read()
    show(method, target, response, content)
    return response


def pieces():
    yield b"hello"
    yield b", "
    yield b"world"


send("GET", "/")
send("HEAD", "/")
send("GET", "/missing")
send("POST", "/echo", body=b"hello")
send("POST", "/echo", body=pieces(), encode_chunked=True)
send("PUT", "/echo", body=b"", headers={"Content-Length": "0"})
send("GET", "/headers", headers={"X-Client": "http.client"})
last = send("GET", "/", headers={"Connection": "close"})
print(f"requests on {len(ports)} connection(s); closed after the last: {conn.sock is None}")
