"""Competency questions: every query in src/citygraph/queries/ is run through the real
``citygraph query`` command against the store built from the project's data, and its answer is
compared with the expected answer in tests/competency/expected/{name}.json.

The expected answers are written from the cited sources and the official overview pages, not
copied from query output: a failure means the data (or the query) disagrees with the facts.

Expected file format::

    {"ordered": true|false, "columns": ["var", ...], "rows": [["value" | null, ...], ...]}

* ``columns`` names the result variables that are checked; a query may project more variables
  (labels for people, notes) than the facts pin down.
* Values are plain strings: the lexical form of a literal, the full IRI of an IRI; ``null`` means
  the variable is unbound.
* ``ordered``: compare row by row in the query's ORDER BY order; otherwise compare as multisets.
* ``prefix`` (optional, with ``ordered``): the expected rows are the first rows of the answer.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from tests.helpers import ROOT, run_cli

QUERY_DIR = ROOT / "src" / "citygraph" / "queries"
EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
QUERIES = sorted(QUERY_DIR.glob("*.rq"))
GROUPS = {"partnerships", "networks", "visits-events", "provenance-conflicts", "places"}
NAME = re.compile(r"^(\d\d)-[a-z0-9]+(-[a-z0-9]+)*\.rq$")
HEADER_KEYS = ("title@en", "title@de", "group", "description@en")

Row = tuple[str | None, ...]


def header(path: Path) -> dict[str, str]:
    """The leading ``# key: value`` comment lines of a query file."""
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].strip().partition(":")
        if sep:
            fields[key.strip()] = value.strip()
    return fields


def run_query(path: Path, store_dir: Path) -> dict[str, Any]:
    result = run_cli("query", f"@{path}", "--format", "json", "--store", str(store_dir))
    assert result.returncode == 0, f"citygraph query @{path.name} failed:\n{result.stderr}"
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def project(answer: dict[str, Any], columns: list[str]) -> list[Row]:
    variables = answer["head"]["vars"]
    missing = [c for c in columns if c not in variables]
    assert not missing, f"the query does not project {missing} (it projects {variables})"
    return [tuple(b[c]["value"] if c in b else None for c in columns)
            for b in answer["results"]["bindings"]]


def show(rows: list[Row]) -> str:
    return "\n".join("  " + json.dumps(list(r), ensure_ascii=False) for r in rows) or "  (none)"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_competency_question(path: Path, store_dir: Path) -> None:
    check_answer(path, run_query(path, store_dir))


def check_answer(path: Path, answer: dict[str, Any]) -> None:
    """Compare a query's SPARQL-JSON answer with its expected file."""
    expected_file = EXPECTED_DIR / f"{path.stem}.json"
    assert expected_file.is_file(), f"no expected answer {expected_file.name}"
    spec = json.loads(expected_file.read_text(encoding="utf-8"))
    columns: list[str] = spec["columns"]
    expected: list[Row] = [tuple(r) for r in spec["rows"]]
    assert all(len(r) == len(columns) for r in expected), f"{expected_file.name}: row width"

    actual = project(answer, columns)
    title = header(path).get("title@en", path.stem)
    report = (f"{path.name} ({title})\ncolumns: {columns}\nexpected:\n{show(expected)}\n"
              f"actual:\n{show(actual)}")

    if spec.get("ordered", False):
        if spec.get("prefix", False):
            actual = actual[:len(expected)]
        assert actual == expected, report
    else:
        missing = Counter(expected) - Counter(actual)
        unexpected = Counter(actual) - Counter(expected)
        assert not missing and not unexpected, (
            f"{report}\nmissing:\n{show(list(missing.elements()))}\n"
            f"unexpected:\n{show(list(unexpected.elements()))}")


def test_there_are_enough_documented_queries() -> None:
    assert len(QUERIES) >= 30, f"only {len(QUERIES)} competency questions"
    numbers = []
    for path in QUERIES:
        match = NAME.match(path.name)
        assert match, f"{path.name}: file name must be NN-short-name.rq"
        numbers.append(int(match.group(1)))
        fields = header(path)
        for key in HEADER_KEYS:
            assert fields.get(key), f"{path.name}: missing '# {key}: …' header line"
        assert fields["group"] in GROUPS, f"{path.name}: unknown group {fields['group']!r}"
        assert fields["title@en"] != fields["title@de"], f"{path.name}: de title not translated"
    assert len(set(numbers)) == len(numbers), "query numbers must be unique"
    assert sorted(numbers) == list(range(1, len(numbers) + 1)), "query numbers must be 01..NN"


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_query_is_self_contained_and_ordered(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^\s*PREFIX\s", text, re.MULTILINE | re.IGNORECASE), \
        f"{path.name}: declare the prefixes in the file"
    assert re.search(r"\bORDER\s+BY\b", text, re.IGNORECASE), \
        f"{path.name}: needs an ORDER BY for a deterministic answer"
    # parses on its own (all prefixes declared): run it on an empty store
    ox.Store().query(text)


def test_every_expected_answer_has_a_query() -> None:
    stems = {p.stem for p in QUERIES}
    orphans = sorted(p.name for p in EXPECTED_DIR.glob("*.json") if p.stem not in stems)
    assert not orphans, f"expected answers without a query: {orphans}"
