"""The operations blueprint: /healthz for load balancers, /metrics for Prometheus."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from citygraph.errors import CitygraphError
from citygraph.metrics import Metrics
from citygraph.web.current import runtime

bp = Blueprint("ops", __name__)


@bp.route("/healthz", methods=["GET", "HEAD"])
def healthz() -> Response:
    try:
        info = runtime().build()
    except CitygraphError as exc:
        response = jsonify(status="unavailable", message=exc.message)
        response.status_code = 503
        return response
    return jsonify(status="ok", build=info.build_id, built_at=info.built_at,
                   triples=info.triples)


@bp.route("/metrics", methods=["GET"])
def metrics() -> Response:
    registry: Metrics = current_app.extensions["citygraph.metrics"]
    return Response(registry.render(), content_type="text/plain; version=0.0.4; charset=utf-8")
