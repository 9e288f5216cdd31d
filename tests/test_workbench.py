"""The researchers' workbench: the example library, canned queries, the query page with its
server-rendered table and views, and "Rostock at a glance" (Flask test client)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

import citygraph
from citygraph.workbench import library
from tests.helpers import assert_well_formed


@pytest.fixture()
def client(module_app: Flask) -> FlaskClient:
    return module_app.test_client()


SVG_EMPTY = {"circle", "line", "rect", "path"}


def page(client: Any, url: str, lang: str = "en", status: int = 200) -> str:
    response = client.get(url, headers={"Accept": "text/html", "Accept-Language": lang})
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    html: str = response.get_data(as_text=True)
    assert_well_formed(html)
    return html


def table_rows(html: str) -> list[list[str]]:
    body = html.split('<table class="wb-table"', 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in rows]


def test_library_parses_every_file() -> None:
    examples = library.load()
    assert len(examples) >= 30
    assert {e.group for e in examples} == set(library.GROUPS)
    oldest = library.find("oldest-partnership")
    assert oldest is not None
    assert oldest.titles["de"] == "Rostocks älteste Städtepartnerschaft"
    assert "SELECT" in oldest.query and oldest.description


def test_queries_lists_the_library(client: Any) -> None:
    response = client.get("/queries")
    assert response.status_code == 200
    listing = response.get_json()
    assert len(listing) >= 30
    for item in listing:
        assert item["title"]["en"] and item["title"]["de"]
        assert item["group"] in library.GROUPS
        assert {"name", "description", "query", "url"} <= set(item)
        assert item["url"].endswith(f"/queries/{item['name']}")


def test_canned_query_json(client: Any) -> None:
    response = client.get("/queries/oldest-partnership.json")
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    rows = response.get_json()["results"]["bindings"]
    assert [(r["partner"]["value"], r["since"]["value"]) for r in rows] == [("Szczecin", "1957")]


def test_canned_query_csv(client: Any) -> None:
    response = client.get("/queries/partnership-timeline.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 14
    assert (rows[0]["since"], rows[0]["partner"]) == ("1957", "Szczecin")


def test_canned_query_negotiated(client: Any) -> None:
    json_response = client.get("/queries/oldest-partnership",
                               headers={"Accept": "application/sparql-results+json"})
    assert json_response.mimetype == "application/sparql-results+json"
    html = page(client, "/queries/oldest-partnership")
    assert table_rows(html) == [["Szczecin", "Poland", "1957"]]


@pytest.mark.parametrize("url", ["/queries/no-such-query", "/queries/no-such-query.json",
                                 "/query?example=no-such-query"])
def test_unknown_example_is_404(client: Any, url: str) -> None:
    assert client.get(url).status_code == 404


def test_query_page_form_and_library(client: Any) -> None:
    html = page(client, "/query")
    assert '<form id="wb-form" method="get" action="/query"' in html
    assert '<textarea id="wb-query" name="query"' in html
    assert "PREFIX cg: &lt;https://w3id.org/citygraph/def#&gt;" in html
    assert html.count('class="wb-example-link"') == len(library.load())
    assert 'src="/static/vendor/yasgui/yasgui.min.js"' in html and "wb/enhance.js" in html
    assert 'class="wb-table"' not in html
    # The editor is served by citygraph itself, with its licence.
    script = client.get("/static/vendor/yasgui/yasgui.min.js")
    assert script.status_code == 200 and b"Yasqe" in script.get_data()
    script.close()
    assert (Path(citygraph.__file__).parent / "static/vendor/yasgui/LICENSE").is_file()


@pytest.mark.parametrize("path", ["/", "/query", "/glance", "/doc/city/rostock", "/search?q=a",
                                  "/nowhere"])
def test_pages_load_only_from_their_own_origin(client: Any, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    for name in ("default-src", "script-src", "connect-src", "img-src", "font-src"):
        sources = directives[name].split()
        assert "'self'" in sources and not any(s.startswith(("http", "*")) for s in sources), csp
    html = response.get_data(as_text=True)
    assert not re.search(r'(src|href)="(https?:)?//[^"]*\.(js|css)"', html)


def test_example_renders_table(client: Any) -> None:
    html = page(client, "/query?example=partnership-timeline")
    rows = table_rows(html)
    assert len(rows) == 14
    assert rows[0] == ["1957", "Szczecin", "Poland"]
    assert 'id="wb-row-count">14<' in html
    for name in ("csv", "json", "tsv"):
        assert f"format={name}" in html


def test_sorting_by_links(client: Any) -> None:
    html = page(client, "/query?example=partnership-timeline&sort=partner&dir=desc")
    partners = [r[1] for r in table_rows(html)]
    assert partners == sorted(partners, reverse=True)
    assert "sort=partner&amp;dir=asc" in html  # the second click reverses


def test_map_view_one_point_per_row(client: Any) -> None:
    html = page(client, "/query?example=partner-cities-coordinates")
    rows = table_rows(html)
    assert len(rows) == 14
    assert html.count('<g class="point other">') == len(rows)
    assert '<path class="land" d="M' in html  # the offline basemap


def test_timeline_one_event_per_row(client: Any) -> None:
    html = page(client, "/query?example=friendship-cities")
    events = re.findall(r'<li class="event"><time datetime="(\d{4})"', html)
    assert len(events) == len(table_rows(html)) == 5
    assert events == sorted(events)


def test_relation_graph_and_entity_links(client: Any) -> None:
    query = ("PREFIX cg: <https://w3id.org/citygraph/def#>\n"
             "SELECT ?relation ?partner WHERE { ?relation a cg:Partnership ; cg:partner ?partner }")
    html = page(client, "/query?" + urlencode({"query": query}))
    assert 'class="wb-graph"' in html and '<line class="edge"' in html
    assert 'href="/doc/city/rostock"' in html


def test_label_columns_become_link_texts(client: Any) -> None:
    query = ("PREFIX cg: <https://w3id.org/citygraph/def#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "SELECT ?city ?cityLabel WHERE { ?city a cg:City ; rdfs:label ?cityLabel . "
             "FILTER(?cityLabel = \"Szczecin\"@en) }")
    html = page(client, "/query?" + urlencode({"query": query}))
    assert table_rows(html) == [["Szczecin"]]
    assert '<a href="/doc/city/szczecin">Szczecin</a>' in html


def test_cells_in_another_language_than_the_page_say_so(client: Any) -> None:
    query = ("PREFIX cg: <https://w3id.org/citygraph/def#>\n"
             "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
             "SELECT ?city ?cityLabel ?name WHERE { ?city a cg:City ; rdfs:label ?cityLabel . "
             "BIND(?cityLabel AS ?name) FILTER(?cityLabel = \"Szczecin\"@en) }")
    german = page(client, "/query?" + urlencode({"query": query, "lang": "de"}))
    assert table_rows(german) == [["Szczecin", "Szczecin"]]
    assert '<a href="/doc/city/szczecin?lang=de" lang="en">Szczecin</a>' in german
    assert '<span lang="en">Szczecin</span>' in german
    english = page(client, "/query?" + urlencode({"query": query, "lang": "en"}))
    assert 'lang="en">Szczecin' not in english  # the page's own language needs no mark


def test_shared_link_reproduces_table(client: Any) -> None:
    first = page(client, "/query?example=partnership-timeline&sort=country")
    share = re.search(r'<p class="wb-share"><a href="([^"]+)"', first)
    assert share is not None
    again = page(client, share.group(1).replace("&amp;", "&"))
    assert table_rows(again) == table_rows(first)
    example = library.find("partnership-timeline")
    assert example is not None
    by_text = page(client, "/query?" + urlencode({"query": example.query, "sort": "country"}))
    assert table_rows(by_text) == table_rows(first)


def test_german_page(client: Any) -> None:
    html = page(client, "/query?example=oldest-partnership&lang=de")
    assert '<html lang="de">' in html
    assert "Rostocks älteste Städtepartnerschaft" in html
    assert "Ausführen" in html and "Beispielabfragen" in html
    by_header = page(client, "/query", lang="de")
    assert "Beispielabfragen" in by_header


def test_bad_query_shows_the_error_on_the_page(client: Any) -> None:
    html = page(client, "/query?query=SELEC", status=400)
    assert 'class="wb-error"' in html and "syntax error" in html


def test_glance(client: Any) -> None:
    html = page(client, "/glance")
    world = html.split('id="map-world-figure"', 1)[1].split("</figure>", 1)[0]
    assert world.count('<g class="point partner">') == 14
    assert world.count('<g class="point friendship">') == 5
    assert world.count('<g class="point focal">') == 1
    europe = html.split('id="map-europe-figure"', 1)[1].split("</figure>", 1)[0]
    assert '<text class="label" x=' in europe and ">Szczecin</text>" in europe
    assert 'href="/doc/city/szczecin">Szczecin</a> <span class="wb-year">(since 1957)' in html
    assert html.count('<li class="event">') == 14
    assert html.count('<li class="membership">') == 4
    for name in ("partner-cities-coordinates", "partnership-timeline", "friendship-cities",
                 "city-memberships"):
        assert f"/query?example={name}" in html
    german = page(client, "/glance?lang=de")
    assert "Rostock auf einen Blick" in german
    assert ">Stettin</a>" in german and 'href="/doc/city/szczecin?lang=de"' in german


def test_sparql_service_page_links_to_workbench(client: Any) -> None:
    html = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/query"' in html
