"""Network measures computed at build time with networkx, stored as their own named graph.

The graph ``{base}graph/network-measures`` holds, for every authority of the network, its
degree, its strength per relation type, betweenness, clustering coefficient, connected
component and community, plus one ``cg:NetworkAnalysis`` that says how they were computed and
on which network (named graphs, relation types, sizes), with the caveat that the network is
only what the store holds. Terms: ontology/network.ttl.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import networkx as nx
import pyoxigraph as ox

from citygraph.network.model import Network, extract, store_select

CG = "https://w3id.org/citygraph/def#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT = "http://purl.org/dc/terms/"
SKOS_NOTE = ox.NamedNode("http://www.w3.org/2004/02/skos/core#note")
SCHEMA_VALUE = ox.NamedNode("https://schema.org/value")
# Exact betweenness costs O(nodes · edges); above this many nodes it is estimated from a fixed
# sample of source nodes (Brandes & Pich 2007), with a fixed seed so builds are reproducible.
EXACT_BETWEENNESS_NODES = 3000
BETWEENNESS_SAMPLE = 200
MEASURES = ("degree", "betweenness", "clusteringCoefficient")

METHOD = {
    "en": "Computed with networkx {version} on the undirected simple graph whose nodes are the "
          "local authorities and whose edges join two authorities with at least one relation "
          "(several relations between the same pair count once for degree, clustering and "
          "betweenness). Degree: number of distinct partners. Strength: number of relations of "
          "one relation type. Betweenness: normalised shortest-path betweenness{sampled}. "
          "Clustering coefficient: share of a node's partner pairs that are linked. Component: "
          "connected components, numbered by size. Community: Louvain modularity communities "
          "(seed 0), numbered by size.",
    "de": "Berechnet mit networkx {version} auf dem ungerichteten einfachen Graphen, dessen "
          "Knoten die Gebietskörperschaften und dessen Kanten Paare mit mindestens einer "
          "Beziehung sind (mehrere Beziehungen eines Paars zählen für Grad, Clustering und "
          "Zwischenzentralität einmal). Grad: Zahl verschiedener Partner. Stärke: Zahl der "
          "Beziehungen eines Beziehungstyps. Zwischenzentralität: normiert{sampled}. "
          "Clusterkoeffizient: Anteil verbundener Partnerpaare. Komponente: "
          "Zusammenhangskomponenten nach Größe nummeriert. Gemeinschaft: Louvain-Modularität "
          "(Seed 0), nach Größe nummeriert.",
}
SAMPLED = {"en": ", estimated from {k} sampled source nodes (seed 0)",
           "de": ", geschätzt aus {k} zufällig gewählten Startknoten (Seed 0)"}
CAVEAT = {
    "en": "Incomplete network: computed only on the relations this store holds. Cities whose "
          "relations are not all recorded here have lower degree and centrality than in "
          "reality; compare cities only within what the named graphs listed here cover.",
    "de": "Unvollständiges Netz: berechnet nur auf den Beziehungen in diesem Datenbestand. "
          "Städte, deren Beziehungen hier nicht alle erfasst sind, haben geringere Grade und "
          "Zentralitäten als in Wirklichkeit; Vergleiche nur im Rahmen der genannten Graphen.",
}


@dataclass
class Results:
    degree: dict[str, int]
    strength: dict[str, Counter[str]]
    betweenness: dict[str, float]
    clustering: dict[str, float]
    component: dict[str, int]
    community: dict[str, int]
    sample: int | None  # sources sampled for betweenness, None when exact
    nodes: int
    edges: int


def simple_graph(net: Network) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(net.nodes)
    for edge in net.edges:
        if graph.has_edge(edge.a, edge.b):
            graph[edge.a][edge.b]["weight"] += 1
        else:
            graph.add_edge(edge.a, edge.b, weight=1)
    return graph


def _numbered(groups: list[set[str]]) -> dict[str, int]:
    ordered = sorted(groups, key=lambda g: (-len(g), min(g)))
    return {node: i + 1 for i, group in enumerate(ordered) for node in group}


def compute(net: Network) -> Results:
    graph = simple_graph(net)
    n = graph.number_of_nodes()
    sample = None if n <= EXACT_BETWEENNESS_NODES else BETWEENNESS_SAMPLE
    betweenness = nx.betweenness_centrality(graph, k=sample, seed=0 if sample else None)
    strength: dict[str, Counter[str]] = {node: Counter() for node in net.nodes}
    for edge in net.edges:
        strength[edge.a][edge.type] += 1
        strength[edge.b][edge.type] += 1
    communities = nx.community.louvain_communities(graph, seed=0) if graph.number_of_edges() \
        else [{node} for node in graph]
    return Results(dict(graph.degree()), strength, betweenness, nx.clustering(graph),
                   _numbered(list(nx.connected_components(graph))),
                   _numbered([set(c) for c in communities]), sample, n, len(net.edges))


def _lit(value: float) -> ox.Literal:
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(f"{float(value):.6g}", datatype=ox.NamedNode(XSD + "double"))


def quads(net: Network, res: Results, base: str, graph_iri: str) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(graph_iri)

    def q(s: ox.NamedNode, p: str | ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, p if isinstance(p, ox.NamedNode) else ox.NamedNode(CG + p), o, graph)

    analysis = ox.NamedNode(f"{base}id/analysis/network")
    yield from _analysis(q, analysis, net, res)
    for kind, numbers in (("component", res.component), ("community", res.community)):
        sizes = Counter(numbers.values())
        for number, size in sizes.items():
            group = ox.NamedNode(f"{base}id/{kind}/{number}")
            yield q(group, RDF_TYPE, ox.NamedNode(CG + ("NetworkComponent" if kind == "component"
                                                        else "NetworkCommunity")))
            yield q(group, "size", _lit(size))
            yield q(group, "computedIn", analysis)
    for iri in net.nodes:
        node = ox.NamedNode(iri)
        yield q(node, "degree", _lit(res.degree.get(iri, 0)))
        yield q(node, "betweenness", _lit(res.betweenness.get(iri, 0.0)))
        yield q(node, "clusteringCoefficient", _lit(res.clustering.get(iri, 0.0)))
        yield q(node, "inComponent", ox.NamedNode(f"{base}id/component/{res.component[iri]}"))
        yield q(node, "inCommunity", ox.NamedNode(f"{base}id/community/{res.community[iri]}"))
        digest = hashlib.sha256(iri.encode()).hexdigest()[:16]
        for rel_type, count in sorted(res.strength[iri].items()):
            local = rel_type.rstrip("/").rsplit("/", 1)[-1]
            item = ox.NamedNode(f"{base}id/strength/{digest}-{local}")
            yield q(node, "strength", item)
            yield q(item, RDF_TYPE, ox.NamedNode(CG + "TypedStrength"))
            yield q(item, "relationType", ox.NamedNode(rel_type))
            yield q(item, SCHEMA_VALUE, _lit(count))


def _analysis(q: Callable[..., ox.Quad], analysis: ox.NamedNode, net: Network,
              res: Results) -> Iterator[ox.Quad]:
    yield q(analysis, RDF_TYPE, ox.NamedNode(CG + "NetworkAnalysis"))
    yield q(analysis, RDFS_LABEL, ox.Literal("Network measures", language="en"))
    yield q(analysis, RDFS_LABEL, ox.Literal("Netzwerkmaße", language="de"))
    for lang in ("en", "de"):
        sampled = SAMPLED[lang].format(k=res.sample) if res.sample else ""
        text = METHOD[lang].format(version=nx.__version__, sampled=sampled)
        yield q(analysis, ox.NamedNode(DCT + "description"), ox.Literal(text, language=lang))
        yield q(analysis, SKOS_NOTE, ox.Literal(CAVEAT[lang], language=lang))
    # No timestamp: the graph is a function of the data, so an unchanged network yields an
    # unchanged graph and no entry in the build's change set (the build itself is dated).
    for graph in net.graphs():
        yield q(analysis, "drawnFromGraph", ox.NamedNode(graph))
    for rel_type in net.types():
        yield q(analysis, "includesRelationType", ox.NamedNode(rel_type))
    yield q(analysis, "nodeCount", _lit(res.nodes))
    yield q(analysis, "edgeCount", _lit(res.edges))
    yield q(analysis, "complete", ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean")))


def add_measures(store: ox.Store, base: str, progress: Callable[[str], None]) -> int:
    """The build hook: (re)compute the measures graph inside a build being written."""
    graph_iri = f"{base}graph/network-measures"
    if store.contains_named_graph(ox.NamedNode(graph_iri)):  # an `add` on an older build
        store.remove_graph(ox.NamedNode(graph_iri))
    started = time.monotonic()
    net = extract(store_select(store))
    if not net.nodes:
        return 0
    res = compute(net)
    items = list(quads(net, res, base, graph_iri))
    store.bulk_extend(items)
    progress(f"network measures: {res.nodes} nodes, {res.edges} relations, {len(items)} "
             f"triples ({time.monotonic() - started:.2f} s)")
    return len(items)
