"""Optional online map tiles, drawn under the points only when the operator configures a tile
URL (``map_tile_url``). By default there are none: the offline basemap is the map and no page
contacts another origin. With tiles, the maps use the Web Mercator projection of the tiles
(https://en.wikipedia.org/wiki/Web_Mercator_projection; tile numbering as in
https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames), and the Content-Security-Policy
names the tile host for images, nothing else. No Flask here.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from citygraph.errors import ConfigError

MAX_LAT = 89.5  # Mercator is infinite at the poles; frames never get this far
TILE_PX = 256
MAX_ZOOM = 18
MAX_TILES = 48  # images one map may request (a 640 px map needs about 20)
PLACEHOLDERS = ("{z}", "{x}", "{y}")
_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?")


def merc(lat: float) -> float:
    """Web Mercator y of a latitude, in radians of the equator."""
    phi = math.radians(max(-MAX_LAT, min(MAX_LAT, lat)))
    return math.log(math.tan(math.pi / 4 + phi / 2))


def unmerc(y: float) -> float:
    """The latitude of a Web Mercator y."""
    return math.degrees(math.atan(math.sinh(y)))


@dataclass(frozen=True)
class TileSource:
    """A tile server: its URL template and the attribution its licence asks for."""

    url: str
    attribution: str

    @property
    def origin(self) -> str:
        """scheme://host[:port], as the Content-Security-Policy names it."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def href(self, z: int, x: int, y: int) -> str:
        return self.url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))


@functools.lru_cache(maxsize=4)
def tile_source(url: str, attribution: str) -> TileSource | None:
    """The configured tile server; None when ``url`` is empty (the default). A URL that is
    not http(s) with a plain host and exactly the placeholders {z}, {x}, {y} is refused."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    rest = url
    for placeholder in PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    if (parts.scheme not in {"https", "http"} or not _HOST.fullmatch(parts.netloc)
            or any(p not in url for p in PLACEHOLDERS) or "{" in rest or "}" in rest
            or any(c.isspace() or c in "'\";," for c in url)):
        raise ConfigError(
            f"setting 'map_tile_url' must be an http(s) URL with a plain host and the "
            f"placeholders {{z}}, {{x}} and {{y}} (no others), e.g. "
            f"https://tile.example.org/{{z}}/{{x}}/{{y}}.png; got {url!r}")
    if not attribution.strip():
        raise ConfigError("setting 'map_tile_attribution' must name the tiles' source and "
                          "licence when 'map_tile_url' is set")
    return TileSource(url, attribution.strip())


@dataclass(frozen=True)
class TileImage:
    """One tile placed on the map, in the map's coordinates."""

    href: str
    x: float
    y: float
    size: float


def _count(n: int, x0: float, x1: float, y0: float, y1: float) -> int:
    rows = max(0, min(n, math.ceil(y1)) - max(0, math.floor(y0)))
    return (math.ceil(x1) - math.floor(x0)) * rows


def cover(source: TileSource, west: float, east: float, top: float, bottom: float,
          width: int) -> list[TileImage]:
    """The tiles covering a Mercator frame (``top``/``bottom`` are Mercator y), at the zoom
    whose tiles are closest to their natural size; at most MAX_TILES."""
    world = width * 360 / (east - west)  # map units around the whole world
    z = max(0, min(MAX_ZOOM, round(math.log2(max(world / TILE_PX, 1.0)))))
    while True:
        n = 2 ** z
        x0, x1 = (west + 180) / 360 * n, (east + 180) / 360 * n
        y0, y1 = (math.pi - top) / (2 * math.pi) * n, (math.pi - bottom) / (2 * math.pi) * n
        if z == 0 or _count(n, x0, x1, y0, y1) <= MAX_TILES:
            break
        z -= 1
    size = width / (x1 - x0)
    return [TileImage(source.href(z, tx % n, ty), round((tx - x0) * size, 2),
                      round((ty - y0) * size, 2), round(size + 0.5, 2))  # +0.5: no seams
            for ty in range(max(0, math.floor(y0)), min(n, math.ceil(y1)))
            for tx in range(math.floor(x0), math.ceil(x1))]
