"""The query guard sees what the engine sees (SPARQL 1.1 Query §19.8 terminals).

The attacks of the public endpoint go through HTTP; the property test compares the guard's
view of generated queries (is there a SERVICE? which string values?) with Oxigraph's own
reading of the same text: Oxigraph refuses to call port 1 before any network access, so a
SERVICE it would evaluate shows as that error, with no server and no network involved.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citygraph.app import create_app
from citygraph.config import Config
from citygraph.sparql.guard import engine_tokens, uses_service
from citygraph.sparql.lexer import string_value

PORT1 = "http://127.0.0.1:1/"
CASES = max(int(os.environ.get("CITYGRAPH_FUZZ_CASES", "300")) // 2, 50)
HIDDEN = 'BIND("""\\"""\'""" AS ?z) '  # a long string whose quotes a naive lexer misreads


@pytest.fixture(scope="module")
def client(config: Config) -> Iterator[FlaskClient]:
    application = create_app(config)
    yield application.test_client()
    application.extensions["citygraph"].executor.close()


def _get(client: FlaskClient, query: str) -> tuple[int, str]:
    response = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/json"})
    return response.status_code, (response.get_json() or {}).get("code", "")


@pytest.mark.parametrize("query", [
    f"SELECT * WHERE {{ SERVICESILENT<{PORT1}> {{ ?s ?p ?o }} }}",
    f"PREFIX : <{PORT1}> SELECT * WHERE {{ SERVICE:x {{ ?s ?p ?o }} }}",
    f"PREFIX ex: <{PORT1}> SELECT * WHERE {{ SERVICEex:x {{ ?s ?p ?o }} }}",
    f"SELECT * WHERE {{ {HIDDEN}SERVICE <{PORT1}> {{ ?s ?p ?o }} }} #'",
    f"SELECT * WHERE {{ BIND(1 AS ?x)SERVICE<{PORT1}>{{}} }}",
    f"SELECT * WHERE {{ ?s a .5SERVICE<{PORT1}>{{}} }}",
])
def test_service_in_disguise_is_refused(client: FlaskClient, query: str) -> None:
    assert _get(client, query) == (403, "service_forbidden")


def test_brackets_hidden_by_a_string_trick_still_count(client: FlaskClient) -> None:
    query = "SELECT * WHERE { " + HIDDEN + "{" * 4000 + "}" * 4000 + " } #'"
    assert _get(client, query) == (400, "query_too_complex")


def test_an_unterminated_string_is_a_syntax_error(client: FlaskClient) -> None:
    assert _get(client, 'SELECT * WHERE { ?s ?p "open }') == (400, "syntax_error")


def test_keywords_inside_strings_iris_comments_and_names_are_no_keywords(
        client: FlaskClient) -> None:
    query = ('PREFIX s: <http://schema.org/> SELECT ?service WHERE { '
             '?x s:serviceType "SERVICE <x> {" . # SERVICE <http://a/> {\n'
             '?x <http://example.org/SERVICE> \'\'\'{ SERVICE\'\'\' } LIMIT 1')
    assert _get(client, query) == (200, "")


# --- property test: the guard's view against Oxigraph's -------------------------------------

_ATOMS = st.sampled_from(["a", " ", '"', "'", "\\", "#", "{", "}", "<", ">", "\n", "SERVICE",
                          "é", "\t"])
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", '"': '\\"', "'": "\\'"}


@st.composite
def string_literal(draw: st.DrawFn) -> tuple[str, str]:
    """(SPARQL text, value) in one of the four forms, escaped only where the form needs it,
    elsewhere at random."""
    value = "".join(draw(st.lists(_ATOMS, max_size=8)))
    quote = draw(st.sampled_from(['"', "'", '"""', "'''"]))
    out: list[str] = []
    for index, char in enumerate(value):
        needed = char == "\\" or (len(quote) == 1 and char in (quote, "\n"))
        if len(quote) == 3 and char == quote[0]:
            run = len(out) >= 2 and out[-1] == out[-2] == quote[0]
            needed = run or index == len(value) - 1
        if char in _ESCAPES and (needed or draw(st.booleans())):
            out.append(_ESCAPES[char])
        else:
            out.append(char)
    return quote + "".join(out) + quote, value


_SERVICE = st.sampled_from([f"SERVICE <{PORT1}> {{}}", f"SERVICE<{PORT1}>{{}}",
                            f"service <{PORT1}>{{ }}", "SERVICEp1:x {}", "SERVICE p1:x{}"])
_GAP = st.sampled_from([" ", "", "\n", "\t", " # SERVICE <x> { \" '\n", "#'''\n", '#"\n'])


@st.composite
def query(draw: st.DrawFn) -> tuple[str, list[str], bool]:
    """A query of BINDs of strings, groups, OPTIONALs and maybe SERVICE, with gaps."""
    parts, values, service = [], [], False
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["bind", "bind", "group", "optional", "service"]))
        if kind == "bind":
            text, value = draw(string_literal())
            parts.append(f"BIND({text} AS ?v{len(values)})")
            values.append(value)
        elif kind == "group":
            parts.append("{ }")
        elif kind == "optional":
            parts.append("OPTIONAL { ?s ?p ?o }")
        else:
            parts.append(draw(_SERVICE))
            service = True
        parts.append(draw(_GAP))
    text = f"PREFIX p1: <{PORT1}> SELECT * WHERE {{ {''.join(parts)} }}"
    return text, values, service


def _engine(query_text: str) -> tuple[bool, list[str]]:
    """(SERVICE evaluated, the ?vN values) as Oxigraph reads the query."""
    try:
        rows = list(ox.Store().query(query_text))  # type: ignore[arg-type]
    except OSError as exc:
        assert "port 1" in str(exc)
        return True, []
    assert len(rows) == 1
    row = rows[0]
    values = []
    index = 0
    while (term := row[f"v{index}"]) is not None:
        values.append(term.value)
        index += 1
    return False, values


@settings(max_examples=CASES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(query())
def test_guard_reads_queries_as_the_engine_does(case: tuple[str, list[str], bool]) -> None:
    text, values, service = case
    engine_service, engine_values = _engine(text)
    assert engine_service == service  # the generator is right about its own query
    words = engine_tokens(text)
    assert uses_service(words) == engine_service
    if not engine_service:
        assert engine_values == values
        assert [string_value(t.text) for t in words if t.kind == "string"] == values
