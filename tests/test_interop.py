"""Interoperability: common SPARQL clients against a real `citygraph serve` (live_server).

SPARQLWrapper (JSON, XML, CSV, TSV results; Turtle and RDF/XML graphs), rdflib's SPARQLStore
behind an rdflib Graph, and curl (GET, form POST, direct POST). Every test checks real answers
from the project's data: Rostock has 14 town twinnings (cg:Partnership), one of them with
Szczecin.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import xml.dom.minidom

import pytest
import rdflib
from rdflib import Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from tests.helpers import LiveServer

pytestmark = pytest.mark.server

CG = Namespace("https://w3id.org/citygraph/def#")
ROSTOCK = URIRef("https://w3id.org/citygraph/id/city/rostock")
SZCZECIN = URIRef("https://w3id.org/citygraph/id/city/szczecin")
PARTNERSHIPS = 14

COUNT_PARTNERSHIPS = f"SELECT (COUNT(?r) AS ?n) WHERE {{ ?r a <{CG.Partnership}> }}"
PARTNER_CITIES = f"""PREFIX cg: <{CG}>
SELECT ?city WHERE {{ <{ROSTOCK}> cg:partnerCity ?city }} ORDER BY ?city"""
ASK_TRUE = f"ASK {{ <{ROSTOCK}> <{CG.partnerCity}> <{SZCZECIN}> }}"
ASK_FALSE = f"ASK {{ <{ROSTOCK}> <{CG.partnerCity}> <{ROSTOCK}> }}"
# Each partnership with its two partners: 14 relations, one of them Rostock-Szczecin.
CONSTRUCT_PARTNERS = f"""PREFIX cg: <{CG}>
CONSTRUCT {{ ?r a cg:Partnership ; cg:partner ?city }}
WHERE {{ ?r a cg:Partnership ; cg:partner ?city }}"""


def check_partnership_graph(graph: rdflib.Graph) -> None:
    relations = set(graph.subjects(rdflib.RDF.type, CG.Partnership))
    assert len(relations) == PARTNERSHIPS
    with_szczecin = set(graph.subjects(CG.partner, SZCZECIN))
    assert len(with_szczecin) == 1
    [relation] = with_szczecin
    assert relation in relations
    assert set(graph.objects(relation, CG.partner)) == {ROSTOCK, SZCZECIN}
    for rel in relations:
        assert ROSTOCK in set(graph.objects(rel, CG.partner)), rel


def tsv_value(cell: str) -> str:
    """A TSV cell is a term in Turtle syntax: 14 or "14"^^<...#integer> or <iri>."""
    match = re.fullmatch(r'"(.*)"(?:\^\^<[^>]*>|@[\w-]+)?|<(.*)>|(.*)', cell)
    assert match is not None
    return next(g for g in match.groups() if g is not None)


# ------------------------------------------------------------------------------------------
# SPARQLWrapper
# ------------------------------------------------------------------------------------------

def wrapper(live_server: LiveServer, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(live_server.sparql)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    client.setTimeout(30)
    return client


def select_column(fmt: str, result: object, var: str) -> list[str]:
    """The values of one variable, from SPARQLWrapper's converted result."""
    if fmt == JSON:
        assert isinstance(result, dict)
        assert var in result["head"]["vars"]
        return [b[var]["value"] for b in result["results"]["bindings"]]
    if fmt == XML:
        assert isinstance(result, xml.dom.minidom.Document)
        values = []
        for binding in result.getElementsByTagName("binding"):
            if binding.getAttribute("name") == var:
                values.append("".join(n.data for node in binding.childNodes
                                      for n in node.childNodes if n.nodeType == n.TEXT_NODE))
        return values
    assert isinstance(result, bytes)
    text = result.decode("utf-8")
    if fmt == CSV:
        rows = list(csv.reader(io.StringIO(text)))
        column = rows[0].index(var)
        return [row[column] for row in rows[1:]]
    lines = text.rstrip("\n").split("\n")
    column = lines[0].split("\t").index("?" + var)
    return [tsv_value(line.split("\t")[column]) for line in lines[1:]]


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(live_server: LiveServer, fmt: str, method: str) -> None:
    result = wrapper(live_server, COUNT_PARTNERSHIPS, fmt, method).query()
    assert result.response.status == 200
    assert select_column(fmt, result.convert(), "n") == [str(PARTNERSHIPS)]

    partners = select_column(fmt, wrapper(live_server, PARTNER_CITIES, fmt, method)
                             .query().convert(), "city")
    assert str(SZCZECIN) in partners
    assert len(partners) == len(set(partners)) == PARTNERSHIPS


def ask_value(fmt: str, result: object) -> bool:
    if fmt == JSON:
        assert isinstance(result, dict)
        value = result["boolean"]
        assert isinstance(value, bool)
        return value
    if fmt == XML:
        assert isinstance(result, xml.dom.minidom.Document)
        [node] = result.getElementsByTagName("boolean")
        text = node.firstChild.data
        assert text in ("true", "false")
        return text == "true"
    # No W3C format exists for ASK in CSV/TSV; the endpoint writes a one-column table.
    assert isinstance(result, bytes)
    lines = [line for line in result.decode("utf-8").splitlines() if line]
    assert len(lines) == 2 and lines[1] in ("true", "false"), result
    return lines[1] == "true"


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_ask(live_server: LiveServer, fmt: str) -> None:
    assert ask_value(fmt, wrapper(live_server, ASK_TRUE, fmt).query().convert()) is True
    assert ask_value(fmt, wrapper(live_server, ASK_FALSE, fmt).query().convert()) is False


@pytest.mark.parametrize("only_conneg", [False, True], ids=["default", "conneg_only"])
@pytest.mark.parametrize("fmt", [TURTLE, RDFXML, XML])
def test_sparqlwrapper_construct(live_server: LiveServer, fmt: str, only_conneg: bool) -> None:
    """CONSTRUCT as Turtle and RDF/XML. By default SPARQLWrapper also sends format=/output=
    parameters (format=turtle, format=rdf+xml, format=xml); conneg_only sends Accept alone."""
    client = wrapper(live_server, CONSTRUCT_PARTNERS, fmt)
    client.setOnlyConneg(only_conneg)
    result = client.query()
    assert result.response.status == 200
    content_type = result.response.headers["Content-Type"]
    converted = result.convert()
    if fmt == TURTLE:
        assert content_type.startswith("text/turtle")
        assert isinstance(converted, bytes)
        graph = rdflib.Graph().parse(data=converted, format="turtle")
    else:
        assert content_type.startswith("application/rdf+xml")
        assert isinstance(converted, rdflib.Graph)  # SPARQLWrapper parsed the RDF/XML
        graph = converted
    check_partnership_graph(graph)


# ------------------------------------------------------------------------------------------
# rdflib SPARQLStore
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(live_server: LiveServer, method: str) -> None:
    store = SPARQLStore(query_endpoint=live_server.sparql, method=method)
    graph = rdflib.Graph(store=store)
    try:
        [row] = list(graph.query(COUNT_PARTNERSHIPS))
        assert row.n == Literal(PARTNERSHIPS)
        assert row.n.toPython() == PARTNERSHIPS

        partners = [r.city for r in graph.query(PARTNER_CITIES)]
        assert SZCZECIN in partners
        assert all(isinstance(p, URIRef) for p in partners)

        assert graph.query(ASK_TRUE).askAnswer is True
        assert graph.query(ASK_FALSE).askAnswer is False

        constructed = graph.query(CONSTRUCT_PARTNERS).graph
        assert constructed is not None
        check_partnership_graph(constructed)

        # The Graph API on top of the store: triple patterns become SPARQL queries.
        assert (ROSTOCK, CG.partnerCity, SZCZECIN) in graph
        assert ROSTOCK in set(graph.subjects(CG.partnerCity, SZCZECIN))
    finally:
        store.close()


# ------------------------------------------------------------------------------------------
# curl
# ------------------------------------------------------------------------------------------

CURL = shutil.which("curl")


def curl(*args: str) -> tuple[int, str, bytes]:
    """(status, content type, body) of one curl call."""
    assert CURL is not None
    marker = b"\n--curl-meta--\n"
    result = subprocess.run([CURL, "-s", "-S", "--max-time", "30", *args,
                             "-w", marker.decode() + "%{http_code} %{content_type}"],
                            capture_output=True, timeout=60, check=True)
    body, _, meta = result.stdout.rpartition(marker)
    status, _, content_type = meta.decode().partition(" ")
    return int(status), content_type, body


CURL_MODES = {
    "get": lambda url, q: ["-G", "--data-urlencode", f"query={q}", url],
    "form_post": lambda url, q: ["--data-urlencode", f"query={q}", url],
    "direct_post": lambda url, q: ["-H", "Content-Type: application/sparql-query",
                                   "--data-binary", q, url],
}


@pytest.mark.skipif(CURL is None, reason="curl is not installed on this machine")
@pytest.mark.parametrize("mode", list(CURL_MODES))
def test_curl(live_server: LiveServer, mode: str) -> None:
    url = live_server.sparql
    build = CURL_MODES[mode]

    status, content_type, body = curl(
        "-H", "Accept: application/sparql-results+json", *build(url, COUNT_PARTNERSHIPS))
    assert status == 200, body
    assert content_type.startswith("application/sparql-results+json")
    doc = json.loads(body)
    assert doc["results"]["bindings"][0]["n"]["value"] == str(PARTNERSHIPS)

    status, content_type, body = curl("-H", "Accept: text/csv", *build(url, PARTNER_CITIES))
    assert status == 200, body
    assert content_type.startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows[0] == ["city"]
    assert [str(SZCZECIN)] in rows[1:]

    status, content_type, body = curl("-H", "Accept: text/turtle",
                                      *build(url, CONSTRUCT_PARTNERS))
    assert status == 200, body
    assert content_type.startswith("text/turtle")
    check_partnership_graph(rdflib.Graph().parse(data=body, format="turtle"))


@pytest.mark.skipif(CURL is None, reason="curl is not installed on this machine")
def test_curl_default_accept(live_server: LiveServer) -> None:
    """curl's own Accept (*/*): SELECT answers in SPARQL JSON, CONSTRUCT in Turtle."""
    url = live_server.sparql
    status, content_type, body = curl(*CURL_MODES["get"](url, ASK_TRUE))
    assert status == 200
    assert content_type.startswith("application/sparql-results+json")
    assert json.loads(body)["boolean"] is True
    status, content_type, body = curl(*CURL_MODES["get"](url, CONSTRUCT_PARTNERS))
    assert status == 200
    assert content_type.startswith("text/turtle")
    check_partnership_graph(rdflib.Graph().parse(data=body, format="turtle"))
