"""The graph says which source states which fact, and answers the obvious query (docs/model.md).

Asked of the store built from the project's data, through the SPARQL endpoint a user queries:
every key fact has a cg:Statement naming its own sources, the inferred graph makes plain queries
complete and can be left out, every property the ontology documents is used or says it is not,
and no source title carries the same text under two language tags.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from citygraph.app import create_app
from citygraph.config import Config

BASE = "https://w3id.org/citygraph/"
INFERRED = BASE + "graph/inferred"
PREFIXES = """PREFIX cg: <https://w3id.org/citygraph/def#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# The key facts a reader relies on; the same list as cgsh:FactSourceShape in shapes/statement.ttl.
KEY_FACTS = """schema:startDate schema:endDate schema:foundingDate cg:status cg:suspendedDuring
    cg:signingDate cg:signingPlace cg:signatory org:role schema:value dct:date schema:funder
    schema:organizer cg:commissionedBy cg:implementedBy cg:inCooperationWith schema:location
    schema:foundingLocation cg:foundedOnInitiativeOf"""


@pytest.fixture(scope="module")
def client(config: Config) -> Iterator[FlaskClient]:
    application = create_app(config)
    yield application.test_client()
    application.extensions["citygraph"].executor.close()


def select(client: FlaskClient, query: str) -> list[dict[str, str]]:
    response = client.post("/sparql", data={"query": PREFIXES + query},
                           headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return [{k: v["value"] for k, v in row.items()} for row in body["results"]["bindings"]]


def test_every_sourced_fact_has_its_own_source(client: FlaskClient) -> None:
    """A key fact of any resource that cites sources names the pages stating that value."""
    # OPTIONAL + !BOUND rather than FILTER NOT EXISTS: Oxigraph evaluates the latter per row
    # by scanning every statement (see shapes/shortcut.ttl), the former as one join.
    rows = select(client, f"""SELECT DISTINCT ?s ?p ?o WHERE {{
        {{ SELECT DISTINCT ?s ?p ?o WHERE {{
            VALUES ?p {{ {KEY_FACTS} }} GRAPH ?g {{ ?s dct:source ?any ; ?p ?o }} }} }}
        OPTIONAL {{ ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; a cg:Statement ;
                       dct:source ?page . ?page a schema:WebPage }}
        FILTER (!BOUND(?st))
    }}""")
    assert rows == []
    # ... and the statements are many and are not the resource's whole source list copied
    rows = select(client, """SELECT (COUNT(*) AS ?n) WHERE { ?st a cg:Statement }""")
    assert int(rows[0]["n"]) > 300


def test_raleigh_start_and_status_cite_different_pages(client: FlaskClient) -> None:
    """The start year is stated by the 2001 press releases, the status only by the city pages."""
    rows = select(client, """SELECT ?p ?page WHERE {
        ?st a cg:Statement ; rdf:subject <https://w3id.org/citygraph/id/relation/rostock-raleigh> ;
            rdf:predicate ?p ; dct:source ?page .
    }""")
    status = {r["page"] for r in rows if r["p"].endswith("#status")}
    start = {r["page"] for r in rows if r["p"].endswith("startDate")}
    assert status and start and status < start


def test_who_says_turku_1959(client: FlaskClient) -> None:
    """docs/model.md, first example: the pages stating 1959, and the one that says 1958."""
    rows = select(client, """SELECT ?year ?page ?asserted WHERE {
        ?st rdf:subject ?relation ; rdf:predicate schema:startDate ; rdf:object ?year ;
            dct:source ?page .
        ?relation cg:partner ?turku . ?turku rdfs:label "Turku"@en .
        BIND(EXISTS { ?st a cg:Statement } AS ?asserted)
    } ORDER BY ?year ?page""")
    by_year = {(r["year"], r["asserted"]) for r in rows}
    assert by_year == {("1958", "false"), ("1959", "true")}
    assert "https://www.turku.fi/en/turku-info/twin-cities-turku" in {
        r["page"] for r in rows if r["year"] == "1958"}


def test_plain_query_counts_every_event_and_inferred_graph_can_be_left_out(
        client: FlaskClient) -> None:
    union = select(client, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a cg:Event }")
    asserted = select(client, f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        GRAPH ?g {{ ?e a cg:Event }} FILTER(?g != <{INFERRED}>) }}""")
    every = select(client, """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e a ?kind . ?kind rdfs:subClassOf* cg:Event }""")
    assert int(union[0]["n"]) == int(every[0]["n"]) > int(asserted[0]["n"])
    # the symmetric super-property of the shortcuts, and in both directions
    related = select(client, """SELECT ?a ?b WHERE { ?a cg:relatedCity ?b
        FILTER NOT EXISTS { ?b cg:relatedCity ?a } }""")
    assert related == []
    pairs = select(client, "SELECT (COUNT(*) AS ?n) WHERE { ?a cg:relatedCity ?b }")
    assert int(pairs[0]["n"]) >= 2 * 19  # 14 twinnings and 5 identified friendships
    inferred_only = select(client, f"""SELECT (COUNT(*) AS ?n) WHERE {{
        GRAPH <{INFERRED}> {{ ?s ?p ?o }}
        GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{INFERRED}>) }}""")
    assert inferred_only[0]["n"] == "0", "the inferred graph repeats asserted triples"


def test_service_description_names_the_inferred_graph(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<{INFERRED}>" in text and "materialised at build time" in text


def test_every_documented_property_is_used_or_says_it_is_unused(client: FlaskClient) -> None:
    """A property of the ontology has data in the built store, or its comment says it has none."""
    rows = select(client, """SELECT ?property WHERE {
        GRAPH <https://w3id.org/citygraph/graph/ontology> {
            ?property a ?kind ; rdfs:isDefinedBy <https://w3id.org/citygraph/def> .
            VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty rdf:Property }
        }
        FILTER NOT EXISTS { ?s ?property ?o }
        FILTER NOT EXISTS { ?property rdfs:comment ?c FILTER(lang(?c) = "en"
                                && CONTAINS(LCASE(?c), "not used in the data")) }
    }""")
    assert rows == [], f"documented but neither used nor marked unused: {rows}"
    # no comment claims triples the store does not hold
    claims = select(client, """SELECT ?property WHERE {
        ?property rdfs:comment ?c FILTER(lang(?c) = "en"
            && CONTAINS(?c, "stated explicitly in both directions"))
        FILTER NOT EXISTS { GRAPH ?g { ?a ?property ?b . ?b ?property ?a }
                            FILTER(?g != <https://w3id.org/citygraph/graph/inferred>) }
    }""")
    assert claims == []


def test_no_source_title_carries_two_language_tags_of_the_same_text(client: FlaskClient) -> None:
    rows = select(client, """SELECT ?page ?title WHERE {
        ?page a schema:WebPage ; ?p ?title , ?other .
        VALUES ?p { dct:title rdfs:label skos:prefLabel }
        FILTER(STR(?title) = STR(?other) && LANG(?title) != LANG(?other))
    }""")
    assert rows == []
    titled = select(client, "SELECT (COUNT(*) AS ?n) WHERE { ?page a schema:WebPage }")
    assert int(titled[0]["n"]) > 100


def _row_sources(html: str, label: str) -> set[str]:
    """The source numbers cited in the key-facts row headed ``label``."""
    row = re.search(rf'<th scope="row">{label}</th><td>(.*?)</td></tr>', html, re.S)
    assert row, f"no key-facts row {label!r}"
    return set(re.findall(r"\[(\d+)\]</a>", row.group(1)))


def test_relation_page_cites_each_fact_with_its_own_sources(client: FlaskClient) -> None:
    """The Raleigh page: 'Since' cites the six pages that give 2001, 'Status' only the two
    city pages, and the same number means the same page in the list at the foot."""
    response = client.get("/doc/relation/rostock-raleigh", headers={"Accept": "text/html"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    since, status = _row_sources(html, "Since"), _row_sources(html, "Status")
    assert len(since) == 6 and status and status < since


def test_disagreement_table_names_the_pages_of_the_official_value(client: FlaskClient) -> None:
    """Turku: 1959 with the pages that say 1959; the page that says 1958 stands apart."""
    response = client.get("/doc/relation/rostock-turku", headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    table = html[html.index('id="claims"'):html.index('id="statements"')]
    cells = re.findall(r"<td>(.*?)</td>", table, re.S)
    official, other = cells[2], cells[4]  # property, value, its pages, other value, its page
    assert "310933" in official and "turku.fi" not in official
    assert "turku.fi" in other
