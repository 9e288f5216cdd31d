"""The one error shape of every response: JSON ``{status, code, message}``, text/plain or an
HTML page, by the client's Accept header; and the app's error handlers that produce it.

Codes are ``ErrorCode`` values; rejected queries and timeouts are counted in the metrics.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, json, render_template, request
from werkzeug.exceptions import HTTPException

from citygraph.errors import CitygraphError, ErrorCode
from citygraph.metrics import Metrics
from citygraph.sparql.executor import InternalQueryError

log = logging.getLogger("citygraph")
REJECTED = {ErrorCode.UPDATE_FORBIDDEN, ErrorCode.SERVICE_FORBIDDEN, ErrorCode.QUERY_TOO_LARGE,
            ErrorCode.QUERY_TOO_COMPLEX, ErrorCode.SYNTAX_ERROR, ErrorCode.BAD_QUERY,
            ErrorCode.TOO_MANY_REQUESTS}
METRICS_KEY = "citygraph.metrics"


def metrics() -> Metrics:
    found: Metrics = current_app.extensions[METRICS_KEY]
    return found


def error_response(status: int, code: ErrorCode, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    """The error as JSON, HTML (for browsers) or text/plain (the default)."""
    best = request.accept_mimetypes.best_match(
        ["text/plain", "application/json", "text/html"], default="text/plain")
    if best == "application/json":
        body = json.dumps({"status": status, "code": code, "message": message})
        response = Response(body, status=status, content_type="application/json")
    elif best == "text/html" and request.accept_mimetypes["text/html"] >= 1:
        html = render_template("error.html", status=status, code=code, message=message)
        response = Response(html, status=status, content_type="text/html; charset=utf-8")
    else:
        response = Response(f"{status} {code}: {message}\n", status=status,
                            content_type="text/plain; charset=utf-8")
    response.headers.update(headers or {})
    if code in REJECTED:
        metrics().inc("citygraph_rejected_queries_total", reason=code)
    if code == ErrorCode.QUERY_TIMEOUT:
        metrics().inc("citygraph_query_timeouts_total")
    return response


def citygraph_error(exc: CitygraphError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.headers)


def http_error(exc: HTTPException) -> Response:
    """Werkzeug's own errors (unknown route, method, body too large) in the same shape."""
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    status = exc.code or 500
    return error_response(status, ErrorCode.for_status(status), exc.description or exc.name,
                          headers)


def internal_error(exc: Exception) -> Response:
    if isinstance(exc, InternalQueryError):
        # The engine itself failed on this query (e.g. Oxigraph 0.5.13 panics in some
        # ORDER BY over mixed values); the query process survives, the client gets a 500.
        log.error("query engine failure: %s", exc)
        return error_response(500, ErrorCode.QUERY_ENGINE_FAILURE,
                              "the query engine failed on this query; the problem was logged")
    log.exception("unhandled error")
    return error_response(500, ErrorCode.INTERNAL_ERROR,
                          "the server could not answer this request; the problem was logged")
