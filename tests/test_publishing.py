"""Publishing features through the Flask test client: dumps (dated files, ``latest`` aliases,
counts equal to the store, checksums, path traversal), VoID and the ontology documentation."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from rdflib.namespace import OWL, RDF

from citygraph.config import Config
from citygraph.namespaces import CG
from citygraph.publishing import write_dumps
from citygraph.store import StoreDir


@pytest.fixture()
def client(module_app: Flask) -> FlaskClient:
    return module_app.test_client()


VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
COUNT_DISTINCT = ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
                  "{ GRAPH ?g { ?s ?p ?o } } }")
COUNT_QUADS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
DATED = re.compile(r"^citygraph-(\d{4}-\d{2}-\d{2})-(.+?)\.(nt\.gz|ttl|jsonld|nq|network\..+)$")
FORMATS = {"ntriples": "nt.gz", "turtle": "ttl", "jsonld": "jsonld", "nquads": "nq",
           # the relation network (citygraph.network.export.DUMP_FILES)
           "network-graphml": "network.graphml", "network-gexf": "network.gexf",
           "network-csv-edges": "network.edges.csv", "network-csv-nodes": "network.nodes.csv",
           "network-json": "network.json"}


def select(client: Any, query: str) -> list[dict[str, Any]]:
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    rows: list[dict[str, Any]] = response.get_json()["results"]["bindings"]
    return rows


def count(client: Any, query: str) -> int:
    return int(select(client, query)[0]["n"]["value"])


def get(client: Any, url: str, **kwargs: Any) -> Any:
    """GET a URL of this server (the test client answers for http://localhost/)."""
    parts = urlsplit(url)
    return client.get(parts.path, query_string=parts.query, **kwargs)


@pytest.fixture()
def listing(client: Any) -> dict[str, Any]:
    response = client.get("/dumps/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data: dict[str, Any] = response.get_json()
    return data


@pytest.fixture()
def files(listing: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["format"]: f for f in listing["files"]}


def test_dumps_exist_with_dated_names(client: Any, listing: dict[str, Any],
                                      files: dict[str, dict[str, Any]], store_dir: Path) -> None:
    build = client.get("/healthz").get_json()["build"]
    assert listing["build_id"] == build
    assert set(files) == set(FORMATS)
    for fmt, entry in files.items():
        match = DATED.match(entry["name"])
        assert match, entry["name"]
        assert match.group(1) == listing["built_at"][:10]
        assert match.group(2) == build
        assert match.group(3) == FORMATS[fmt]
        assert (store_dir / "dumps" / build / entry["name"]).is_file()
    assert (store_dir / "dumps" / build / "manifest.json").is_file()


def test_write_dumps_is_reproducible(store_dir: Path, tmp_path: Path,
                                     files: dict[str, dict[str, Any]]) -> None:
    """The CLI-independent writer gives byte-identical files (sorted triples, gzip mtime 0)."""
    info = StoreDir(store_dir).current_build()
    assert info.path is not None
    written = {f.format: f for f in write_dumps(info.path, info, tmp_path)}
    assert {fmt: f.sha256 for fmt, f in written.items()} == {
        fmt: entry["sha256"] for fmt, entry in files.items()}
    assert (tmp_path / "manifest.json").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_dump_files_are_served_with_validators(client: Any,
                                               files: dict[str, dict[str, Any]]) -> None:
    types = {"ntriples": "application/gzip", "turtle": "text/turtle",
             "jsonld": "application/ld+json", "nquads": "application/n-quads",
             "network-graphml": "application/xml", "network-gexf": "application/xml",
             "network-csv-edges": "text/csv", "network-csv-nodes": "text/csv",
             "network-json": "application/json"}
    for fmt, entry in files.items():
        response = get(client, entry["url"])
        assert response.status_code == 200
        assert response.mimetype == types[fmt]
        assert int(response.headers["Content-Length"]) == entry["size"] == len(response.data)
        assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
        assert response.headers["ETag"] == f'"{entry["sha256"]}"'
        again = get(client, entry["url"], headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        head = client.head(urlsplit(entry["url"]).path)
        assert head.status_code == 200
        assert int(head.headers["Content-Length"]) == entry["size"]


def test_latest_aliases_redirect_to_the_dated_files(client: Any,
                                                    files: dict[str, dict[str, Any]]) -> None:
    for fmt, entry in files.items():
        response = client.get(f"/dumps/latest.{FORMATS[fmt]}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/dumps/" + entry["name"])
        followed = get(client, response.headers["Location"])
        assert hashlib.sha256(followed.data).hexdigest() == entry["sha256"]
    assert client.get("/dumps/latest.exe").status_code == 404


def test_ntriples_dump_has_the_distinct_triples_of_the_store(
        client: Any, files: dict[str, dict[str, Any]]) -> None:
    body = gzip.decompress(get(client, files["ntriples"]["url"]).data)
    graph = rdflib.Graph().parse(data=body, format="nt")
    expected = count(client, COUNT_DISTINCT)
    assert len(graph) == expected == files["ntriples"]["triples"]
    assert len([line for line in body.splitlines() if line.strip()]) == expected


@pytest.mark.parametrize(("fmt", "syntax"), [("turtle", "turtle"), ("jsonld", "json-ld")])
def test_turtle_and_jsonld_dumps_have_the_same_triples(
        client: Any, files: dict[str, dict[str, Any]], fmt: str, syntax: str) -> None:
    graph = rdflib.Graph().parse(data=get(client, files[fmt]["url"]).data, format=syntax)
    assert len(graph) == count(client, COUNT_DISTINCT) == files[fmt]["triples"]


def test_nquads_dump_has_every_quad_in_its_named_graph(
        client: Any, config: Config, files: dict[str, dict[str, Any]]) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(data=get(client, files["nquads"]["url"]).data, format="nquads")
    quads = [q for q in dataset.quads((None, None, None, None))]
    assert len(quads) == count(client, COUNT_QUADS) == files["nquads"]["triples"]
    graphs = {str(q[3]) for q in quads}
    assert graphs and all(g.startswith(config.base_iri + "graph/") for g in graphs)


def test_dumps_index_is_html_for_browsers(client: Any, files: dict[str, dict[str, Any]]) -> None:
    response = client.get("/dumps/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    page = response.get_data(as_text=True)
    for entry in files.values():
        assert entry["name"] in page
    assert client.get("/dumps/?format=json").mimetype == "application/json"
    assert client.get("/dumps/", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize("path", [
    "/dumps/../x", "/dumps/..%2Fx", "/dumps/%2e%2e/%2e%2e/etc/passwd", "/dumps/%2e%2e%2fstore",
    "/dumps/..%5c..%5cx", "/dumps/manifest.json", "/dumps/.lock", "/dumps//etc/passwd",
    "/dumps/%252e%252e/x"])
def test_path_traversal_is_refused(client: Any, path: str) -> None:
    # Werkzeug merges doubled slashes with a 308 first; what it lands on is a 404 as well.
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 404
    assert b"root:" not in response.data


def test_files_of_the_build_directory_are_not_reachable(client: Any,
                                                       listing: dict[str, Any]) -> None:
    assert client.get(f"/dumps/{listing['build_id']}/manifest.json").status_code == 404
    name = listing["files"][0]["name"]
    assert client.get(f"/dumps/{listing['build_id']}/{name}").status_code == 404
    assert client.get(f"/dumps/%2e%2e/builds/{listing['build_id']}.json").status_code == 404


def void_graph(client: Any) -> rdflib.Graph:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    return rdflib.Graph().parse(data=response.data, format="turtle")


def test_void_parses_and_counts_match_the_store(client: Any, config: Config,
                                                listing: dict[str, Any]) -> None:
    graph = void_graph(client)
    datasets = list(graph.subjects(RDF.type, VOID.Dataset))
    dataset = next(d for d in datasets if (d, VOID.sparqlEndpoint, None) in graph)
    assert int(graph.value(dataset, VOID.triples)) == count(client, COUNT_DISTINCT)
    dumps = {urlsplit(str(o)).path for o in graph.objects(dataset, VOID.dataDump)}
    assert dumps == {urlsplit(f["url"]).path for f in listing["files"]
                     if not f["format"].startswith("network-")}  # RDF dumps only
    assert str(graph.value(dataset, VOID.uriSpace)) == config.base_iri + "id/"
    assert rdflib.URIRef(CG) in set(graph.objects(dataset, VOID.vocabulary))
    assert list(graph.objects(dataset, VOID.exampleResource))


def test_void_partitions_and_linksets(client: Any) -> None:
    graph = void_graph(client)
    city = rdflib.URIRef(CG + "City")
    part = next(graph.subjects(VOID["class"], city))
    cities = count(client, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{city}> }}")
    assert int(graph.value(part, VOID.entities)) == cities
    label = rdflib.RDFS.label
    prop = next(graph.subjects(VOID.property, label))
    labels = count(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE "
                           f"{{ GRAPH ?g {{ ?s <{label}> ?o }} }} }}")
    assert int(graph.value(prop, VOID.triples)) == labels
    geonames = next(s for s in graph.subjects(RDF.type, VOID.Linkset)
                    if graph.value(s, VOID.linkPredicate) == OWL.sameAs)
    links = count(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE { GRAPH ?g "
                          f"{{ ?s <{OWL.sameAs}> ?o }} FILTER(STRSTARTS(STR(?o), "
                          '"http://sws.geonames.org/")) } }')
    assert int(graph.value(geonames, VOID.triples)) == links
    assert len(set(graph.objects(geonames, VOID.target))) == 2


def ontology_classes(client: Any, config: Config) -> list[str]:
    rows = select(client, f"SELECT DISTINCT ?c WHERE {{ GRAPH <{config.base_iri}graph/ontology> "
                          f"{{ ?c a <{OWL.Class}> }} FILTER(STRSTARTS(STR(?c), \"{CG}\")) }}")
    return [row["c"]["value"] for row in rows]


@pytest.mark.parametrize("path", ["/def", "/def/"])
def test_ontology_html_has_an_anchor_per_class(client: Any, config: Config, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    classes = ontology_classes(client, config)
    assert classes
    for iri in classes:
        assert f'id="{iri[len(CG):]}"' in page, iri
    assert 'id="Partnership"' in page


@pytest.mark.parametrize(("path", "accept", "syntax"), [
    ("/def", "text/turtle", "turtle"), ("/def.ttl", None, "turtle"),
    ("/def", "application/ld+json", "json-ld"), ("/def.rdf", None, "xml"),
    ("/citygraph/def", "text/turtle", "turtle")])
def test_ontology_rdf_parses(client: Any, config: Config, path: str, accept: str | None,
                             syntax: str) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.data, format=syntax)
    ontology = rdflib.URIRef(CG.rstrip("#"))
    assert (ontology, RDF.type, OWL.Ontology) in graph
    expected = count(client, "SELECT (COUNT(*) AS ?n) WHERE "
                             f"{{ GRAPH <{config.base_iri}graph/ontology> {{ ?s ?p ?o }} }}")
    assert len(graph) == expected


def test_ontology_version_iri_resolves(client: Any) -> None:
    graph = rdflib.Graph().parse(data=client.get("/def.ttl").data, format="turtle")
    version = graph.value(rdflib.URIRef(CG.rstrip("#")), OWL.versionInfo)
    assert client.get(f"/def/{version}", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/def/0.0.0-none").status_code == 404


def test_documents_negotiate_and_revalidate(client: Any) -> None:
    for path in ("/catalog", "/.well-known/void", "/def"):
        first = client.get(path, headers={"Accept": "text/turtle"})
        assert first.status_code == 200
        assert "Accept" in first.headers["Vary"]
        assert first.headers["Content-Location"].endswith(".ttl")
        again = client.get(path, headers={"Accept": "text/turtle",
                                          "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert client.get(path, headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/catalog.xyz").status_code == 404
