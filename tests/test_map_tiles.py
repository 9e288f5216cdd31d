"""Online map tiles only by the operator's choice (Flask test client): by default no page names
another host and the Content-Security-Policy allows none; with ``map_tile_url`` set, the maps
lie over that server's tiles, correctly placed, its attribution is shown, and img-src names
exactly that host."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from citygraph.app import create_app
from citygraph.config import Config
from citygraph.errors import ConfigError


@pytest.fixture()
def client(module_app: Flask) -> FlaskClient:
    return module_app.test_client()


BROWSER = "text/html,application/xhtml+xml"
TILES = "https://tiles.example.org/osm/{z}/{x}/{y}.png"
CREDIT = "© OpenStreetMap contributors (ODbL)"
ROSTOCK = (12.14049, 54.0887)  # data/cities.ttl
MAP_PAGES = ["/glance", "/doc/city/rostock", "/query?example=partner-cities-coordinates"]


def _directives(response: Any) -> dict[str, str]:
    csp = response.headers["Content-Security-Policy"]
    return dict(d.strip().split(" ", 1) for d in csp.split(";"))


@pytest.fixture()
def tiled(config: Config) -> Iterator[Any]:
    app = create_app(config.replace(map_tile_url=TILES, map_tile_attribution=CREDIT))
    yield app.test_client()
    app.extensions["citygraph"].executor.close()


@pytest.mark.parametrize("path", MAP_PAGES)
def test_by_default_no_page_names_another_host(client: Any, path: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER})
    page = response.get_data(as_text=True)
    assert '<svg class="map"' in page and "<image" not in page
    assert not re.search(r'\b(src|srcset)="(https?:)?//', page)
    assert _directives(response)["img-src"] == "'self' data:"


@pytest.mark.parametrize("path", MAP_PAGES)
def test_configured_tiles_lie_under_the_points(client: Any, tiled: Any, path: str) -> None:
    response = tiled.get(path, headers={"Accept": BROWSER})
    directives = _directives(response)
    default = _directives(client.get(path, headers={"Accept": BROWSER}))
    assert directives["img-src"] == "'self' data: https://tiles.example.org"
    assert {k: v for k, v in directives.items() if k != "img-src"} == {
        k: v for k, v in default.items() if k != "img-src"}
    page = response.get_data(as_text=True)
    svg = page.split('<svg class="map"', 1)[1].split("</svg>", 1)[0]
    images = re.findall(r'<image href="https://tiles\.example\.org/osm/(\d+)/(\d+)/(\d+)\.png" '
                        r'x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)"', svg)
    assert 0 < len(images) <= 48
    assert svg.index('<g class="tiles"') < svg.index('<g class="point')  # under the points
    assert CREDIT.replace("©", "&copy;") in page or CREDIT in page
    if "example" in path:
        return  # the workbench map marks no focal city; the other two check the placing
    # The focal city's marker lies on the tile that holds its coordinates (Web Mercator).
    focal = re.search(r'<rect class="mk focal" x="([-\d.]+)" y="([-\d.]+)"', svg)
    assert focal
    mx, my = float(focal.group(1)) + 5, float(focal.group(2)) + 5
    z = int(images[0][0])
    n = 2 ** z
    lon, lat = ROSTOCK
    want = (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))
    under = [(int(tx), int(ty)) for _, tx, ty, x, y, size in images
             if float(x) <= mx < float(x) + float(size) and float(y) <= my < float(y) + float(size)]
    assert want in under, (want, under)


def test_glance_shows_the_attribution_in_both_languages(tiled: Any) -> None:
    for lang in ("en", "de"):
        page = tiled.get(f"/glance?lang={lang}", headers={"Accept": BROWSER}).get_data(
            as_text=True)
        assert page.count(f'<span class="map-tiles-credit">{CREDIT}</span>') == 2  # both maps


@pytest.mark.parametrize(("url", "credit"), [
    ("ftp://tiles.example.org/{z}/{x}/{y}.png", CREDIT),
    ("https://tiles.example.org/{z}/{x}.png", CREDIT),
    ("https://{s}.tiles.example.org/{z}/{x}/{y}.png", CREDIT),
    ("https://tiles.example.org; script-src */{z}/{x}/{y}", CREDIT),
    (TILES, ""),
])
def test_a_bad_tile_setting_stops_the_start(config: Config, url: str, credit: str) -> None:
    with pytest.raises(ConfigError, match="map_tile"):
        create_app(config.replace(map_tile_url=url, map_tile_attribution=credit))
