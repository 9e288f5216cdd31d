"""A small point map as inline SVG on entity pages: a graticule and dots, drawn with the one
projection of ``web.mapping``. SVG accessibility: role="img" with <title> and <desc>
(https://www.w3.org/TR/svg-aam-1.0/).
"""

from __future__ import annotations

from dataclasses import dataclass

from citygraph.web.mapping import GeoPoint, degrees, fit

WIDTH, HEIGHT = 320, 240


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    reference: bool


@dataclass(frozen=True)
class GridLine:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str


@dataclass(frozen=True)
class MapView:
    width: int
    height: int
    dots: list[Dot]
    grid: list[GridLine]


def build_map(points: list[GeoPoint]) -> MapView | None:
    """The map of these points, or None when there is nothing to draw."""
    if not points:
        return None
    frame = fit(points, WIDTH, HEIGHT)
    grid = [GridLine(x, 0, x, HEIGHT, degrees(lon, "E", "W")) for lon, x in frame.meridians()]
    grid += [GridLine(0, y, WIDTH, y, degrees(lat, "N", "S")) for lat, y in frame.parallels()]
    dots = [Dot(frame.x(p.lon), frame.y(p.lat), p.label, p.reference) for p in points]
    return MapView(WIDTH, HEIGHT, dots, grid)
