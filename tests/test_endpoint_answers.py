"""Right answers from the endpoint: the protocol dataset (SPARQL 1.1 Query §13.2), blank-node
scope per file (RDF 1.1 Concepts §3.5) and engine refusals as client errors, through HTTP and
the command line."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from citygraph.app import create_app
from citygraph.config import Config
from tests.helpers import ROOT, run_cli

BASE = "https://w3id.org/citygraph/"
GRAPH_COUNTS = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def client(config: Config) -> Iterator[FlaskClient]:
    application = create_app(config)
    yield application.test_client()
    application.extensions["citygraph"].executor.close()


def _rows(client: FlaskClient, query: str, **params: str | list[str]) -> list[dict[str, str]]:
    response = client.get("/sparql", query_string={"query": query, **params},
                          headers={"Accept": JSON})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [{k: v["value"] for k, v in row.items()}
            for row in json.loads(response.data)["results"]["bindings"]]


def test_default_graph_uri_alone_has_no_named_graphs(client: FlaskClient) -> None:
    graphs = {row["g"] for row in _rows(client, GRAPH_COUNTS)}
    assert BASE + "graph/ontology" in graphs and len(graphs) > 2  # the union sees them all
    rows = _rows(client, GRAPH_COUNTS, **{"default-graph-uri": BASE + "graph/ontology"})
    assert rows == []
    # ...while the default graph is the one named
    assert _rows(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
                 **{"default-graph-uri": BASE + "graph/ontology"})[0]["n"] != "0"


def test_named_graph_uri_alone_has_an_empty_default_graph(client: FlaskClient) -> None:
    params = {"named-graph-uri": BASE + "graph/ontology"}
    assert _rows(client, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", **params)[0]["n"] == "0"
    assert [r["g"] for r in _rows(client, GRAPH_COUNTS, **params)] == [BASE + "graph/ontology"]


def test_from_without_from_named_has_no_named_graphs(client: FlaskClient) -> None:
    query = (f"SELECT ?g (COUNT(*) AS ?n) FROM <{BASE}graph/ontology> "
             "WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert _rows(client, query) == []


def test_unknown_function_is_a_400_naming_it(client: FlaskClient) -> None:
    query = "PREFIX ex: <http://example.org/> SELECT * WHERE { BIND(ex:f(1) AS ?x) }"
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/json"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "query_not_supported"
    assert "http://example.org/f" in body["message"]


def test_blank_node_labels_are_scoped_to_their_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    for name, value in (("a", "one"), ("b", "two")):
        (project / "data" / f"{name}.ttl").write_text(f'_:x <http://example.org/p> "{value}" .\n')
    (project / "data" / "c.nt").write_text('_:x <http://example.org/p> "three" .\n')
    shutil.copy(ROOT / "data" / "dataset.ttl", project / "data")  # the dataset description
    store = tmp_path / "store"
    env = {"CITYGRAPH_PROJECT_DIR": str(project)}
    run_cli("build", "--store", str(store), "--skip-validation", "--no-dumps", env=env,
            check=True)
    extra = tmp_path / "extra.ttl"
    extra.write_text('_:x <http://example.org/p> "four" .\n')
    run_cli("add", "--graph", "http://example.org/extra", str(extra), "--store", str(store),
            env=env, check=True)
    out = run_cli("query", "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s <http://example.org/p> ?o }",
                  "--format", "json", "--store", str(store), env=env, check=True).stdout
    assert json.loads(out)["results"]["bindings"][0]["n"]["value"] == "4"
