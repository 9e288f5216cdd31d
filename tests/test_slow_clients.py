"""Slow senders cannot hold the request threads: each request has a read deadline
(request_read_seconds) and one address has at most max_client_connections requests in
progress per worker, through a real `citygraph serve` (fair use applied to loopback here, so
127.0.0.2 is a client like any other)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.helpers import LiveServer, start_server, stop_server

READ_SECONDS = 3.0
ATTACK_SECONDS = 12.0
ATTACKER = "127.0.0.2"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[LiveServer]:
    live = start_server(store_dir, CITYGRAPH_THREADS="4", CITYGRAPH_FAIR_USE_LOOPBACK="1",
                        CITYGRAPH_MAX_CLIENT_CONNECTIONS="2",
                        CITYGRAPH_REQUEST_READ_SECONDS=str(READ_SECONDS))
    yield live
    stop_server(live)


def _slow_sender(port: int, outcome: list[str], stop: threading.Event) -> None:
    """Headers and the start of a body, then one byte every half second."""
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port), timeout=ATTACK_SECONDS + 5,
                                  source_address=(ATTACKER, 0)) as sock:
        started = time.monotonic()
        try:
            sock.sendall(head)
            while not stop.is_set():
                sock.sendall(b"A")
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
    for _ in range(4):  # the query processes have started: the answers below measure the attack
        assert requests.get(server.sparql, params={"query": COUNT}, timeout=60).status_code == 200
    stop = threading.Event()
    outcomes: list[str] = []
    senders = [threading.Thread(target=_slow_sender, args=(port, outcomes, stop), daemon=True)
               for _ in range(8)]  # 8 = 2 workers x 4 threads: every thread, were it allowed
    for sender in senders:
        sender.start()
    try:
        time.sleep(1.0)
        # another client is answered at once, not after the attackers' read deadline
        for _ in range(3):
            response = requests.get(server.sparql, params={"query": COUNT},
                                    timeout=READ_SECONDS - 0.5,
                                    headers={"Accept": "application/sparql-results+json"})
            assert response.status_code == 200
    finally:
        deadline = time.monotonic() + ATTACK_SECONDS
        for sender in senders:
            sender.join(max(deadline - time.monotonic(), 0.1))
        stop.set()
    # every slow sender was refused (429: too many in progress) or cut off at the deadline
    assert len(outcomes) == 8 and "never cut off" not in outcomes, outcomes
    assert any("HTTP/1.1 408" in o for o in outcomes), outcomes  # body not sent in time
    assert any("HTTP/1.1 429" in o for o in outcomes), outcomes  # over the per-address limit
