"""The Flask application factory: configuration, the runtime, blueprints, the one error path
(``web.errors``), CORS and metrics. Defines no routes of its own."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from citygraph.config import Config, load_config
from citygraph.errors import CitygraphError
from citygraph.metrics import Metrics
from citygraph.sparql.runtime import Runtime
from citygraph.web import errors as web_errors
from citygraph.web.current import RUNTIME_KEY
from citygraph.web.tiles import tile_source

log = logging.getLogger("citygraph")
# Every HTML page loads only from its own origin (scripts, styles, fonts, images, requests): no
# third-party host is contacted without the visitor's consent. Inline styles are allowed for
# the vendored editor, which positions its parts with style attributes.
CSP_TEMPLATE = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:{tiles}; font-src 'self' data:; connect-src 'self'; "
                "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")
CSP = CSP_TEMPLATE.format(tiles="")
CSP_KEY = "citygraph.csp"
EVERY_RESPONSE_HEADERS = {
    "X-Content-Type-Options": "nosniff",  # text/plain errors too
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Link, ETag, Last-Modified, Content-Location, Retry-After, "
                                     "Citygraph-Truncated",
}


def create_app(config: Config | None = None) -> Flask:
    config = config or load_config()
    app = Flask(__name__)
    app.config["CITYGRAPH"] = config
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes  # 413 beyond (SECURITY.md)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # "/dumps//.." must be a 404, not a redirect to "/dumps/..": no path is ever merged.
    app.url_map.merge_slashes = False
    metrics = Metrics()
    app.extensions[web_errors.METRICS_KEY] = metrics
    app.extensions[CSP_KEY] = content_security_policy(config)  # first: a bad setting stops here
    app.extensions[RUNTIME_KEY] = Runtime(config, metrics)

    from citygraph import crawlers, ops
    from citygraph.changes import views as changes_views
    from citygraph.linkeddata import views as linkeddata_views
    from citygraph.network import web as network_views
    from citygraph.publishing import views as publishing_views
    from citygraph.sparql import views as sparql_views
    from citygraph.ui import views as ui_views
    from citygraph.workbench import views as workbench_views

    app.register_blueprint(sparql_views.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(crawlers.bp)
    app.register_blueprint(linkeddata_views.bp)
    app.register_blueprint(publishing_views.bp)
    app.register_blueprint(workbench_views.bp)
    app.register_blueprint(ui_views.bp)
    app.register_blueprint(changes_views.bp)
    app.register_blueprint(network_views.bp)
    app.register_error_handler(CitygraphError, web_errors.citygraph_error)
    app.register_error_handler(HTTPException, web_errors.http_error)
    app.register_error_handler(Exception, web_errors.internal_error)
    app.before_request(_start_timer)
    app.after_request(_finish)
    if config.proxy_hops > 0:
        # Behind N trusted proxies the client is the Nth address from the right of
        # X-Forwarded-For: fair use and loopback exemption must see it, not the proxy.
        hops = config.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def content_security_policy(config: Config) -> str:
    """The CSP of HTML pages: its own origin only; images also from the tile host, and only
    when the operator configured map tiles (a bad tile URL stops the start: ConfigError)."""
    tiles = tile_source(config.map_tile_url, config.map_tile_attribution)
    return CSP_TEMPLATE.format(tiles=f" {tiles.origin}" if tiles else "")


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
    # No view sets these headers (app.py is their one home): appended, not searched for.
    response.headers.extend(EVERY_RESPONSE_HEADERS)
    if response.status_code >= 400:
        # An error is about this moment (fair use, load, a time limit), never a version of
        # the resource: not stored, no validators of the 200 (RFC 9111 §5.2.2.5).
        response.headers["Cache-Control"] = "no-store"
        for header in ("ETag", "Last-Modified", "Expires"):
            response.headers.pop(header, None)
    if (response.content_type or "").startswith("text/html"):
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Content-Security-Policy",
                                    current_app.extensions.get(CSP_KEY, CSP))
    metrics = web_errors.metrics()
    endpoint = request.url_rule.rule if request.url_rule else "unmatched"
    metrics.inc("citygraph_requests_total", endpoint=endpoint, status=str(response.status_code))
    metrics.observe(time.monotonic() - g.get("started", time.monotonic()), endpoint=endpoint)
    return response
