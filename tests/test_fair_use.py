"""Fair use through HTTP: checked before any other work, per-client concurrency answered 429
at once, running queries charged as their time accrues (SECURITY.md, docs/operations.md)."""

from __future__ import annotations

import threading
import time
from typing import Any

COUNT = ("SELECT (COUNT(?r) AS ?n) WHERE "
         "{ ?r a <https://w3id.org/citygraph/def#Partnership> }")
# COUNT over a product of two patterns, a regular expression on each pair: runs (in little
# memory) until the time limit stops it.
RUNAWAY = ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f '
           'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "x{1,40}y")) }')
ALICE = {"REMOTE_ADDR": "192.0.2.1"}
BOB = {"REMOTE_ADDR": "192.0.2.2"}
JSON = {"Accept": "application/json"}


def _get(app: Any, query: str, who: dict[str, str]) -> Any:
    return app.test_client().get("/sparql", query_string={"query": query}, headers=JSON,
                                 environ_base=who)


def _in_background(app: Any, query: str, who: dict[str, str]) -> threading.Thread:
    thread = threading.Thread(target=_get, args=(app, query, who), daemon=True)
    thread.start()
    return thread


def test_fair_use_is_checked_before_the_query(make_app: Any) -> None:
    app = make_app(cache_entries=0, fair_use_seconds=0.000001)
    assert _get(app, COUNT, ALICE).status_code == 200
    # over budget: even a query the guard would refuse is not looked at
    too_long = "SELECT * WHERE { " + "?s ?p ?o . " * 500 + "}"
    response = _get(app, too_long, ALICE)
    assert response.status_code == 429 and response.get_json()["code"] == "too_many_requests"
    assert _get(app, too_long, BOB).get_json()["code"] == "query_too_complex"


def test_one_client_cannot_take_every_query_slot(make_app: Any) -> None:
    app = make_app(cache_entries=0, max_client_queries=1, query_timeout=3.0, threads=4)
    slow = _in_background(app, RUNAWAY, ALICE)
    time.sleep(0.5)
    second = _get(app, COUNT + " # other", ALICE)
    assert second.status_code == 429
    assert "at most 1 at once" in second.get_json()["message"]
    assert int(second.headers["Retry-After"]) >= 1
    assert _get(app, COUNT, BOB).status_code == 200  # another client is served meanwhile
    slow.join(10)
    assert _get(app, COUNT + " # after", ALICE).status_code == 200  # the slot is free again


def test_running_queries_are_charged_as_their_time_accrues(make_app: Any) -> None:
    app = make_app(cache_entries=0, fair_use_seconds=1.0, fair_use_window=60.0,
                   max_client_queries=0, query_timeout=4.0, threads=4)
    slow = _in_background(app, RUNAWAY, ALICE)
    time.sleep(1.5)  # the runaway query is still running, past the 1 s budget
    response = _get(app, COUNT, ALICE)
    assert slow.is_alive()
    assert response.status_code == 429 and "fair-use budget 1" in response.get_json()["message"]
    slow.join(10)


def test_the_guard_time_of_refused_queries_is_charged(make_app: Any) -> None:
    app = make_app(cache_entries=0, fair_use_seconds=0.01)
    costly = "SELECT * {} " + "a." * 9990  # refused by the guard, after reading 20 KB
    statuses = [_get(app, costly, ALICE).status_code for _ in range(10)]
    assert statuses[0] == 400 and 429 in statuses


def test_the_ledger_stays_small_however_many_queries_and_clients(make_app: Any) -> None:
    """Many answered queries of one client, then a short window: the client's seconds are
    kept in one-second buckets with their sum, and clients whose window emptied are
    forgotten (SECURITY.md: the fair-use ledger is bounded)."""
    app = make_app(cache_entries=0, fair_use_seconds=100.0, fair_use_window=0.5)
    ledger = app.extensions["citygraph"].fair_use
    for index in range(30):
        assert _get(app, f"{COUNT} # {index}", ALICE).status_code == 200
    assert 1 <= len(ledger.spent["192.0.2.1"].entries) <= 2
    assert ledger.spent["192.0.2.1"].total > 0
    time.sleep(0.6)  # Alice's window empties; Bob's query sweeps the ledger
    assert _get(app, COUNT, BOB).status_code == 200
    assert list(ledger.spent) == ["192.0.2.2"]
