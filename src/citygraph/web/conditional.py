"""The one conditional-response helper: ETag, Last-Modified, Cache-Control and Vary for every
representation derived from a build, and 304 Not Modified when the client's copy is current.

RFC 9110 §8.8.3 (ETag), §8.8.2 (Last-Modified), §13.1 (conditional requests), §12.5.5 (Vary);
RFC 9111 §5.2 (Cache-Control). A build never changes, so a representation is identified by
the build and by whatever else selects it (``BuildInfo.etag``): media type, language, query,
or the public URL written into the body.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import Response, request

from citygraph.formats import MediaType
from citygraph.store import BuildInfo

MAX_AGE = 300  # seconds a cache may reuse a representation without asking again


def conditional(response: Response, info: BuildInfo, representation: str, *,
                vary: Iterable[str] = ("Accept",), max_age: int = MAX_AGE) -> Response:
    """Set the validators and caching headers; answer 304 when If-None-Match/-Modified-Since
    say the client has this representation (GET and HEAD of a 200 only)."""
    for header in vary:
        response.vary.add(header)
    response.set_etag(info.etag(representation))
    response.last_modified = datetime.fromisoformat(info.built_at.replace("Z", "+00:00"))
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.make_conditional(request)
    return response


def respond(body: bytes | str, media: MediaType, info: BuildInfo, representation: str, *,
            status: int = 200, vary: Iterable[str] = ("Accept",)) -> Response:
    """A body in ``media`` from build ``info``, with its validators (see ``conditional``)."""
    response = Response(body, status=status, content_type=media.content_type)
    return conditional(response, info, f"{media.name}/{representation}", vary=vary)
