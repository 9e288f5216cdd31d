"""Content negotiation over the media-type registry, with Werkzeug's Accept matching.

RFC 9110 §12.5.1: q-values and wildcards are Werkzeug's; a ``format=`` (or ``_mediatype=``)
parameter or a file extension overrides the Accept header.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

from citygraph.errors import NotAcceptable
from citygraph.formats import Kind, MediaType, by_name, of_kinds

# Short names clients send in ?format= that mean something else for a graph result
# (SPARQLWrapper sends format=xml or format=json for CONSTRUCT too).
GRAPH_MEANING = {"xml": "rdfxml", "rdf+xml": "rdfxml", "json": "jsonld", "n3": "turtle"}


def resolve(name: str, kinds: tuple[Kind, ...]) -> MediaType | None:
    """The registry entry a format name stands for among these kinds, if any."""
    media = by_name(name)
    if media is not None and media.kind in kinds:
        return media
    if Kind.GRAPH in kinds:
        meant = GRAPH_MEANING.get(name.strip().lower())
        return by_name(meant) if meant else None
    return None


def candidates(kinds: tuple[Kind, ...]) -> list[tuple[str, MediaType]]:
    """(media type, entry) pairs: primary types first, so they win ties over aliases."""
    entries = of_kinds(*kinds)
    return [(m.mime, m) for m in entries] + [(a, m) for m in entries for a in m.aliases]


def choose(accept: MIMEAccept, kinds: tuple[Kind, ...], override: str | None = None,
           default: MediaType | None = None) -> MediaType | None:
    """The best entry of these kinds for the request, or None when nothing fits."""
    pairs = candidates(kinds)
    if override:
        return resolve(override, kinds)
    if not accept or not list(accept.values()):
        return default or pairs[0][1]
    best = accept.best_match([mime for mime, _ in pairs])
    return next((m for mime, m in pairs if mime == best), None) if best else None


def require(accept: MIMEAccept, kinds: tuple[Kind, ...], override: str | None = None
            ) -> MediaType:
    """Like choose(), but a 406 that lists what is available when nothing fits."""
    media = choose(accept, kinds, override)
    if media is None:
        available = ", ".join(m.mime for m in of_kinds(*kinds))
        asked = f"format '{override}'" if override else "the Accept header"
        raise NotAcceptable(f"nothing here matches {asked}; available: {available}")
    return media
