"""The one conditional-response helper: ETag, Last-Modified, Cache-Control and Vary for every
representation derived from a build, and 304 Not Modified when the client's copy is current.

RFC 9110 §8.8.3 (ETag), §8.8.2 (Last-Modified), §13.1 (conditional requests), §12.5.5 (Vary);
RFC 9111 §5.2 (Cache-Control). A build never changes, so a representation is identified by
the build and by whatever else selects it (``BuildInfo.etag``): media type, language, query,
or the public URL written into the body.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime

from flask import Response, request
from werkzeug.datastructures import Headers
from werkzeug.http import http_date

from citygraph.formats import MediaType
from citygraph.store import BuildInfo

MAX_AGE = 300  # seconds a cache may reuse a representation without asking again
# Request headers that can make a response conditional (RFC 9110 §13.1) or partial (§14.2).
CONDITIONAL = frozenset({"if-none-match", "if-modified-since", "if-match",
                         "if-unmodified-since", "if-range", "range"})


def validators(info: BuildInfo, representation: str, *, vary: Iterable[str] = ("Accept",),
               max_age: int = MAX_AGE, modified: str | None = None) -> list[tuple[str, str]]:
    """Vary, ETag, Last-Modified and Cache-Control of one representation of build ``info``."""
    headers = [("ETag", f'"{info.etag(representation)}"'),
               ("Last-Modified", _http_date(modified or info.built_at)),
               ("Cache-Control", f"public, max-age={max_age}")]
    named = ", ".join(dict.fromkeys(vary))
    return [("Vary", named), *headers] if named else headers


def conditional(response: Response, info: BuildInfo, representation: str, *,
                vary: Iterable[str] = ("Accept",), max_age: int = MAX_AGE,
                modified: str | None = None) -> Response:
    """Set the validators and caching headers; answer 304 when If-None-Match/-Modified-Since
    say the client has this representation (GET and HEAD of a 200 only). ``modified``: when
    the content last changed, if earlier than the build (an entity's last change)."""
    headers = response.headers
    named = [*(v.strip() for v in headers.get("Vary", "").split(",") if v.strip()), *vary]
    for name, value in validators(info, representation, vary=named, max_age=max_age,
                                  modified=modified):
        headers[name] = value
    return _not_modified(response)


def _not_modified(response: Response) -> Response:
    if (request.method in ("GET", "HEAD") and response.status_code == 200
            and not CONDITIONAL.isdisjoint(request.headers.keys(lower=True))):
        response.make_conditional(request)  # only asked-for work on the hot path
    return response


@functools.lru_cache(maxsize=256)
def _http_date(stamp: str) -> str:
    """RFC 9110 §5.6.7 IMF-fixdate of an ISO timestamp (a build's time, computed once)."""
    return http_date(datetime.fromisoformat(stamp.replace("Z", "+00:00")))


def respond(body: bytes | str, media: MediaType, info: BuildInfo, representation: str, *,
            status: int = 200, vary: Iterable[str] = ("Accept",),
            modified: str | None = None) -> Response:
    """A body in ``media`` from build ``info``, with its validators (see ``conditional``).
    The headers are made as one list: setting them one by one on Werkzeug's header object
    cost as much as the rest of a cached answer's response."""
    headers = Headers([("Content-Type", media.content_type),
                       *validators(info, f"{media.name}/{representation}", vary=vary,
                                   modified=modified)])
    return _not_modified(Response(body, status=status, headers=headers))
