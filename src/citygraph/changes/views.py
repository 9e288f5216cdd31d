"""``/changes``: the kept change sets as an Activity Streams 2.0 OrderedCollection
(https://www.w3.org/TR/activitystreams-core/#collections), one OrderedCollectionPage per build
(newest first), each activity linking the RDF Patch and N-Quads files of one graph's change,
so a harvester fetches only what changed since the build it has."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, request, send_file
from werkzeug.exceptions import NotFound

from citygraph.changes.changeset import ADDED, PATCH, REMOVED, changes_root, summaries
from citygraph.web.conditional import conditional
from citygraph.web.current import runtime

bp = Blueprint("changes", __name__)
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
MEDIA = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
BUILD_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$")
FILES = {PATCH: "application/rdf-patch", ADDED: "application/n-quads",
         REMOVED: "application/n-quads"}


def url(path: str) -> str:
    configured = runtime().config.public_url.strip()
    return (configured or request.url_root).rstrip("/") + path


def _json(doc: dict[str, Any], tag: str) -> Response:
    response = Response(json.dumps(doc, ensure_ascii=False, indent=1), content_type=MEDIA)
    return conditional(response, runtime().build(), f"{tag}/{url('')}", vary=(), max_age=60)


def _page_url(build_id: str) -> str:
    return url(f"/changes/{build_id}")


@bp.route("/changes", methods=["GET", "HEAD"])
def collection() -> Response:
    kept = summaries(runtime().config.store)
    doc: dict[str, Any] = {
        "@context": AS_CONTEXT, "id": url("/changes"), "type": "OrderedCollection",
        "name": "citygraph change sets", "totalItems": len(kept),
        "summary": f"The changes of the last {len(kept)} builds, newest first; each page "
                   f"links RDF Patch and N-Quads files per graph."}
    if kept:
        doc.update(first=_page_url(kept[0]["build"]), last=_page_url(kept[-1]["build"]),
                   updated=kept[0]["built_at"])
    return _json(doc, "changes-" + (kept[0]["build"] if kept else "none"))


def _activities(summary: dict[str, Any]) -> list[dict[str, Any]]:
    build = summary["build"]
    if "skipped" in summary:
        return [{"type": "Update", "published": summary["built_at"],
                 "summary": summary["skipped"], "object": url("/dumps/")}]
    links = [{"type": "Link", "href": url(f"/changes/{build}/{name}"), "mediaType": media}
             for name, media in FILES.items()]
    items = []
    for graph, (added, removed) in sorted(summary["graphs"].items()):
        items.append({"type": "Update", "published": summary["built_at"],
                      "object": {"id": graph, "type": "Collection"},
                      "summary": f"+{added} −{removed} triples",
                      "citygraph:added": added, "citygraph:removed": removed})
    return [{"type": "Update", "published": summary["built_at"],
             "summary": f"+{summary['added']} −{summary['removed']} triples",
             "url": links}, *items]


@bp.route("/changes/<build_id>", methods=["GET", "HEAD"])
def page(build_id: str) -> Response:
    kept = summaries(runtime().config.store)
    index = next((i for i, s in enumerate(kept) if s["build"] == build_id), None)
    if index is None:
        raise NotFound(f"no change set of build {build_id} is kept")
    summary = kept[index]
    doc: dict[str, Any] = {
        "@context": [AS_CONTEXT, {"citygraph": "https://w3id.org/citygraph/def#"}],
        "id": _page_url(build_id), "type": "OrderedCollectionPage",
        "partOf": url("/changes"), "published": summary["built_at"],
        "summary": f"Build {build_id}, changes since "
                   f"{summary.get('previous') or 'an empty store'}",
        "orderedItems": _activities(summary)}
    if index > 0:
        doc["prev"] = _page_url(kept[index - 1]["build"])
    if index + 1 < len(kept):
        doc["next"] = _page_url(kept[index + 1]["build"])
    return _json(doc, f"changes-{build_id}")


@bp.route("/changes/<build_id>/<name>", methods=["GET", "HEAD"])
def patch_file(build_id: str, name: str) -> Response:
    if not BUILD_ID.match(build_id) or name not in FILES:
        raise NotFound(f"no change file {build_id}/{name}")
    path = changes_root(runtime().config.store) / build_id / name
    if not path.is_file():
        raise NotFound(f"no change file {build_id}/{name} is kept")
    response = send_file(path, mimetype=FILES[name], conditional=True, etag=True)
    response.cache_control.public = True
    response.cache_control.max_age = 86400  # a build's change set never changes
    return response
