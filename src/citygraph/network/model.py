"""The relation network held in the store, as plain Python data.

Every relation in citygraph's model (docs/model.md: a resource with two ``cg:partner`` values)
is an edge, whichever named graph holds it: the official data, an import such as a Wikidata
P190 graph, or a synthetic graph. Each edge keeps the graph it comes from, its relation type,
dates, status and the ``dct:source`` pages, so every view can say what it is drawn from.

The same SPARQL strings are run against the open Oxigraph store at build time and through the
query runtime in the web server; both hand back rows of plain strings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Row = dict[str, str]
Select = Callable[[str], Iterable[Row]]

PREFIXES = """PREFIX cg: <https://w3id.org/citygraph/def#>
PREFIX schema: <https://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
CGREL = "https://w3id.org/citygraph/def/relation-type/"
UNTYPED = CGREL + "unspecified"

# One row per relation, pair of partners and source page; dates and types as given.
EDGES = PREFIXES + """SELECT ?rel ?g ?a ?b ?type ?start ?end ?status ?src WHERE {
  GRAPH ?g { ?rel cg:partner ?a , ?b . FILTER(STR(?a) < STR(?b))
    OPTIONAL { ?rel cg:relationType ?type } OPTIONAL { ?rel schema:startDate ?start }
    OPTIONAL { ?rel schema:endDate ?end } OPTIONAL { ?rel cg:status ?status }
    OPTIONAL { ?rel dct:source ?src } } }"""
# Twinnings another source states between its own items (ontology/external-sources.ttl, the
# Wikidata P190 import): edges of type cg:ExternalTwinning; an item aligned with a citygraph
# authority (skos:exactMatch) is that authority's node.
EXTERNAL = "https://w3id.org/citygraph/def#ExternalTwinning"
EXTERNAL_EDGES = PREFIXES + """SELECT ?rel ?g ?a ?b ?start ?end ?src WHERE {
  GRAPH ?g { ?rel a cg:ExternalTwinning ; cg:externalPartner ?a , ?b . FILTER(STR(?a) < STR(?b))
    OPTIONAL { ?rel schema:startDate ?start } OPTIONAL { ?rel schema:endDate ?end }
    OPTIONAL { ?rel dct:source ?src } } }"""
ALIGNED = PREFIXES + """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?r ?q WHERE { GRAPH ?g { ?r skos:exactMatch ?q . ?r0 cg:externalPartner ?q } }"""
# Every authority of the network (partners and members of city networks).
NODE_SET = """{ SELECT DISTINCT ?n WHERE { { GRAPH ?g0 { ?r0 cg:partner ?n } }
  UNION { GRAPH ?g0 { ?r0 cg:externalPartner ?n } }
  UNION { GRAPH ?g0 { ?n org:memberOf ?net0 } } } }"""
LABELS = PREFIXES + f"""SELECT ?n ?label (LANG(?label) AS ?lang) WHERE {{ {NODE_SET}
  GRAPH ?g {{ ?n rdfs:label ?label }} }}"""
PLACES = PREFIXES + f"""SELECT ?n ?lat ?long ?country WHERE {{ {NODE_SET}
  OPTIONAL {{ GRAPH ?g1 {{ ?n wgs:lat ?lat ; wgs:long ?long }} }}
  OPTIONAL {{ GRAPH ?g2 {{ ?n schema:containedInPlace ?country }}
             FILTER(STRSTARTS(STR(?country), "http://www.wikidata.org/entity/")
                    || EXISTS {{ GRAPH ?g3 {{ ?country a schema:Country }} }}) }} }}"""
# Labels of what a view names besides the nodes: countries, relation types and statuses (SKOS
# concepts), city networks. Named graphs have no labels; views show their IRI's last segment.
OTHER_LABELS = PREFIXES + """SELECT ?x ?label (LANG(?label) AS ?lang) WHERE {
  { GRAPH ?g0 { { ?x a schema:Country } UNION { ?x a skos:Concept }
                UNION { ?x a cg:CityNetwork } } }
  UNION { VALUES ?x { cg:ExternalTwinning } }
  GRAPH ?g { ?x rdfs:label ?label } }"""
MEMBERS = PREFIXES + "SELECT DISTINCT ?n ?net WHERE { GRAPH ?g { ?n org:memberOf ?net } }"
# The measures of the build (graph network-measures, citygraph.network.measures), shown on the
# city pages; absent while a build computes them.
MEASURE_VALUES = PREFIXES + """SELECT ?n ?p ?v WHERE { GRAPH ?g {
  { ?n cg:degree ?v BIND(cg:degree AS ?p) }
  UNION { ?n cg:betweenness ?v BIND(cg:betweenness AS ?p) }
  UNION { ?n cg:clusteringCoefficient ?v BIND(cg:clusteringCoefficient AS ?p) } } }"""
# The pages that state a relation's start date (docs/model.md, "Provenance per fact"): the
# source of an edge where the data says it; otherwise the relation's dct:source.
DATE_SOURCES = PREFIXES + """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?rel ?src WHERE { GRAPH ?g { ?st a cg:Statement ; rdf:subject ?rel ;
  rdf:predicate schema:startDate ; dct:source ?src } }"""


@dataclass
class Node:
    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    lat: float | None = None
    long: float | None = None
    country: str | None = None


@dataclass
class Edge:
    index: int
    relation: str
    a: str
    b: str
    graph: str
    type: str = UNTYPED
    start: str | None = None  # lexical form: a year or a date
    end: str | None = None
    status: str | None = None
    sources: list[str] = field(default_factory=list)  # the start date's, else the relation's
    start_year: int | None = field(init=False)
    end_year: int | None = field(init=False)

    def __post_init__(self) -> None:  # parsed once: every date filter reads them
        self.start_year, self.end_year = _year(self.start), _year(self.end)

    def other(self, iri: str) -> str:
        return self.b if iri == self.a else self.a


def _year(value: str | None) -> int | None:
    if not value:
        return None
    digits = value.lstrip("-")[:4]
    return int(digits) if digits.isdigit() else None


@dataclass
class Network:
    """Nodes, edges, adjacency and the labels of everything a view names."""

    nodes: dict[str, Node]
    edges: list[Edge]
    labels: dict[str, dict[str, str]]
    members: dict[str, set[str]]
    measures: dict[str, dict[str, str]] = field(default_factory=dict)  # node → name → value
    adjacency: dict[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.adjacency = defaultdict(list)
        self._graphs = sorted({e.graph for e in self.edges})
        self._types = sorted({e.type for e in self.edges})
        for edge in self.edges:
            self.adjacency[edge.a].append(edge.index)
            self.adjacency[edge.b].append(edge.index)

    def label(self, iri: str, lang: str) -> str:
        """The name in ``lang``, else English, German, any; else the IRI's last segment."""
        node = self.nodes.get(iri)
        names = node.labels if node is not None else self.labels.get(iri, {})
        for key in (lang, "en", "de"):
            if key in names:
                return names[key]
        if names:
            return next(iter(sorted(names.values())))
        return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def graphs(self) -> list[str]:
        return self._graphs

    def types(self) -> list[str]:
        return self._types

    def country_of(self, iri: str) -> str | None:
        node = self.nodes.get(iri)
        return node.country if node else None


def extract(select: Select) -> Network:
    """Read the network from a store through ``select`` (a SPARQL SELECT runner)."""
    edges: dict[tuple[str, str, str, str], Edge] = {}
    for row in select(EDGES):
        key = (row["rel"], row["a"], row["b"], row["g"])
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = Edge(len(edges), row["rel"], row["a"], row["b"], row["g"],
                                     row.get("type") or UNTYPED, row.get("start"),
                                     row.get("end"), row.get("status"))
        src = row.get("src")
        if src and src not in edge.sources:
            edge.sources.append(src)
    merged = _external(select, edges)
    _date_sources(select, edges.values())
    nodes: dict[str, Node] = {}
    for row in select(LABELS):
        node = nodes.setdefault(row["n"], Node(row["n"]))
        node.labels.setdefault(row.get("lang") or "", row["label"])
    for row in select(PLACES):
        node = nodes.setdefault(row["n"], Node(row["n"]))
        if row.get("lat") and row.get("long") and node.lat is None:
            node.lat, node.long = _float(row["lat"]), _float(row["long"])
        node.country = node.country or row.get("country")
    for item in merged:  # an aligned item is drawn as the authority it matches
        nodes.pop(item, None)
    for edge in edges.values():
        for iri in (edge.a, edge.b):
            nodes.setdefault(iri, Node(iri))
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for row in select(OTHER_LABELS):
        labels[row["x"]].setdefault(row.get("lang") or "", row["label"])
    members: dict[str, set[str]] = defaultdict(set)
    for row in select(MEMBERS):
        members[row["net"]].add(row["n"])
    measures: dict[str, dict[str, str]] = defaultdict(dict)
    for row in select(MEASURE_VALUES):
        measures[row["n"]][row["p"].rsplit("#", 1)[-1]] = row["v"]
    return Network(nodes, list(edges.values()), dict(labels), dict(members), dict(measures))


def _external(select: Select, edges: dict[tuple[str, str, str, str], Edge]) -> set[str]:
    """Add the external twinnings, one edge per pair and graph (a source may state a pair
    from both sides), endpoints replaced by the authorities they are aligned with."""
    aligned: dict[str, set[str]] = defaultdict(set)
    for row in select(ALIGNED):
        aligned[row["q"]].add(row["r"])
    node = {q: next(iter(rs)) for q, rs in aligned.items() if len(rs) == 1}
    for row in select(EXTERNAL_EDGES):
        a, b = sorted((node.get(row["a"], row["a"]), node.get(row["b"], row["b"])))
        if a == b:
            continue
        key = ("", a, b, row["g"])
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = Edge(len(edges), row["rel"], a, b, row["g"], EXTERNAL,
                                     row.get("start"), row.get("end"))
        elif row.get("start") and (edge.start is None or row["start"] < edge.start):
            edge.start, edge.start_year = row["start"], _year(row["start"])
        src = row.get("src")
        if src and src not in edge.sources:
            edge.sources.append(src)
    return set(node)


def _date_sources(select: Select, edges: Iterable[Edge]) -> None:
    stated: dict[str, list[str]] = defaultdict(list)
    for row in select(DATE_SOURCES):
        stated[row["rel"]].append(row["src"])
    for edge in edges:
        if edge.relation in stated:
            edge.sources = sorted(set(stated[edge.relation]))


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def json_rows(bindings: Iterable[dict[str, dict[str, str]]]) -> Iterable[Row]:
    """SPARQL 1.1 JSON result bindings as rows of plain strings."""
    for binding in bindings:
        yield {name: value["value"] for name, value in binding.items()}


def store_select(store: object) -> Select:
    """A ``Select`` over an open pyoxigraph store (all named graphs)."""
    import pyoxigraph as ox

    def run(query: str) -> Iterable[Row]:
        result = store.query(query)  # type: ignore[attr-defined]
        assert isinstance(result, ox.QuerySolutions)
        names = [v.value for v in result.variables]
        for solution in result:
            row: Row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term.value
            yield row

    return run
