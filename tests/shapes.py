"""Validation of test files against the project's ontology and shapes, the fast SPARQL path or
plain pyshacl (tests/test_shapes.py, tests/test_shapes_fast_path.py)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from unittest import mock

import rdflib
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor

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
