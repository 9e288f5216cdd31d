"""The views of the network: ego network, paths, a city network's members, countries, a year.

Each view is a ``Subgraph``: the nodes and edges it shows, plus what it is drawn from (the
named graphs and relation types of its edges). Edges without a start date are never dropped by
a date filter: they stay in the view and are marked undated.
"""

from __future__ import annotations

from collections import Counter, deque
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

    def admits(self, edge: Edge) -> bool:
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


def paths(net: Network, start: str, goal: str,
          filters: Filters = Filters()) -> tuple[list[list[Edge]], int]:
    """The shortest paths from ``start`` to ``goal`` (at most MAX_PATHS) and how many exist."""
    preds: dict[str, list[Edge]] = {start: []}
    dist = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if goal in dist and dist[node] >= dist[goal]:
            break
        for other, edge in _neighbours(net, node, filters.admits):
            if other not in dist:
                dist[other] = dist[node] + 1
                preds[other] = [edge]
                queue.append(other)
            elif dist[other] == dist[node] + 1:
                preds[other].append(edge)
    if goal not in dist or start == goal:
        return [], 0
    counts: dict[str, int] = {start: 1}
    for node in sorted(dist, key=dist.__getitem__):
        if node != start:
            counts[node] = sum(counts.get(e.other(node), 0) for e in preds.get(node, ()))
    found: list[list[Edge]] = []

    def walk(node: str, tail: list[Edge]) -> None:
        if len(found) >= MAX_PATHS:
            return
        if node == start:
            found.append(list(reversed(tail)))
            return
        for edge in preds[node]:
            walk(edge.other(node), [*tail, edge])

    walk(goal, [])
    return found, counts[goal]


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
    bounded = Filters(filters.types, filters.graphs, since=when, until=when)
    edges = [e for e in net.edges if bounded.admits(e)]
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
