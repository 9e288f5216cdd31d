"""A runner for the W3C SPARQL 1.0 and 1.1 query test suites over the SPARQL 1.1 Protocol.

Manifests (mf:, qt:) are read with rdflib; every file is known by its IRI in the W3C test
space, so relative IRIs in data, queries and expected results agree. Answers are compared as
multisets of solutions, blank nodes up to renaming, in order where the query has ORDER BY
(https://www.w3.org/2009/sparql/docs/tests/README.html#queryevaltests).
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic
from rdflib.util import from_n3

from citygraph.sparql.lexer import scan

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SPACES = {"sparql10": "http://www.w3.org/2001/sw/DataAccess/tests/data-r2/",
          "sparql11": "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"}
# Query suites; the others (update, entailment, service, protocol, graph store, service
# description) test what a read-only endpoint refuses or what is out of scope.
QUERY_MANIFESTS = ("sparql10/manifest.ttl", "sparql11/manifest-sparql11-query.ttl",
                   "sparql11/manifest-sparql11-results.ttl", "sparql11/syntax-fed/manifest.ttl")
POSITIVE = {"PositiveSyntaxTest", "PositiveSyntaxTest11"}
NEGATIVE = {"NegativeSyntaxTest", "NegativeSyntaxTest11"}
EVALUATION = {"QueryEvaluationTest", "CSVResultFormatTest"}

Term = tuple[str, ...]  # ("uri", iri) | ("bnode", label) | ("literal", text, datatype, lang)
Row = frozenset[tuple[str, Term]]


@dataclass
class Case:
    iri: str  # the test's IRI; its name for the exclusions is ``folder/name``
    name: str
    kind: str
    query: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)
    result: Path | None = None
    from_graphs: list[Path] = field(default_factory=list)  # named by FROM / FROM NAMED
    lax: bool = False  # mf:LaxCardinality (REDUCED): each solution at least once, at most
    # as often as expected


class Suite:
    """The files of the suites and their IRIs in the W3C test space."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def iri(self, path: Path) -> str:
        relative = path.resolve().relative_to(self.root.resolve())
        space, _, rest = relative.as_posix().partition("/")
        return SPACES[space] + rest

    def path(self, iri: str) -> Path:
        for space, base in SPACES.items():
            if iri.startswith(base):
                return self.root / space / iri[len(base):]
        raise ValueError(f"not a test IRI: {iri}")

    def cases(self) -> list[Case]:
        found: list[Case] = []
        for manifest in QUERY_MANIFESTS:
            found += self._manifest(self.root / manifest)
        return found

    def _manifest(self, path: Path) -> Iterator[Case]:
        graph = rdflib.Graph().parse(path, format="turtle", publicID=self.iri(path))
        top = rdflib.URIRef(self.iri(path))
        for include in graph.objects(top, MF.include):
            for item in rdflib.collection.Collection(graph, include):
                yield from self._manifest(self.path(str(item)))
        for entries in graph.objects(top, MF.entries):
            for test in rdflib.collection.Collection(graph, entries):
                case = self._case(graph, test, path)
                if case is not None:
                    yield case

    def _case(self, graph: rdflib.Graph, test: rdflib.term.Node, manifest: Path) -> Case | None:
        kinds = {str(t).rsplit("#", 1)[-1] for t in graph.objects(test, rdflib.RDF.type)}
        kind = next(iter(kinds & (POSITIVE | NEGATIVE | EVALUATION)), None)
        if kind is None:
            return None
        name = f"{manifest.parent.name}/{str(graph.value(test, MF.name)).strip()}"
        action = graph.value(test, MF.action)
        result = graph.value(test, MF.result)
        if kind in EVALUATION:
            assert action is not None
            query = self.path(str(graph.value(action, QT.query)))
            return Case(str(test), name, kind, query,
                        [self.path(str(d)) for d in graph.objects(action, QT.data)],
                        [self.path(str(d)) for d in graph.objects(action, QT.graphData)],
                        self.path(str(result)) if result is not None else None,
                        self._from_graphs(query),
                        graph.value(test, MF.resultCardinality) == MF.LaxCardinality)
        return Case(str(test), name, kind, self.path(str(action)))

    def _from_graphs(self, query: Path) -> list[Path]:
        tokens = [t for t in scan(query.read_text(encoding="utf-8")) if t.kind != "string"]
        found = []
        for index, token in enumerate(tokens[:-1]):
            if token.kind == "word" and token.text.upper() == "FROM":
                iri = tokens[index + 1]
                if iri.text.upper() == "NAMED" and index + 2 < len(tokens):
                    iri = tokens[index + 2]
                if iri.kind == "iri":
                    found.append(self.path(urljoin(self.iri(query), iri.text[1:-1])))
        return found

    def query_text(self, case: Case) -> str:
        """The query, anchored at its own IRI (relative IRIs resolve as the suite intends)."""
        text = case.query.read_bytes().decode("utf-8")
        return f"BASE <{self.iri(case.query)}>\n{text}"


def to_ntriples(suite: Suite, path: Path, target: Path) -> None:
    """A data file as N-Triples: absolute IRIs, so the store needs no base."""
    quads = ox.parse(path=str(path), base_iri=suite.iri(path))
    target.write_bytes(ox.serialize([ox.Triple(q.subject, q.predicate, q.object)
                                     for q in quads], format=ox.RdfFormat.N_TRIPLES) or b"")


# --- terms and solutions ----------------------------------------------------------------------

def literal(text: str, datatype: str | None, lang: str | None) -> Term:
    if lang:
        return ("literal", text, "", lang.lower())
    return ("literal", text, "" if datatype in (None, XSD_STRING) else str(datatype), "")


def json_term(binding: dict[str, str]) -> Term:
    kind = binding["type"]
    if kind == "uri":
        return ("uri", binding["value"])
    if kind == "bnode":
        return ("bnode", binding["value"])
    return literal(binding["value"], binding.get("datatype"), binding.get("xml:lang"))


def rdflib_term(node: rdflib.term.Node) -> Term:
    if isinstance(node, rdflib.URIRef):
        return ("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return ("bnode", str(node))
    assert isinstance(node, rdflib.Literal)
    return literal(str(node), str(node.datatype) if node.datatype else None, node.language)


@dataclass
class Solutions:
    rows: list[Row] | None = None  # SELECT
    boolean: bool | None = None  # ASK
    graph: rdflib.Graph | None = None  # CONSTRUCT / DESCRIBE
    ordered: bool = False  # the expected result fixes an order


def from_json(body: bytes) -> Solutions:
    data = json.loads(body)
    if "boolean" in data:
        return Solutions(boolean=bool(data["boolean"]))
    return Solutions(rows=[frozenset((var, json_term(value)) for var, value in row.items())
                           for row in data["results"]["bindings"]], ordered=True)


def _srx(path: Path) -> Solutions:
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.parse(path).getroot()
    boolean = root.find(f"{ns}boolean")
    if boolean is not None:
        return Solutions(boolean=(boolean.text or "").strip() == "true")
    rows = []
    for result in root.iter(f"{ns}result"):
        row = []
        for binding in result.findall(f"{ns}binding"):
            node = binding[0]
            tag = node.tag[len(ns):]
            if tag == "uri":
                row.append((binding.get("name", ""), ("uri", node.text or "")))
            elif tag == "bnode":
                row.append((binding.get("name", ""), ("bnode", node.text or "")))
            else:
                lang = node.get("{http://www.w3.org/XML/1998/namespace}lang")
                row.append((binding.get("name", ""),
                            literal(node.text or "", node.get("datatype"), lang)))
        rows.append(frozenset(row))
    return Solutions(rows=rows, ordered=True)


def _result_set(graph: rdflib.Graph) -> Solutions:
    """The rs: vocabulary of the SPARQL 1.0 suite (result sets written in RDF)."""
    result_set = next(graph.subjects(rdflib.RDF.type, RS.ResultSet))
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return Solutions(boolean=bool(boolean.toPython()))
    rows, indexed = [], []
    for solution in graph.objects(result_set, RS.solution):
        row = frozenset((str(graph.value(b, RS.variable)), rdflib_term(graph.value(b, RS.value)))
                        for b in graph.objects(solution, RS.binding))
        index = graph.value(solution, RS.index)
        indexed.append((int(index) if index is not None else 0, row))
        rows.append(row)
    ordered = any(graph.value(s, RS.index) is not None
                  for s in graph.objects(result_set, RS.solution))
    return Solutions(rows=[r for _, r in sorted(indexed, key=lambda x: x[0])] if ordered
                     else rows, ordered=ordered)


def expected(suite: Suite, path: Path) -> Solutions:
    suffix = path.suffix.lower()
    if suffix == ".srx":
        return _srx(path)
    if suffix == ".srj":
        return from_json(path.read_bytes())
    if suffix in (".csv", ".tsv"):
        return Solutions(rows=from_table(path.read_bytes(), suffix[1:]), ordered=True)
    fmt = "xml" if suffix == ".rdf" else "turtle"
    graph = rdflib.Graph().parse(path, format=fmt, publicID=suite.iri(path))
    if (None, rdflib.RDF.type, RS.ResultSet) in graph:
        return _result_set(graph)
    return Solutions(graph=graph)


def from_table(body: bytes, kind: str) -> list[Row]:
    """CSV/TSV results as rows of plain strings (the formats lose term types)."""
    text = body.decode("utf-8")
    if kind == "csv":
        reader = list(csv.reader(io.StringIO(text)))
    else:
        reader = [line.split("\t") for line in text.splitlines()]
    head = [h.lstrip("?") for h in reader[0]]
    cell = _csv_cell if kind == "csv" else _tsv_cell
    return [frozenset((h, cell(v)) for h, v in zip(head, line, strict=False) if v)
            for line in reader[1:] if line]


def _csv_cell(text: str) -> Term:
    """CSV keeps only the text of a term (SPARQL 1.1 CSV/TSV §2.3); blank nodes as _:x."""
    return ("bnode", text[2:]) if text.startswith("_:") else ("text", text)


def _tsv_cell(text: str) -> Term:
    """TSV writes terms as in SPARQL/Turtle, numbers possibly abbreviated (§3.3)."""
    node = from_n3(text)
    assert node is not None
    return rdflib_term(node)


# --- comparison -------------------------------------------------------------------------------

def _bnodes(row: Row) -> bool:
    return any(term[0] == "bnode" for _, term in row)


def _match(actual: list[Row], wanted: list[Row], mapping: dict[str, str]) -> bool:
    """Pair every actual row with a wanted row under one blank-node renaming (backtracking)."""
    if not actual:
        return not wanted
    row, rest = actual[0], actual[1:]
    for index, candidate in enumerate(wanted):
        trial = _unify(row, candidate, mapping)
        if trial is not None and _match(rest, wanted[:index] + wanted[index + 1:], trial):
            return True
    return False


def _unify(row: Row, other: Row, mapping: dict[str, str]) -> dict[str, str] | None:
    if {v for v, _ in row} != {v for v, _ in other}:
        return None
    theirs = dict(other)
    trial = dict(mapping)
    used = set(trial.values())
    for var, term in row:
        wanted = theirs[var]
        if term[0] == "bnode" and wanted[0] == "bnode":
            if term[1] in trial:
                if trial[term[1]] != wanted[1]:
                    return None
            elif wanted[1] in used:
                return None
            else:
                trial[term[1]] = wanted[1]
                used.add(wanted[1])
        elif term != wanted:
            return None
    return trial


def same_rows(actual: list[Row], wanted: list[Row], ordered: bool) -> bool:
    if len(actual) != len(wanted):
        return False
    if ordered:  # the same sequence, blank nodes renamed consistently
        mapping: dict[str, str] | None = {}
        for row, other in zip(actual, wanted, strict=True):
            mapping = _unify(row, other, mapping or {}) if mapping is not None else None
        return mapping is not None
    if not any(_bnodes(r) for r in actual + wanted):
        return Counter(actual) == Counter(wanted)
    plain = Counter(r for r in actual if not _bnodes(r))
    if plain != Counter(r for r in wanted if not _bnodes(r)):
        return False
    return _match([r for r in actual if _bnodes(r)], [r for r in wanted if _bnodes(r)], {})


def same(actual: Solutions, wanted: Solutions, order_matters: bool, lax: bool = False) -> bool:
    if lax and actual.rows is not None and wanted.rows is not None:
        got, want = Counter(actual.rows), Counter(wanted.rows)
        return set(got) == set(want) and all(got[r] <= want[r] for r in got)
    if wanted.boolean is not None:
        return actual.boolean == wanted.boolean
    if wanted.graph is not None:
        return actual.graph is not None and isomorphic(actual.graph, wanted.graph)
    if actual.rows is None or wanted.rows is None:
        return False
    return same_rows(actual.rows, wanted.rows, order_matters and wanted.ordered)


def from_oxigraph(outcome: object) -> Solutions:
    """The outcome of a bare pyoxigraph query, for the engine-fault reproductions."""
    if isinstance(outcome, ox.QueryBoolean):
        return Solutions(boolean=bool(outcome))
    if isinstance(outcome, ox.QuerySolutions):
        return from_json(outcome.serialize(format=ox.QueryResultsFormat.JSON) or b"{}")
    assert isinstance(outcome, ox.QueryTriples)
    data = outcome.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
    return Solutions(graph=rdflib.Graph().parse(data=data, format="nt"))
