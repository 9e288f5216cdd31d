"""Nothing a client sends may exhaust the machine: body and dataset caps, a memory limit per
query process (RSS measured), recycling after a large query, a cache bounded in bytes, and a
server that will not start with a budget its limits cannot keep."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from citygraph.app import create_app
from citygraph.config import Config
from citygraph.sparql.memory import MB, rss
from tests.helpers import run_cli

LIMIT_MB = 160
JSON = {"Accept": "application/json"}
ALICE = {"REMOTE_ADDR": "192.0.2.1"}


def doubling(times: int) -> str:
    """A string doubled ``times`` times: 16 bytes × 2^times."""
    binds = ['BIND("0123456789abcdef" AS ?x0)']
    binds += [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times)]
    return f"SELECT (STRLEN(?x{times}) AS ?n) WHERE {{ {' '.join(binds)} }}"


def query_processes() -> dict[int, int]:
    """pid → RSS of this process's children (the query processes of the test app)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found[int(entry.name)] = rss(int(entry.name))
    return found


@pytest.fixture(scope="module")
def app(config: Config) -> Iterator[Any]:
    application = create_app(config.replace(query_memory=LIMIT_MB, threads=2, cache_mb=1,
                                            query_timeout=10.0))
    yield application
    application.extensions["citygraph"].executor.close()


def test_too_many_dataset_graphs_are_refused(app: Any) -> None:
    body = "query=ASK%7B%7D" + "&named-graph-uri=http%3A%2F%2Fexample.org%2Fg" * 101
    response = app.test_client().post(
        "/sparql", data=body, headers=JSON,
        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.get_json()["code"] == "too_many_graphs"


def test_a_body_over_the_limit_is_413(app: Any) -> None:
    body = "ASK {} #" + "x" * (app.config["CITYGRAPH"].max_body_bytes + 1)
    response = app.test_client().post("/sparql", data=body, headers=JSON,
                                      content_type="application/sparql-query")
    assert response.status_code == 413


def test_a_query_over_its_memory_limit_is_stopped_and_its_process_replaced(app: Any) -> None:
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": doubling(26)}, headers=JSON,
                          environ_base=ALICE)
    assert response.status_code == 503
    assert response.get_json()["code"] == "query_memory_limit"
    assert f"{LIMIT_MB} MB" in response.get_json()["message"]
    # The stopped process is killed at once and reaped in the background: within seconds
    # no query process holds more than the limit.
    deadline = time.monotonic() + 10
    while any(size > LIMIT_MB * MB for size in query_processes().values()):
        assert time.monotonic() < deadline, query_processes()
        time.sleep(0.1)
    small = client.get("/sparql", query_string={"query": doubling(4)}, headers=JSON)
    assert small.status_code == 200  # a fresh process answers the next query


def test_a_process_is_recycled_after_a_large_query(app: Any) -> None:
    client = app.test_client()
    runtime = app.extensions["citygraph"]
    assert client.get("/sparql", query_string={"query": doubling(3)}).status_code == 200
    used = runtime.executor._idle[-1].process.pid  # the next query goes to it (warm first)
    # 32 MB at the end, with its halves on the way: a peak above half the limit (counted from
    # the process's own peak when it was ready), but within it
    assert client.get("/sparql", query_string={"query": doubling(21)}).status_code == 200
    assert used not in {w.process.pid for w in runtime.executor._idle}


def test_the_result_cache_is_bounded_in_bytes(app: Any) -> None:
    client = app.test_client()
    for index in range(40):  # ~40 KB answers, 1 MB cache
        query = doubling(11).replace("SELECT (STRLEN(?x11) AS ?n)", "SELECT ?x11")
        query = query.replace("0123456789abcdef", f"{index:06}-789abcdef")
        assert client.get("/sparql", query_string={"query": query}).status_code == 200
    cache = app.extensions["citygraph"].cache
    assert 0 < cache.size <= 1 * MB
    assert len(cache._data) < 40


def test_serve_refuses_a_budget_its_limits_cannot_keep(store_dir: Path) -> None:
    result = run_cli("serve", "--store", str(store_dir), "--port", "9",
                     env={"CITYGRAPH_MEMORY_BUDGET": "400"}, timeout=60)
    assert result.returncode != 0
    assert "memory_budget 400 MB" in result.stderr
