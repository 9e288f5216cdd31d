"""A small point map as inline SVG: a longitude/latitude frame, a graticule and dots.

No tiles and no external requests (the page's Content-Security-Policy allows none anyway).
The projection is equirectangular with the x axis scaled by cos(mid-latitude), which keeps
shapes roughly right at the scale of a region. SVG accessibility: role="img" with <title> and
<desc> (https://www.w3.org/TR/svg-aam-1.0/).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from citygraph.linkeddata.facts import Point

WIDTH, HEIGHT = 320, 240
STEPS = (1, 2, 5, 10, 15, 30, 60)


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


def _frame(points: list[Point]) -> tuple[float, float, float, float, float]:
    """(west, south, east, north, x-scale) framing every point with a margin."""
    lons, lats = [p.lon for p in points], [p.lat for p in points]
    mid_lat = (min(lats) + max(lats)) / 2
    cos = max(math.cos(math.radians(mid_lat)), 0.2)
    span_lon = max(max(lons) - min(lons), 4.0) * 1.3
    span_lat = max(max(lats) - min(lats), 3.0) * 1.3
    # Grow the narrower side so that the frame fills the drawing at one scale.
    scale = min(WIDTH / (span_lon * cos), HEIGHT / span_lat)
    span_lon, span_lat = WIDTH / (scale * cos), HEIGHT / scale
    mid_lon = (min(lons) + max(lons)) / 2
    return (mid_lon - span_lon / 2, mid_lat - span_lat / 2, mid_lon + span_lon / 2,
            mid_lat + span_lat / 2, cos)


def _step(span: float) -> int:
    return next((s for s in STEPS if span / s <= 6), STEPS[-1])


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):g}°{positive if value >= 0 else negative}"


def build_map(points: list[Point]) -> MapView | None:
    """The map of these points, or None when there is nothing to draw."""
    if not points:
        return None
    west, south, east, north, _ = _frame(points)

    def x(lon: float) -> float:
        return round((lon - west) / (east - west) * WIDTH, 1)

    def y(lat: float) -> float:
        return round((north - lat) / (north - south) * HEIGHT, 1)

    grid = []
    step = _step(east - west)
    for lon in range(math.ceil(west / step) * step, math.floor(east / step) * step + 1, step):
        grid.append(GridLine(x(lon), 0, x(lon), HEIGHT, _degrees(lon, "E", "W")))
    step = _step(north - south)
    for lat in range(math.ceil(south / step) * step, math.floor(north / step) * step + 1, step):
        grid.append(GridLine(0, y(lat), WIDTH, y(lat), _degrees(lat, "N", "S")))
    dots = [Dot(x(p.lon), y(p.lat), p.label, p.reference) for p in points]
    return MapView(WIDTH, HEIGHT, dots, grid)
