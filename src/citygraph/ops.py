"""The operations blueprint: /healthz for load balancers, /metrics for Prometheus."""

from __future__ import annotations

import ipaddress

from flask import Blueprint, Response, current_app, jsonify, request

from citygraph.errors import CitygraphError, ErrorCode, Forbidden
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
    _metrics_client_allowed()
    registry: Metrics = current_app.extensions["citygraph.metrics"]
    return Response(registry.render(), content_type="text/plain; version=0.0.4; charset=utf-8")


def _metrics_client_allowed() -> None:
    """/metrics tells query volumes and errors: only clients of metrics_networks read it."""
    networks = current_app.config["CITYGRAPH"].metrics_networks
    try:
        client = ipaddress.ip_address(request.remote_addr or "")
        allowed = any(client in ipaddress.ip_network(n.strip(), strict=False)
                      for n in networks.split(",") if n.strip())
    except ValueError:
        allowed = False
    if not allowed:
        raise Forbidden("/metrics is served to the networks in the setting metrics_networks "
                        "only", code=ErrorCode.METRICS_FORBIDDEN)
