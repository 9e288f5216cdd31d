"""Kept-alive connections through a real `citygraph serve`: a request thread serves the next
request of its connection when it follows at once, but hands the connection back as soon as
another connection waits, so one busy client cannot keep the only thread."""

from __future__ import annotations

import http.client
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import LiveServer, start_server, stop_server

PATH = "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
HEADERS = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[LiveServer]:
    live = start_server(store_dir, CITYGRAPH_WORKERS="1", CITYGRAPH_THREADS="1")
    yield live
    stop_server(live)


def _connection(server: LiveServer) -> http.client.HTTPConnection:
    host, port = server.url.removeprefix("http://").split(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


@pytest.mark.server
def test_one_connection_serves_many_requests_in_a_row(server: LiveServer) -> None:
    conn = _connection(server)
    conn.connect()
    sock = conn.sock
    for _ in range(250):  # past the run one thread serves before the poller takes over
        conn.request("GET", PATH, headers=HEADERS)
        response = conn.getresponse()
        assert response.status == 200 and b'"boolean":true' in response.read().replace(b" ", b"")
        assert response.getheader("Connection", "").lower() != "close"
    assert conn.sock is sock  # never reconnected
    conn.close()


# A client in a process of its own that sends its next request the moment the last answer is
# in, as a load generator does: its requests always follow within the linger time.
BUSY_CLIENT = """
import socket, sys
port, path, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
request = f"GET {path} HTTP/1.1\\r\\nHost: x\\r\\nAccept: application/json\\r\\n\\r\\n".encode()
sock = socket.create_connection(("127.0.0.1", port))
buffer = b""
for served in range(count):
    sock.sendall(request)
    while b"\\r\\n\\r\\n" not in buffer:
        buffer += sock.recv(65536)
    head, _, buffer = buffer.partition(b"\\r\\n\\r\\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    length = int(head.lower().split(b"content-length:")[1].split(b"\\r\\n")[0])
    while len(buffer) < length:
        buffer += sock.recv(65536)
    buffer = buffer[length:]
    if served == 50:
        print("busy", flush=True)
print("done", flush=True)
"""


@pytest.mark.server
def test_a_busy_connection_does_not_keep_the_only_thread(server: LiveServer) -> None:
    port = server.url.rsplit(":", 1)[1]
    with subprocess.Popen([sys.executable, "-c", BUSY_CLIENT, port, PATH, "5000"],
                          stdout=subprocess.PIPE, text=True) as busy:
        assert busy.stdout is not None
        assert busy.stdout.readline().strip() == "busy"  # served back to back by now
        other = _connection(server)
        other.request("GET", PATH, headers=HEADERS)
        assert other.getresponse().status == 200
        assert busy.poll() is None, "the other client waited until the busy one had finished"
        other.close()
        assert busy.stdout.readline().strip() == "done"
        assert busy.wait(120) == 0
