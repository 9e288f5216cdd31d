"""SHACL-SPARQL constraints of node shapes, evaluated by Oxigraph instead of rdflib's engine.

pyshacl evaluates each sh:sparql constraint once per focus node with rdflib's pure-Python
engine, which makes validation of even small graphs take seconds. Here the same constraints
run in Oxigraph with the SHACL pre-binding of ``$this`` (https://www.w3.org/TR/shacl/#pre-binding),
through Oxigraph's substitutions (SEP-0007). When a constraint's ``$this`` is bound by a
mandatory triple pattern of the outer query and the query has no sub-select, MINUS or
aggregation, the constraint runs once with ``$this`` free and its solutions are filtered to the
focus nodes — the same answers, one query instead of thousands. Results follow pyshacl's
reporting rules (value defaults to the focus node, duplicate solutions dropped, messages
filled from the solution), so reports stay identical; tests compare both on real and
synthetic data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, SH, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from citygraph.validation.terms import from_ox, to_ox

OWL_CLASS = URIRef("http://www.w3.org/2002/07/owl#Class")
UNSAFE = {"Minus", "Group", "AggregateJoin", "SubSelect"}
NOT_SUPPORTED = ("$PATH", "$shapesGraph", "$currentShape")


@dataclass(frozen=True)
class Solution:
    focus: Node
    path: Node | None
    value: Node
    messages: tuple[str, ...]


@dataclass(frozen=True)
class SparqlConstraint:
    shape: Node
    node: Node
    query: str
    messages: tuple[Literal, ...]
    once: bool  # evaluate once with $this free, then filter to the focus nodes


def prefixes_of(shapes: Graph, owner: Node) -> str:
    lines = []
    for ontology in shapes.objects(owner, SH.prefixes):
        for decl in shapes.objects(ontology, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(lines) + "\n"


def _names(node: object) -> Iterator[str]:
    if isinstance(node, CompValue):
        yield node.name
        for value in node.values():
            yield from _names(value)
    elif isinstance(node, list):
        for item in node:
            yield from _names(item)


def _bound_at_top(node: object) -> bool:
    """True when a mandatory BGP of the outer pattern mentions ?this."""
    if not isinstance(node, CompValue):
        return False
    if node.name == "BGP":
        return any(Variable("this") in triple for triple in node["triples"])
    if node.name in ("Filter", "Extend", "Project", "Distinct", "Reduced", "OrderBy", "Slice",
                     "ToMultiSet"):
        return _bound_at_top(node.get("p"))
    if node.name == "Join":
        return _bound_at_top(node.get("p1")) or _bound_at_top(node.get("p2"))
    if node.name == "LeftJoin":
        return _bound_at_top(node.get("p1"))
    return False


@functools.lru_cache(maxsize=256)
def can_run_once(query: str) -> bool:
    try:
        algebra = prepareQuery(query).algebra
    except Exception:  # an odd query: keep the exact per-node evaluation
        return False
    names = list(_names(algebra.get("p")))
    if UNSAFE & set(names) or names.count("Project") > 1:
        return False
    return _bound_at_top(algebra.get("p"))


def extract(shapes: Graph) -> list[SparqlConstraint]:
    """The sh:sparql constraints of node shapes that can be evaluated here."""
    found = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        if (shape, SH.path, None) in shapes or _deactivated(shapes, shape, constraint):
            continue
        select = shapes.value(constraint, SH.select)
        if select is None or any(v in str(select) for v in NOT_SUPPORTED):
            continue
        query = prefixes_of(shapes, constraint) + str(select)
        messages = tuple(m for m in shapes.objects(constraint, SH.message)
                         if isinstance(m, Literal))
        found.append(SparqlConstraint(shape, constraint, query, messages, can_run_once(query)))
    return found


def _deactivated(shapes: Graph, *nodes: Node) -> bool:
    return any(bool(getattr(shapes.value(n, SH.deactivated), "value", False)) for n in nodes)


def focus_nodes(store: ox.Store, shapes: Graph, shape: Node) -> set[Node]:
    """Targets of a shape (https://www.w3.org/TR/shacl/#targets), computed by Oxigraph."""
    queries = [f"SELECT DISTINCT ?this WHERE {{ ?this a/<{RDFS.subClassOf}>* <{c}> }}"
               for c in shapes.objects(shape, SH.targetClass)]
    if {(shape, RDF.type, RDFS.Class), (shape, RDF.type, OWL_CLASS)} & set(
            shapes.triples((shape, RDF.type, None))):
        queries.append(f"SELECT DISTINCT ?this WHERE {{ ?this a/<{RDFS.subClassOf}>* <{shape}> }}")
    queries += [f"SELECT DISTINCT ?this WHERE {{ ?this <{p}> ?o }}"
                for p in shapes.objects(shape, SH.targetSubjectsOf)]
    queries += [f"SELECT DISTINCT ?this WHERE {{ ?s <{p}> ?this }}"
                for p in shapes.objects(shape, SH.targetObjectsOf)]
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if select is not None:
            queries.append(prefixes_of(shapes, target) + str(select))
    nodes: set[Node] = set(shapes.objects(shape, SH.targetNode))
    for query in queries:
        nodes.update(row["this"] for row in _rows(store, query, None) if "this" in row)
    return nodes


def expand_sparql_targets(store: ox.Store, shapes: Graph, skip: frozenset[Node] = frozenset()
                          ) -> set[Node]:
    """Replace SPARQL-based targets (SHACL-AF §2.1) by the sh:targetNode list they select;
    the shapes that had one.

    The same focus nodes, found by Oxigraph once instead of by rdflib's engine. Nodes in
    ``skip`` are left out (their results are known from an earlier run)."""
    expanded = set()
    for shape, target in list(shapes.subject_objects(SH.target)):
        select = shapes.value(target, SH.select)
        if select is None or "$" in str(select).replace("$this", ""):
            continue
        query = prefixes_of(shapes, target) + str(select)
        shapes.remove((shape, SH.target, target))
        expanded.add(shape)
        for row in _rows(store, query, None):
            if "this" in row and row["this"] not in skip:
                shapes.add((shape, SH.targetNode, row["this"]))
    return expanded


def _fill(message: str, values: dict[str, Node]) -> str:
    # pyshacl's message templates: {?var} and {$var} become the bound value (SHACL §5.3.2).
    for var, value in values.items():
        message = re.sub(r"{[?$]" + re.escape(var) + "}", str(value), message)
    return message


def _rows(store: ox.Store, query: str,
          subst: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None
          ) -> Iterator[dict[str, Node]]:
    solutions = store.query(query, substitutions=subst)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    for row in solutions:
        yield {name: from_ox(row[name]) for name in names if row[name] is not None}


def _solutions(store: ox.Store, constraint: SparqlConstraint,
               focus: set[Node]) -> Iterator[tuple[Node, dict[str, Node]]]:
    if constraint.once:
        for bound in _rows(store, constraint.query, None):
            if bound.get("this") in focus:
                yield bound["this"], bound
        return
    for node in focus:
        for bound in _rows(store, constraint.query, {ox.Variable("this"): to_ox(node)}):
            yield node, bound


def evaluate(store: ox.Store, shapes: Graph, constraint: SparqlConstraint,
             focus: set[Node]) -> list[Solution]:
    shape_messages = [m for m in shapes.objects(constraint.shape, SH.message)
                      if isinstance(m, Literal)]
    seen: set[tuple[object, ...]] = set()
    found = []
    for node, bound in _solutions(store, constraint, focus):
        this, path = bound.pop("this", None), bound.pop("path", None)
        value = bound.pop("value", None)
        key = (node, this, path, value, tuple(sorted(bound.items())))
        if key in seen:
            continue
        seen.add(key)
        fill = {**bound, "this": this or node}
        if path is not None:
            fill["path"] = path
        fill["value"] = value if value is not None else node
        messages = [*constraint.messages, *(m for m in shape_messages
                                            if m not in constraint.messages)]
        found.append(Solution(this or node, path, fill["value"],
                              tuple(_fill(str(m), fill) for m in messages)))
    return found
