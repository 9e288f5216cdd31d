"""ORDER BY over values of mixed types: the engine's sort aborts, the endpoint still answers.

Oxigraph 0.5.13 orders numbers by value but a number and a language-tagged string by their
text, which is no total order; Rust's sort then aborts the query process. The executor retries
such a query once with a total order (citygraph.sparql.ordering).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from citygraph.sparql.ordering import total_order

# Found by a seeded random search: this VALUES order makes the engine's sort abort every time.
VALUES = ('"108"@de "135"@de 112 "141"@de 59 "194"@de 74 "106"@de "142"@de "25"@de 185 '
          '"30"@de "184"@de "128"@de "108"@de "171"@de 72 "127"@de "129"@de 8 190 "106"@de '
          '"93"@de "179"@de "188"@de 112 "27"@de "133"@de "94"@de')
MIXED = f"SELECT ?o WHERE {{ VALUES ?o {{ {VALUES} }} }} ORDER BY ?o"
NUMBERS = [8, 59, 72, 74, 112, 112, 185, 190]


def bare_engine(query: str) -> subprocess.CompletedProcess[str]:
    """The query in pyoxigraph alone (a process of its own: the abort kills it)."""
    code = ("import pyoxigraph as ox; "
            f"[print(s['o'].value) for s in ox.Store().query({query!r})]")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def engine_survives(query: str) -> bool:
    return bare_engine(query).returncode == 0


def test_the_bare_engine_aborts_or_orders_numbers_by_value() -> None:
    # The premise of the retry: pyoxigraph 0.5.13 aborts on this query. A release that fixes
    # the engine must then order the numbers by value, as the retry does.
    run = bare_engine(MIXED)
    if run.returncode != 0:
        assert "panic" in run.stderr.lower() or run.returncode < 0, run.stderr[-500:]
        return
    values = run.stdout.split()
    numbers = [int(v) for v in values if v.isdigit() and int(v) in NUMBERS]
    assert len(values) == 29
    assert numbers == NUMBERS, f"pyoxigraph {ox.__version__} sorts mixed values differently"


def test_the_rewritten_query_runs_in_the_bare_engine() -> None:
    rewritten = total_order(MIXED)
    assert rewritten is not None and engine_survives(rewritten)


def test_rewrite_keeps_comparable_values_in_order() -> None:
    rewritten = total_order(MIXED)
    assert rewritten is not None
    values = [s["o"] for s in ox.Store().query(rewritten)]  # type: ignore[union-attr]
    numbers = [int(v.value) for v in values if v.datatype == ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")]
    assert numbers == NUMBERS
    german = [v.value for v in values if v.language == "de"]
    assert german == sorted(german)


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * { ?s ?p ?o } ORDER BY ?o",
     'ASC(isNumeric(?o)) ASC(IF(isNumeric(?o), "", STR(DATATYPE(?o)))) ASC(LANG(?o)) '
     'ASC((TZ(?o) != "")) ASC(?o)'),
    ("SELECT * { ?s ?p ?o } ORDER BY DESC(?o) LIMIT 5", "DESC(?o) LIMIT 5"),
    ("SELECT * { ?s ?p ?o } ORDER BY str(?o) ?s OFFSET 2", "ASC(str(?o)) ASC(isNumeric(?s))"),
    ("SELECT * { ?s ?p ?o } ORDER BY (?o + 1)", "ASC((?o + 1))"),
    ("SELECT * { ?s ?p ?o } ORDER BY ex:f(?o) VALUES ?s { 1 }", "ASC(ex:f(?o)) VALUES ?s"),
    ("SELECT * { { SELECT ?o { ?s ?p ?o } ORDER BY ?o LIMIT 3 } } ORDER BY DESC(?o)",
     "ASC(?o) LIMIT 3 } } ORDER BY DESC(isNumeric(?o))"),
])
def test_rewrite_of_order_conditions(query: str, expected: str) -> None:
    rewritten = total_order(query)
    assert rewritten is not None and expected in rewritten
    assert rewritten.startswith(query[:query.index("ORDER BY")])


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p ?o }",
    'SELECT * { ?s ?p "ORDER BY ?o" }',
    "SELECT * { ?s <urn:ORDER BY> ?o } # ORDER BY ?o",
])
def test_no_rewrite_without_order_by(query: str) -> None:
    assert total_order(query) is None


def test_endpoint_answers_a_query_the_engine_cannot_sort(client: object) -> None:
    for direction, expected in (("", NUMBERS), ("DESC", NUMBERS[::-1])):
        query = MIXED.replace("ORDER BY ?o", f"ORDER BY {direction}(?o)")
        response = client.get(  # type: ignore[attr-defined]
            "/sparql", query_string={"query": query},
            headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.data
        bindings = json.loads(response.data)["results"]["bindings"]
        assert len(bindings) == 29
        numbers = [int(b["o"]["value"]) for b in bindings if "datatype" in b["o"]]
        assert numbers == expected
