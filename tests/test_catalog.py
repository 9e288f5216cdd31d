"""The DCAT-AP.de catalogue at /catalog: zero violations of the official DCAT-AP.de 2.0 SHACL
shapes (profile "Spezifikation", copied to tests/dcat_ap_de/ under CC BY 4.0), and
distributions whose byte sizes and checksums are those of the served dump files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pyshacl
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH

from citygraph.app import create_app
from citygraph.config import Config

SHAPES_DIR = Path(__file__).resolve().parent / "dcat_ap_de"
# Profile "DCAT-AP.de 2.0 - Spezifikation" (tests/dcat_ap_de/README.md).
SPEZIFIKATION = ("dcat-ap-de-imports.ttl", "dcat-ap-spec-german-messages.ttl",
                 "dcat-ap-spec-german-additions.ttl", "dcat-ap-de-deprecated.ttl",
                 "dcat-ap_2.1.1_shacl_shapes.ttl")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DCATDE = rdflib.Namespace("http://dcat-ap.de/def/dcatde/")
SHA256 = rdflib.URIRef("http://dcat-ap.de/def/hashAlgorithms/sha/256")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in SPEZIFIKATION:
        graph.parse(SHAPES_DIR / name, format="turtle")
    return graph


def fetch_catalog(client: Any, path: str = "/catalog", accept: str = "text/turtle",
                  syntax: str = "turtle") -> rdflib.Graph:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.data
    return rdflib.Graph().parse(data=response.data, format=syntax)


def violations(data: rdflib.Graph, shapes: rdflib.Graph) -> tuple[bool, list[str], str]:
    """(conforms, messages of sh:Violation results, report text); no remote imports."""
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                              allow_warnings=False, do_owl_imports=False)
    assert isinstance(report, rdflib.Graph)
    found = [str(report.value(r, SH.resultMessage))
             for r in report.subjects(SH.resultSeverity, SH.Violation)]
    return bool(conforms), found, str(text)


def test_catalog_conforms_to_dcat_ap_de(client: Any, shapes: rdflib.Graph) -> None:
    conforms, found, text = violations(fetch_catalog(client), shapes)
    assert found == [], text
    assert conforms, text


def test_the_shapes_do_catch_a_broken_catalogue(client: Any, shapes: rdflib.Graph) -> None:
    data = fetch_catalog(client)
    catalog = next(data.subjects(RDF.type, DCAT.Catalog))
    data.remove((catalog, DCTERMS.title, None))
    for dist, size in list(data.subject_objects(DCAT.byteSize)):
        data.set((dist, DCAT.byteSize, rdflib.Literal(int(size))))  # xsd:integer, not decimal
    conforms, found, _ = violations(data, shapes)
    assert not conforms
    assert any("dct:title" in message for message in found)
    assert any("byteSize" in message for message in found)


def test_distributions_match_the_served_dumps(client: Any) -> None:
    data = fetch_catalog(client)
    dataset = next(data.subjects(RDF.type, DCAT.Dataset))
    downloads = 0
    for dist in data.objects(dataset, DCAT.distribution):
        url = data.value(dist, DCAT.downloadURL)
        if url is None:  # the SPARQL endpoint, or the change sets (fetched in test_changes)
            assert data.value(dist, DCAT.accessService) is not None \
                or str(data.value(dist, DCAT.accessURL)).endswith("/changes")
            continue
        downloads += 1
        body = client.get(urlsplit(str(url)).path).data
        assert int(data.value(dist, DCAT.byteSize)) == len(body)
        checksum = data.value(dist, SPDX.checksum)
        assert data.value(checksum, SPDX.algorithm) == SHA256
        assert str(data.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        assert data.value(dist, DCAT.accessURL) == url
        assert str(data.value(dist, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/")
        assert str(data.value(dist, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/")
    assert downloads == 4 + 5  # RDF dumps and the relation network's files


def test_publisher_is_the_project_and_the_city_the_originator(client: Any,
                                                              config: Config) -> None:
    data = fetch_catalog(client)
    dataset = next(data.subjects(RDF.type, DCAT.Dataset))
    publisher = data.value(dataset, DCTERMS.publisher)
    names = {str(n) for n in data.objects(publisher, FOAF.name)}
    assert "citygraph project" in names
    assert not any("Rostock" in n for n in names)
    city = rdflib.URIRef(config.base_iri + "id/city/rostock")
    assert data.value(dataset, DCATDE.originator) == city
    assert (None, DCTERMS.publisher, city) not in data
    for dist in data.objects(dataset, DCAT.distribution):
        assert data.value(dist, DCATDE.licenseAttributionByText) is not None


def test_temporal_coverage_starts_with_the_first_relation(client: Any) -> None:
    rows = client.get("/sparql", headers={"Accept": "application/sparql-results+json"},
                      query_string={"query": (
                          "PREFIX cg: <https://w3id.org/citygraph/def#> "
                          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
                          "SELECT ?d WHERE { ?r a/rdfs:subClassOf* cg:CityRelation ; "
                          "<https://schema.org/startDate> ?d } ORDER BY STR(?d) LIMIT 1")}
                      ).get_json()["results"]["bindings"]
    if not rows:
        pytest.skip("the data holds no city relation yet")
    data = fetch_catalog(client)
    dataset = next(data.subjects(RDF.type, DCAT.Dataset))
    period = data.value(dataset, DCTERMS.temporal)
    assert str(data.value(period, DCAT.startDate)) == rows[0]["d"]["value"]


@pytest.mark.parametrize(("path", "accept", "syntax"), [
    ("/catalog", "application/rdf+xml", "xml"), ("/catalog", "application/ld+json", "json-ld"),
    ("/catalog.rdf", "*/*", "xml"), ("/catalog.jsonld", "*/*", "json-ld"),
    ("/catalog.ttl", "*/*", "turtle")])
def test_catalog_serialisations_agree(client: Any, path: str, accept: str, syntax: str) -> None:
    turtle = fetch_catalog(client)
    assert isomorphic(fetch_catalog(client, path, accept, syntax), turtle)


def test_public_url_is_used_when_configured(config: Config) -> None:
    app = create_app(config.replace(public_url="https://data.example.org/citygraph/"))
    try:
        data = fetch_catalog(app.test_client())
    finally:
        app.extensions["citygraph"].executor.close()
    urls = [str(u) for u in data.objects(None, DCAT.downloadURL)]
    urls += [str(u) for u in data.objects(None, DCAT.endpointURL)]
    assert urls
    assert all(u.startswith("https://data.example.org/citygraph/") for u in urls)
    assert (rdflib.URIRef("https://data.example.org/citygraph/catalog"), RDF.type,
            DCAT.Catalog) in data
