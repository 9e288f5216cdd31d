"""The publishing blueprint object and its HTTP helpers: public URLs and cache validators.

Conditional requests and caching: RFC 9110 §8.8 (ETag, Last-Modified), §12.5.5 (Vary);
negotiation: ``citygraph.web.negotiation``.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, request

from citygraph.formats import MediaType, by_name
from citygraph.publishing.background import manifest_for
from citygraph.publishing.dumps import Manifest
from citygraph.publishing.vocab import OUTPUT_PREFIXES
from citygraph.sparql import results
from citygraph.store import BuildInfo
from citygraph.web.conditional import conditional
from citygraph.web.current import runtime

bp = Blueprint("publishing", __name__)

RDF_NAMES = ("turtle", "rdfxml", "jsonld", "ntriples")  # the catalogue and VoID syntaxes
HTML = "html"


def public_base() -> str:
    """``config.public_url`` when set, else the URL the request came to (without '/')."""
    configured = runtime().config.public_url.strip()
    return (configured or request.url_root).rstrip("/")


def url(path: str) -> str:
    """The public URL of a path of this server."""
    return public_base() + path


def current_manifest() -> tuple[BuildInfo, Manifest]:
    """The current build and its dumps manifest (written on first use if missing)."""
    rt = runtime()
    info = rt.build()
    return info, manifest_for(rt.config.store, info)


def entries(*names: str) -> list[MediaType]:
    found = [by_name(name) for name in names]
    return [m for m in found if m is not None]


def finish(response: Response, info: BuildInfo, tag: str) -> Response:
    """Validators and caching for a document derived from one build and the public URL
    (written into the body, so part of the representation)."""
    return conditional(response, info, f"{tag}/{public_base()}")


def rdf_response(triples: list[ox.Triple], media: MediaType, info: BuildInfo, tag: str,
                 location: str) -> Response:
    """Triples in a registry syntax; Content-Location names the variant's own URL."""
    prefixes = {**runtime().prefixes, **OUTPUT_PREFIXES}
    body = results.graph(triples, media, prefixes)
    response = Response(body, content_type=media.content_type)
    response.headers["Content-Location"] = location
    return finish(response, info, f"{tag}-{media.name}")
