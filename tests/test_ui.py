"""The site frame through HTTP: one header everywhere with the language kept, search (HTML and
JSON), helpful 404s, and HTML views of /catalog, /.well-known/void and /queries for browsers
while other clients keep RDF and JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient


@pytest.fixture()
def client(module_app: Flask) -> FlaskClient:
    return module_app.test_client()


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGES = ["/", "/glance", "/lists", "/list/relation", "/doc/city/riga", "/query", "/queries",
         "/catalog", "/.well-known/void", "/dumps/", "/def", "/search?q=riga", "/about",
         "/sparql", "/network/", "/no/such/page"]


def html(client: Any, path: str, **headers: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER, **headers})
    assert response.mimetype == "text/html", path
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize("path", PAGES)
def test_one_header_everywhere_and_language_kept(client: Any, path: str) -> None:
    sep = "&" if "?" in path else "?"
    page = html(client, f"{path}{sep}lang=de")
    assert '<html lang="de">' in page
    assert '<a class="skip-link" href="#main">Zum Inhalt springen</a>' in page
    nav = page.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="([^"]+)"', nav)
    assert len(links) == 7 and all("lang=de" in link for link in links), links
    assert '<form class="site-search" role="search"' in page
    switch = re.search(r'<a class="site-lang" href="([^"]+)" hreflang="en"', page)
    assert switch and "lang=en" in switch.group(1)


def test_search_finds_any_label_accent_and_case_insensitive(client: Any) -> None:
    def names(q: str, lang: str = "en") -> list[str]:
        data = client.get(f"/search.json?q={q}&lang={lang}").get_json()
        return [r["label"] for r in data["results"]]

    assert names("arhus")[0] == "Aarhus"  # Århus, without the ring
    assert names("ÅRHUS")[0] == "Aarhus"
    assert names("stett", "de")[0] == "Stettin"  # prefix of the German name
    assert "Szczecin" in names("szcz")
    assert names("dunk")[0].startswith("Dunkirk")  # English name of Dunkerque
    assert names("union ostsee", "de")[0] == "Union der Ostseestädte"  # words in any order
    assert names("zzzz") == []
    hit = client.get("/search.json?q=riga").get_json()["results"][0]
    assert hit["page"] == "/doc/city/riga" and hit["type"] == "city"
    assert hit["iri"].endswith("/id/city/riga") and hit["type_label"] == "City"
    assert all(r["type"] not in ("geometry", "interval", "count")
               for r in client.get("/search.json?q=rostock").get_json()["results"])
    assert client.get("/search", headers={"Accept": "application/json"}).get_json() == {
        "query": "", "results": []}


def test_search_page(client: Any) -> None:
    page = html(client, "/search?q=arhus&lang=de")
    assert '<a href="/doc/city/aarhus?lang=de">Aarhus</a>' in page
    assert "auch <span lang=\"da\">Århus</span>" in page
    assert "Nichts gefunden" in html(client, "/search?q=xyzzy&lang=de")
    long = client.get("/search.json?q=" + "a" * 5000).get_json()
    assert len(long["query"]) == 200  # only the first 200 characters are looked at


def test_helpful_404_everywhere(client: Any) -> None:
    for path in ("/no/such/page", "/doc/city/atlantis", "/queries/no-such-query"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "Page not found" in page and 'role="search"' in page and 'href="/lists"' in page
    assert client.get("/no/such/page", headers={"Accept": "application/json"}).get_json()[
        "status"] == 404


@pytest.mark.parametrize("path", ["/catalog", "/.well-known/void"])
def test_rdf_documents_for_browsers_and_machines(client: Any, path: str) -> None:
    page = html(client, path)
    assert "<h1>" in page and 'type="text/turtle" download>Turtle</a>' in page
    assert re.search(r"\(download, [\d.]+ kB\)", page)  # says what it downloads, and its size
    for accept in ("*/*", "text/turtle", ""):
        response = client.get(path, headers={"Accept": accept} if accept else {})
        assert response.mimetype == "text/turtle", accept
    assert client.get(path, headers={"Accept": "application/ld+json"}).mimetype == (
        "application/ld+json")


def test_queries_for_browsers_and_machines(client: Any) -> None:
    page = html(client, "/queries?lang=de")
    assert "Beispielabfragen" in page
    assert 'href="/query?example=oldest-partnership&amp;lang=de"' in page
    assert 'href="/queries.json" type="application/json"' in page
    assert client.get("/queries").mimetype == "application/json"
    assert client.get("/queries", headers={"Accept": "*/*"}).mimetype == "application/json"
    assert client.get("/queries.json", headers={"Accept": BROWSER}).mimetype == "application/json"


def test_no_surprise_downloads_on_the_home_page(client: Any) -> None:
    page = html(client, "/")
    for href in re.findall(r'<a [^>]*href="(/[^"]*)"', page):
        href = href.replace("&amp;", "&")
        response = client.get(href, headers={"Accept": BROWSER})
        assert response.status_code == 200, href
        assert response.mimetype == "text/html", (href, response.mimetype)


def test_lists_offer_no_helper_classes(client: Any) -> None:
    page = html(client, "/lists?lang=de")
    for helper in ("geometry", "interval", "count", "offer"):
        assert f'/list/{helper}"' not in page and f"/list/{helper}?" not in page
    assert ">Stadt</a>" in page


def test_workbench_names_links_and_fitting_views(client: Any) -> None:
    from urllib.parse import urlencode

    graph = ("PREFIX cg: <https://w3id.org/citygraph/def#>\n"
             "SELECT ?relation ?partner WHERE { ?relation a cg:Partnership ; cg:partner ?partner }")
    page = html(client, "/query?" + urlencode({"query": graph, "lang": "de"}))
    nodes = page.split('id="wb-graph"', 1)[1]
    assert ">Stettin</text>" in nodes and "city/szczecin" not in nodes.split("<text")[1]
    assert 'href="/doc/city/szczecin?lang=de">Stettin</a>' in page  # table cell: name, link
    sources = ("PREFIX dct: <http://purl.org/dc/terms/>\n"
               "SELECT (STR(?s) AS ?source) (COUNT(*) AS ?n) WHERE { ?x dct:source ?s } "
               "GROUP BY ?s ORDER BY DESC(?n) LIMIT 3")
    page = html(client, "/query?" + urlencode({"query": sources}))
    assert re.search(r'<td data-label="\?source"><a href="https://', page)  # text address: link
    assert 'id="wb-timeline"' not in page and 'id="wb-map"' not in page  # counts are no years
    assert 'id="wb-graph"' not in page


def test_workbench_editor_shows_the_query_first(client: Any) -> None:
    page = html(client, "/query?example=oldest-partnership")
    query = page.split('<textarea id="wb-query" name="query" rows="16" spellcheck="false">')[1]
    assert query.startswith("PREFIX")  # the library's header comments are shown above it
    assert page.index('id="results"') < page.index('id="examples"')
    assert '<a class="wb-jump" href="#results">' in page
