"""Every shape rejects its invalid fixtures; the fast SPARQL path reports exactly what pyshacl
alone reports (on the real data, the fixtures of SPARQL-based shapes and synthetic data)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import rdflib
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor

from citygraph.synth import write_synthetic
from citygraph.validation import ValidationReport, validate
from tests.helpers import FIXTURES, ROOT

BASE = "https://w3id.org/citygraph/"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
DATA = sorted((ROOT / "data").glob("*.ttl"))


def run(files: list[Path], fast: bool = True) -> ValidationReport:
    with contextlib.nullcontext() if fast else parsed_once():
        return validate(files, ontology=sorted((ROOT / "ontology").glob("*.ttl")),
                        shapes=sorted((ROOT / "shapes").glob("*.ttl")), base_iri=BASE,
                        root=ROOT, fast_sparql=fast)


@functools.lru_cache(maxsize=256)
def _translated(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Any:
    return translateQuery(parseQuery(text), base, dict(namespaces))


@contextlib.contextmanager
def parsed_once() -> Iterator[None]:
    """Plain pyshacl hands rdflib a SPARQL constraint's text once per focus node, and rdflib
    parses and translates it anew each time (about 50 ms for the longer constraints: minutes
    over the real data). The same text translates to the same algebra, which rdflib evaluates
    with each focus node's bindings as it does a prepared query: the answers are unchanged."""
    original = SPARQLProcessor.query

    def query(self: SPARQLProcessor, text: Any, initBindings: Mapping[str, Any] | None = None,
              initNs: Mapping[str, Any] | None = None, base: str | None = None,
              **kwargs: Any) -> Any:
        if isinstance(text, str):
            text = _translated(text, base, tuple(sorted((initNs or {}).items())))
        return original(self, text, initBindings, initNs, base, **kwargs)

    with mock.patch.object(SPARQLProcessor, "query", query):
        yield


def violated_shape(path: Path) -> str:
    return path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# violates: ").strip()


def sparql_shapes() -> set[str]:
    names = set()
    for path in (ROOT / "shapes").glob("*.ttl"):
        graph = rdflib.Graph().parse(path, format="turtle")
        names |= {"cgsh:" + str(s).rsplit("#", 1)[-1] for s in graph.subjects(rdflib.SH.sparql)}
    return names


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_shape_rejects_its_fixture(fixture: Path) -> None:
    report = run([fixture])
    assert not report.conforms
    assert {v.shape for v in report.violations} == {violated_shape(fixture)}


@pytest.mark.parametrize("name", ["minimal.ttl", "complete.ttl"])
def test_valid_fixtures_conform(name: str) -> None:
    assert run([FIXTURES / "valid" / name]).conforms


_SPARQL_SHAPES = sparql_shapes()  # parsed once: collection runs this module on every pytest run
SPARQL_FIXTURES = [p for p in INVALID if violated_shape(p) in _SPARQL_SHAPES]


@pytest.mark.parametrize("files", [DATA, *([p] for p in SPARQL_FIXTURES)],
                         ids=["data", *(p.stem for p in SPARQL_FIXTURES)])
def test_fast_sparql_path_reports_what_pyshacl_reports(files: list[Path]) -> None:
    fast, plain = run(files, fast=True), run(files, fast=False)
    assert fast.conforms == plain.conforms
    assert set(fast.violations) == set(plain.violations)


def test_identical_reports_on_synthetic_data(tmp_path: Path) -> None:
    graph = tmp_path / "synthetic.nt"
    write_synthetic(graph, 20, seed=7)
    broken = tmp_path / "broken.nt"
    lines = graph.read_text(encoding="utf-8").splitlines()
    # Drop the shortcuts pointing at one city, so the symmetry and backing shapes fire.
    kept = [line for line in lines
            if not ("partnerCity" in line and line.split(" ")[2].endswith("synthstadt-3>"))]
    broken.write_text("\n".join(kept) + "\n", encoding="utf-8")
    for path in (graph, broken):
        fast, plain = run([path], fast=True), run([path], fast=False)
        assert set(fast.violations) == set(plain.violations)
    assert not run([broken]).conforms
