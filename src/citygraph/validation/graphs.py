"""The graphs a validation runs on: the data with the ontology mixed in, and the shapes.

Parsing the ontology and the shapes into rdflib took half of a small validation, and the
shape tests and table imports validate many small files against the same versions. So the
rdflib graphs of one version are kept and lent out: a validation adds its data files, runs,
and leaves the graphs as it found them. A validation that finds them lent (the ontology's own
run nested in a data run, or another thread) gets fresh ones.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from citygraph.loading import parse_file
from citygraph.validation.terms import from_ox

Triple = tuple[Node, URIRef, Node]
Version = tuple[Path, int, int]  # path, mtime_ns, size
# Past this many data triples, taking them out again costs more than parsing afresh.
LEND_LIMIT = 20_000


@dataclass
class LoadedGraph:
    """An rdflib memory graph plus which file each subject came from."""

    graph: Graph = field(default_factory=Graph)
    store: ox.Store = field(default_factory=ox.Store)  # the same triples, for Oxigraph queries
    origins: dict[Node, set[Path]] = field(default_factory=lambda: defaultdict(set))
    mentions: dict[Node, set[Path]] = field(default_factory=lambda: defaultdict(set))
    added: list[Triple] = field(default_factory=list)  # data triples the graph did not hold

    def add_file(self, path: Path, base_iri: str) -> None:
        graph, parsed = self.graph, []
        for quad in parse_file(path, base_iri):
            s, o = from_ox(quad.subject), from_ox(quad.object)
            triple = (s, URIRef(quad.predicate.value), o)
            if triple not in graph:
                graph.add(triple)
                self.added.append(triple)
            parsed.append(ox.Quad(quad.subject, quad.predicate, quad.object))
            self.origins[s].add(path)
            self.mentions[o].add(path)
        self.store.extend(parsed)

    def files_of(self, node: Node | None) -> set[Path]:
        """The files stating something about a node, else the files mentioning it."""
        if node is None:
            return set()
        return self.origins.get(node) or self.mentions.get(node) or set()


def versions(paths: list[Path]) -> tuple[Version, ...]:
    return tuple((p, p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


@functools.lru_cache(maxsize=64)
def parsed(path: Path, mtime_ns: int, size: int, base_iri: str
           ) -> tuple[tuple[Triple, ...], tuple[ox.Quad, ...]]:
    """A file's triples as rdflib terms and as Oxigraph quads (the version is in the key)."""
    triples, quads = [], []
    for quad in parse_file(path, base_iri):
        triples.append((from_ox(quad.subject), URIRef(quad.predicate.value), from_ox(quad.object)))
        quads.append(ox.Quad(quad.subject, quad.predicate, quad.object))
    return tuple(triples), tuple(quads)


@dataclass
class _Lendable:
    ontology: Graph
    shapes: Graph
    lock: threading.Lock = field(default_factory=threading.Lock)


def _graph_of(files: tuple[Version, ...], base_iri: str) -> Graph:
    graph = Graph()
    for version in files:
        graph.addN((s, p, o, graph) for s, p, o in parsed(*version, base_iri)[0])
    return graph


@functools.lru_cache(maxsize=2)
def _lendable(ontology: tuple[Version, ...], shapes: tuple[Version, ...], base_iri: str
              ) -> _Lendable:
    return _Lendable(_graph_of(ontology, base_iri), _graph_of(shapes, base_iri))


@contextlib.contextmanager
def validation_graphs(files: list[Path], ontology: list[Path], shapes: list[Path], base_iri: str
           ) -> Iterator[tuple[LoadedGraph, Graph]]:
    """The data files with the ontology mixed in, and the shapes graph, for one validation."""
    ontology_versions, shapes_versions = versions(ontology), versions(shapes)
    lendable = _lendable(ontology_versions, shapes_versions, base_iri)
    if not lendable.lock.acquire(blocking=False):
        fresh = LoadedGraph(graph=_graph_of(ontology_versions, base_iri))
        for version in ontology_versions:
            fresh.store.extend(parsed(*version, base_iri)[1])
        for path in files:
            fresh.add_file(path, base_iri)
        yield fresh, _graph_of(shapes_versions, base_iri)
        return
    loaded = LoadedGraph(graph=lendable.ontology)
    for version in ontology_versions:
        loaded.store.extend(parsed(*version, base_iri)[1])
    # The fast path rewrites SPARQL targets and constraints (sparql_constraints), pyshacl adds
    # a few RDFS axioms: all of it is put back as it was.
    shapes_before = set(lendable.shapes)
    try:
        for path in files:
            loaded.add_file(path, base_iri)
        yield loaded, lendable.shapes
    finally:
        _give_back(lendable, loaded.added, shapes_before)


def _give_back(lendable: _Lendable, added: list[Triple],
               shapes_before: set[tuple[Node, Node, Node]]) -> None:
    """Take the data out and put the shapes graph back as it was; past LEND_LIMIT, or if that
    fails, the graphs are dropped and parsed afresh next time."""
    try:
        if len(added) > LEND_LIMIT:
            _lendable.cache_clear()
            return
        for triple in added:
            lendable.ontology.remove(triple)
        shapes = lendable.shapes
        shapes_after = set(shapes)
        for extra in shapes_after - shapes_before:
            shapes.remove(extra)
        shapes.addN((s, p, o, shapes) for s, p, o in shapes_before - shapes_after)
    except BaseException:
        _lendable.cache_clear()
        raise
    finally:
        lendable.lock.release()
