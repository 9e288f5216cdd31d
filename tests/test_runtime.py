"""Endpoint rules that need their own configuration: fair use, row limits, caching, slow log."""

from __future__ import annotations

import logging
from typing import Any

import pytest

COUNT = ("SELECT (COUNT(?r) AS ?n) WHERE "
         "{ ?r a <https://w3id.org/citygraph/def#Partnership> }")


def test_fair_use_answers_429_with_retry_after(make_app: Any) -> None:
    client = make_app(fair_use_loopback=True, fair_use_seconds=0.000001,
                      cache_entries=0).test_client()
    first = client.get("/sparql", query_string={"query": COUNT})
    assert first.status_code == 200
    second = client.get("/sparql", query_string={"query": COUNT + " "},
                        headers={"Accept": "application/json"})
    assert second.status_code == 429
    assert int(second.headers["Retry-After"]) >= 1
    assert second.get_json()["code"] == "too_many_requests"


def test_loopback_is_exempt_by_default(make_app: Any) -> None:
    client = make_app(fair_use_seconds=0.000001, cache_entries=0).test_client()
    for _ in range(3):
        assert client.get("/sparql", query_string={"query": COUNT}).status_code == 200


def test_row_limit_is_never_silent(make_app: Any) -> None:
    client = make_app(max_rows=5).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 206
    assert "max-rows=5" in response.headers["Citygraph-Truncated"]
    assert len(response.get_json()["results"]["bindings"]) == 5
    small = client.get("/sparql", query_string={"query": COUNT})
    assert small.status_code == 200 and "Citygraph-Truncated" not in small.headers


def test_repeated_queries_come_from_the_cache(make_app: Any) -> None:
    client = make_app().test_client()
    for _ in range(3):
        assert client.get("/sparql", query_string={"query": COUNT}).status_code == 200
    metrics = client.get("/metrics").get_data(as_text=True)
    hits = [line for line in metrics.splitlines()
            if line.startswith("citygraph_cache_hits_total")]
    assert hits and float(hits[0].rsplit(" ", 1)[1]) == 2


def test_slow_queries_are_logged_with_duration_and_hash(
        make_app: Any, caplog: pytest.LogCaptureFixture) -> None:
    client = make_app(slow_query_seconds=0.0, cache_entries=0).test_client()
    with caplog.at_level(logging.WARNING, logger="citygraph.query"):
        assert client.get("/sparql", query_string={"query": COUNT}).status_code == 200
    line = next(r.getMessage() for r in caplog.records if r.name == "citygraph.query")
    assert line.startswith("slow query") and "hash=" in line
    assert COUNT not in line  # the log names the query by hash, never by its text


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget(
        make_app: Any) -> None:
    # The proxy connects over loopback; with proxy_hops=1 the client is X-Forwarded-For.
    client = make_app(proxy_hops=1, fair_use_seconds=0.000001, cache_entries=0).test_client()
    one = {"X-Forwarded-For": "203.0.113.5", "Accept": "application/json"}
    assert client.get("/sparql", query_string={"query": COUNT}, headers=one).status_code == 200
    assert client.get("/sparql", query_string={"query": COUNT + " "},
                      headers=one).status_code == 429
    other = {"X-Forwarded-For": "203.0.113.6"}
    assert client.get("/sparql", query_string={"query": COUNT},
                      headers=other).status_code == 200


def test_forwarded_headers_are_ignored_without_trusted_proxies(make_app: Any) -> None:
    client = make_app(fair_use_seconds=0.000001, cache_entries=0).test_client()
    forged = {"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Host": "evil.example"}
    for _ in range(3):  # still the loopback peer: exempt, and links keep the real host
        response = client.get("/sparql", headers={**forged, "Accept": "text/turtle"})
        assert response.status_code == 200
        assert b"evil.example" not in response.data


def test_trusted_proxy_sets_the_public_scheme_and_host(make_app: Any) -> None:
    client = make_app(proxy_hops=1).test_client()
    response = client.get("/sparql", headers={
        "Accept": "text/turtle", "X-Forwarded-For": "203.0.113.5",
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": "data.example.org"})
    assert response.status_code == 200
    assert b"<https://data.example.org/sparql>" in response.data
