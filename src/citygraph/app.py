"""The Flask application factory: configuration, the runtime, blueprints, the one error path,
CORS and metrics. Defines no routes of its own."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from citygraph.config import Config, load_config
from citygraph.errors import CitygraphError
from citygraph.metrics import Metrics
from citygraph.sparql.executor import InternalQueryError
from citygraph.sparql.runtime import Runtime

log = logging.getLogger("citygraph")
REJECTED = {"update_forbidden", "service_forbidden", "query_too_large", "query_too_complex",
            "syntax_error", "bad_query", "too_many_requests"}
# Every HTML page loads only from its own origin (scripts, styles, fonts, images, requests): no
# third-party host is contacted without the visitor's consent. Inline styles are allowed for
# the vendored editor, which positions its parts with style attributes.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, ETag, Last-Modified, Content-Location, Retry-After, "
                                     "Citygraph-Truncated",
}


def create_app(config: Config | None = None) -> Flask:
    config = config or load_config()
    app = Flask(__name__)
    app.config["CITYGRAPH"] = config
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # "/dumps//.." must be a 404, not a redirect to "/dumps/..": no path is ever merged.
    app.url_map.merge_slashes = False
    metrics = Metrics()
    app.extensions["citygraph.metrics"] = metrics
    app.extensions["citygraph"] = Runtime(config, metrics)

    from citygraph import ops
    from citygraph.linkeddata import views as linkeddata_views
    from citygraph.publishing import views as publishing_views
    from citygraph.site import views as site_views
    from citygraph.sparql import views as sparql_views
    from citygraph.workbench import views as workbench_views

    app.register_blueprint(sparql_views.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(linkeddata_views.bp)
    app.register_blueprint(publishing_views.bp)
    app.register_blueprint(workbench_views.bp)
    app.register_blueprint(site_views.bp)
    app.register_error_handler(CitygraphError, _citygraph_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
    app.before_request(_start_timer)
    app.after_request(_finish)
    if config.proxy_hops > 0:
        # Behind N trusted proxies the client is the Nth address from the right of
        # X-Forwarded-For: fair use and loopback exemption must see it, not the proxy.
        hops = config.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def _start_timer() -> Response | None:
    g.started = time.monotonic()
    if request.method == "OPTIONS":  # CORS preflight and plain OPTIONS alike
        response = Response(status=204)
        response.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = (
            request.headers.get("Access-Control-Request-Headers") or "Accept, Content-Type")
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    return None


def _finish(response: Response) -> Response:
    response.headers.update(CORS_HEADERS)
    if response.mimetype == "text/html":
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Content-Security-Policy", CSP)
    metrics: Metrics = g_metrics()
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    metrics.inc("citygraph_requests_total", endpoint=endpoint, status=str(response.status_code))
    metrics.observe(time.monotonic() - g.get("started", time.monotonic()), endpoint=endpoint)
    return response


def g_metrics() -> Metrics:
    from flask import current_app

    metrics: Metrics = current_app.extensions["citygraph.metrics"]
    return metrics


def error_response(status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> Response:
    """The one error shape: JSON {status, code, message}, text/plain or HTML by Accept."""
    best = request.accept_mimetypes.best_match(
        ["text/plain", "application/json", "text/html"], default="text/plain")
    if best == "application/json":
        from flask import json

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
        g_metrics().inc("citygraph_rejected_queries_total", reason=code)
    if code == "query_timeout":
        g_metrics().inc("citygraph_query_timeouts_total")
    return response


def _citygraph_error(exc: CitygraphError) -> Response:
    return error_response(exc.status, exc.code, exc.message, exc.headers)


def _http_error(exc: HTTPException) -> Response:
    code = (exc.name or "error").lower().replace(" ", "_")
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    return error_response(exc.code or 500, code, exc.description or exc.name, headers)


def _internal_error(exc: Exception) -> Response:
    if isinstance(exc, InternalQueryError):
        # The engine itself failed on this query (e.g. Oxigraph 0.5.13 panics in some
        # ORDER BY over mixed values); the query process survives, the client gets a 500.
        log.error("query engine failure: %s", exc)
        return error_response(500, "query_engine_failure",
                              "the query engine failed on this query; the problem was logged")
    log.exception("unhandled error")
    return error_response(500, "internal_error",
                          "the server could not answer this request; the problem was logged")
