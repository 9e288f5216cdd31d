"""The W3C SPARQL 1.1 Protocol and Service Description test suites, run over HTTP.

tests/w3c_protocol/manifest.ttl is the W3C protocol manifest
(https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest.ttl): each entry is a
sequence of ht:Request records (method, absolute path, headers, body) with the expected
response (mf:expectedStatus classes, mf:expectedFormat, mf:expectedBoolean). Every
ht:absolutePath starts with /sparql/; it is sent as is to the protocol_server, whose store also
holds the W3C data graphs data1.rdf .. data3.rdf as named graphs.

The endpoint is read-only. For the 14 update entries (update_*, bad_update_*,
bad_multiple_updates) the manifest
expectation is replaced: every update request must be refused with a 4xx, and a follow-up ASK
the manifest expects to be true (because the update changed the store) must be false, and the
W3C data graphs must still be there. Their pytest ids end in ``-readonly_expects_4xx``.

tests/w3c_protocol/service-description-manifest.ttl lists the three Service Description tests
(https://www.w3.org/TR/sparql11-service-description/): GET on the endpoint returns RDF, the
description has an sd:endpoint triple naming the URL asked, and it conforms to the SD vocabulary.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
import rdflib
import requests
from rdflib import RDF, Literal, Namespace, URIRef
from rdflib.collection import Collection

from tests.helpers import W3C_DIR, LiveServer

MANIFEST = W3C_DIR / "manifest.ttl"
SD_MANIFEST = W3C_DIR / "service-description-manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SRX = "{http://www.w3.org/2005/sparql-results#}"
KASEI = "http://kasei.us/2009/09/sparql/data/"
W3C_GRAPHS = [f"{KASEI}data{i}.rdf" for i in (1, 2, 3)]
UPDATE_MARKERS = re.compile(r"(?:^|[?&\n])update=|\b(?:CLEAR|DROP|INSERT|DELETE|LOAD|CREATE)\b")

# Media types per expected format; the manifest names them in the test titles
# ("expect one of: XML, JSON, CSV, TSV", "one of: XML, JSON", "one of: RDF/XML, Turtle,
# N-Triples, RDFa"). RDFa (HTML) is not parseable with rdflib 7, so it is not accepted here.
TABULAR_TYPES = {"application/sparql-results+json", "application/sparql-results+xml",
                 "text/csv", "text/tab-separated-values"}
BOOLEAN_TYPES = {"application/sparql-results+json", "application/sparql-results+xml"}
RDF_TYPES = {"application/rdf+xml": "xml", "text/turtle": "turtle",
             "application/n-triples": "nt"}

pytestmark = pytest.mark.server


# ------------------------------------------------------------------------------------------
# Reading the manifest
# ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expectation:
    status_classes: frozenset[str]  # "2xx", "4xx" or exact codes such as "200"
    fmt: str | None = None  # "boolean" | "tabular" | "RDF"
    boolean: bool | None = None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    expect: Expectation

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    @property
    def is_update(self) -> bool:
        """An update operation: update= in the URL or form, or an update body (any type)."""
        text = unquote_plus(self.path)
        if self.body is not None:
            try:
                text += "\n" + self.body.decode("utf-8")
            except UnicodeDecodeError:
                text += "\n" + self.body.decode("utf-16")
        return bool(UPDATE_MARKERS.search(unquote_plus(text)))


@dataclass(frozen=True)
class ProtocolTest:
    name: str  # local name of the manifest entry
    title: str
    requests: tuple[HttpRequest, ...] = field(default_factory=tuple)

    @property
    def is_update_test(self) -> bool:
        return "update" in self.name  # update_*, bad_update_*, bad_multiple_updates

    @property
    def is_bad_query_test(self) -> bool:
        return self.name.startswith("bad_") and not self.is_update_test

    @property
    def test_id(self) -> str:
        return f"{self.name}-readonly_expects_4xx" if self.is_update_test else self.name


def _local(iri: URIRef) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def _status_class(iri: URIRef) -> str:
    match = re.search(r"StatusCode(\d(?:xx|\d\d))$", str(iri))
    assert match, f"unknown status code term {iri}"
    return match.group(1)


def _items(graph: rdflib.Graph, head: object) -> list[object]:
    return list(Collection(graph, head)) if head is not None else []


def load_manifest(path: Path = MANIFEST) -> list[ProtocolTest]:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle", publicID=path.as_uri())
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest, any=False)
    assert manifest is not None, "no mf:Manifest in the manifest file"
    tests: list[ProtocolTest] = []
    for entry in _items(graph, graph.value(manifest, MF.entries)):
        assert isinstance(entry, URIRef)
        action = graph.value(entry, MF.action)
        requests_: list[HttpRequest] = []
        for req in _items(graph, graph.value(action, HT.requests)):
            headers = tuple(
                (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
                for h in _items(graph, graph.value(req, HT.headers)))
            body_node = graph.value(req, HT.body)
            body = None
            if body_node is not None:
                chars = str(graph.value(body_node, CNT.chars))
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = chars.encode(encoding)
            resp = graph.value(req, HT.resp)
            fmt = graph.value(resp, MF.expectedFormat)
            boolean = graph.value(resp, MF.expectedBoolean)
            expect = Expectation(
                status_classes=frozenset(_status_class(s)
                                         for s in graph.objects(resp, MF.expectedStatus)),
                fmt=str(fmt) if fmt is not None else None,
                boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None)
            requests_.append(HttpRequest(
                method=str(graph.value(req, HT.methodName)),
                path=str(graph.value(req, HT.absolutePath)),
                headers=headers, body=body, expect=expect))
        tests.append(ProtocolTest(_local(entry), str(graph.value(entry, MF.name)),
                                  tuple(requests_)))
    return tests


TESTS = load_manifest()


def test_manifest_was_read_completely() -> None:
    """34 entries: 13 query, 7 bad query and 14 update tests, each with its requests."""
    assert len(TESTS) == 34
    assert len({t.name for t in TESTS}) == 34
    positive = [t for t in TESTS if t.name.startswith("query_")]
    bad = [t for t in TESTS if t.is_bad_query_test]
    updates = [t for t in TESTS if t.is_update_test]
    assert (len(positive), len(bad), len(updates)) == (13, 7, 14)
    for test in TESTS:
        assert test.requests, test.name
        for req in test.requests:
            assert req.path.startswith("/sparql/"), (test.name, req.path)
            assert req.method in {"GET", "POST", "PUT"}, (test.name, req.method)
            assert req.expect.status_classes, test.name
    # Every update test starts with an update request; no query test contains one.
    for test in updates:
        assert test.requests[0].is_update, test.name
    for test in positive + bad:
        assert not any(r.is_update for r in test.requests), test.name


# ------------------------------------------------------------------------------------------
# Sending requests and checking responses
# ------------------------------------------------------------------------------------------

def send(base_url: str, req: HttpRequest) -> requests.Response:
    """The request exactly as the manifest gives it: no Accept, no User-Agent of our own."""
    with requests.Session() as session:
        session.headers.clear()
        return session.request(req.method, base_url + req.path, headers=dict(req.headers),
                               data=req.body, allow_redirects=False, timeout=30)


def status_matches(status: int, classes: frozenset[str]) -> bool:
    return any(str(status) == c or (c.endswith("xx") and str(status)[0] == c[0])
               for c in classes)


def mime_of(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def parse_boolean(response: requests.Response) -> bool:
    mime = mime_of(response)
    assert mime in BOOLEAN_TYPES, f"boolean result as {mime!r}"
    if mime == "application/sparql-results+json":
        doc = json.loads(response.content)
        assert "head" in doc and isinstance(doc.get("boolean"), bool), doc
        assert "results" not in doc
        return bool(doc["boolean"])
    root = ET.fromstring(response.content)
    assert root.tag == SRX + "sparql"
    node = root.find(SRX + "boolean")
    assert node is not None and node.text in ("true", "false"), response.text
    assert root.find(SRX + "results") is None
    return node.text == "true"


def parse_tabular(response: requests.Response) -> tuple[list[str], list[dict[str, str]]]:
    """Variables and rows (values as plain strings) of a SELECT result in any of 4 formats."""
    mime = mime_of(response)
    assert mime in TABULAR_TYPES, f"tabular result as {mime!r}"
    if mime == "application/sparql-results+json":
        doc = json.loads(response.content)
        variables = doc["head"]["vars"]
        rows = [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]
        return variables, rows
    if mime == "application/sparql-results+xml":
        root = ET.fromstring(response.content)
        assert root.tag == SRX + "sparql"
        head = root.find(SRX + "head")
        results = root.find(SRX + "results")
        assert head is not None and results is not None, response.text
        variables = [v.attrib["name"] for v in head.findall(SRX + "variable")]
        rows = [{b.attrib["name"]: "".join(b.itertext()) for b in r.findall(SRX + "binding")}
                for r in results.findall(SRX + "result")]
        return variables, rows
    text = response.content.decode("utf-8")
    if mime == "text/csv":
        table = list(csv.reader(io.StringIO(text)))
        variables, data = table[0], table[1:]
        return variables, [{v: c for v, c in zip(variables, row, strict=True) if c}
                           for row in data]
    lines = text.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    assert all(h.startswith("?") for h in header), header
    variables = [h[1:] for h in header]

    def plain(term: str) -> str:
        match = re.fullmatch(r'"(.*)"(?:\^\^<.*>|@[\w-]+)?|<(.*)>', term)
        return (match.group(1) if match.group(1) is not None else match.group(2)) \
            if match else term

    return variables, [{v: plain(c) for v, c in zip(variables, line.split("\t"), strict=True)
                        if c} for line in lines[1:]]


def parse_rdf(response: requests.Response) -> rdflib.Graph:
    mime = mime_of(response)
    assert mime in RDF_TYPES, f"RDF result as {mime!r}"
    graph = rdflib.Graph()
    graph.parse(data=response.content, format=RDF_TYPES[mime], publicID=response.url)
    return graph


def check_response(response: requests.Response, expect: Expectation, where: str) -> object:
    """Check one response against its manifest expectation; the parsed body (if any)."""
    shown = f"{where}: {response.status_code} {response.headers.get('Content-Type')}\n" \
            f"{response.text[:500]}"
    assert status_matches(response.status_code, expect.status_classes), \
        f"expected status {sorted(expect.status_classes)}, got {shown}"
    if expect.fmt is None:
        return None
    assert 200 <= response.status_code < 300, f"a {expect.fmt} body needs a 2xx: {shown}"
    if expect.fmt == "boolean":
        value = parse_boolean(response)
        if expect.boolean is not None:
            assert value is expect.boolean, f"expected {expect.boolean}: {shown}"
        return value
    if expect.fmt == "tabular":
        return parse_tabular(response)
    if expect.fmt == "RDF":
        return parse_rdf(response)
    raise AssertionError(f"unknown mf:expectedFormat {expect.fmt!r}")


# Checks beyond the manifest, on the bodies the manifest only asks to be of some format.
def _extra_select(parsed: object, base_url: str) -> None:
    variables, rows = parsed
    assert variables == ["value"]
    assert rows == [{"value": "1"}]


def _extra_construct(parsed: object, base_url: str) -> None:
    graph = parsed
    assert isinstance(graph, rdflib.Graph)
    triples = list(graph)
    assert len(triples) == 1, triples
    s, p, o = triples[0]
    # <s> and <p> are relative: resolved against the service's base IRI (SPARQL 1.1 Query
    # 4.1.1.1; "which MAY be the service endpoint"), so absolute IRIs ending in /s and /p.
    assert isinstance(s, URIRef) and str(s).endswith("s") and ":" in str(s)
    assert isinstance(p, URIRef) and str(p).endswith("p") and ":" in str(p)
    assert o == Literal(1)


EXTRA_CHECKS = {"query_content_type_select": _extra_select,
                "query_content_type_construct": _extra_construct}


def _count_quads(base_url: str) -> int:
    # A unique comment keeps the result cache from answering for an earlier build.
    query = f"# {uuid.uuid4()}\nSELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    response = requests.get(base_url + "/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _assert_w3c_graphs_intact(base_url: str) -> None:
    for graph in W3C_GRAPHS:
        query = f"# {uuid.uuid4()}\nASK {{ GRAPH <{graph}> {{ <{graph}> a <{FOAF.Document}> }} }}"
        response = requests.get(base_url + "/sparql", params={"query": query},
                                headers={"Accept": "application/sparql-results+json"},
                                timeout=30)
        assert response.status_code == 200 and response.json()["boolean"] is True, graph


@pytest.mark.parametrize("test", TESTS, ids=[t.test_id for t in TESTS])
def test_protocol(protocol_server: LiveServer, test: ProtocolTest) -> None:
    base_url: str = protocol_server.url
    if not test.is_update_test:
        for i, req in enumerate(test.requests):
            response = send(base_url, req)
            parsed = check_response(response, req.expect, f"{test.name} request {i + 1}")
            if test.name in EXTRA_CHECKS:
                EXTRA_CHECKS[test.name](parsed, base_url)
        return

    # Read-only endpoint: instead of the manifest's expectation, every update is refused
    # with a 4xx, and nothing changes in the store.
    before = _count_quads(base_url)
    assert before > 0
    for i, req in enumerate(test.requests):
        response = send(base_url, req)
        where = f"{test.name} request {i + 1}: {response.status_code}\n{response.text[:300]}"
        if req.expect.fmt is None:  # the update request itself (the manifest expects no body)
            assert req.is_update, where
            assert 400 <= response.status_code < 500, where
            continue
        # A follow-up query that checks the update's effect: the manifest expects true
        # (the update was applied); here it must be false (the update was refused).
        assert req.expect.fmt == "boolean" and req.expect.boolean is True, where
        assert 200 <= response.status_code < 300, where
        assert parse_boolean(response) is False, where
    assert _count_quads(base_url) == before
    _assert_w3c_graphs_intact(base_url)


# ------------------------------------------------------------------------------------------
# Service Description (service-description-manifest.ttl)
# ------------------------------------------------------------------------------------------

def test_sd_manifest_lists_the_three_tests() -> None:
    graph = rdflib.Graph()
    graph.parse(SD_MANIFEST, format="turtle")
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest, any=False)
    names = sorted(_local(e) for e in _items(graph, graph.value(manifest, MF.entries)))
    assert names == ["conforms-to-schema", "has-endpoint-triple", "returns-rdf"]


def get_description(url: str, accept: str | None = "text/turtle") -> requests.Response:
    with requests.Session() as session:
        session.headers.clear()
        headers = {"Accept": accept} if accept is not None else {}
        return session.get(url, headers=headers, timeout=30)


def description_graph(response: requests.Response) -> rdflib.Graph:
    assert response.status_code == 200, response.text[:300]
    return parse_rdf(response)


# SD vocabulary (https://www.w3.org/TR/sparql11-service-description/#vocab)
SD_CLASSES = {"Service", "Feature", "Language", "Function", "Aggregate", "EntailmentRegime",
              "EntailmentProfile", "GraphCollection", "Dataset", "Graph", "NamedGraph"}
SD_PROPERTIES = {"endpoint", "feature", "defaultEntailmentRegime", "entailmentRegime",
                 "defaultSupportedEntailmentProfile", "supportedEntailmentProfile",
                 "extensionFunction", "extensionAggregate", "languageExtension",
                 "supportedLanguage", "propertyFeature", "defaultDataset", "availableGraphs",
                 "resultFormat", "inputFormat", "defaultGraph", "namedGraph", "name", "graph"}
SD_LANGUAGES = {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
SD_FEATURES = {SD.DereferencesURIs, SD.UnionDefaultGraph, SD.RequiresDataset, SD.EmptyGraphs,
               SD.BasicFederatedQuery}
SD_INSTANCES = {_local(i) for i in SD_LANGUAGES | SD_FEATURES}
FORMATS = "http://www.w3.org/ns/formats/"


@pytest.mark.parametrize("accept", [None, "*/*", "text/turtle", "application/rdf+xml",
                                    "application/n-triples"])
def test_sd_returns_rdf(protocol_server: LiveServer, accept: str | None) -> None:
    """returns-rdf: GET on the endpoint (no query) returns an RDF document."""
    url = protocol_server.url + "/sparql/"
    response = get_description(url, accept)
    graph = description_graph(response)
    if accept not in (None, "*/*"):
        assert mime_of(response) == accept
    assert len(graph) > 10
    assert (None, RDF.type, SD.Service) in graph


@pytest.mark.parametrize("path", ["/sparql", "/sparql/"])
def test_sd_has_endpoint_triple(protocol_server: LiveServer, path: str) -> None:
    """has-endpoint-triple: sd:endpoint is the very URL the description was fetched from."""
    url = protocol_server.url + path
    graph = description_graph(get_description(url))
    services = list(graph.subjects(RDF.type, SD.Service))
    assert len(services) == 1
    assert list(graph.objects(services[0], SD.endpoint)) == [URIRef(url)]


def test_sd_conforms_to_schema(protocol_server: LiveServer) -> None:
    """conforms-to-schema: an sd:Service with the SD terms used as the vocabulary defines."""
    base_url: str = protocol_server.url
    graph = description_graph(get_description(base_url + "/sparql/"))
    [service] = graph.subjects(RDF.type, SD.Service)

    # Only terms of the SD vocabulary are used in its namespace.
    for term in set(graph.predicates()) | set(graph.objects()):
        if isinstance(term, URIRef) and str(term).startswith(str(SD)):
            name = str(term)[len(str(SD)):]
            assert name in SD_CLASSES | SD_PROPERTIES | SD_INSTANCES, term

    languages = set(graph.objects(service, SD.supportedLanguage))
    assert languages and languages <= SD_LANGUAGES
    assert SD.SPARQL11Query in languages
    assert SD.SPARQL11Update not in languages  # read-only
    features = set(graph.objects(service, SD.feature))
    assert features <= SD_FEATURES
    assert SD.BasicFederatedQuery not in features  # SERVICE is refused

    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert formats and all(f.startswith(FORMATS) for f in formats), formats
    assert {FORMATS + "SPARQL_Results_JSON", FORMATS + "SPARQL_Results_XML"} <= formats
    assert formats & {FORMATS + "Turtle", FORMATS + "RDF_XML", FORMATS + "N-Triples"}

    [dataset] = graph.objects(service, SD.defaultDataset)
    assert (dataset, RDF.type, SD.Dataset) in graph
    [default] = graph.objects(dataset, SD.defaultGraph)
    assert (default, RDF.type, SD.Graph) in graph
    names = []
    for named in graph.objects(dataset, SD.namedGraph):
        assert (named, RDF.type, SD.NamedGraph) in graph
        [name] = graph.objects(named, SD.name)
        assert isinstance(name, URIRef)
        [graph_node] = graph.objects(named, SD.graph)
        assert (graph_node, RDF.type, SD.Graph) in graph
        triples = graph.value(graph_node, VOID.triples)
        assert isinstance(triples, Literal) and int(triples) > 0
        names.append(str(name))
    assert len(names) == len(set(names))
    assert set(W3C_GRAPHS) <= set(names)
    assert any(n.startswith("https://w3id.org/citygraph/graph/") for n in names)


def test_sd_union_default_graph_is_true(protocol_server: LiveServer) -> None:
    """The advertised sd:UnionDefaultGraph holds: without a dataset, the default graph is the
    union of the named graphs (the W3C graphs are visible without GRAPH)."""
    base_url: str = protocol_server.url
    graph = description_graph(get_description(base_url + "/sparql/"))
    [service] = graph.subjects(RDF.type, SD.Service)
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    query = " ".join(f"<{g}> a <{FOAF.Document}> ." for g in W3C_GRAPHS)
    response = requests.get(base_url + "/sparql/", params={"query": f"ASK {{ {query} }}"},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200
    assert response.json()["boolean"] is True
