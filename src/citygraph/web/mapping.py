"""The one map of every page (entity pages, workbench, glance page): point maps people
recognise, as inline SVG: an offline basemap (land and country borders
from Natural Earth 1:110m, public domain, shipped in static/vendor/world-atlas/), labelled
points placed without overlap, the focal city marked, and a legend.

No tiles and no requests to anywhere unless the operator configures a tile server
(``web.tiles``): then its tiles lie under the points, in their Web Mercator projection. Without
them the projection is equirectangular with x scaled by cos(mid-latitude), fitted to the points.
TopoJSON decoding follows https://github.com/topojson/topojson-specification (§2.1.2 quantised
delta-encoded arcs, §2.2 arc indexes, negative = reversed). No Flask here.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

from citygraph.web.tiles import TileImage, TileSource, cover, merc, unmerc

ATLAS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "world-atlas"
Ring = list[tuple[float, float]]
# Marker kinds, drawn in this order (the focal city last, on top). Colours have at least 3:1
# contrast against land (#efece3) and sea (#dce9f2) (WCAG 2.2 SC 1.4.11); shapes differ too.
KINDS = ("other", "partner", "friendship", "focal")
LABEL_H, CHAR_W = 11.0, 5.6  # label box estimate for the 10 px font


@dataclass(frozen=True)
class GeoPoint:
    """A point to draw: longitude, latitude, label, where it links, its marker kind."""

    lon: float
    lat: float
    label: str
    href: str | None = None
    kind: str = "other"  # marker: partner, friendship, focal or other (see KINDS)
    reference: bool = False  # the focal city drawn for orientation (marked as "focal")
    lang: str = ""  # the label's language when known (a fallback may differ from the page's)


@dataclass(frozen=True)
class Placed:
    x: float
    y: float
    label: str
    href: str | None
    kind: str
    label_x: float | None = None  # None: no room for the label (it is in the list below)
    label_y: float = 0.0
    anchor: str = "start"
    lang: str = ""  # the label's language, as GeoPoint.lang


@dataclass
class Drawing:
    width: int
    height: int
    land: str
    borders: str
    points: list[Placed]
    kinds: list[str] = field(default_factory=list)  # marker kinds present, for the legend
    tiles: list[TileImage] = field(default_factory=list)  # online tiles, if configured
    attribution: str = ""  # the tiles' attribution


Box = tuple[float, float, float, float]


def _box(ring: Ring) -> Box:
    lons, lats = [p[0] for p in ring], [p[1] for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


@functools.lru_cache(maxsize=1)
def _atlas() -> tuple[list[tuple[Ring, Box]], list[tuple[Ring, Box]]]:
    """(land rings, country border arcs), each with its bounding box, decoded once."""
    topo = json.loads((ATLAS / "countries-110m.json").read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:
        x = y = 0
        ring: Ring = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            ring.append((x * sx + tx, y * sy + ty))
        arcs.append(ring)

    def stitch(indexes: list[int]) -> Ring:
        ring: Ring = []
        for i in indexes:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            ring.extend(part[1:] if ring else part)
        return ring

    land = []
    for geometry in topo["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for indexes in polygon:
                ring = stitch(indexes)
                land.append((ring, _box(ring)))
    return land, [(arc, _box(arc)) for arc in arcs]


@dataclass(frozen=True)
class Frame:
    west: float
    south: float
    east: float
    north: float
    width: int
    height: int
    mercator: bool = False  # Web Mercator (under tiles), else equirectangular

    def x(self, lon: float) -> float:
        return (lon - self.west) / (self.east - self.west) * self.width

    def y(self, lat: float) -> float:
        if self.mercator:
            top = merc(self.north)
            return (top - merc(lat)) / (top - merc(self.south)) * self.height
        return (self.north - lat) / (self.north - self.south) * self.height


def _mercator_frame(west: float, east: float, mid_y: float, span_y: float, width: int,
                    height: int) -> Frame:
    """The Mercator frame of this width in longitude around ``mid_y`` that fills the box with
    one scale on both axes (the larger of the two spans wins)."""
    span_x = math.radians(east - west)
    scale = min(width / span_x, height / span_y)
    half_x, half_y = math.degrees(width / scale) / 2, height / scale / 2
    mid_lon = (west + east) / 2
    return Frame(mid_lon - half_x, unmerc(mid_y - half_y), mid_lon + half_x,
                 unmerc(mid_y + half_y), width, height, mercator=True)


def to_mercator(frame: Frame) -> Frame:
    """A Mercator frame showing at least what the equirectangular ``frame`` shows."""
    top, bottom = merc(frame.north), merc(frame.south)
    return _mercator_frame(frame.west, frame.east, (top + bottom) / 2, top - bottom,
                           frame.width, frame.height)


def fit(points: list[GeoPoint], width: int, height: int, mercator: bool = False) -> Frame:
    """The frame showing every point with a margin, one scale on both axes."""
    lons, lats = [p.lon for p in points], [p.lat for p in points]
    if mercator:
        ys = [merc(lat) for lat in lats]
        half_lon = max((max(lons) - min(lons)) * 1.15 + 6, 16.0) / 2
        mid_lon = (min(lons) + max(lons)) / 2
        return _mercator_frame(mid_lon - half_lon, mid_lon + half_lon, (min(ys) + max(ys)) / 2,
                               max((max(ys) - min(ys)) * 1.15 + 0.08, 0.2), width, height)
    mid_lat = (min(lats) + max(lats)) / 2
    cos = max(math.cos(math.radians(mid_lat)), 0.35)
    span_lon = max((max(lons) - min(lons)) * 1.15 + 6, 16.0)  # 1:110m data: no closer
    span_lat = max((max(lats) - min(lats)) * 1.15 + 4, 10.0)
    scale = min(width / (span_lon * cos), height / span_lat)
    span_lon, span_lat = width / (scale * cos), height / scale
    mid_lon = (min(lons) + max(lons)) / 2
    return Frame(mid_lon - span_lon / 2, mid_lat - span_lat / 2, mid_lon + span_lon / 2,
                 mid_lat + span_lat / 2, width, height)


def _path(rings: list[Ring], frame: Frame, closed: bool) -> str:
    parts = []
    for ring in rings:
        coords: list[str] = []
        last, previous, offset = "", ring[0][0] if ring else 0.0, 0.0
        for lon, lat in ring:
            # Across the antimeridian the ring continues off the map instead of drawing a
            # line (or a filled sliver) across the whole map.
            if lon - previous > 180:
                offset -= 360
            elif previous - lon > 180:
                offset += 360
            previous = lon
            xy = f"{frame.x(lon + offset):.0f},{frame.y(lat):.0f}"
            if xy != last:
                coords.append(xy)
                last = xy
        if len(coords) > 1:
            parts.append("M" + "L".join(coords) + ("Z" if closed else ""))
    return "".join(parts)


def _visible(box: Box, frame: Frame) -> bool:
    west, south, east, north = box
    return not (east < frame.west or west > frame.east or north < frame.south
                or south > frame.north)


@functools.lru_cache(maxsize=32)
def basemap(frame: Frame) -> tuple[str, str]:
    """SVG path data of the land and of the country borders inside the frame (the last 32
    frames are kept: a page drawn again costs nothing)."""
    land, arcs = _atlas()
    shown = [ring for ring, box in land if _visible(box, frame)]
    borders = [arc for arc, box in arcs if _visible(box, frame)]
    return _path(shown, frame, True), _path(borders, frame, False)


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(points: list[Placed], width: int, height: int) -> list[Placed]:
    """Greedy label placement: right, left, above, below, then diagonal; a label that fits
    nowhere without covering another label or marker is left out (the list names it)."""
    taken: list[Box] = [(p.x - 5, p.y - 5, p.x + 5, p.y + 5) for p in points]
    order = sorted(range(len(points)), key=lambda i: (points[i].kind != "focal",
                                                      len(points[i].label)))
    out = list(points)
    for i in order:
        p = points[i]
        w = len(p.label) * CHAR_W
        candidates = ((p.x + 7, p.y + 4, "start", (p.x + 6, p.y - 6, p.x + 8 + w, p.y + 5)),
                      (p.x - 7, p.y + 4, "end", (p.x - 8 - w, p.y - 6, p.x - 6, p.y + 5)),
                      (p.x, p.y - 8, "middle", (p.x - w / 2, p.y - 18, p.x + w / 2, p.y - 6)),
                      (p.x, p.y + 16, "middle", (p.x - w / 2, p.y + 6, p.x + w / 2, p.y + 18)),
                      (p.x + 5, p.y - 6, "start", (p.x + 4, p.y - 16, p.x + 6 + w, p.y - 5)),
                      (p.x + 5, p.y + 14, "start", (p.x + 4, p.y + 4, p.x + 6 + w, p.y + 15)),
                      (p.x - 5, p.y - 6, "end", (p.x - 6 - w, p.y - 16, p.x - 4, p.y - 5)),
                      (p.x - 5, p.y + 14, "end", (p.x - 6 - w, p.y + 4, p.x - 4, p.y + 15)))
        for lx, ly, anchor, box in candidates:
            inside = box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height
            own = (p.x - 5, p.y - 5, p.x + 5, p.y + 5)
            if inside and not any(_overlaps(box, t) for t in taken if t != own):
                taken.append(box)
                out[i] = replace(p, label_x=round(lx, 1), label_y=round(ly, 1),
                                 anchor=anchor)
                break
    return out


def draw(points: list[GeoPoint], width: int = 640, height: int = 400,
         frame: Frame | None = None, tiles: TileSource | None = None) -> Drawing | None:
    """The map of these points (None without any); with ``tiles``, over the tiles."""
    if not points:
        return None
    if tiles is None:
        frame = frame or fit(points, width, height)
    else:
        frame = to_mercator(frame) if frame else fit(points, width, height, mercator=True)
    land, borders = basemap(frame)
    marked = [replace(p, kind="focal", reference=False) if p.reference else p for p in points]
    ordered = sorted(marked, key=lambda p: KINDS.index(p.kind) if p.kind in KINDS else 0)
    placed = [Placed(round(frame.x(p.lon), 1), round(frame.y(p.lat), 1), p.label, p.href,
                     p.kind, lang=p.lang) for p in ordered]
    kinds = [k for k in KINDS if any(p.kind == k for p in marked)]
    images = [] if tiles is None else cover(tiles, frame.west, frame.east, merc(frame.north),
                                            merc(frame.south), frame.width)
    return Drawing(frame.width, frame.height, land, borders,
                   place_labels(placed, frame.width, frame.height), kinds, images,
                   tiles.attribution if tiles else "")
