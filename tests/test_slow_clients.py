"""Slow senders cannot hold the request threads: each request has a read deadline
(request_read_seconds), through a real `citygraph serve`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import LiveServer, start_server, stop_server

READ_SECONDS = 2.0
ATTACK_SECONDS = 9.0
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[LiveServer]:
    live = start_server(store_dir, CITYGRAPH_THREADS="2",
                        CITYGRAPH_REQUEST_READ_SECONDS=str(READ_SECONDS))
    yield live
    stop_server(live)


def _slow_sender(port: int, with_body: bool, outcome: list[str], stop: threading.Event) -> None:
    """Headers (and the start of a body), then one byte every half second."""
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=ATTACK_SECONDS + 5) as sock:
        started = time.monotonic()
        try:
            if with_body:
                sock.sendall(head)
            while not stop.is_set():
                sock.sendall(b"A" if with_body else head[:1])
                time.sleep(0.5)
                sock.setblocking(False)
                try:
                    answer = sock.recv(200)
                except BlockingIOError:
                    answer = None
                finally:
                    sock.setblocking(True)
                if answer is not None:  # an answer or the end of the connection
                    outcome.append(f"{time.monotonic() - started:.1f} {answer[:12]!r}")
                    return
        except OSError as exc:  # cut off: reset by the server
            outcome.append(f"{time.monotonic() - started:.1f} {type(exc).__name__}")
            return
    outcome.append("never cut off")


@pytest.mark.server
def test_slow_senders_do_not_stall_other_clients(server: LiveServer) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    stop = threading.Event()
    outcomes: list[str] = []
    senders = [threading.Thread(target=_slow_sender, args=(port, i % 2 == 0, outcomes, stop),
                                daemon=True) for i in range(8)]  # 8 > 2 workers x 2 threads
    for sender in senders:
        sender.start()
    try:
        time.sleep(1.0)
        # another client is answered while the attack goes on
        response = requests.get(server.sparql, params={"query": COUNT}, timeout=ATTACK_SECONDS,
                                headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200
    finally:
        deadline = time.monotonic() + ATTACK_SECONDS
        for sender in senders:  # queued connections get their deadline once read
            sender.join(max(deadline - time.monotonic(), 0.1))
        stop.set()
    # every slow sender was cut off, not served until it gave up
    assert len(outcomes) == 8 and "never cut off" not in outcomes, outcomes
    bodies = [o for o in outcomes if "HTTP/1.1 408" in o]
    assert bodies, outcomes  # those whose body was being read got a 408
