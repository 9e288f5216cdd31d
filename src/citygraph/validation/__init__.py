"""SHACL validation of ontology + data against shapes/, with pyshacl over an rdflib memory graph.

Runs at build and CLI time only, never inside a request: pyshacl patches rdflib globals, and
over an Oxigraph-backed graph it is an order of magnitude slower (it calls ``len(graph)``).
Files are parsed by Oxigraph (fast, precise syntax errors) and copied into rdflib terms.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from citygraph.namespaces import PREFIXES, data_prefixes, shorten
from citygraph.validation import sparql_constraints
from citygraph.validation.graphs import LoadedGraph, parsed, validation_graphs, versions


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    messages: tuple[str, ...]  # every language the shape gives (pyshacl drops the tags)
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
            lines.append(f"  shape:   {v.shape} ({v.severity})")
            lines += [f"  message: {m}" for m in v.messages]
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
        messages = tuple(sorted(str(m) for m in results.objects(result, SH.resultMessage)))
        files = tuple(sorted(_relative(p, root) for p in loaded.files_of(focus)))
        found.append(Violation(
            focus=_show(focus, prefixes),
            path=_show(results.value(result, SH.resultPath), prefixes),
            messages=messages or ("constraint violated",),
            shape=_show(results.value(result, SH.sourceShape), prefixes),
            severity=_show(results.value(result, SH.resultSeverity), {"sh": PREFIXES["sh"]}),
            value=_show(results.value(result, SH.value), prefixes),
            files=files))
    return sorted(found, key=lambda v: (v.files, v.focus, v.path, v.messages))


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _sparql_violations(loaded: LoadedGraph, shapes: Graph, root: Path,
                       prefixes: dict[str, str], skip: frozenset[Node] = frozenset()
                       ) -> tuple[list[Violation], set[str]]:
    """Evaluate the node shapes' SPARQL constraints in Oxigraph and drop them from `shapes`;
    also the names of the shapes whose SPARQL targets were expanded (without ``skip``)."""
    found = []
    expanded = sparql_constraints.expand_sparql_targets(loaded.store, shapes, skip)
    names = {_show(s, prefixes) for s in expanded}
    names |= {_show(p, prefixes) for s in expanded for p in shapes.objects(s, SH.property)}
    focus_cache: dict[Node, set[Node]] = {}
    for constraint in sparql_constraints.extract(shapes):
        shapes.remove((constraint.shape, SH.sparql, constraint.node))
        if constraint.shape not in focus_cache:
            focus_cache[constraint.shape] = sparql_constraints.focus_nodes(
                loaded.store, shapes, constraint.shape)
        severity = shapes.value(constraint.shape, SH.severity) or SH.Violation
        for hit in sparql_constraints.evaluate(loaded.store, shapes, constraint,
                                               focus_cache[constraint.shape]):
            found.append(Violation(
                focus=_show(hit.focus, prefixes), path=_show(hit.path, prefixes),
                messages=tuple(sorted(set(hit.messages))) or ("constraint violated",),
                shape=_show(constraint.shape, prefixes),
                severity=_show(severity, {"sh": PREFIXES["sh"]}),
                value=_show(hit.value, prefixes),
                files=tuple(sorted(_relative(p, root) for p in loaded.files_of(hit.focus)))))
    return found, names


@functools.lru_cache(maxsize=4)
def _ontology_alone(ontology: tuple[tuple[Path, int, int], ...],
                    shapes: tuple[tuple[Path, int, int], ...], base_iri: str,
                    root: Path) -> tuple[Violation, ...]:
    """The violations of the ontology on its own (its terms and concepts), once per version."""
    return validate([], ontology=[p for p, _, _ in ontology], shapes=[p for p, _, _ in shapes],
                    base_iri=base_iri, root=root).violations


def _known_ontology_nodes(loaded: LoadedGraph, ontology: list[Path], base_iri: str
                          ) -> frozenset[Node]:
    """Subjects of the ontology that no data file says anything about: the SPARQL-targeted
    shapes (ontology terms, concepts) give them the same results as the ontology alone."""
    subjects: set[Node] = set()
    for path in ontology:
        stat = path.stat()
        subjects.update(s for s, _, _ in parsed(path, stat.st_mtime_ns, stat.st_size,
                                                 base_iri)[0])
    return frozenset(subjects - set(loaded.origins))


def validate(files: Iterable[Path], *, ontology: Iterable[Path], shapes: Iterable[Path],
             base_iri: str, root: Path, fast_sparql: bool = True) -> ValidationReport:
    """Validate the files (with the ontology mixed in, for its class hierarchy) against shapes.

    Core constraints go to pyshacl over an rdflib memory graph; with ``fast_sparql`` the
    node shapes' SPARQL constraints run in Oxigraph (see sparql_constraints).
    """
    files, ontology, shapes = list(files), list(ontology), list(shapes)
    with validation_graphs(files, ontology, shapes, base_iri) as (loaded, shapes_graph):
        return _validate(loaded, shapes_graph, files, ontology, shapes, base_iri, root,
                         fast_sparql)


def _validate(loaded: LoadedGraph, shapes_graph: Graph, files: list[Path], ontology: list[Path],
              shapes: list[Path], base_iri: str, root: Path, fast_sparql: bool
              ) -> ValidationReport:
    import pyshacl  # imported late: it patches rdflib globals on import

    prefixes = data_prefixes(base_iri)
    extra: list[Violation] = []
    if fast_sparql:
        # The ontology's own terms are checked once (per version) and not again with every
        # set of data files; only the data and the terms the data describes are checked here.
        skip = _known_ontology_nodes(loaded, ontology, base_iri) if files else frozenset()
        extra, skipped_shapes = _sparql_violations(loaded, shapes_graph, root, prefixes, skip)
        if skip:
            shown = {_show(n, prefixes) for n in skip}
            extra += [v for v in _ontology_alone(versions(ontology), versions(shapes),
                                                 base_iri, root)
                      if v.shape in skipped_shapes and v.focus in shown]
    # In place: the graph was built for this call alone, and pyshacl's copy of it took an
    # eighth of a small validation's time.
    conforms, results, _ = pyshacl.validate(
        loaded.graph, shacl_graph=shapes_graph, inference="none", advanced=True,
        inplace=True, allow_warnings=False, abort_on_first=False)
    violations = sorted({*_violations(results, loaded, root, prefixes), *extra},
                        key=lambda v: (v.files, v.focus, v.path, v.messages))
    names = tuple(_relative(p, root) for p in files)
    return ValidationReport(conforms=bool(conforms) and not extra,
                            violations=tuple(violations), checked_files=names)
