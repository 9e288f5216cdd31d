"""A drawing of a small subgraph as inline SVG: the focus in the middle, rings by distance.

Server-side and script-free, so the page loads nothing from elsewhere and works without
JavaScript. Large views are drawn in part (the table under the drawing lists everything).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from citygraph.network.model import Network
from citygraph.network.subgraphs import Subgraph

MAX_DRAWN = 60
SIZE = 640
RINGS = (0.0, 190.0, 290.0)
# Colour per relation type (colour-blind safe Okabe–Ito), the rest grey.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


@dataclass
class Drawing:
    points: list[tuple[str, float, float, str, str]]  # iri, x, y, label, css class
    lines: list[tuple[float, float, float, float, str, bool]]  # x1 y1 x2 y2 colour dashed
    legend: list[tuple[str, str]]  # colour, relation type label
    drawn: int
    total: int
    size: int = SIZE


def _positions(sub: Subgraph, nodes: list[str]) -> dict[str, tuple[float, float]]:
    centre = SIZE / 2
    rings: dict[int, list[str]] = {}
    for iri in nodes:
        rings.setdefault(sub.levels.get(iri, 1), []).append(iri)
    places: dict[str, tuple[float, float]] = {}
    for level, members in sorted(rings.items()):
        radius = RINGS[min(level, 2)] if len(members) > 1 or level else 0.0
        for i, iri in enumerate(members):
            angle = 2 * math.pi * i / len(members) + level * 0.3
            places[iri] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle))
    return places


def draw(net: Network, sub: Subgraph, lang: str) -> Drawing:
    chosen = sorted(sub.nodes, key=lambda iri: (sub.levels.get(iri, 1), net.label(iri, lang)))
    nodes = chosen[:MAX_DRAWN]
    places = _positions(sub, nodes)
    colours = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(sub.types())}
    lines = []
    for edge in sub.edges:
        if edge.a in places and edge.b in places:
            (x1, y1), (x2, y2) = places[edge.a], places[edge.b]
            lines.append((x1, y1, x2, y2, colours[edge.type], edge.start_year is None))
    points = [(iri, x, y, net.label(iri, lang),
               "focus" if iri in sub.focus else f"level{sub.levels.get(iri, 1)}")
              for iri, (x, y) in places.items()]
    legend = [(colour, net.label(t, lang)) for t, colour in colours.items()]
    return Drawing(points, lines, legend, len(nodes), len(sub.nodes))
