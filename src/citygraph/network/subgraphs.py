"""The views of the network: ego network, paths, a city network's members, countries, a year.

Each view is a ``Subgraph``: the nodes and edges it shows, plus what it is drawn from (the
named graphs and relation types of its edges). Edges without a start date are never dropped by
a date filter: they stay in the view and are marked undated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from citygraph.network.model import Edge, Network

MAX_DEPTH = 2
MAX_PATHS = 20  # shortest paths listed between two cities; more are counted, not listed


@dataclass(frozen=True)
class Filters:
    """Which edges a view may use: relation types, named graphs, a period of years."""

    types: frozenset[str] = frozenset()
    graphs: frozenset[str] = frozenset()
    since: int | None = None
    until: int | None = None

    @property
    def everything(self) -> bool:
        return not (self.types or self.graphs) and self.since is None and self.until is None

    def admits(self, edge: Edge) -> bool:
        if self.everything:
            return True
        if self.types and edge.type not in self.types:
            return False
        if self.graphs and edge.graph not in self.graphs:
            return False
        start, end = edge.start_year, edge.end_year
        if start is None:
            return True  # undated: kept and shown as such
        if self.until is not None and start > self.until:
            return False
        return not (self.since is not None and end is not None and end < self.since)


@dataclass
class Subgraph:
    nodes: list[str]
    edges: list[Edge]
    focus: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)  # distance from the focus

    def graphs(self) -> list[str]:
        return sorted({e.graph for e in self.edges})

    def types(self) -> list[str]:
        return sorted({e.type for e in self.edges})

    def undated(self) -> list[Edge]:
        return [e for e in self.edges if e.start_year is None]


def _neighbours(net: Network, iri: str, admits: Callable[[Edge], bool]) -> list[tuple[str, Edge]]:
    return [(net.edges[i].other(iri), net.edges[i]) for i in net.adjacency.get(iri, ())
            if admits(net.edges[i])]


def induced(net: Network, nodes: list[str], admits: Callable[[Edge], bool]) -> list[Edge]:
    """Every admitted edge between two of ``nodes``."""
    inside = set(nodes)
    seen: set[int] = set()
    edges = []
    for iri in nodes:
        for i in net.adjacency.get(iri, ()):
            edge = net.edges[i]
            if i not in seen and edge.other(iri) in inside and admits(edge):
                seen.add(i)
                edges.append(edge)
    return edges


def ego(net: Network, iri: str, depth: int = 1, filters: Filters = Filters()) -> Subgraph:
    """The city, its partners (and theirs at depth 2), and all links among them."""
    levels = {iri: 0}
    frontier = [iri]
    for level in range(1, min(max(depth, 1), MAX_DEPTH) + 1):
        nxt = []
        for node in frontier:
            for other, _ in _neighbours(net, node, filters.admits):
                if other not in levels:
                    levels[other] = level
                    nxt.append(other)
        frontier = nxt
    nodes = list(levels)
    return Subgraph(nodes, induced(net, nodes, filters.admits), [iri], levels)


def _grow(net: Network, frontier: list[str], dist: dict[str, int],
          preds: dict[str, list[Edge]], admits: Callable[[Edge], bool]) -> list[str]:
    """Expand one whole BFS level; predecessors of the new level are complete."""
    nxt: list[str] = []
    for node in frontier:
        level = dist[node] + 1
        for other, edge in _neighbours(net, node, admits):
            if other not in dist:
                dist[other] = level
                preds[other] = [edge]
                nxt.append(other)
            elif dist[other] == level:
                preds[other].append(edge)
    return nxt


def _walks(node: str, root: str, preds: dict[str, list[Edge]], limit: int) -> list[list[Edge]]:
    """Up to ``limit`` shortest walks from ``node`` back to ``root`` along ``preds``."""
    if node == root:
        return [[]]
    found: list[list[Edge]] = []
    for edge in preds[node]:
        for tail in _walks(edge.other(node), root, preds, limit - len(found)):
            found.append([edge, *tail])
            if len(found) >= limit:
                return found
    return found


def _count(node: str, root: str, preds: dict[str, list[Edge]], memo: dict[str, int]) -> int:
    if node == root:
        return 1
    if node not in memo:
        memo[node] = sum(_count(e.other(node), root, preds, memo) for e in preds[node])
    return memo[node]


def paths(net: Network, start: str, goal: str,
          filters: Filters = Filters()) -> tuple[list[list[Edge]], int]:
    """The shortest paths from ``start`` to ``goal`` (at most MAX_PATHS) and how many exist.

    Bidirectional breadth-first search, one whole level at a time from the smaller side, so a
    path across a large network visits a fraction of it.
    """
    if start == goal:
        return [], 0
    sides = ({start: 0}, {goal: 0})
    preds: tuple[dict[str, list[Edge]], dict[str, list[Edge]]] = ({start: []}, {goal: []})
    fronts = [[start], [goal]]
    meet: list[str] = []
    while fronts[0] and fronts[1] and not meet:
        side = 0 if len(fronts[0]) <= len(fronts[1]) else 1
        fronts[side] = _grow(net, fronts[side], sides[side], preds[side], filters.admits)
        other = sides[1 - side]
        touching = [n for n in fronts[side] if n in other]
        if touching:
            best = min(sides[side][n] + other[n] for n in touching)
            meet = [n for n in touching if sides[side][n] + other[n] == best]
    memo: tuple[dict[str, int], dict[str, int]] = ({}, {})
    total = sum(_count(m, start, preds[0], memo[0]) * _count(m, goal, preds[1], memo[1])
                for m in meet)
    found: list[list[Edge]] = []
    for m in meet:
        for head in _walks(m, start, preds[0], MAX_PATHS):
            for tail in _walks(m, goal, preds[1], MAX_PATHS - len(found)):
                found.append([*reversed(head), *tail])
                if len(found) >= MAX_PATHS:
                    return found, total
    return found, total


def path_subgraph(found: list[list[Edge]], start: str, goal: str) -> Subgraph:
    nodes: dict[str, None] = {start: None}
    edges: dict[int, Edge] = {}
    for path in found:
        node = start
        for edge in path:
            node = edge.other(node)
            nodes[node] = None
            edges[edge.index] = edge
    return Subgraph(list(nodes), list(edges.values()), [start, goal])


def members(net: Network, network_iri: str, filters: Filters = Filters()) -> Subgraph:
    """A city network's members and the relations among them."""
    nodes = sorted(net.members.get(network_iri, ()))
    return Subgraph(nodes, induced(net, nodes, filters.admits))


def year(net: Network, when: int, filters: Filters = Filters()) -> Subgraph:
    """Relations active in ``when`` (started by then, not ended before), plus undated ones."""
    admits = None if filters.everything else filters.admits
    edges = [e for e in net.edges
             if (e.start_year is None or (e.start_year <= when
                                          and (e.end_year is None or e.end_year >= when)))
             and (admits is None or admits(e))]
    nodes = list(dict.fromkeys(n for e in edges for n in (e.a, e.b)))
    return Subgraph(nodes, edges)


def whole(net: Network, filters: Filters = Filters()) -> Subgraph:
    edges = [e for e in net.edges if filters.admits(e)]
    nodes = list(net.nodes) if filters == Filters() else list(
        dict.fromkeys(n for e in edges for n in (e.a, e.b)))
    return Subgraph(nodes, edges)


UNKNOWN_COUNTRY = "unknown"


def countries(net: Network, filters: Filters = Filters()) -> list[tuple[str, str, int]]:
    """Pairs of countries (sorted IRIs; equal for domestic links) and their number of links."""
    pairs: Counter[tuple[str, str]] = Counter()
    for edge in net.edges:
        if filters.admits(edge):
            a = net.country_of(edge.a) or UNKNOWN_COUNTRY
            b = net.country_of(edge.b) or UNKNOWN_COUNTRY
            pairs[(min(a, b), max(a, b))] += 1
    return [(a, b, n) for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))]


def timeline(net: Network, filters: Filters = Filters()) -> tuple[list[tuple[int, Counter[str]]],
                                                                    Counter[str]]:
    """Links formed per start year and relation type; the undated ones per type apart."""
    per_year: dict[int, Counter[str]] = {}
    undated: Counter[str] = Counter()
    for edge in net.edges:
        if not filters.admits(edge):
            continue
        start = edge.start_year
        if start is None:
            undated[edge.type] += 1
        else:
            per_year.setdefault(start, Counter())[edge.type] += 1
    return sorted(per_year.items()), undated
