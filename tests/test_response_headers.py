"""Caches and links: errors are not stored, ETags name one representation, links never
follow an untrusted header, only http(s)/mailto IRIs become links, /metrics for the
operator's networks only, nosniff on text errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from citygraph.app import create_app
from citygraph.config import Config
from tests.helpers import LiveServer

COUNT = ("SELECT (COUNT(?r) AS ?n) WHERE "
         "{ ?r a <https://w3id.org/citygraph/def#Partnership> }")
ALICE = {"REMOTE_ADDR": "192.0.2.1"}


@pytest.fixture(scope="module")
def app(config: Config) -> Iterator[Any]:
    application = create_app(config.replace(fair_use_seconds=0.000001))
    yield application
    application.extensions["citygraph"].executor.close()


def test_workbench_errors_are_not_stored_and_carry_no_validator(app: Any) -> None:
    client = app.test_client()
    first = client.get("/query", query_string={"query": COUNT + " # 1"}, environ_base=ALICE)
    assert first.status_code == 200 and first.headers["ETag"]
    for headers in ({}, {"If-None-Match": first.headers["ETag"]}):
        over = client.get("/query", query_string={"query": COUNT + " # 2"},
                          environ_base=ALICE, headers=headers)
        assert over.status_code == 429
        assert over.headers["Cache-Control"] == "no-store"
        assert "ETag" not in over.headers and "Last-Modified" not in over.headers


def test_sparql_etags_name_the_query_dataset_and_host(app: Any) -> None:
    client = app.test_client()

    def get(query: str, host: str = "localhost", **headers: str) -> Any:
        return client.get("/sparql", query_string={"query": query},
                          headers={"Host": host, **headers})

    a, b = get(COUNT), get(COUNT + " LIMIT 1")
    assert a.headers["ETag"] != b.headers["ETag"]
    assert get(COUNT + " LIMIT 1", **{"If-None-Match": a.headers["ETag"]}).status_code == 200
    assert get(COUNT, **{"If-None-Match": a.headers["ETag"]}).status_code == 304
    assert get(COUNT, host="other.example").headers["ETag"] != a.headers["ETag"]
    dataset = client.get("/sparql", query_string={
        "query": COUNT, "default-graph-uri": "https://w3id.org/citygraph/graph/ontology"})
    assert dataset.headers["ETag"] != a.headers["ETag"]


def test_only_http_and_mailto_iris_become_links(app: Any) -> None:
    query = ("SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <data:text/html,x> "
             "<mailto:a@example.org> <https://example.org/a> } }")
    page = app.test_client().get("/query", query_string={"query": query}).get_data(as_text=True)
    hrefs = re.findall(r'<a\b[^>]*\bhref="([^"]*)"', page)  # links (not the empty favicon)
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]
    assert "mailto:a@example.org" in hrefs and "https://example.org/a" in hrefs
    assert "javascript:alert(1)" in page  # still shown, as text


def test_metrics_only_for_the_configured_networks(app: Any) -> None:
    client = app.test_client()
    assert client.get("/metrics").status_code == 200  # loopback
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 403


def test_text_errors_are_nosniff(app: Any) -> None:
    response = app.test_client().get("/sparql", query_string={"query": "SELEKT"},
                                     headers={"Accept": "text/plain"})
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.server
@pytest.mark.parametrize(
    "path", ["/sparql", "/catalog", "/.well-known/void", "/dumps/", "/queries"])
def test_links_do_not_follow_forwarded_headers(live_server: LiveServer, path: str) -> None:
    """Without proxy_hops, X-Forwarded-* and SCRIPT_NAME (even from loopback) are ignored:
    links follow public_url, else the Host the request was sent to, which is part of every
    cache key."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example",
               "X-Forwarded-Prefix": "/evil", "SCRIPT_NAME": "/evil",
               "Accept": "text/turtle, application/json;q=0.5, */*;q=0.1"}
    response = requests.get(live_server.url + path, headers=headers, timeout=30)
    assert response.status_code == 200, response.text[:300]
    assert "evil" not in response.text
    assert live_server.url in response.text
