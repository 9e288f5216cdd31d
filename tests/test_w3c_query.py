"""The W3C SPARQL 1.0 and 1.1 query test suites, over HTTP against a real `citygraph serve`.

One store holds every data file of the suites as a named graph (named by the file's IRI in
the W3C test space), built in one build; each query goes to /sparql with the protocol dataset
(default-graph-uri for qt:data, named-graph-uri for qt:graphData). Every failure must be
listed in w3c_query_exclusions.tsv with its reason; for an ``engine`` exclusion the same
failure is reproduced here with bare pyoxigraph, so the list shrinks when Oxigraph is fixed.
Counts: docs/conformance.md. The suites are a copy in tests/w3c_query_suites/ (its README).
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
import requests

from citygraph.config import load_config
from citygraph.loading import Source, build_store
from citygraph.sparql.guard import engine_tokens, names_dataset
from tests.helpers import ROOT, LiveServer, start_server, stop_server
from tests.w3c_query import (
    EVALUATION,
    NEGATIVE,
    POSITIVE,
    Case,
    Solutions,
    Suite,
    expected,
    from_json,
    from_oxigraph,
    from_table,
    same,
    to_ntriples,
)

SUITES = ROOT / "tests" / "w3c_query_suites" / "sparql"
EXCLUSIONS = Path(__file__).with_name("w3c_query_exclusions.tsv")
EMPTY = "urn:x-citygraph:empty"  # a graph the store does not have: an empty default graph
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
TABLES = {"csv": "text/csv", "tsv": "text/tab-separated-values"}


def exclusions() -> dict[str, tuple[str, str]]:
    """name → (kind, reason); kinds: engine, refused, limit."""
    found = {}
    for line in EXCLUSIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, kind, reason = line.split("\t", 2)
            found[name] = (kind, reason)
    return found


@pytest.fixture(scope="module")
def suite() -> Suite:
    if not SUITES.is_dir():
        pytest.skip(f"W3C SPARQL test suites not found at {SUITES}")
    return Suite(SUITES)


@pytest.fixture(scope="module")
def server(suite: Suite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One build holding every data file of the suites, one server."""
    work = tmp_path_factory.mktemp("w3c")
    files = {p for c in suite.cases() for p in c.data + c.graph_data + c.from_graphs}
    sources = []
    for index, path in enumerate(sorted(files)):
        target = work / f"{index}.nt"
        to_ntriples(suite, path, target)
        sources.append(Source(target, suite.iri(path)))
    config = load_config(env={}, store=work / "store", project_dir=ROOT)
    build_store(config, sources, progress=lambda _: None)
    live = start_server(work / "store", CITYGRAPH_QUERY_TIMEOUT="10",
                        CITYGRAPH_MAX_TRIPLE_PATTERNS="1000")
    yield live
    stop_server(live)


def _dataset(suite: Suite, case: Case, query: str) -> dict[str, list[str]]:
    if case.kind in EVALUATION and names_dataset(query):
        return {}  # FROM / FROM NAMED name graphs of the store: the query's dataset wins
    if case.data or case.graph_data:
        return {"default-graph-uri": [suite.iri(p) for p in case.data] or [EMPTY],
                "named-graph-uri": [suite.iri(p) for p in case.graph_data]}
    return {"default-graph-uri": [EMPTY]}


def _ask(server: LiveServer, suite: Suite, case: Case) -> tuple[int, str, bytes]:
    query = suite.query_text(case)
    table = case.result.suffix[1:] if case.result and case.result.suffix[1:] in TABLES else ""
    response = requests.post(server.sparql, data={"query": query, **_dataset(suite, case, query)},
                             headers={"Accept": TABLES.get(table, ACCEPT)}, timeout=60)
    return response.status_code, response.headers.get("Content-Type", ""), response.content


def _answer(status: int, media: str, body: bytes) -> Solutions | None:
    if status not in (200, 206):
        return None
    if media.startswith("application/sparql-results+json"):
        return from_json(body)
    if media.startswith(("text/csv", "text/tab-separated-values")):
        return Solutions(rows=from_table(body, "csv" if "csv" in media else "tsv"), ordered=True)
    return Solutions(graph=rdflib.Graph().parse(data=body, format="nt"))


def _ordered(query: str) -> bool:
    words = [t.text.upper() for t in engine_tokens(query) if t.kind == "word"]
    return any(a == "ORDER" and b == "BY" for a, b in itertools.pairwise(words))


def run_case(server: LiveServer, suite: Suite, case: Case) -> str:
    """'' when the endpoint answers as the test asks, else what went wrong."""
    status, media, body = _ask(server, suite, case)
    if case.query.parent.name == "syntax-fed":  # SERVICE: refused by the public endpoint
        return "" if status == 403 and b"service_forbidden" in body else f"not refused ({status})"
    if case.kind in NEGATIVE:
        return "" if status == 400 else f"accepted a bad query ({status})"
    if case.kind in POSITIVE:  # parsed: any answer but a syntax error (an unknown function
        # in a syntax test is refused after parsing, as query_not_supported)
        return "" if b"syntax_error" not in body else f"rejected: {body[:150]!r}"
    assert case.result is not None
    answer = _answer(status, media, body)
    if answer is None:
        return f"HTTP {status}: {body[:150]!r}"
    right = same(answer, _wanted(suite, case), _ordered(suite.query_text(case)), case.lax)
    return "" if right else "wrong answer"


def bare_oxigraph(suite: Suite, case: Case) -> Solutions | str:
    """The same query on an in-memory pyoxigraph store with the test's dataset."""
    store = ox.Store()
    for path in case.data:
        store.load(path=str(path), base_iri=suite.iri(path), to_graph=ox.DefaultGraph())
    for path in case.graph_data:
        store.load(path=str(path), base_iri=suite.iri(path),
                   to_graph=ox.NamedNode(suite.iri(path)))
    try:
        outcome = store.query(case.query.read_text(encoding="utf-8"),
                              base_iri=suite.iri(case.query))
    except (SyntaxError, RuntimeError, OSError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    table = case.result.suffix[1:] if case.result else ""
    if table in TABLES and isinstance(outcome, ox.QuerySolutions):
        fmt = ox.QueryResultsFormat.CSV if table == "csv" else ox.QueryResultsFormat.TSV
        return Solutions(rows=from_table(outcome.serialize(format=fmt) or b"", table))
    return from_oxigraph(outcome)


def _wanted(suite: Suite, case: Case) -> Solutions:
    assert case.result is not None
    if case.result.suffix in (".csv", ".tsv"):
        return Solutions(rows=from_table(case.result.read_bytes(), case.result.suffix[1:]))
    return expected(suite, case.result)


@pytest.mark.server
def test_w3c_query_suites_over_http(server: LiveServer, suite: Suite) -> None:
    cases = suite.cases()
    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = dict(zip((c.name for c in cases),
                            pool.map(lambda c: run_case(server, suite, c), cases), strict=True))
    excluded = exclusions()
    failed = {n: why for n, why in outcomes.items() if why}
    unlisted = {n: why for n, why in failed.items() if n not in excluded}
    stale = sorted(n for n in excluded if n in outcomes and not outcomes[n])
    counts = Counter("pass" if not why else "excluded" for why in outcomes.values())
    if os.environ.get("CITYGRAPH_W3C_REPORT"):
        print(f"\nW3C query suites over HTTP: {len(cases)} tests, {counts}")
        for name, why in sorted(failed.items()):
            print(f"  {name}: {why}")
    assert not unlisted, f"failures not in {EXCLUSIONS.name}: {unlisted}"
    assert not stale, f"listed in {EXCLUSIONS.name} but passing now: {stale}"
    for case in cases:  # engine faults: the bare engine gets it wrong too
        if excluded.get(case.name, ("", ""))[0] == "engine":
            assert not bare_right(suite, case), f"{case.name}: bare pyoxigraph gets it right"


def bare_right(suite: Suite, case: Case) -> bool:
    """Whether bare pyoxigraph passes the test (parses a good query, refuses a bad one,
    answers as expected)."""
    if case.kind in NEGATIVE or case.kind in POSITIVE:
        try:
            ox.Store().query(case.query.read_text(encoding="utf-8"),
                             base_iri=suite.iri(case.query))
        except SyntaxError:
            return case.kind in NEGATIVE
        except (RuntimeError, OSError, ValueError):
            pass  # parsed, then failed to evaluate
        return case.kind in POSITIVE
    bare = bare_oxigraph(suite, case)
    return not isinstance(bare, str) and same(
        bare, _wanted(suite, case), _ordered(suite.query_text(case)), case.lax)
