"""Content negotiation for every route: a path suffix, then ``format=`` / ``_mediatype=``, then
the Accept header, over the offered entries of the media-type registry.

RFC 9110 §12.5.1 (q-values and wildcards, by Werkzeug's MIMEAccept); §15.5.7 (406). A suffix
names a variant document, so an unknown one is a 404; an override or Accept header that
matches nothing offered is a 406 listing what is available. ``best`` and ``negotiate`` take
plain values and are tested from a table without Flask; ``negotiate_request`` reads them off
the current request.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from citygraph.errors import NotAcceptable, NotFound
from citygraph.formats import NAME_ALIASES, Kind, MediaType, by_name, of_kinds

# Short names clients send in ?format= that mean something else for a graph result
# (SPARQLWrapper sends format=xml or format=json for CONSTRUCT too).
GRAPH_MEANING = {"xml": "rdfxml", "rdf+xml": "rdfxml", "json": "jsonld", "n3": "turtle"}
OVERRIDES = ("format", "_mediatype")


def parse_accept(header: str | None) -> MIMEAccept:
    return parse_accept_header(header or "", MIMEAccept)


def resolve(name: str, offered: Sequence[MediaType]) -> MediaType | None:
    """The offered entry a format name (name, extension, media type or alias) stands for."""
    key = name.strip().lower()
    key = NAME_ALIASES.get(key, key)
    for media in offered:
        if key in (media.name, media.extension, media.mime):
            return media
    known = by_name(key)
    if known is not None and known in offered:
        return known
    if any(m.kind is Kind.GRAPH for m in offered) and key in GRAPH_MEANING:
        meant = by_name(GRAPH_MEANING[key])
        return meant if meant in offered else None
    return None


def best(offered: Sequence[MediaType], accept: MIMEAccept, override: str | None = None,
         default: MediaType | None = None) -> MediaType | None:
    """The entry to answer with, or None when nothing offered fits.

    An override wins over Accept; no Accept header (or an empty one) gets ``default``, else
    the first entry offered. Primary media types are listed before aliases, so they win ties.
    """
    if override:
        return resolve(override, offered)
    if not accept or not list(accept.values()):
        return default or offered[0]
    pairs = [(m.mime, m) for m in offered] + [(a, m) for m in offered for a in m.aliases]
    chosen = accept.best_match([mime for mime, _ in pairs])
    return next((m for mime, m in pairs if mime == chosen), None) if chosen else None


def not_acceptable(offered: Sequence[MediaType], override: str | None) -> NotAcceptable:
    available = ", ".join(dict.fromkeys(m.mime for m in offered))
    asked = f"format '{override}'" if override else "the Accept header"
    return NotAcceptable(f"nothing here matches {asked}; available: {available}")


def negotiate(offered: Sequence[MediaType], accept: MIMEAccept, *, suffix: str | None = None,
              override: str | None = None, default: MediaType | None = None) -> MediaType:
    """Suffix (404 when no such variant), then override, then Accept (406 when nothing fits)."""
    if suffix is not None:
        media = next((m for m in offered if m.extension == suffix), None)
        if media is None:
            raise NotFound(f"there is no '.{suffix}' variant of this document")
        return media
    media = best(offered, accept, override, default)
    if media is None:
        raise not_acceptable(offered, override)
    return media


@functools.lru_cache(maxsize=256)
def query_formats(accept_header: str, overrides: tuple[str, ...]) -> tuple[str, ...]:
    """For a query of unknown form: the format for results and the one for graphs, by name.

    The first format= value that means one of them wins, else the Accept header (SPARQLWrapper
    sends several format= values). Remembered per (Accept, overrides): clients send few
    distinct headers, and matching them is a good part of a cached answer's cost.
    """
    groups = (of_kinds(Kind.RESULTS), of_kinds(Kind.GRAPH, Kind.DATASET))
    everything = of_kinds(Kind.RESULTS, Kind.GRAPH, Kind.DATASET)
    chosen = [next((m for o in overrides if (m := resolve(o, offered)) is not None), None)
              for offered in groups]
    accept = parse_accept(accept_header)
    if overrides and not any(chosen):
        negotiate(everything, accept, override=overrides[0])
    names = []
    for offered, media in zip(groups, chosen, strict=True):
        media = media or best(offered, accept)
        if media is not None:
            names.append(media.name)
    if not names:
        negotiate(everything, accept)
    return tuple(names)


def request_override() -> str | None:
    """The first ``format=`` or ``_mediatype=`` value of the request URL, if any."""
    from flask import request

    return next((v for name in OVERRIDES if (v := request.args.get(name))), None)


def negotiate_request(offered: Sequence[MediaType], suffix: str | None = None,
                      default: MediaType | None = None) -> MediaType:
    """``negotiate`` with the current request's Accept header and override."""
    from flask import request

    return negotiate(offered, request.accept_mimetypes, suffix=suffix,
                     override=request_override(), default=default)


def best_for_request(offered: Sequence[MediaType], suffix: str | None = None,
                     default: MediaType | None = None) -> MediaType | None:
    """Like ``negotiate_request`` but None instead of an error (for error pages)."""
    from flask import request

    if suffix is not None:
        return next((m for m in offered if m.extension == suffix), None)
    return best(offered, request.accept_mimetypes, request_override(), default)


def best_mime(candidates: Sequence[str]) -> str | None:
    """The candidate media type the current request's Accept header ranks highest (ties go
    to the first listed), for views that choose between an HTML and a JSON rendering."""
    from flask import request

    chosen: str | None = request.accept_mimetypes.best_match(candidates)
    return chosen
