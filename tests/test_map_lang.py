"""Names in another language than the page carry ``lang`` (WCAG 2.2 SC 3.1.2): a city named only
in English, on the German glance page, on its own German page and in the workbench's results,
through HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from citygraph.app import create_app
from citygraph.cli import main
from citygraph.config import load_config
from tests.helpers import FIXTURES, ROOT

# A partner city of the second-city fixture's Musterstadt whose data has no German name.
ENGLISH_ONLY = """\
@prefix cg:       <https://w3id.org/citygraph/def#> .
@prefix cgrel:    <https://w3id.org/citygraph/def/relation-type/> .
@prefix city:     <id/city/> .
@prefix country:  <http://publications.europa.eu/resource/authority/country/> .
@prefix dct:      <http://purl.org/dc/terms/> .
@prefix relation: <id/relation/> .
@prefix rdfs:     <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema:   <https://schema.org/> .
@prefix skos:     <http://www.w3.org/2004/02/skos/core#> .
@prefix wgs:      <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix xsd:      <http://www.w3.org/2001/XMLSchema#> .

country:GBR a schema:Country ;
    rdfs:label "Vereinigtes Königreich"@de , "United Kingdom"@en ;
    skos:prefLabel "Vereinigtes Königreich"@de , "United Kingdom"@en .

city:exampleton a cg:City ;
    rdfs:label "Exampleton"@en ;
    skos:prefLabel "Exampleton"@en ;
    schema:containedInPlace country:GBR ;
    wgs:lat 53.5 ;
    wgs:long -2.2 .

relation:musterstadt-exampleton a cg:Partnership ;
    rdfs:label "Städtepartnerschaft Musterstadt–Exampleton"@de ,
        "Musterstadt–Exampleton town twinning"@en ;
    skos:prefLabel "Städtepartnerschaft Musterstadt–Exampleton"@de ,
        "Musterstadt–Exampleton town twinning"@en ;
    cg:partner city:musterstadt , city:exampleton ;
    cg:relationType cgrel:partnership ;
    cg:status cgrel:active ;
    schema:startDate "1995"^^xsd:gYear ;
    dct:source <https://example.org/test/musterstadt> .

city:musterstadt cg:partnerCity city:exampleton .
city:exampleton cg:partnerCity city:musterstadt .
"""


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    # The shapes want a German name for every city of the data; a graph added later
    # (``citygraph add``, not validated) is where a city can lack one.
    root = tmp_path_factory.mktemp("english-only")
    data, store, extra = FIXTURES / "second-city", root / "store", root / "english-only.ttl"
    extra.write_text(ENGLISH_ONLY, encoding="utf-8")
    for args in (["build", "--data", str(data)],
                 ["add", "--graph", "https://example.org/graph/english-only", str(extra)]):
        result = CliRunner().invoke(main, [*args, "--store", str(store), "--no-dumps"])
        assert result.exit_code == 0, result.output
    config = load_config(env={}, store=store, project_dir=ROOT, data_dir=data,
                         fair_use_loopback=False, query_timeout=10.0)
    app = create_app(config)
    yield app.test_client()
    app.extensions["citygraph"].executor.close()


def tags(html: str, element: str, text: str) -> list[str]:
    """The opening tags of every ``element`` whose whole text is ``text``."""
    return re.findall(rf"<{element}\b[^>]*>(?={re.escape(text)}</{element}>)", html)


def lang_of(tag: str) -> str | None:
    """The tag's lang attribute (not a ?lang= in its href)."""
    match = re.search(r'\slang="([^"]*)"', tag)
    return match.group(1) if match else None


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_glance_map_marks_the_english_fallback_on_a_german_page(client: FlaskClient) -> None:
    html = page(client, "/glance?lang=de")
    assert '<html lang="de">' in html
    for element in ("text", "title", "a"):  # map label, marker title, list and timeline
        found = tags(html, element, "Exampleton")
        assert found and all(lang_of(tag) == "en" for tag in found), (element, found)
    # names in the page's language: no attribute repeating the page's language
    for name in ("Testhausen", "Musterstadt", "Vereinigtes Königreich"):
        found = tags(html, "text", name) + tags(html, "title", name) + tags(html, "a", name)
        found += tags(html, "span", name)
        assert found and not any(lang_of(tag) for tag in found), (name, found)


def test_english_page_needs_no_lang_on_english_names(client: FlaskClient) -> None:
    html = page(client, "/glance?lang=en")
    found = tags(html, "text", "Exampleton") + tags(html, "title", "Exampleton")
    assert found and not any(lang_of(tag) for tag in found)


def test_entity_page_map_marks_the_fallback(client: FlaskClient) -> None:
    html = page(client, "/doc/city/exampleton?lang=de")
    found = tags(html, "title", "Exampleton") + tags(html, "text", "Exampleton")
    assert found and all(lang_of(tag) == "en" for tag in found), found
    legend = tags(html, "span", "Musterstadt")  # the focal city, drawn for orientation
    assert legend and not any(lang_of(tag) for tag in legend)


def test_workbench_names_mark_the_fallback(client: FlaskClient) -> None:
    # IRIs in results are shown by name, looked up in the page's language, else English.
    query = ("PREFIX cg: <https://w3id.org/citygraph/def#>\n"
             "SELECT ?city WHERE { ?city a cg:City } ORDER BY ?city")
    html = page(client, "/query?" + urlencode({"query": query, "lang": "de"}))
    found = tags(html, "a", "Exampleton")
    assert found and all(lang_of(tag) == "en" for tag in found), found
    german = tags(html, "a", "Musterstadt")
    assert german and not any(lang_of(tag) for tag in german), german


def test_relation_graph_names_mark_the_fallback(client: FlaskClient) -> None:
    query = ("PREFIX cg: <https://w3id.org/citygraph/def#>\n"
             "SELECT ?relation ?partner WHERE { ?relation a cg:Partnership ; cg:partner ?partner }")
    html = page(client, "/query?" + urlencode({"query": query, "lang": "de"}))
    graph = html.split('class="wb-graph"', 1)[1].split("</svg>", 1)[0]
    found = tags(graph, "title", "Exampleton") + tags(graph, "text", "Exampleton")
    assert len(found) == 2 and all(lang_of(tag) == "en" for tag in found), found
    german = tags(graph, "text", "Musterstadt")
    assert german and not any(lang_of(tag) for tag in german), german
