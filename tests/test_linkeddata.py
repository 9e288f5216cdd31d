"""Linked-data pages through the Flask test client: Cool URIs, content negotiation, entity pages,
the home page and class listings, over a store built from the project's real data/."""

from __future__ import annotations

import csv
import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from citygraph.app import create_app
from citygraph.config import Config
from tests.helpers import assert_well_formed


@pytest.fixture()
def client(module_app: Flask) -> FlaskClient:
    return module_app.test_client()


CG = Namespace("https://w3id.org/citygraph/def#")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
VARIANTS = {"text/turtle": "ttl", "application/n-triples": "nt", "application/ld+json": "jsonld",
            "application/rdf+xml": "rdf", "text/html": "html"}



def iri(config: Config, path: str) -> URIRef:
    return URIRef(config.base_iri + path)


def html_of(client: Any, path: str, **headers: str) -> str:
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    text: str = response.get_data(as_text=True)
    return text


def section(html: str, heading_id: str) -> str:
    """The <section> whose heading has this id."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


# --- Cool URIs -----------------------------------------------------------------------------------

def test_id_redirects_303_to_doc(client: Any) -> None:
    for method in (client.get, client.head):
        response = method("/id/city/szczecin", headers={"Accept": "text/turtle"})
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/doc/city/szczecin")
    response = client.get("/id/city/szczecin?lang=de")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/doc/city/szczecin?lang=de")


# --- Content negotiation -------------------------------------------------------------------------

def test_turtle_holds_own_triples_inverse_links_labels_and_metadata(client: Any,
                                                                     config: Config) -> None:
    response = client.get("/doc/city/szczecin", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    city = iri(config, "id/city/szczecin")
    relation = iri(config, "id/relation/rostock-szczecin")
    rostock = iri(config, "id/city/rostock")
    assert (city, RDF.type, CG.City) in graph
    assert (city, SKOS.prefLabel, Literal("Stettin", lang="de")) in graph
    assert (relation, CG.partner, city) in graph  # inverse link
    assert (rostock, CG.partnerCity, city) in graph  # inverse link
    assert any(graph.triples((relation, RDFS.label, None)))  # label of an inverse link
    assert any(graph.triples((rostock, RDFS.label, None)))  # labels of mentioned IRIs
    doc = iri(config, "doc/city/szczecin")
    assert (doc, FOAF.primaryTopic, city) in graph
    assert (doc, DCTERMS.license, LICENCE) in graph
    sources = set(graph.objects(city, DCTERMS.source))
    assert sources and sources <= set(graph.objects(doc, DCTERMS.source))


def test_jsonld_parses(client: Any, config: Config) -> None:
    response = client.get("/doc/city/szczecin", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.mimetype == "application/ld+json"
    graph = Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    assert (iri(config, "id/city/szczecin"), RDF.type, CG.City) in graph


@pytest.mark.parametrize(("path", "mime"), [
    ("/doc/city/szczecin.nt", "application/n-triples"),
    ("/doc/city/szczecin.ttl", "text/turtle"),
    ("/doc/city/szczecin.rdf", "application/rdf+xml"),
    ("/doc/city/szczecin.jsonld", "application/ld+json"),
    ("/doc/city/szczecin?format=turtle", "text/turtle"),
    ("/doc/city/szczecin?_mediatype=application/rdf%2Bxml", "application/rdf+xml"),
])
def test_suffix_and_parameter_override_accept(client: Any, path: str, mime: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == mime


def test_html_suffix_and_unknown_format(client: Any) -> None:
    assert client.get("/doc/city/szczecin.html",
                      headers={"Accept": "text/turtle"}).mimetype == "text/html"
    assert client.get("/doc/city/szczecin?format=csv").status_code == 406


def test_representation_headers(client: Any) -> None:
    response = client.get("/doc/city/szczecin", headers={"Accept": "application/n-triples"})
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"].endswith("/doc/city/szczecin.nt")
    links = response.headers.getlist("Link")
    for mime, ext in VARIANTS.items():
        assert any(f'/doc/city/szczecin.{ext}>; rel="alternate"; type="{mime}"' in link
                   for link in links), (mime, links)
    assert f'<{LICENCE}>; rel="license"' in links
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    again = client.get("/doc/city/szczecin", headers={
        "Accept": "application/n-triples", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    html = client.get("/doc/city/szczecin", headers={"Accept": "text/html"})
    assert html.headers["Content-Location"].endswith("/doc/city/szczecin.html")
    assert html.headers["ETag"] != response.headers["ETag"]


def test_head_has_headers_without_body(client: Any) -> None:
    response = client.head("/doc/city/szczecin", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["Content-Location"].endswith(".ttl")
    assert response.get_data() == b""


# --- Entity pages --------------------------------------------------------------------------------

def test_city_page(client: Any) -> None:
    html = html_of(client, "/doc/city/szczecin")
    assert_well_formed(html)
    assert '<html lang="en">' in html
    assert "<h1>Szczecin</h1>" in html
    facts = section(html, "key-facts")
    assert "1957" in facts and "Poland" in facts
    source = "https://rathaus.rostock.de/en/international_relations/twin_cities/szczecin/"
    assert f'href="{source}' in html
    svg = section(html, "map")
    assert "<svg" in svg and 'role="img"' in svg and "<title" in svg and "Rostock" in svg
    assert 'href="http://sws.geonames.org/3083829/"' in html
    assert '<th scope="col">' in html
    assert "/doc/city/szczecin.ttl" in html and "/sparql?query=" in html
    assert 'rel="license"' in html


def test_german_page(client: Any) -> None:
    html = html_of(client, "/doc/city/szczecin?lang=de")
    assert '<html lang="de">' in html
    assert "<h1>Stettin</h1>" in html
    assert "Polen" in html
    by_header = html_of(client, "/doc/city/szczecin", **{"Accept-Language": "de-DE,de;q=0.9"})
    assert "<h1>Stettin</h1>" in by_header


def test_conflicting_sources_side_by_side(client: Any) -> None:
    html = html_of(client, "/doc/relation/rostock-turku")
    assert_well_formed(html)
    claims = section(html, "claims")
    assert "1959" in claims and "1958" in claims
    assert "https://www.turku.fi/" in claims  # the source of the other value
    assert "https://rathaus.rostock.de/" in claims  # the official source
    assert "1959" in section(html, "key-facts")


@pytest.mark.parametrize("path", [
    "/doc/relation/rostock-raleigh", "/doc/city/riga", "/doc/network/ubc",
    "/doc/event/council-vote-rostock-raleigh-2001",
    "/doc/claim/ubc-founded-on-initiative-of-gdansk"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_term_is_shown_by_its_camel_case_name(client: Any, path: str, lang: str) -> None:
    # External classes and properties have names of their own in both languages
    # (web/terms.py); a term's IRI stays in the link, never as its text.
    html = html_of(client, f"{path}?lang={lang}")
    texts = re.findall(r"<a [^>]*>([^<]+)</a>", html)
    camel = [t for t in texts if re.fullmatch(r"[a-z]*[A-Z]?[a-z]+[A-Z][A-Za-z]+", t)]
    assert not camel, camel
    if "relation" in path:
        types = re.search(r'<p class="ld-types">(.*?)</p>', html, re.S)
        assert types and ("Zusammenarbeit von Organisationen" if lang == "de"
                          else "collaboration of organisations") in types.group(1)


def visible_text(html: str) -> str:
    """The words a reader sees: no markup, scripts, styles or attribute values."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.mark.parametrize("lang", ["de", "en"])
def test_entity_pages_read_as_text_for_people(client: Any, lang: str) -> None:
    rostock = html_of(client, f"/doc/city/rostock?lang={lang}")
    crumbs = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', rostock, re.S)
    assert crumbs and 'href="/' in crumbs.group(1) and "/lists" in crumbs.group(1)
    inverse = section(rostock, "inverse")  # grouped by property, counted, long groups folded
    counts = [int(n) for n in re.findall(r'<span class="ld-count-note">\((\d+)\)</span>', inverse)]
    assert len(counts) >= 3 and sum(counts) > 50
    folded = re.findall(r"<details><summary>[^<]*\((\d+)\)</summary>", inverse)
    assert folded and all(int(n) > 5 for n in folded)
    assert "GeoNames 2844588" in rostock  # an identifier says what it is
    for path in ("/doc/city/rostock", "/doc/relation/rostock-raleigh",
                 "/doc/event/visit-rostock-delegation-raleigh-2025", "/doc/network/ubc"):
        text = visible_text(html_of(client, f"{path}?lang={lang}"))
        assert not re.search(r"\b\d{4}-\d\d-\d\d\b", text), path  # dates in words
        assert "<http" not in text and "http://" not in text.replace("https://", ""), path
        rows = re.findall(r'<th scope="row">([^<]+)</th>', section(
            html_of(client, f"{path}?lang={lang}"), "key-facts"))
        assert len(rows) == len(set(rows)), (path, rows)  # no row twice
    trip = visible_text(html_of(client, f"/doc/event/visit-rostock-delegation-raleigh-2025"
                                        f"?lang={lang}"))
    assert ("23.–28. Juni 2025" if lang == "de" else "23–28 June 2025") in trip


def test_events_in_key_facts_by_date_and_each_date_once(client: Any) -> None:
    facts = section(html_of(client, "/doc/relation/rostock-raleigh?lang=de"), "key-facts")
    events = re.findall(r"<li>(.*?)</li>", facts.split("Veranstaltungen", 1)[1], re.S)
    years = [int(re.findall(r"\b(?:19|20)\d\d\b", e)[0]) for e in events]
    assert len(events) == 5 and years == sorted(years), years
    for event in events:  # the name already gives the date: not repeated after it
        name = re.sub(r"<[^>]+>", "", event).strip()
        assert name.count(str(years[events.index(event)])) == 1, name


def test_network_and_rostock_pages(client: Any) -> None:
    network = html_of(client, "/doc/network/ubc")
    assert_well_formed(network)
    assert "co-founder" in section(network, "key-facts")
    rostock = html_of(client, "/doc/city/rostock")
    assert_well_formed(rostock)
    facts = section(rostock, "key-facts")
    assert 'href="/doc/network/ubc"' in facts and 'href="/doc/relation/rostock-turku"' in facts


def test_query_link_reproduces_the_document(client: Any) -> None:
    html = html_of(client, "/doc/city/szczecin")
    link = re.search(r'<a href="(/sparql\?query=[^"]+)"', html)
    assert link
    url = link.group(1).replace("&amp;", "&")
    via_sparql = client.get(url, headers={"Accept": "application/n-triples"})
    assert via_sparql.status_code == 200
    document = client.get("/doc/city/szczecin.nt")
    parsed = [Graph().parse(data=r.get_data(as_text=True), format="nt")
              for r in (via_sparql, document)]
    assert len(parsed[0]) == len(parsed[1]) > 20


# --- Unknown and retired IRIs --------------------------------------------------------------------

def test_unknown_iris_are_404(client: Any) -> None:
    assert client.get("/id/city/atlantis").status_code == 404
    assert client.get("/id/planet/earth").status_code == 404
    page = client.get("/doc/city/atlantis", headers={"Accept": "text/html"})
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert_well_formed(html)
    assert 'href="/"' in html and 'href="/list/city"' in html
    rdf = client.get("/doc/city/atlantis.ttl")
    assert rdf.status_code == 404 and rdf.mimetype == "text/turtle"
    assert len(Graph().parse(data=rdf.get_data(as_text=True), format="turtle")) > 0


def test_retired_iris(config: Config, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "retired.tsv").write_text(
        "# old path\tnew path or 410\n"
        "id/city/stettin\tid/city/szczecin\n/id/city/old-town\t410\n", encoding="utf-8")
    app = create_app(config.replace(project_dir=tmp_path))
    try:
        client = app.test_client()
        moved = client.get("/id/city/stettin?lang=de")
        assert moved.status_code == 301
        assert moved.headers["Location"].endswith("/id/city/szczecin?lang=de")
        assert client.get("/doc/city/stettin.ttl").headers["Location"].endswith(
            "/doc/city/szczecin.ttl")
        assert client.get("/id/city/old-town").status_code == 410
        assert client.get("/doc/city/old-town", headers={"Accept": "text/html"}
                          ).status_code == 410
    finally:
        app.extensions["citygraph"].executor.close()


# --- Home page -----------------------------------------------------------------------------------

def test_home_page(client: Any) -> None:
    html = html_of(client, "/")
    assert_well_formed(html)
    found = re.findall(r'<li><a href="([^"]+)"><span class="ld-count">(\d+)</span>([^<]+)</a></li>',
                       section(html, "counts"))
    counts = {label.strip(): int(n) for _, n, label in found}
    targets = {label.strip(): href.replace("&amp;", "&") for href, _, label in found}
    assert counts["partner cities"] == 14
    assert {"friendship cities", "city networks", "events"} <= set(counts)
    # A number opens the list of what it counts, as a page (no download).
    assert targets["partner cities"] == "/list/relation?relation_type=partnership"
    partners = html_of(client, targets["partner cities"])
    assert len(rows(partners)) == 14
    for href in targets.values():
        response = client.get(href, headers={"Accept": "text/html,*/*;q=0.8"})
        assert response.status_code == 200 and response.mimetype == "text/html", href
    relations = section(html, "relations")
    assert relations.index("Szczecin") < relations.index("Turku") < relations.index("Raleigh")
    for path in ("/sparql", "/dumps/", "/catalog", "/def", "/.well-known/void", "/glance"):
        assert f'href="{path}"' in html
    # Examples open the workbench with the query run, not the raw endpoint.
    assert 'href="/sparql?query=' not in html
    assert html.count('href="/query?query=') >= 5


# --- Listings ------------------------------------------------------------------------------------

def rows(html: str) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    assert body
    return re.findall(r"<tr>", body.group(1))


def test_listing_paging(client: Any) -> None:
    first = html_of(client, "/list/event")
    assert_well_formed(first)
    assert len(rows(first)) == 50
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = html_of(client, "/list/event?page=2")
    assert 'rel="prev"' in second and len(rows(second)) >= 1
    assert client.get("/list/event?page=99").status_code == 404
    assert client.get("/list/planets").status_code == 404


def test_listing_facets_filter(client: Any) -> None:
    html = html_of(client, "/list/relation")
    assert 'href="/list/relation?relation_type=friendship"' in html
    assert 'href="/list/relation?decade=1950s"' in html
    assert "?country=POL" in html
    friendships = html_of(client, "/list/relation?relation_type=friendship")
    assert 'href="/doc/relation/rostock-kaliningrad"' in friendships
    assert "town twinning</a>" not in friendships
    fifties = html_of(client, "/list/relation?decade=1950s")
    assert 'href="/doc/relation/rostock-szczecin"' in fifties
    assert 'href="/doc/relation/rostock-riga"' not in fifties
    poland = html_of(client, "/list/relation?country=POL")
    assert 'href="/doc/relation/rostock-szczecin"' in poland
    assert 'href="/doc/relation/rostock-turku"' not in poland
    assert client.get("/list/relation?country=%3Cbad%3E").status_code == 200  # ignored


def test_listing_json_and_csv_match_html(client: Any, config: Config) -> None:
    html = html_of(client, "/list/relation?relation_type=friendship")
    data = client.get("/list/relation.json?relation_type=friendship")
    assert data.status_code == 200 and data.mimetype == "application/ld+json"
    doc = data.get_json()
    assert doc["total"] == len(doc["items"]) == len(rows(html))
    assert doc["filters"] == {"relation_type": "friendship"}
    assert all(item["iri"].startswith(config.base_iri + "id/relation/") for item in doc["items"])
    graph = Graph().parse(data=data.get_data(as_text=True), format="json-ld",
                          publicID="http://localhost/list/relation.json")
    assert any(graph.triples((URIRef(doc["items"][0]["iri"]), RDFS.label, None)))
    table = client.get("/list/relation.csv?relation_type=friendship")
    assert table.mimetype == "text/csv"
    records = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert [r["iri"] for r in records] == [item["iri"] for item in doc["items"]]
    assert {"iri", "label", "class", "date", "country"} == set(records[0])
