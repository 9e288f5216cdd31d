"""Maps people recognise (the glance page through HTTP): labels that do not overlap, a legend,
the focal city marked, and marker colours at 3:1 or more against land and sea (WCAG 2.2
SC 1.4.11, non-text contrast)."""

from __future__ import annotations

import itertools
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from citygraph.web.mapping import CHAR_W

LABEL = re.compile(r'<text class="label" x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)"'
                   r'[^>]*>([^<]+)</text>')


@pytest.fixture()
def client(module_app: Flask) -> FlaskClient:
    return module_app.test_client()


def boxes(svg: str) -> list[tuple[str, float, float, float, float]]:
    """Each label's box as the placing estimates it: 10 px text above its baseline."""
    out = []
    for x, y, anchor, text in LABEL.findall(svg):
        left, width = float(x), len(text) * CHAR_W
        left -= {"start": 0.0, "middle": width / 2, "end": width}[anchor]
        out.append((text, left, float(y) - 9.5, left + width, float(y) + 0.5))
    return out


def test_glance_labels_do_not_overlap_and_the_map_has_a_legend(client: FlaskClient) -> None:
    html = client.get("/glance?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    maps = re.findall(r'<svg class="map" .*?</svg>', html, re.S)
    assert len(maps) == 2  # Europe and the world
    labelled = 0
    for svg in maps:
        placed = boxes(svg)
        labelled += len(placed)
        for a, b in itertools.combinations(placed, 2):
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, f"labels {a[0]!r} and {b[0]!r} overlap"
        assert '<rect class="mk focal"' in svg  # the focal city has a marker of its own
    assert labelled >= 20  # 14 partner and 7 friendship cities, the focal city on both maps
    legend = re.search(r'<ul class="map-legend">(.*?)</ul>', html, re.S)
    assert legend and all(word in legend.group(1) for word in ("Partner", "Friendship"))


def _luminance(colour: str) -> float:
    """Relative luminance of #rrggbb (WCAG 2.2, definition of relative luminance)."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_marker_colours_stand_out_from_land_and_sea(client: FlaskClient) -> None:
    css = client.get("/static/site.css").get_data(as_text=True)

    def fill(selector: str) -> str:
        match = re.search(re.escape(selector) + r"\{[^}]*fill:#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b",
                          css)
        assert match, selector
        digits = match.group(1)
        return "#" + (digits if len(digits) == 6 else "".join(c * 2 for c in digits))

    grounds = [fill(".map .land"), fill(".map .sea")]
    for kind in ("partner", "friendship", "other", "focal"):
        marker = fill(f".mk.{kind}")
        assert all(_contrast(marker, ground) >= 3 for ground in grounds), kind
