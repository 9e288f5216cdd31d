"""The one map projection and point type of every inline SVG map (entity pages, workbench,
glance page): no tiles, no scripts, no external requests.

Equirectangular with the x axis scaled by cos(mid-latitude), which keeps shapes roughly right
at the scale of a region; the frame is fitted to the points with a margin and grown on its
narrower side so that the drawing is filled at one scale. Graticule steps are whole degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

STEPS = (1, 2, 5, 10, 15, 30, 60, 90)


@dataclass(frozen=True)
class GeoPoint:
    """A point to draw: longitude, latitude, its label and where it links."""

    lon: float
    lat: float
    label: str
    href: str | None = None
    css: str = "point"
    reference: bool = False  # drawn for orientation only (the focal city)


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude → SVG x/y within ``width`` × ``height``."""

    west: float
    south: float
    east: float
    north: float
    width: int
    height: int

    def x(self, lon: float) -> float:
        return round((lon - self.west) / (self.east - self.west) * self.width, 1)

    def y(self, lat: float) -> float:
        return round((self.north - lat) / (self.north - self.south) * self.height, 1)

    def meridians(self, lines: int = 6) -> list[tuple[float, float]]:
        """(longitude, x) of the graticule's meridians inside the frame."""
        step = _step(self.east - self.west, lines)
        first, last = math.ceil(self.west / step) * step, math.floor(self.east / step) * step
        return [(lon, self.x(lon)) for lon in range(first, last + 1, step)]

    def parallels(self, lines: int = 6) -> list[tuple[float, float]]:
        """(latitude, y) of the graticule's parallels inside the frame."""
        step = _step(self.north - self.south, lines)
        first, last = math.ceil(self.south / step) * step, math.floor(self.north / step) * step
        return [(lat, self.y(lat)) for lat in range(first, last + 1, step)]


def _step(span: float, lines: int) -> int:
    return next((s for s in STEPS if span / s <= lines), STEPS[-1])


def fit(points: list[GeoPoint], width: int, height: int, *, min_lon: float = 4.0,
        min_lat: float = 3.0, pad: float = 1.3) -> Projection:
    """The projection framing every point (at least ``min_lon`` × ``min_lat`` degrees, the
    spans widened by ``pad``); ``points`` must not be empty."""
    lons, lats = [p.lon for p in points], [p.lat for p in points]
    mid_lat = (min(lats) + max(lats)) / 2
    cos = max(math.cos(math.radians(mid_lat)), 0.2)
    span_lon = max(max(lons) - min(lons), min_lon) * pad
    span_lat = max(max(lats) - min(lats), min_lat) * pad
    scale = min(width / (span_lon * cos), height / span_lat)
    span_lon, span_lat = width / (scale * cos), height / scale
    mid_lon = (min(lons) + max(lons)) / 2
    return Projection(mid_lon - span_lon / 2, mid_lat - span_lat / 2, mid_lon + span_lon / 2,
                      mid_lat + span_lat / 2, width, height)


def degrees(value: float, positive: str, negative: str) -> str:
    """``12°E``, ``3°S``: a graticule label."""
    return f"{abs(value):g}°{positive if value >= 0 else negative}"
