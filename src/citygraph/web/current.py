"""The per-process runtime and the dataset description of its current build, for views.

One accessor instead of one per blueprint. The description is read from the store once per
build and worker (a build never changes).
"""

from __future__ import annotations

import threading

from flask import current_app

from citygraph import site as site_module
from citygraph.site import Site
from citygraph.sparql.runtime import Runtime
from citygraph.web.tiles import TileSource, tile_source

_LOCK = threading.Lock()
RUNTIME_KEY = "citygraph"
SITE_KEY = "citygraph.site"


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions[RUNTIME_KEY]
    return rt


def site() -> Site:
    """The dataset description of the current build."""
    rt = runtime()
    build_id = rt.build().build_id
    cached: tuple[str, Site] | None = current_app.extensions.get(SITE_KEY)
    if cached is not None and cached[0] == build_id:
        return cached[1]
    described = site_module.load(rt.select)
    with _LOCK:
        current_app.extensions[SITE_KEY] = (build_id, described)
    return described


def map_tiles() -> TileSource | None:
    """The operator's online map tiles; None by default (offline basemap only)."""
    config = runtime().config
    return tile_source(config.map_tile_url, config.map_tile_attribution)
