"""The remote backend, for real: citygraph in front of a Virtuoso server from Debian.

The same competency questions pass on both backends; `serve` keeps its rules (read-only,
no SERVICE, time limit, content negotiation) in front of the remote server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.competency.test_competency import QUERIES, check_answer
from tests.helpers import LiveServer, run_cli, start_server, stop_server
from tests.virtuoso import Virtuoso, start_virtuoso, virtuoso_available

pytestmark = pytest.mark.virtuoso


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    reason = virtuoso_available()
    if reason:
        pytest.skip(f"Virtuoso not available: {reason}")
    server = start_virtuoso(tmp_path_factory.mktemp("virtuoso"), memory_gb=1.0)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote_env(virtuoso: Virtuoso) -> dict[str, str]:
    env = {"CITYGRAPH_BACKEND": "sparql", "CITYGRAPH_SPARQL_QUERY_URL": virtuoso.sparql_url,
           "CITYGRAPH_SPARQL_GRAPH_STORE_URL": virtuoso.sparql_url + "-graph-crud"}
    result = run_cli("build", env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return env


# Where Virtuoso 7.2 itself deviates from SPARQL 1.1 (seen with these exact queries), the
# answer cannot match; each is recorded here with what the server does.
VIRTUOSO_DEVIATIONS = {
    "33-support-offer": "Virtuoso 7.2 stores xsd:duration 'P3M' as the number 3",
    "24-events-2025": "Virtuoso 7.2 drops a row under rdfs:subClassOf* with FILTER NOT EXISTS",
    "28-conflicting-sources": "Virtuoso 7.2 fails with 'SQ156 Internal Optimized compiler "
                              "error' on this query",
}


# The network measures are computed inside an embedded build only (docs/operations.md, "The
# relation network"): questions over them have nothing to read on a remote server.
NEEDS_MEASURES = {"41-most-central-baltic-city"}


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_competency_question_on_virtuoso(path: Path, remote_env: dict[str, str]) -> None:
    if path.stem in VIRTUOSO_DEVIATIONS:
        pytest.xfail(VIRTUOSO_DEVIATIONS[path.stem])
    if path.stem in NEEDS_MEASURES:
        pytest.skip("the network measures graph is not built on a remote backend")
    result = run_cli("query", f"@{path}", "--format", "json", env=remote_env)
    assert result.returncode == 0, result.stderr
    check_answer(path, json.loads(result.stdout))


def test_export_and_add_on_virtuoso(remote_env: dict[str, str], tmp_path: Path) -> None:
    extra = tmp_path / "extra.nt"
    extra.write_text('<http://example.org/a> <http://example.org/b> "c" .\n', "utf-8")
    assert run_cli("add", "--graph", "http://example.org/g", str(extra),
                   env=remote_env).returncode == 0
    dump = run_cli("export", "--format", "nquads", env=remote_env)
    assert dump.returncode == 0
    assert '"c" <http://example.org/g> .' in dump.stdout
    assert "https://w3id.org/citygraph/graph/partnerships" in dump.stdout


@pytest.fixture(scope="module")
def remote_server(remote_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("unused") / "store", **remote_env)
    yield server
    stop_server(server)


@pytest.mark.server
def test_serve_keeps_its_rules_in_front_of_virtuoso(remote_server: LiveServer) -> None:
    count = ("SELECT (COUNT(?r) AS ?n) WHERE "
             "{ ?r a <https://w3id.org/citygraph/def#Partnership> }")
    answer = requests.get(remote_server.sparql, params={"query": count},
                          headers={"Accept": "text/csv"}, timeout=30)
    assert answer.status_code == 200 and answer.text.splitlines()[1] == "14"
    assert answer.headers["Content-Type"].startswith("text/csv")
    service = requests.get(remote_server.sparql, params={
        "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, timeout=30)
    assert service.status_code == 403
    update = requests.post(remote_server.sparql, data={"update": "CLEAR ALL"}, timeout=30)
    assert update.status_code == 403
    health = requests.get(remote_server.url + "/healthz", timeout=30).json()
    assert health["status"] == "ok" and health["triples"] > 5000


@pytest.mark.server
def test_running_server_follows_a_remote_add(remote_server: LiveServer, remote_env: dict[str, str],
                                             tmp_path: Path) -> None:
    """A build published to the SPARQL server reaches a running front-end within seconds,
    without a restart (its metadata is re-read in the background)."""
    before = requests.get(remote_server.url + "/healthz", timeout=30).json()["build"]
    marker = tmp_path / "marker.nt"
    marker.write_text('<urn:citygraph-test:m> <urn:citygraph-test:v> "remote-add" .\n', "utf-8")
    assert run_cli("add", "--graph", "urn:citygraph-test:graph", str(marker),
                   env=remote_env).returncode == 0
    query = "SELECT ?v WHERE { <urn:citygraph-test:m> <urn:citygraph-test:v> ?v }"
    deadline = time.monotonic() + 30
    values: list[str] = []
    while time.monotonic() < deadline and values != ["remote-add"]:
        time.sleep(1)
        answer = requests.get(remote_server.sparql, params={"query": query},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200
        values = [b["v"]["value"] for b in answer.json()["results"]["bindings"]]
    assert values == ["remote-add"]
    # Each server worker re-checks on its own, so /healthz may come from one still behind.
    build = before
    while time.monotonic() < deadline and build == before:
        build = requests.get(remote_server.url + "/healthz", timeout=30).json()["build"]
        time.sleep(0.5)
    assert build != before
