"""The publishing blueprint object and its HTTP helpers: public URLs, content negotiation over
the media-type registry, and cache validators.

Conditional requests and caching: RFC 9110 §8.8 (ETag, Last-Modified), §12.5.5 (Vary);
negotiation by ``Accept``, overridden by a file suffix or ``?format=`` (see ``negotiation``).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from citygraph.errors import NotAcceptable, NotFound
from citygraph.formats import MediaType, by_name
from citygraph.publishing.background import manifest_for
from citygraph.publishing.dumps import Manifest
from citygraph.publishing.vocab import OUTPUT_PREFIXES
from citygraph.sparql import results
from citygraph.sparql.runtime import Runtime
from citygraph.store import BuildInfo

bp = Blueprint("publishing", __name__)

RDF_NAMES = ("turtle", "rdfxml", "jsonld", "ntriples")  # the catalogue and VoID syntaxes
HTML = "html"


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["citygraph"]
    return rt


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


def negotiate(allowed: list[MediaType], suffix: str | None = None) -> MediaType:
    """The registry entry to answer with: suffix, then ?format=, then Accept (q-values).

    An unknown suffix is a 404 (no such document); an unmatched ?format= or Accept a 406.
    """
    if suffix is not None:
        media = by_name(suffix)
        if media is None or media not in allowed or suffix != media.extension:
            raise NotFound(f"there is no '.{suffix}' variant of this document")
        return media
    override = request.args.get("format") or request.args.get("_mediatype")
    if override:
        media = by_name(override)
        if media is None or media not in allowed:
            raise _not_acceptable(allowed, f"format '{override}'")
        return media
    accept = request.accept_mimetypes
    if not accept or not list(accept.values()):
        return allowed[0]
    pairs = [(m.mime, m) for m in allowed] + [(a, m) for m in allowed for a in m.aliases]
    best = accept.best_match([mime for mime, _ in pairs])
    if best is None:
        raise _not_acceptable(allowed, "the Accept header")
    return next(m for mime, m in pairs if mime == best)


def _not_acceptable(allowed: list[MediaType], asked: str) -> NotAcceptable:
    available = ", ".join(m.mime for m in allowed)
    return NotAcceptable(f"nothing here matches {asked}; available: {available}")


def finish(response: Response, info: BuildInfo, tag: str, *, negotiated: bool = True,
           max_age: int = 300) -> Response:
    """Validators and caching for a document derived from one build (and the public URL)."""
    if negotiated:
        response.vary.add("Accept")
    host = hashlib.sha256(public_base().encode()).hexdigest()[:8]
    response.set_etag(f"{info.build_id}-{tag}-{host}")
    response.last_modified = datetime.fromisoformat(info.built_at.replace("Z", "+00:00"))
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.make_conditional(request)
    return response


def rdf_response(triples: list[ox.Triple], media: MediaType, info: BuildInfo, tag: str,
                 location: str) -> Response:
    """Triples in a registry syntax; Content-Location names the variant's own URL."""
    prefixes = {**runtime().prefixes, **OUTPUT_PREFIXES}
    body = results.graph(triples, media, prefixes)
    response = Response(body, content_type=media.content_type)
    response.headers["Content-Location"] = location
    return finish(response, info, f"{tag}-{media.name}")
