"""SHACL validation of ontology + data against shapes/, with pyshacl over an rdflib memory graph.

Runs at build and CLI time only, never inside a request: pyshacl patches rdflib globals, and
over an Oxigraph-backed graph it is an order of magnitude slower (it calls ``len(graph)``).
Files are parsed by Oxigraph (fast, precise syntax errors) and copied into rdflib terms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from citygraph.errors import DataError
from citygraph.loading import parse_file
from citygraph.namespaces import PREFIXES, data_prefixes, shorten

Term = URIRef | BNode | Literal


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Triple):
        raise DataError(f"quoted triples (RDF-star) are not supported: {term}")
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


@dataclass
class LoadedGraph:
    """An rdflib memory graph plus which file each subject came from."""

    graph: Graph = field(default_factory=Graph)
    origins: dict[Node, set[Path]] = field(default_factory=lambda: defaultdict(set))

    def add_file(self, path: Path, base_iri: str, *, track: bool = True) -> None:
        add = self.graph.add
        for quad in parse_file(path, base_iri):
            s = to_rdflib(quad.subject)
            add((s, URIRef(quad.predicate.value), to_rdflib(quad.object)))
            if track:
                self.origins[s].add(path)


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    shape: str
    severity: str
    value: str
    files: tuple[str, ...]


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...]
    checked_files: tuple[str, ...]

    def text(self) -> str:
        if self.conforms:
            return f"conforms: {len(self.checked_files)} files, no violations"
        lines = [f"{len(self.violations)} violation(s):"]
        for v in self.violations:
            where = ", ".join(v.files) or "(no file)"
            lines.append(f"\n{where}\n  focus:   {v.focus}")
            if v.path:
                lines.append(f"  path:    {v.path}")
            if v.value:
                lines.append(f"  value:   {v.value}")
            lines.append(f"  shape:   {v.shape} ({v.severity})\n  message: {v.message}")
        return "\n".join(lines)


def _show(node: Node | None, prefixes: dict[str, str]) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return shorten(str(node), prefixes)
    if isinstance(node, Literal):
        return node.n3()
    return "[blank node]"


def _violations(results: Graph, loaded: LoadedGraph, root: Path,
                prefixes: dict[str, str]) -> list[Violation]:
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        message = results.value(result, SH.resultMessage)
        origins = loaded.origins.get(focus, set()) if focus is not None else set()
        files = tuple(sorted(_relative(p, root) for p in origins))
        found.append(Violation(
            focus=_show(focus, prefixes),
            path=_show(results.value(result, SH.resultPath), prefixes),
            message=str(message) if message is not None else "constraint violated",
            shape=_show(results.value(result, SH.sourceShape), prefixes),
            severity=_show(results.value(result, SH.resultSeverity), {"sh": PREFIXES["sh"]}),
            value=_show(results.value(result, SH.value), prefixes),
            files=files))
    return sorted(found, key=lambda v: (v.files, v.focus, v.path, v.message))


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def validate(files: Iterable[Path], *, ontology: Iterable[Path], shapes: Iterable[Path],
             base_iri: str, root: Path) -> ValidationReport:
    """Validate the files (with the ontology mixed in, for its class hierarchy) against shapes."""
    import pyshacl  # imported late: it patches rdflib globals on import

    files = list(files)
    loaded = LoadedGraph()
    for path in ontology:
        loaded.add_file(path, base_iri, track=False)
    for path in files:
        loaded.add_file(path, base_iri)
    shapes_graph = LoadedGraph()
    for path in shapes:
        shapes_graph.add_file(path, base_iri, track=False)
    conforms, results, _ = pyshacl.validate(
        loaded.graph, shacl_graph=shapes_graph.graph, inference="none", advanced=True,
        allow_warnings=False, abort_on_first=False)
    prefixes = data_prefixes(base_iri)
    violations = _violations(results, loaded, root, prefixes)
    names = tuple(_relative(p, root) for p in files)
    return ValidationReport(conforms=bool(conforms), violations=tuple(violations),
                            checked_files=names)
