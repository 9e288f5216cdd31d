"""Negative and robustness tests of the public SPARQL endpoint, through HTTP.

The Flask test ``client`` is used where the WSGI app alone decides the answer (one app for the
module, see the fixture below); ``live_server``
(a real gunicorn process, query timeout 3 s) where a real server is needed: the SSRF checks with
a listener on 127.0.0.1, and the runaway query next to a second client.
"""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import rdflib
import requests
from flask.testing import FlaskClient
from rdflib import RDF, Namespace, URIRef

from citygraph.app import create_app
from citygraph.config import Config
from tests.helpers import LiveServer

CG = Namespace("https://w3id.org/citygraph/def#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
BASE = "https://w3id.org/citygraph/"
ROSTOCK = URIRef(BASE + "id/city/rostock")
SZCZECIN = URIRef(BASE + "id/city/szczecin")
ROSTOCK_SZCZECIN = URIRef(BASE + "id/relation/rostock-szczecin")
PARTNERSHIPS_GRAPH = BASE + "graph/partnerships"
SRX = "{http://www.w3.org/2005/sparql-results#}"

PARTNER_CITIES = f"""PREFIX cg: <{CG}>
SELECT ?city WHERE {{ <{ROSTOCK}> cg:partnerCity ?city }} ORDER BY ?city"""
PARTNER_GRAPH = f"""PREFIX cg: <{CG}>
CONSTRUCT {{ <{ROSTOCK}> cg:partnerCity ?city }} WHERE {{ <{ROSTOCK}> cg:partnerCity ?city }}"""
COUNT_PARTNERSHIPS = f"SELECT (COUNT(?r) AS ?n) WHERE {{ ?r a <{CG.Partnership}> }}"
PARTNERSHIPS = 14

JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def client(config: Config) -> Iterator[FlaskClient]:
    """The conftest ``client`` (a Flask test client of create_app(config)), but one app for
    the whole module: every new app starts its own query process (0.2-1 s each)."""
    application = create_app(config)
    yield application.test_client()
    application.extensions["citygraph"].executor.close()
TRACEBACK_MARKERS = ("Traceback", 'File "')


def sparql_json(body: bytes) -> dict[str, object]:
    doc = json.loads(body)
    assert isinstance(doc, dict)
    return doc


def rows_of(body: bytes) -> list[dict[str, dict[str, str]]]:
    doc = sparql_json(body)
    return doc["results"]["bindings"]


def assert_clean_error(body: bytes | str) -> None:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, text


def json_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The JSON error body {status, code, message} of a Flask or requests response."""
    body = response.data if hasattr(response, "data") else response.content
    assert response.status_code == status, body
    content_type = response.headers["Content-Type"]
    assert content_type.split(";")[0] == "application/json", content_type
    doc = json.loads(body)
    assert set(doc) == {"status", "code", "message"}, doc
    assert doc["status"] == status
    assert isinstance(doc["code"], str) and re.fullmatch(r"[a-z_]+", doc["code"])
    assert isinstance(doc["message"], str) and len(doc["message"]) > 10
    if code is not None:
        assert doc["code"] == code, doc
    assert_clean_error(body)
    return doc


# ------------------------------------------------------------------------------------------
# SSRF: nothing in a query makes the server contact another host
# ------------------------------------------------------------------------------------------

@dataclass
class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it receives."""

    sock: socket.socket
    port: int
    connections: list[bytes] = field(default_factory=list)
    thread: threading.Thread | None = None
    stopped: threading.Event = field(default_factory=threading.Event)

    def serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                self.connections.append(data or b"<connected>")

    def wait_for_connection(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.connections:
                return True
            time.sleep(0.02)
        return bool(self.connections)


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    spy = Listener(sock, sock.getsockname()[1])
    spy.thread = threading.Thread(target=spy.serve, daemon=True)
    spy.thread.start()
    # Positive control: the listener does see a connection when there is one.
    with socket.create_connection(("127.0.0.1", spy.port), timeout=2) as probe:
        probe.sendall(b"probe")
    assert spy.wait_for_connection(2), "the SSRF listener does not record connections"
    spy.connections.clear()
    yield spy
    spy.stopped.set()
    sock.close()
    spy.thread.join(timeout=2)


@dataclass(frozen=True)
class SsrfCase:
    query: str | None = None  # sent as GET ?query=
    params: tuple[tuple[str, str], ...] = ()
    update: str | None = None  # sent as POST application/sparql-update
    status: int = 200  # exact status, or 400 for "any 4xx"
    empty: bool = False  # 200 with zero rows
    code: str | None = None


def ssrf_cases(port: int) -> dict[str, SsrfCase]:
    target = f"http://127.0.0.1:{port}"
    any_spo = "SELECT * WHERE { ?s ?p ?o }"
    return {
        "service": SsrfCase(f"SELECT * WHERE {{ SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}",
                            status=403, code="service_forbidden"),
        "service_lowercase_silent": SsrfCase(
            f"select * where {{ service silent <{target}/sparql> {{ ?s ?p ?o }} }}",
            status=403, code="service_forbidden"),
        "service_variable": SsrfCase(
            f"SELECT * WHERE {{ VALUES ?u {{ <{target}/sparql> }} SERVICE ?u {{ ?s ?p ?o }} }}",
            status=403, code="service_forbidden"),
        # SERVICE after a prefixed name with an escaped '#' (PN_LOCAL_ESC, SPARQL 1.1 §19.8):
        # valid SPARQL in which a naive scanner takes '\#' for the start of a comment.
        "service_after_escaped_hash": SsrfCase(
            f"PREFIX ex: <http://example.org/>\n"
            f"SELECT * WHERE {{ BIND(ex:a\\# AS ?x) SERVICE <{target}/sparql> {{ ?s ?p ?o }} }}",
            status=403, code="service_forbidden"),
        # SERVICE between two apostrophes, the first inside an IRI with a no-break space
        # (allowed in IRIs): a naive scanner reads "'> AS ?a) SERVICE ... BIND('" as a string.
        "service_after_iri_with_nbsp": SsrfCase(
            f"SELECT * WHERE {{ BIND(<http://example.org/\u00a0'> AS ?a) "
            f"SERVICE <{target}/sparql> {{ ?s ?p ?o }} BIND('x' AS ?b) }}",
            status=403, code="service_forbidden"),
        "service_codepoint_escape": SsrfCase(
            f"SELECT * WHERE {{ \\u0053ERVICE <{target}/sparql> {{ ?s ?p ?o }} }}", status=400),
        "from_http": SsrfCase(f"SELECT * FROM <{target}/x> WHERE {{ ?s ?p ?o }}", empty=True),
        "from_file": SsrfCase("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
                              empty=True),
        "from_named_http": SsrfCase(
            f"SELECT * FROM NAMED <{target}/x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", empty=True),
        "load_as_query": SsrfCase(f"LOAD <{target}/x>", status=400),
        "load_as_update": SsrfCase(update=f"LOAD <{target}/x>", status=400),
        "default_graph_uri": SsrfCase(any_spo, (("default-graph-uri", f"{target}/x"),),
                                      empty=True),
        "named_graph_uri": SsrfCase("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
                                    (("named-graph-uri", f"{target}/x"),), empty=True),
        "describe_remote": SsrfCase(f"DESCRIBE <{target}/x>", status=200),
    }


SSRF_NAMES = list(ssrf_cases(1))


@pytest.mark.server
@pytest.mark.parametrize("name", SSRF_NAMES)
def test_no_request_reaches_other_hosts(live_server: LiveServer, listener: Listener,
                                        name: str) -> None:
    case = ssrf_cases(listener.port)[name]
    listener.connections.clear()
    url = live_server.sparql
    headers = {"Accept": f"{JSON_RESULTS}, text/turtle;q=0.5, application/json;q=0.1"}
    if case.update is not None:
        response = requests.post(url, data=case.update.encode(), timeout=30,
                                 headers={**headers,
                                          "Content-Type": "application/sparql-update"})
    else:
        params = [("query", case.query or ""), *case.params]
        response = requests.get(url, params=params, headers=headers, timeout=30)
    # Give a connection the server might open in the background time to arrive.
    time.sleep(0.3)
    assert listener.connections == [], \
        f"the server connected to 127.0.0.1:{listener.port}: {listener.connections[:1]}"
    assert response.status_code < 500, response.text
    assert_clean_error(response.content)
    if case.status == 400:
        assert 400 <= response.status_code < 500, response.text
    else:
        assert response.status_code == case.status, response.text[:500]
    if case.code is not None:
        assert json_error(response, case.status)["code"] == case.code
    if case.empty:
        assert rows_of(response.content) == [], \
            f"{len(rows_of(response.content))} rows from a graph that is not in the store"


# ------------------------------------------------------------------------------------------
# Updates are refused
# ------------------------------------------------------------------------------------------

INSERT = "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"
ASK_INSERTED = "ASK { <urn:x:s> <urn:x:p> <urn:x:o> }"
UPDATE_REQUESTS = {
    "direct_update_post": dict(method="POST", data=INSERT.encode(),
                               content_type="application/sparql-update"),
    "form_update_post": dict(method="POST", data={"update": INSERT}),
    "get_update": dict(method="GET", query_string={"update": INSERT}),
    "insert_as_get_query": dict(method="GET", query_string={"query": INSERT}),
    "insert_as_direct_query": dict(method="POST", data=INSERT.encode(),
                                   content_type="application/sparql-query"),
    "insert_as_form_query": dict(method="POST", data={"query": INSERT}),
    "insert_after_prefix_and_comment": dict(
        method="GET", query_string={"query": "# comment\nPREFIX x: <urn:x:>\n"
                                             "INSERT DATA { x:s x:p x:o }"}),
    "delete_where_as_query": dict(method="GET",
                                  query_string={"query": "DELETE WHERE { ?s ?p ?o }"}),
    "clear_all_as_query": dict(method="GET", query_string={"query": "CLEAR ALL"}),
}


@pytest.mark.parametrize("name", list(UPDATE_REQUESTS))
def test_updates_are_refused(client: FlaskClient, name: str) -> None:
    kwargs = dict(UPDATE_REQUESTS[name])
    method = kwargs.pop("method")
    response = client.open("/sparql", method=method,
                           headers={"Accept": "application/json"}, **kwargs)
    assert response.status_code in (403, 405), response.data
    doc = json_error(response, response.status_code)
    assert "read-only" in str(doc["message"]).lower() or "not allowed" in str(doc["message"])
    check = client.get("/sparql", query_string={"query": ASK_INSERTED},
                       headers={"Accept": JSON_RESULTS})
    assert check.status_code == 200
    assert sparql_json(check.data)["boolean"] is False


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST", "PATCH"])
@pytest.mark.parametrize("target", ["?default", f"?graph={PARTNERSHIPS_GRAPH}"])
def test_graph_store_is_read_only(client: FlaskClient, method: str, target: str) -> None:
    response = client.open("/sparql/graph" + target, method=method,
                           data=b"<urn:x:s> <urn:x:p> <urn:x:o> .", content_type="text/turtle",
                           headers={"Accept": "application/json"})
    doc = json_error(response, 405)
    assert "read-only" in str(doc["message"])
    allow = {m.strip() for m in response.headers["Allow"].split(",")}
    assert "GET" in allow and method not in allow


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_query_endpoint_refuses_other_methods(client: FlaskClient, method: str) -> None:
    response = client.open("/sparql", method=method,
                           query_string={"query": "ASK {}"},
                           headers={"Accept": "application/json"})
    json_error(response, 405)
    assert "POST" in response.headers["Allow"]


# ------------------------------------------------------------------------------------------
# A runaway query is stopped while other clients keep being served
# ------------------------------------------------------------------------------------------

# COUNT forces the whole product of two triple patterns to be walked, a regular expression
# on every pair: CPU for minutes in little memory (a product of many patterns would meet the
# memory limit of the query process first; tests/test_memory_limits.py tests that).
RUNAWAY = ('SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f '
           'FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "x{1,40}y")) }')


@pytest.mark.server
def test_runaway_query_times_out_without_blocking_others(live_server: LiveServer) -> None:
    url = live_server.sparql
    timeout = 3.0  # CITYGRAPH_QUERY_TIMEOUT of live_server
    answers: list[tuple[float, float, int, str]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def small_queries() -> None:
        try:
            with requests.Session() as session:
                while not stop.is_set():
                    started = time.monotonic()
                    query = f"# {uuid.uuid4()}\n{COUNT_PARTNERSHIPS}"  # never from the cache
                    response = session.get(url, params={"query": query}, timeout=10,
                                           headers={"Accept": JSON_RESULTS})
                    value = ""
                    if response.status_code == 200:
                        value = rows_of(response.content)[0]["n"]["value"]
                    answers.append((started, time.monotonic(), response.status_code, value))
                    time.sleep(0.1)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    worker = threading.Thread(target=small_queries, daemon=True)
    started = time.monotonic()
    worker.start()
    try:
        response = requests.post(url, data=RUNAWAY.encode(), timeout=30,
                                 headers={"Content-Type": "application/sparql-query",
                                          "Accept": "application/json"})
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        worker.join(timeout=15)
    assert not errors, errors
    assert elapsed < timeout + 1.5, f"the runaway query was answered after {elapsed:.2f} s"
    assert elapsed >= timeout - 0.2, f"stopped after {elapsed:.2f} s, before the time limit?"
    json_error(response, 503, "query_timeout")
    assert int(response.headers["Retry-After"]) > 0

    during = [a for a in answers if a[1] <= started + elapsed]
    assert len(during) >= 5, f"only {len(during)} small queries answered during the runaway"
    assert all(status == 200 and value == str(PARTNERSHIPS)
               for _, _, status, value in answers), answers
    slowest = max(end - begin for begin, end, _, _ in during)
    assert slowest < 1.5, f"a small query took {slowest:.2f} s during the runaway"

    # The stopped query process was replaced: the endpoint still answers.
    after = requests.get(url, params={"query": COUNT_PARTNERSHIPS},
                         headers={"Accept": JSON_RESULTS}, timeout=10)
    assert after.status_code == 200
    assert rows_of(after.content)[0]["n"]["value"] == str(PARTNERSHIPS)


# ------------------------------------------------------------------------------------------
# Limits and malformed requests
# ------------------------------------------------------------------------------------------

def oversized_query() -> str:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1 # " + "x" * 20_100
    assert len(query) > 20_000
    return query


@pytest.mark.parametrize("how", ["get", "form_post", "direct_post"])
def test_oversized_query_is_413(client: FlaskClient, how: str) -> None:
    query = oversized_query()
    headers = {"Accept": "application/json"}
    if how == "get":
        response = client.get("/sparql", query_string={"query": query},
                              headers=headers)
    elif how == "form_post":
        response = client.post("/sparql", data={"query": query},
                               headers=headers)
    else:
        response = client.post("/sparql", data=query.encode(),
                               content_type="application/sparql-query", headers=headers)
    doc = json_error(response, 413, "query_too_large")
    assert "20000" in str(doc["message"])


def test_too_many_triple_patterns_is_400(client: FlaskClient) -> None:
    patterns = " ".join(f"?s <urn:p:{i}> ?o{i} ." for i in range(130))
    query = f"SELECT * WHERE {{ {patterns} }}"
    assert len(query) < 20_000
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/json"})
    doc = json_error(response, 400, "query_too_complex")
    assert "120" in str(doc["message"])


def test_function_arguments_and_numbers_are_no_triple_patterns(client: FlaskClient) -> None:
    # 200 arguments and 200 decimals: one triple pattern, not hundreds of separators.
    args = ", ".join(f"STR({i}.5)" for i in range(200))
    query = f"SELECT ?x WHERE {{ BIND(CONCAT({args}) AS ?x) }}"
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": JSON_RESULTS})
    assert response.status_code == 200, response.data[:300]
    value = response.get_json()["results"]["bindings"][0]["x"]["value"]
    assert value.startswith("0.51.52.5")


def test_patterns_inside_filter_exists_still_count(client: FlaskClient) -> None:
    patterns = " . ".join(f"?s <urn:p:{i}> ?o{i}" for i in range(130))
    query = f"SELECT * WHERE {{ ?s ?p ?o FILTER(EXISTS {{ {patterns} }}) }}"
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/json"})
    json_error(response, 400, "query_too_complex")


def test_a_query_within_the_pattern_limit_runs(client: FlaskClient) -> None:
    patterns = " ".join(f"OPTIONAL {{ ?s <urn:p:{i}> ?o{i} }}" for i in range(20))
    query = f"SELECT * WHERE {{ BIND(1 AS ?s) {patterns} }}"
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": JSON_RESULTS})
    assert response.status_code == 200
    assert len(rows_of(response.data)) == 1


def test_syntax_error_reports_line_and_column(client: FlaskClient) -> None:
    query = ("PREFIX ex: <http://example.org/>\n"
             "SELECT * WHERE {\n"
             "  ?s ?p ?o .\n"
             "  FILTER(?o = )\n"
             "}")
    response = client.post("/sparql", data=query.encode(),
                           content_type="application/sparql-query",
                           headers={"Accept": "application/json"})
    doc = json_error(response, 400, "syntax_error")
    match = re.search(r"\b(\d+):(\d+)\b", str(doc["message"]))
    assert match, f"no line:column in {doc['message']!r}"
    # Oxigraph reports where its parser gave up: the error's line or the one after it.
    assert int(match.group(1)) in (4, 5), doc["message"]
    assert int(match.group(2)) >= 1


def test_form_post_without_query_is_400(client: FlaskClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": PARTNERSHIPS_GRAPH},
                           headers={"Accept": "application/json"})
    json_error(response, 400, "missing_query")
    empty = client.post("/sparql", data=b"", content_type="application/x-www-form-urlencoded",
                        headers={"Accept": "application/json"})
    json_error(empty, 400, "missing_query")


@pytest.mark.parametrize("how", ["get", "form_post", "get_and_form"])
def test_two_query_parameters_are_400(client: FlaskClient, how: str) -> None:
    headers = {"Accept": "application/json"}
    two = "query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D"
    if how == "get":
        response = client.get("/sparql?" + two, headers=headers)
    elif how == "form_post":
        response = client.post("/sparql", data=two,
                               content_type="application/x-www-form-urlencoded", headers=headers)
    else:
        response = client.post("/sparql?query=ASK%20%7B%7D", data="query=ASK%20%7B%7D",
                               content_type="application/x-www-form-urlencoded", headers=headers)
    json_error(response, 400)


@pytest.mark.parametrize("content_type, body", [
    ("application/sparql-query", 'SELECT * WHERE { ?s ?p "caf\u00e9" }'.encode("latin-1")),
    ("application/sparql-query; charset=ISO-8859-1", b"ASK {}"),
    ("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16")),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22\xe9%22%20%7D"),
], ids=["latin1_body", "latin1_charset", "utf16", "form_latin1"])
def test_non_utf8_body_is_400(client: FlaskClient, content_type: str, body: bytes) -> None:
    response = client.post("/sparql", data=body, content_type=content_type,
                           headers={"Accept": "application/json"})
    json_error(response, 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/json",
                                          "multipart/form-data; boundary=x", None])
def test_unknown_content_type_is_415(client: FlaskClient, content_type: str | None) -> None:
    kwargs = {"content_type": content_type} if content_type else {}
    response = client.post("/sparql", data=b"ASK {}",
                           headers={"Accept": "application/json"}, **kwargs)
    doc = json_error(response, 415, "unsupported_media_type")
    assert "application/sparql-query" in str(doc["message"])


ODD_ACCEPTS = ["", "*/*", "garbage", "text/turtle;q=0",
               "application/sparql-results+json;q=0.1, text/csv", "text/*", "*/*;q=0",
               "application/sparql-results+json;q=abc", ";;;,,,", "a/b/c, */*;q=0.2"]


def check_body(mime: str, body: bytes, kind: str) -> None:
    """The body parses in the media type it claims and holds the expected answer."""
    if kind == "select":
        if mime == JSON_RESULTS:
            assert len(rows_of(body)) == PARTNERSHIPS
        elif mime == "application/sparql-results+xml":
            root = ET.fromstring(body)
            assert len(root.findall(f"{SRX}results/{SRX}result")) == PARTNERSHIPS
        elif mime == "text/csv":
            assert len(list(csv.reader(io.StringIO(body.decode())))) == PARTNERSHIPS + 1
        elif mime == "text/tab-separated-values":
            assert len(body.decode().strip().split("\n")) == PARTNERSHIPS + 1
        else:
            raise AssertionError(f"SELECT answered as {mime}")
        return
    graph = parse_rdf(mime, body)
    assert (ROSTOCK, CG.partnerCity, SZCZECIN) in graph
    assert len(graph) == PARTNERSHIPS


@pytest.mark.parametrize("kind, query", [("select", PARTNER_CITIES), ("graph", PARTNER_GRAPH)])
@pytest.mark.parametrize("accept", ODD_ACCEPTS)
def test_odd_accept_headers_never_fail(client: FlaskClient, accept: str, kind: str,
                                       query: str) -> None:
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": accept})
    assert response.status_code in (200, 406), (response.status_code, response.data[:300])
    assert_clean_error(response.data)
    if response.status_code == 200:
        check_body(response.mimetype, response.data, kind)
    if accept in ("", "*/*", "text/*") or accept.startswith("a/b/c"):
        assert response.status_code == 200, f"{accept!r} accepts a format of this endpoint"
    if accept == "application/sparql-results+json;q=0.1, text/csv" and kind == "select":
        assert response.mimetype == "text/csv"


def test_unacceptable_type_is_406_listing_available_types(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": PARTNER_CITIES},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406
    text = response.data.decode()
    for mime in (JSON_RESULTS, "application/sparql-results+xml", "text/csv",
                 "text/tab-separated-values"):
        assert mime in text, text
    assert_clean_error(text)


@pytest.mark.parametrize("param", ["format", "_mediatype"])
def test_format_parameter_overrides_accept(client: FlaskClient, param: str) -> None:
    response = client.get("/sparql", query_string={"query": PARTNER_CITIES, param: "csv"},
                          headers={"Accept": JSON_RESULTS})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    check_body("text/csv", response.data, "select")


# ------------------------------------------------------------------------------------------
# The error shape
# ------------------------------------------------------------------------------------------

ERRORS = {
    "syntax": (400, dict(method="GET", query_string={"query": "SELECT * WHERE {"})),
    "missing_form_query": (400, dict(method="POST", data={"x": "1"})),
    "update": (403, dict(method="GET", query_string={"query": INSERT})),
    "service": (403, dict(method="GET", query_string={
        "query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})),
    "method": (405, dict(method="PUT", query_string={"query": "ASK {}"})),
    "not_acceptable": (406, dict(method="GET", query_string={"query": "ASK {}", "format": "png"})),
    "too_large": (413, dict(method="POST", data=("ASK {} #" + "x" * 20_001).encode(),
                            content_type="application/sparql-query")),
    "media_type": (415, dict(method="POST", data=b"ASK {}", content_type="text/plain")),
    "unknown_graph": (404, dict(method="GET", path="/sparql/graph",
                                query_string={"graph": "http://example.org/nope"})),
    "no_graph_named": (400, dict(method="GET", path="/sparql/graph")),
    "unknown_path": (404, dict(method="GET", path="/sparql/nope")),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_are_json_with_status_code_message(client: FlaskClient, name: str) -> None:
    status, kwargs = ERRORS[name]
    kwargs = dict(kwargs)
    path = kwargs.pop("path", "/sparql")
    method = kwargs.pop("method")
    response = client.open(path, method=method,
                           headers={"Accept": "application/json"}, **kwargs)
    json_error(response, status)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    for accept in ("text/plain", "text/html", "*/*", ""):
        other = client.open(path, method=method, headers={"Accept": accept},
                            **kwargs)
        # Same error, or a 406 when the Accept header fits no format of this resource.
        assert other.status_code in (status, 406), (accept, other.status_code)
        if accept in ("*/*", ""):
            assert other.status_code == status, (accept, other.status_code)
        assert_clean_error(other.data)
        assert len(other.data) > 10


# ------------------------------------------------------------------------------------------
# Content negotiation
# ------------------------------------------------------------------------------------------

TEXTUAL = {JSON_RESULTS, "application/sparql-results+xml", "text/csv",
           "text/tab-separated-values", "text/turtle", "application/ld+json",
           "application/rdf+xml"}
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/n-triples": "nt",
                  "application/ld+json": "json-ld", "application/rdf+xml": "xml",
                  "application/n-quads": "nquads", "application/trig": "trig"}


def parse_rdf(mime: str, body: bytes) -> rdflib.Graph:
    fmt = RDFLIB_FORMATS[mime]
    if fmt in ("nquads", "trig"):
        dataset = rdflib.Dataset()
        dataset.parse(data=body, format=fmt)
        graph = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return rdflib.Graph().parse(data=body, format=fmt)


def check_headers(response: Any, mime: str) -> None:
    headers = response.headers
    assert "Accept" in [v.strip() for v in headers["Vary"].split(",")], headers["Vary"]
    content_type = headers["Content-Type"]
    assert content_type.split(";")[0] == mime
    charset = re.search(r"charset=([\w-]+)", content_type)
    if mime in TEXTUAL:
        assert charset and charset.group(1).lower() == "utf-8", content_type
    else:  # N-Triples, N-Quads, TriG are UTF-8 by definition and define no charset
        assert charset is None or charset.group(1).lower() == "utf-8", content_type


@pytest.mark.parametrize("via", ["accept", "format"])
@pytest.mark.parametrize("mime, name", [
    (JSON_RESULTS, "json"), ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"), ("text/tab-separated-values", "tsv")])
def test_select_formats(client: FlaskClient, mime: str, name: str, via: str) -> None:
    args = {"query": PARTNER_CITIES}
    headers = {"Accept": mime}
    if via == "format":
        args["format"] = name
        headers = {"Accept": "*/*"}
    response = client.get("/sparql", query_string=args, headers=headers)
    assert response.status_code == 200
    check_headers(response, mime)
    body = response.data
    if name == "json":
        doc = sparql_json(body)
        assert doc["head"] == {"vars": ["city"]}
        cities = [b["city"] for b in rows_of(body)]
        assert {"type": "uri", "value": str(SZCZECIN)} in cities
        assert len(cities) == PARTNERSHIPS
    elif name == "xml":
        root = ET.fromstring(body)
        assert root.tag == SRX + "sparql"
        assert [v.attrib["name"] for v in root.iter(SRX + "variable")] == ["city"]
        uris = [u.text for u in root.iter(SRX + "uri")]
        assert str(SZCZECIN) in uris and len(uris) == PARTNERSHIPS
    elif name == "csv":
        assert b"\r\n" in body  # RFC 4180 line ends
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0] == ["city"]
        assert [str(SZCZECIN)] in rows and len(rows) == PARTNERSHIPS + 1
    else:
        lines = body.decode("utf-8").rstrip("\n").split("\n")
        assert lines[0] == "?city"
        assert f"<{SZCZECIN}>" in lines and len(lines) == PARTNERSHIPS + 1


@pytest.mark.parametrize("via", ["accept", "format"])
@pytest.mark.parametrize("mime, name", [
    ("text/turtle", "turtle"), ("application/n-triples", "ntriples"),
    ("application/ld+json", "jsonld"), ("application/rdf+xml", "rdfxml"),
    ("application/n-quads", "nquads"), ("application/trig", "trig")])
def test_construct_formats(client: FlaskClient, mime: str, name: str, via: str) -> None:
    args = {"query": PARTNER_GRAPH}
    headers = {"Accept": mime}
    if via == "format":
        args["format"] = name
        headers = {"Accept": "*/*"}
    response = client.get("/sparql", query_string=args, headers=headers)
    assert response.status_code == 200, response.data[:300]
    check_headers(response, mime)
    graph = parse_rdf(mime, response.data)
    assert (ROSTOCK, CG.partnerCity, SZCZECIN) in graph
    assert len(graph) == PARTNERSHIPS
    assert set(graph.subjects()) == {ROSTOCK}


def test_ask_formats(client: FlaskClient) -> None:
    for value, query in ((True, f"ASK {{ <{ROSTOCK}> <{CG.partnerCity}> <{SZCZECIN}> }}"),
                         (False, f"ASK {{ <{SZCZECIN}> a <{CG.Partnership}> }}")):
        as_json = client.get("/sparql", query_string={"query": query},
                             headers={"Accept": JSON_RESULTS})
        check_headers(as_json, JSON_RESULTS)
        assert sparql_json(as_json.data)["boolean"] is value
        as_xml = client.get("/sparql", query_string={"query": query},
                            headers={"Accept": "application/sparql-results+xml"})
        check_headers(as_xml, "application/sparql-results+xml")
        node = ET.fromstring(as_xml.data).find(SRX + "boolean")
        assert node is not None and node.text == ("true" if value else "false")


# ------------------------------------------------------------------------------------------
# HTTP caching, CORS, operations endpoints
# ------------------------------------------------------------------------------------------

def test_etag_last_modified_and_304(client: FlaskClient) -> None:
    args = {"query": PARTNER_CITIES}
    first = client.get("/sparql", query_string=args,
                       headers={"Accept": JSON_RESULTS})
    assert first.status_code == 200
    etag = first.headers["ETag"]
    last_modified = first.headers["Last-Modified"]
    assert etag and last_modified
    assert "max-age" in first.headers["Cache-Control"]

    again = client.get("/sparql", query_string=args,
                       headers={"Accept": JSON_RESULTS, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag

    since = client.get("/sparql", query_string=args,
                       headers={"Accept": JSON_RESULTS, "If-Modified-Since": last_modified})
    assert since.status_code == 304

    # Another representation (Vary: Accept) has another entity tag: no 304 for it.
    as_csv = client.get("/sparql", query_string=args,
                        headers={"Accept": "text/csv", "If-None-Match": etag})
    assert as_csv.status_code == 200
    assert as_csv.headers["ETag"] != etag
    stale = client.get("/sparql", query_string=args,
                       headers={"Accept": JSON_RESULTS, "If-None-Match": '"something-else"'})
    assert stale.status_code == 200
    assert stale.data == first.data


def test_cors_headers(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "ASK {}"},
                          headers={"Origin": "https://example.org", "Accept": JSON_RESULTS})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    exposed = response.headers.get("Access-Control-Expose-Headers", "")
    assert "ETag" in exposed


def test_cors_preflight(client: FlaskClient) -> None:
    response = client.options("/sparql", headers={
        "Origin": "https://example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert response.status_code == 204
    assert response.data == b""
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST"} <= methods
    assert "PUT" not in methods and "DELETE" not in methods
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["status"] == "ok"
    assert isinstance(doc["triples"], int) and doc["triples"] > 1000
    assert doc["build"]


def _metric_samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        assert match, f"not a Prometheus sample line: {line!r}"
        labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        samples.append((match.group(1), labels, float(match.group(3))))
    return samples


def test_metrics(client: FlaskClient) -> None:
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert "# TYPE citygraph_requests_total counter" in text
    assert "# TYPE citygraph_request_duration_seconds histogram" in text
    samples = _metric_samples(text)
    requests_total = [s for s in samples if s[0] == "citygraph_requests_total"]
    assert any(labels.get("endpoint") == "/sparql" and labels.get("status") == "200"
               and value >= 1 for _, labels, value in requests_total), requests_total
    buckets = [s for s in samples if s[0] == "citygraph_request_duration_seconds_bucket"]
    counts = {tuple(sorted(lbl.items())): v for n, lbl, v in samples
              if n == "citygraph_request_duration_seconds_count"}
    assert counts
    assert any(n == "citygraph_request_duration_seconds_sum" for n, _, _ in samples)
    for labels, count in counts.items():
        series = [(lbl["le"], v) for _, lbl, v in buckets
                  if tuple(sorted((k, x) for k, x in lbl.items() if k != "le")) == labels]
        assert series and series[-1] == ("+Inf", count), (labels, series)
        values = [v for _, v in series]
        assert values == sorted(values), f"buckets must be cumulative: {series}"


def test_metrics_families_are_grouped(client: FlaskClient) -> None:
    """Prometheus text format: all lines of one metric family form one group, HELP and TYPE
    first (https://prometheus.io/docs/instrumenting/exposition_formats/#grouping-and-sorting)."""
    client.get("/sparql", query_string={"query": "SELECT * WHERE {"})  # a rejected query
    client.get("/sparql", query_string={"query": "ASK {}"})
    text = client.get("/metrics").data.decode()
    families: list[str] = []
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            name = line.split()[2]
        elif line and not line.startswith("#"):
            name = re.sub(r"_(bucket|sum|count)$", "", line.split("{")[0].split(" ")[0])
        else:
            continue
        if not families or families[-1] != name:
            families.append(name)
    repeated = sorted({f for f in families if families.count(f) > 1})
    assert not repeated, f"metric families split into several groups: {repeated}\n{text[:1500]}"


# ------------------------------------------------------------------------------------------
# Graph Store Protocol (read-only)
# ------------------------------------------------------------------------------------------

def described_graphs(client: FlaskClient) -> dict[str, int]:
    """Named graphs of the service description with their void:triples."""
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    sd = rdflib.Graph().parse(data=response.data, format="turtle")
    graphs = {}
    for named in sd.subjects(RDF.type, SD.NamedGraph):
        name = sd.value(named, SD.name)
        triples = sd.value(sd.value(named, SD.graph), VOID.triples)
        graphs[str(name)] = int(triples)
    return graphs


def test_graph_store_get_named_graph(client: FlaskClient) -> None:
    graphs = described_graphs(client)
    assert PARTNERSHIPS_GRAPH in graphs, sorted(graphs)
    response = client.get("/sparql/graph", query_string={"graph": PARTNERSHIPS_GRAPH},
                          headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    assert len(graph) == graphs[PARTNERSHIPS_GRAPH]
    assert (ROSTOCK_SZCZECIN, RDF.type, CG.Partnership) in graph
    assert (ROSTOCK_SZCZECIN, CG.partner, SZCZECIN) in graph
    # Only this graph: the cities' own descriptions live in another graph.
    assert (SZCZECIN, RDF.type, CG.City) not in graph


def test_graph_store_head(client: FlaskClient) -> None:
    args = {"graph": PARTNERSHIPS_GRAPH}
    get = client.get("/sparql/graph", query_string=args,
                     headers={"Accept": "text/turtle"})
    head = client.head("/sparql/graph", query_string=args,
                       headers={"Accept": "text/turtle"})
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["ETag"] == get.headers["ETag"]
    missing = client.head("/sparql/graph", query_string={"graph": "http://example.org/nope"})
    assert missing.status_code == 404


def test_graph_store_unknown_graph_is_404(client: FlaskClient) -> None:
    response = client.get("/sparql/graph",
                          query_string={"graph": BASE + "graph/does-not-exist"},
                          headers={"Accept": "application/json"})
    doc = json_error(response, 404, "not_found")
    assert "does-not-exist" in str(doc["message"])


def test_graph_store_default_graph(client: FlaskClient) -> None:
    response = client.get("/sparql/graph?default",
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.mimetype == "application/n-triples"
    graph = rdflib.Graph().parse(data=response.data, format="nt")
    # The default graph is the union of the named graphs (sd:UnionDefaultGraph).
    assert (ROSTOCK_SZCZECIN, RDF.type, CG.Partnership) in graph
    assert (SZCZECIN, RDF.type, CG.City) in graph
    assert (CG.Partnership, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graph


@pytest.mark.parametrize("query_string", ["", f"default&graph={PARTNERSHIPS_GRAPH}"])
def test_graph_store_needs_exactly_one_graph(client: FlaskClient, query_string: str) -> None:
    response = client.get("/sparql/graph?" + query_string,
                          headers={"Accept": "application/json"})
    json_error(response, 400)
