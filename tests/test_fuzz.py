"""Property tests (hypothesis) over the HTTP protocol: whatever a client sends, the answer is
never a 5xx (except 503 query_timeout), never shows a traceback, and comes within the query
timeout + 2 s.

The number of generated cases is shared out among the property tests below and is set with
``CITYGRAPH_FUZZ_CASES`` (default 300, so the suite stays fast). For a long run::

    CITYGRAPH_FUZZ_CASES=10000 pytest tests/test_fuzz.py

Most cases go through the Flask test client of one app (query timeout 2 s); the cases that need
real HTTP (raw request lines with NUL bytes and backslashes, bodies gunicorn has to read) go to
the session's live server (gunicorn, query timeout 3 s). No example database is written.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
import requests
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citygraph.app import create_app
from citygraph.config import Config
from citygraph.sparql.guard import MAX_NESTING
from tests.helpers import ROOT, LiveServer

TOTAL_CASES = max(int(os.environ.get("CITYGRAPH_FUZZ_CASES", "300")), 20)
CLIENT_TIMEOUT = 2.0  # query timeout of the fuzzed app
SERVER_TIMEOUT = 3.0  # query timeout of conftest's live_server
SLACK = 2.0
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "Exception:")
JSON_RESULTS = "application/sparql-results+json"
ANY_RESULTS = f"{JSON_RESULTS}, text/turtle;q=0.9"  # fits every query form

# Share of TOTAL_CASES per property test (the shares add up to 1).
SHARES = {
    "generated": 0.22, "mutated": 0.18, "text": 0.08, "bodies": 0.08, "accept": 0.07,
    "dataset": 0.04, "paths": 0.10, "routes": 0.15, "live_raw": 0.05, "live_queries": 0.03,
}


def fuzz_settings(name: str) -> Any:
    return settings(max_examples=max(1, round(TOTAL_CASES * SHARES[name])), deadline=None,
                    database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzz_client(config: Config) -> Iterator[FlaskClient]:
    """One app for the module (each app starts a query process), with a 2 s query timeout so
    a runaway generated query costs little."""
    application = create_app(config.replace(query_timeout=CLIENT_TIMEOUT))
    yield application.test_client()
    application.extensions["citygraph"].executor.close()


# ------------------------------------------------------------------------------------------
# The property every answer must have
# ------------------------------------------------------------------------------------------

def check_answer(status: int, body: bytes, elapsed: float, timeout: float,
                 what: object) -> None:
    text = body.decode("utf-8", "replace")
    if status >= 500:
        # 503 query_timeout / query_memory_limit are deliberate limits; anything else is a
        # failure of the server.
        assert status == 503 and ("query_timeout" in text or "query_memory_limit" in text), \
            f"{status} for {what!r}: {text[:500]}"
    for marker in TRACEBACK_MARKERS:
        assert marker not in text, f"traceback-like text for {what!r}: {text[:2000]}"
    assert elapsed <= timeout + SLACK, f"{elapsed:.2f} s for {what!r}"


def call(client: FlaskClient, method: str, path: str, **kwargs: Any) -> tuple[Any, float]:
    started = time.monotonic()
    response = client.open(path, method=method, **kwargs)
    elapsed = time.monotonic() - started
    if method == "HEAD" and response.status_code >= 500:
        # A HEAD answer has no body to name its error: the same request as GET names it.
        return call(client, "GET", path, **kwargs)
    check_answer(response.status_code, response.get_data(), elapsed, CLIENT_TIMEOUT,
                 (method, path, kwargs))
    return response, elapsed


# ------------------------------------------------------------------------------------------
# Generators: grammar-ish SPARQL
# ------------------------------------------------------------------------------------------

PREFIXES = {
    "cg": "https://w3id.org/citygraph/def#", "schema": "https://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "owl": "http://www.w3.org/2002/07/owl#",
    "dct": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#",
    "": "https://w3id.org/citygraph/id/", "ex": "http://example.org/ünï/",
}
UNICODE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\n\r'),
    max_size=12)

variables = st.sampled_from(["?s", "?p", "?o", "?x", "$y", "?city", "?ü", "?_1"])
iris = st.one_of(
    st.sampled_from(["<https://w3id.org/citygraph/id/city/rostock>", "<urn:x>", "<>",
                     "<http://127.0.0.1:9/x>", "<file:///etc/passwd>", "<rel>",
                     "<http://example.org/\u00e9t\u00e9>", "<http://example.org/\\u0041>"]),
    st.builds(lambda p, local: f"{p}:{local}", st.sampled_from(sorted(PREFIXES)),
              st.sampled_from(["partner", "Partnership", "label", "a\\#b", "x.y", "", "startDate",
                               "containedInPlace", "\u00fcber", "1x", "name"])))
literals = st.one_of(
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "false", "1e308", "-0.0", ".5", "1E-400"]),
    st.builds(lambda s, tail: f'"{s}"{tail}', UNICODE_TEXT,
              st.sampled_from(["", "@de", "@en-GB", "^^xsd:integer", "^^xsd:date",
                               "^^<urn:type>", "@x-\u00e4"])),
    st.builds(lambda s: f"'''{s}'''", UNICODE_TEXT),
    st.builds(lambda cps: '"' + "".join(f"\\u{c:04X}" for c in cps) + '"',
              st.lists(st.integers(0x20, 0xD7FF), max_size=4)),
)
terms = st.one_of(variables, iris, literals, st.just("[]"), st.just("_:b"))
predicates = st.one_of(
    variables, iris, st.just("a"),
    st.builds(lambda a, op, b: f"({a}{op}{b})", iris, st.sampled_from(["/", "|"]), iris),
    st.builds(lambda a, m: f"{a}{m}", iris, st.sampled_from(["*", "+", "?", ""])),
    st.builds(lambda a: f"^{a}", iris), st.builds(lambda a: f"!{a}", iris))
triple = st.builds(lambda s, p, o: f"{s} {p} {o}", st.one_of(variables, iris), predicates, terms)


def expressions(depth: int = 2) -> st.SearchStrategy[str]:
    base = st.one_of(variables, literals, iris)
    if depth == 0:
        return base
    sub = expressions(depth - 1)
    return st.one_of(
        base,
        st.builds(lambda a, op, b: f"({a} {op} {b})", sub,
                  st.sampled_from(["=", "!=", "<", ">=", "&&", "||", "+", "*", "/", "-"]), sub),
        st.builds(lambda f, a: f"{f}({a})", st.sampled_from(
            ["STR", "LANG", "BOUND", "isIRI", "STRLEN", "UCASE", "ABS", "YEAR", "DATATYPE",
             "ENCODE_FOR_URI", "SHA256", "xsd:integer", "IRI", "BNODE"]), sub),
        st.builds(lambda a, b: f"REGEX({a}, {b}, \"i\")", sub, literals),
        st.builds(lambda a, b: f"langMatches(LANG({a}), {b})", sub, literals),
        st.builds(lambda a: f"!{a}", sub),
        st.builds(lambda g: f"EXISTS {{ {g} }}", triple),
    )


@st.composite
def group(draw: st.DrawFn, depth: int = 0) -> str:
    parts = draw(st.lists(triple, min_size=0, max_size=3))
    body = " . ".join(parts)
    extras = draw(st.lists(st.sampled_from(["filter", "optional", "union", "bind", "values",
                                            "nested", "minus", "graph"]), max_size=2))
    for extra in extras:
        if extra == "filter":
            body += f" FILTER({draw(expressions())})"
        elif extra == "bind":
            body += f" BIND({draw(expressions(1))} AS ?b{draw(st.integers(0, 3))})"
        elif extra == "values":
            body += f" VALUES ?v {{ {' '.join(draw(st.lists(terms, max_size=3)))} }}"
        elif depth < 3:
            inner = draw(group(depth + 1))
            body += {"optional": f" OPTIONAL {{ {inner} }}",
                     "union": f" {{ {inner} }} UNION {{ {draw(group(depth + 1))} }}",
                     "nested": f" {{ {inner} }}", "minus": f" MINUS {{ {inner} }}",
                     "graph": f" GRAPH {draw(st.one_of(variables, iris))} {{ {inner} }}"}[extra]
    return body


@st.composite
def sparql_queries(draw: st.DrawFn) -> str:
    prologue = "".join(f"PREFIX {name}: <{PREFIXES[name]}>\n"
                       for name in draw(st.lists(st.sampled_from(sorted(PREFIXES)),
                                                 unique=True, max_size=4)))
    if draw(st.booleans()):
        prologue = "BASE <https://w3id.org/citygraph/>\n" + prologue
    where = draw(group())
    form = draw(st.sampled_from(["select", "select", "ask", "construct", "describe"]))
    if form == "select":
        projection = draw(st.sampled_from(["*", "?s ?o", "DISTINCT ?s", "(COUNT(*) AS ?n)",
                                           "REDUCED ?x", "?s (STR(?o) AS ?label)"]))
        head = f"SELECT {projection}"
    elif form == "ask":
        head = "ASK"
    elif form == "construct":
        head = f"CONSTRUCT {{ {draw(triple)} }}"
    else:
        head = f"DESCRIBE {draw(st.one_of(iris, variables))}"
    dataset = draw(st.sampled_from(["", "FROM <urn:g> ", "FROM NAMED <http://127.0.0.1:9/g> ",
                                    "FROM <https://w3id.org/citygraph/graph/partnerships> "]))
    modifiers = draw(st.sampled_from(["", " ORDER BY ?s", " GROUP BY ?s", " OFFSET 3",
                                      " ORDER BY DESC(?o)"]))
    limit = draw(st.sampled_from([" LIMIT 20", " LIMIT 0", " LIMIT 5 OFFSET 2", " LIMIT 100"]))
    if form == "ask":
        modifiers = limit = ""
    return f"{prologue}{head} {dataset}WHERE {{ {where} }}{modifiers}{limit}"


SNIPPETS = ["{", "}", "(", ")", "[", "]", ".", ";", ",", "\"", "'", "<", ">", "#", "\\", "?",
            "$", "SELECT", "SERVICE", "LOAD <x>", "INSERT", "FILTER(", "UNION", "GRAPH",
            "\\u0053", "\\U0001F600", "\u00a0", "\U0001F600", "\x00", "\n", "\ufeff", "\u202e",
            "%00", "PREFIX : <urn:>", "\"\"\"", "'''", "^^", "@", "*", "||", "a", "_:b",
            "{" * 50, "(" * 300, "]" * 30]
COMPETENCY = [p.read_text(encoding="utf-8")
              for p in sorted((ROOT / "src" / "citygraph" / "queries").glob("*.rq"))]


@st.composite
def mutated_queries(draw: st.DrawFn) -> str:
    query = draw(st.one_of(st.sampled_from(COMPETENCY), sparql_queries()))
    for _ in range(draw(st.integers(1, 5))):
        if not query:
            query = draw(st.sampled_from(SNIPPETS))
            continue
        pos = draw(st.integers(0, len(query)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate", "truncate",
                                     "swapcase"]))
        if kind == "insert":
            query = query[:pos] + draw(st.one_of(st.sampled_from(SNIPPETS), UNICODE_TEXT)) \
                + query[pos:]
        elif kind == "delete":
            query = query[:pos] + query[pos + draw(st.integers(1, 20)):]
        elif kind == "replace":
            query = query[:pos] + draw(st.sampled_from(SNIPPETS)) + query[pos + 1:]
        elif kind == "duplicate":
            end = min(len(query), pos + draw(st.integers(1, 200)))
            query = query[:end] + query[pos:end] * draw(st.integers(1, 20)) + query[end:]
        elif kind == "truncate":
            query = query[:pos]
        else:
            query = query[:pos] + query[pos:].swapcase()
    return query


ACCEPT_PARTS = ["application/sparql-results+json", "application/sparql-results+xml",
                "text/csv", "text/tab-separated-values", "text/turtle", "application/ld+json",
                "application/n-triples", "application/rdf+xml", "text/html", "application/json",
                "*/*", "text/*", "application/*", "image/png", "*", "/", ";", "", "*/json",
                "text/html;level=1", "application/sparql-results+json;charset=latin1"]
accept_headers = st.one_of(
    st.lists(st.builds(lambda m, q: m + q, st.sampled_from(ACCEPT_PARTS),
                       st.sampled_from(["", ";q=0", ";q=1", ";q=0.5", ";q=abc", ";q=-1",
                                        ";q=1e9", ";q=", ";;", ";x=\"y,z\""])),
             max_size=6).map(", ".join),
    # requests refuses to send a header value that starts with a space (RFC 9110 §5.5)
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E),
            max_size=80).map(str.lstrip),
)


# ------------------------------------------------------------------------------------------
# SPARQL through the Flask client
# ------------------------------------------------------------------------------------------

def send_query(client: FlaskClient, query: str, how: str, accept: str = JSON_RESULTS) -> Any:
    headers = {"Accept": accept}
    if how == "get":
        return call(client, "GET", "/sparql", query_string={"query": query}, headers=headers)[0]
    if how == "form":
        return call(client, "POST", "/sparql", data={"query": query}, headers=headers)[0]
    return call(client, "POST", "/sparql", data=query.encode("utf-8", "surrogatepass"),
                content_type="application/sparql-query", headers=headers)[0]


HOWS = st.sampled_from(["get", "form", "direct"])


@fuzz_settings("generated")
@given(query=sparql_queries(), how=HOWS)
def test_generated_queries(fuzz_client: FlaskClient, query: str, how: str) -> None:
    response = send_query(fuzz_client, query, how, ANY_RESULTS)
    assert response.status_code in (200, 400, 403, 503), response.get_data(as_text=True)[:300]
    if response.status_code == 403:  # only SERVICE or an update is refused
        assert b"forbidden" in response.get_data()


@fuzz_settings("mutated")
@given(query=mutated_queries(), how=HOWS)
def test_mutated_queries(fuzz_client: FlaskClient, query: str, how: str) -> None:
    send_query(fuzz_client, query, how)


@fuzz_settings("text")
@given(query=st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(SNIPPETS), max_size=60).map(" ".join),
    st.lists(st.integers(0, 0x10FFFF), max_size=20).map(
        lambda cps: "SELECT * WHERE { ?s ?p \"" + "".join(f"\\U{c:08X}" for c in cps)
        + "\" } LIMIT 1")))
def test_random_text_and_escapes(fuzz_client: FlaskClient, query: str) -> None:
    # surrogates cannot travel in a URL; they go in a raw body (invalid UTF-8 there)
    send_query(fuzz_client, query, "direct")
    if not re.search(r"[\ud800-\udfff]", query):
        send_query(fuzz_client, query, "get")


CONTENT_TYPES = ["application/sparql-query", "application/x-www-form-urlencoded",
                 "application/sparql-query; charset=utf-16", "application/sparql-update",
                 "application/x-www-form-urlencoded; charset=latin1", "text/plain", "",
                 "multipart/form-data; boundary=x", "application/sparql-query;charset=",
                 "application/x-www-form-urlencoded;;charset=\"utf-8\""]


@fuzz_settings("bodies")
@given(body=st.one_of(
    st.binary(max_size=400),
    st.builds(lambda a, b: a + b, st.just(b"query=SELECT%20*%20WHERE%20%7B%7D&"),
              st.binary(max_size=50)),
    st.builds(lambda b: b"SELECT * WHERE { ?s ?p \"" + b + b"\" } LIMIT 1",
              st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                               b"\xc0\xaf", b"\x00", b"%ff", b"\xe2\x82"]))),
    content_type=st.sampled_from(CONTENT_TYPES), path=st.sampled_from(["/sparql", "/sparql/"]))
def test_request_bodies(fuzz_client: FlaskClient, body: bytes, content_type: str,
                        path: str) -> None:
    response, _ = call(fuzz_client, "POST", path, data=body, content_type=content_type or None,
                       headers={"Accept": JSON_RESULTS})
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        if content_type.startswith(("application/sparql-query", "application/x-www-form")):
            assert response.status_code == 400, response.get_data(as_text=True)[:300]


@fuzz_settings("accept")
@given(accept=accept_headers, form=st.sampled_from(["select", "construct", "ask", "none"]),
       fmt=st.sampled_from([None, "json", "csv", "xml", "turtle", "bogus", "", "text/html"]))
def test_odd_accept_headers(fuzz_client: FlaskClient, accept: str, form: str,
                            fmt: str | None) -> None:
    query = {"select": "SELECT ?s WHERE { ?s a <https://w3id.org/citygraph/def#City> } LIMIT 3",
             "construct": "CONSTRUCT WHERE { ?s a <https://w3id.org/citygraph/def#City> } "
                          "LIMIT 3",
             "ask": "ASK { ?s ?p ?o }", "none": None}[form]
    params = {k: v for k, v in {"query": query, "format": fmt}.items() if v is not None}
    response, _ = call(fuzz_client, "GET", "/sparql", query_string=params,
                       headers={"Accept": accept})
    assert response.status_code in (200, 304, 400, 406), response.get_data(as_text=True)[:300]


@fuzz_settings("dataset")
@given(defaults=st.integers(0, 1000), named=st.integers(0, 1000),
       graph=st.sampled_from(["https://w3id.org/citygraph/graph/partnerships",
                              "http://127.0.0.1:9/x", "file:///etc/passwd", "", "not an iri",
                              "urn:\u00e9"]))
def test_giant_graph_lists(fuzz_client: FlaskClient, defaults: int, named: int,
                           graph: str) -> None:
    form = [("query", "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION "
                      "{ GRAPH ?g { ?s ?p ?o } } }")]
    form += [("default-graph-uri", f"{graph}{i}") for i in range(defaults)]
    form += [("named-graph-uri", f"{graph}{i}") for i in range(named)]
    response, _ = call(fuzz_client, "POST", "/sparql", data=urlencode(form),
                       content_type="application/x-www-form-urlencoded",
                       headers={"Accept": JSON_RESULTS})
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]


# ------------------------------------------------------------------------------------------
# Paths and query strings on every route
# ------------------------------------------------------------------------------------------

TRAVERSAL = ["..", "%2e%2e", "%2E%2e", ".%2e", "%2e.", "..%2f", "%2f", "%2F", "%5c", "\\",
             "..\\..", "%00", "%252e%252e", "%c0%ae%c0%ae", "..;", "....//", "%u002e"]
SEGMENTS = [*TRAVERSAL, "etc", "passwd", "store", "builds", "current", ".lock", "city",
            "rostock", "rostock.ttl", "latest.nq", "x.nq", "~", "\u00e9", "%ff", "", "."]
ROUTE_PREFIXES = ["/doc/", "/doc/city/", "/dumps/", "/dumps/latest.", "/id/city/", "/list/",
                  "/def/", "/sparql/", "/static/", "/", "//", "/catalog.", "/.well-known/void."]
SECRETS = (b"root:x:0:0", b"\"build_id\"", b"SQLite", b"MANIFEST-", b"[Unit]")


def is_traversal(path: str) -> bool:
    return any(t in path for t in TRAVERSAL if t not in ("", "."))


paths = st.builds(lambda prefix, segs, sep: prefix + sep.join(segs),
                  st.sampled_from(ROUTE_PREFIXES),
                  st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=6),
                  st.sampled_from(["/", "", "%2f", "\\"]))


@fuzz_settings("paths")
@given(path=paths, method=st.sampled_from(["GET", "HEAD"]))
def test_path_traversal(fuzz_client: FlaskClient, path: str, method: str) -> None:
    # The test client reads "//x" as a host name; raw "//" paths go to the live server below.
    path = "/" + path.lstrip("/")
    response, _ = call(fuzz_client, method, path)
    body = response.get_data()
    for secret in SECRETS:
        assert secret not in body, f"{path!r} leaked {secret!r}"
    if path.startswith("/dumps/") and is_traversal(path):
        assert response.status_code in (400, 404), (path, response.status_code)
    if path.startswith("/doc/") and is_traversal(path):
        assert response.status_code in (400, 404, 406), (path, response.status_code)


ROUTES = ["/", "/sparql", "/sparql/graph", "/healthz", "/metrics", "/catalog", "/catalog.ttl",
          "/catalog.jsonld", "/.well-known/void", "/.well-known/void.ttl", "/def", "/def/",
          "/def.ttl", "/def/0.1", "/dumps/", "/dumps/latest.nq", "/dumps/latest.ttl",
          "/id/city/rostock", "/doc/city/rostock", "/doc/city/rostock.ttl",
          "/doc/relation/rostock-szczecin.jsonld", "/list/city", "/list/city.json",
          "/list/relation.csv", "/list/event", "/nope"]
PARAM_NAMES = ["query", "format", "_mediatype", "lang", "page", "per_page", "graph", "default",
               "default-graph-uri", "named-graph-uri", "sort", "q", "country", "type", "year",
               "update", "callback", "\u00e9", ""]
PARAM_VALUES = st.one_of(
    st.sampled_from(["", "-1", "0", "99999999999999999999", "1e3", "NaN", "de", "xx-\u00e4",
                     "json", "html", "ttl", "ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                     "https://w3id.org/citygraph/graph/partnerships", "../../etc/passwd",
                     "\x00", "%", "<script>alert(1)</script>"]),
    st.text(max_size=30).map(lambda s: s.encode("utf-8", "surrogatepass").decode("utf-8",
                                                                                  "replace")))
query_strings = st.one_of(
    st.lists(st.tuples(st.sampled_from(PARAM_NAMES), PARAM_VALUES), max_size=5).map(
        lambda pairs: urlencode(pairs)),
    st.sampled_from(["%", "%zz", "&&&", "=", "a=%ff%fe", "query=%E0%A4%A", "a=1&a=2&a=3",
                     "lang=de&lang=en", "page=1&page=x", ";", "%00=%00"]),
    st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E,
                                   blacklist_characters="#"), max_size=60),
)


@fuzz_settings("routes")
@given(route=st.sampled_from(ROUTES), query_string=query_strings,
       method=st.sampled_from(["GET", "GET", "HEAD", "POST", "OPTIONS"]),
       accept=st.sampled_from(["", "*/*", "text/html", "application/json", "text/turtle",
                               "image/png", "application/sparql-results+json",
                               "text/html;q=0, */*;q=0"]),
       language=st.sampled_from(["", "de", "en", "*", "xx;q=abc", "de-DE,en;q=0.5"]))
def test_random_query_strings_on_every_route(fuzz_client: FlaskClient, route: str,
                                             query_string: str, method: str, accept: str,
                                             language: str) -> None:
    headers = {k: v for k, v in {"Accept": accept, "Accept-Language": language}.items() if v}
    call(fuzz_client, method, route, query_string=query_string, headers=headers)


# ------------------------------------------------------------------------------------------
# Fixed edge cases named in the issue (client)
# ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_huge_literal_is_413(fuzz_client: FlaskClient, how: str) -> None:
    query = 'SELECT * WHERE { BIND("' + "x" * 100_000 + '" AS ?x) }'
    response = send_query(fuzz_client, query, how)
    assert response.status_code == 413, response.get_data(as_text=True)[:300]


@pytest.mark.parametrize("opening, closing", [("{", "}"), ("(", ")"), ("STR(", ")"),
                                              ("[ <urn:p> ", "]")])
def test_deep_nesting_is_refused_before_the_engine(fuzz_client: FlaskClient, opening: str,
                                                   closing: str) -> None:
    """1000 nested brackets: a 400, not a crashed query process (503 store_unavailable)."""
    if opening == "{":
        query = "SELECT * WHERE " + "{" * 1000 + " ?s ?p ?o " + "}" * 1000
    elif opening.startswith("["):
        query = "ASK { ?s <urn:p> " + opening * 1000 + "1" + closing * 1000 + " }"
    else:
        query = "ASK { FILTER(" + opening * 1000 + "1" + closing * 1000 + ") }"
    response = send_query(fuzz_client, query, "direct")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert b"query_too_complex" in response.get_data()


def test_nesting_within_the_limit_still_runs(fuzz_client: FlaskClient) -> None:
    depth = MAX_NESTING - 5
    query = "ASK { FILTER(" + "(" * depth + "true" + ")" * depth + ") }"
    response = send_query(fuzz_client, query, "direct")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.get_json()["boolean"] is True


# ------------------------------------------------------------------------------------------
# Live server: raw HTTP (what a test client cannot send)
# ------------------------------------------------------------------------------------------

def raw_request(url: str, request: bytes, timeout: float) -> tuple[int, bytes, float]:
    """Send bytes as they are; (status, body, seconds). Status 0: the server closed."""
    parts = urlsplit(url)
    started = time.monotonic()
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    elapsed = time.monotonic() - started
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    _, _, body = data.partition(b"\r\n\r\n")
    return (int(match.group(1)) if match else 0), body, elapsed


def raw_path(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


@pytest.mark.server
@fuzz_settings("live_raw")
@given(path=paths, body=st.one_of(st.none(), st.binary(max_size=200)),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_live_raw_requests(live_server: LiveServer, path: str, body: bytes | None,
                           content_type: str) -> None:
    target = raw_path(path)
    if body is None:
        request = b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    else:
        request = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                   b"Content-Type: " + content_type.encode() + b"\r\nContent-Length: "
                   + str(len(body)).encode() + b"\r\n\r\n" + body)
    status, data, elapsed = raw_request(live_server.url, request, SERVER_TIMEOUT + SLACK + 1)
    assert status, f"no HTTP answer to {request[:200]!r}"
    check_answer(status, data, elapsed, SERVER_TIMEOUT, request[:200])
    for secret in SECRETS:
        assert secret not in data
    if body is None and path.startswith("/dumps/") and is_traversal(path):
        assert status in (400, 404), (path, status)


@pytest.mark.server
@pytest.mark.parametrize("target", [b"/doc/city/rostock%00.ttl", b"/dumps/\x00", b"/doc/\x00",
                                    b"/dumps/..\\..\\..\\etc\\passwd",
                                    b"/dumps/%2e%2e/%2e%2e/etc/passwd",
                                    b"/dumps/..%2f..%2f..%2fetc%2fpasswd",
                                    b"/doc/city/../../../../etc/passwd",
                                    b"/dumps/%c0%ae%c0%ae/current"])
def test_live_traversal_and_nul(live_server: LiveServer, target: bytes) -> None:
    request = b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    status, body, elapsed = raw_request(live_server.url, request, 10)
    assert status in (400, 404), (target, status, body[:200])
    check_answer(status, body, elapsed, SERVER_TIMEOUT, target)
    for secret in SECRETS:
        assert secret not in body


@pytest.mark.server
@fuzz_settings("live_queries")
@given(query=st.one_of(sparql_queries(), mutated_queries()), accept=accept_headers)
def test_live_queries(live_server: LiveServer, query: str, accept: str) -> None:
    started = time.monotonic()
    response = requests.post(live_server.sparql, data=query.encode("utf-8", "surrogatepass"),
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": accept},
                             timeout=SERVER_TIMEOUT + SLACK + 5)
    check_answer(response.status_code, response.content, time.monotonic() - started,
                 SERVER_TIMEOUT, query)


@pytest.mark.server
def test_live_giant_graph_list_and_huge_literal(live_server: LiveServer) -> None:
    graphs = [("default-graph-uri", f"urn:g:{i}") for i in range(1000)]
    started = time.monotonic()
    response = requests.post(live_server.sparql, data=urlencode(
        [("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"), *graphs]),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": JSON_RESULTS}, timeout=30)
    check_answer(response.status_code, response.content, time.monotonic() - started,
                 SERVER_TIMEOUT, "1000 default-graph-uri")
    # More dataset graphs than the endpoint accepts (100): refused, not evaluated.
    assert response.status_code == 400 and "too_many_graphs" in response.text
    response = requests.post(live_server.sparql, data=urlencode(
        [("query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"), *graphs[:100]]),
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "Accept": JSON_RESULTS}, timeout=30)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []  # none of the graphs exists
    # The same list in a URL is longer than gunicorn's request line limit: a 4xx, not a 5xx.
    url = live_server.sparql + "?" + urlencode([("query", "ASK {}"), *graphs])
    response = requests.get(url, timeout=30)
    assert 400 <= response.status_code < 500
    literal = quote("x" * 100_000)
    response = requests.post(live_server.sparql, data=f"query=ASK%7BFILTER(%22{literal}%22)%7D",
                             headers={"Content-Type": "application/x-www-form-urlencoded"},
                             timeout=30)
    assert response.status_code == 413
    check_answer(response.status_code, response.content, 0, SERVER_TIMEOUT, "100 kB literal")
