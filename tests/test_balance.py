"""Kept-alive connections spread over the workers of a real `citygraph serve`: a worker that
holds more connections than a peer leaves the next ones to it (citygraph/balance.py)."""

from __future__ import annotations

import http.client
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from citygraph.balance import Table
from tests.helpers import LiveServer, start_server, stop_server

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[LiveServer]:
    live = start_server(store_dir, CITYGRAPH_WORKERS="2", CITYGRAPH_THREADS="2")
    yield live
    stop_server(live)


def _worker_of(conn: http.client.HTTPConnection) -> str:
    """The pid of the worker that answers on this connection (each reports its own metrics,
    with its pid on every counter: the /healthz before makes sure there is one)."""
    conn.request("GET", "/healthz")
    conn.getresponse().read()
    conn.request("GET", "/metrics")
    body = conn.getresponse().read().decode()
    found = re.search(r'pid="(\d+)"', body)
    assert found, body[:300]
    return found.group(1)


def test_kept_alive_connections_are_spread_evenly(server: LiveServer) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    connections = [http.client.HTTPConnection(host, int(port), timeout=30) for _ in range(8)]
    try:
        workers = Counter(_worker_of(conn) for conn in connections)  # one after the other
        assert sorted(workers.values()) == [4, 4], workers
        for conn in connections:  # each connection stays with its worker
            assert workers[_worker_of(conn)] == 4
    finally:
        for conn in connections:
            conn.close()


def test_a_silent_peer_does_not_count() -> None:
    table = Table()
    mine, peer = table.claim(101), table.claim(102)
    assert mine != peer and -1 not in (mine, peer)
    table.publish(peer, 0)
    assert table.least_other(mine) == 0
    table.release(peer)  # gone: its slot is free and no longer counts
    assert table.least_other(mine) is None
    assert table.claim(103) == peer
