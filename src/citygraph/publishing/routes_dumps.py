"""Routes of the bulk dumps: ``/dumps/`` (index, HTML or JSON), ``/dumps/<file>`` and
``/dumps/latest.<ext>`` (a 302 redirect to the dated file of the current build).

Only file names listed in a dumps manifest are ever served: a request path never reaches the
file system, so ``/dumps/../x`` and its encoded variants are plain 404s. Files are sent with a
strong ETag (their SHA-256), Content-Length, Last-Modified and range support (RFC 9110 §14).
"""

from __future__ import annotations

from typing import Any

from flask import Response, json, render_template, request, send_file

from citygraph.errors import NotFound
from citygraph.formats import Kind, MediaType, by_name
from citygraph.publishing.dumps import DumpFile, Manifest
from citygraph.publishing.dumpsets import find_dump
from citygraph.publishing.web import bp, current_manifest, finish, public_base, url
from citygraph.ui import rdfpage
from citygraph.web.current import runtime
from citygraph.web.i18n import choose_language
from citygraph.web.negotiation import negotiate_request

READ = ["GET", "HEAD"]
JSON_MIME = "application/json"
# The index as plain JSON (not a registry format: no RDF, no SPARQL results).
JSON_INDEX = MediaType("json", JSON_MIME, "json", Kind.RESULTS)
LATEST = "latest."
IMMUTABLE = 365 * 24 * 3600  # dated files are never rewritten


def _listing(manifest: Manifest) -> dict[str, Any]:
    files = [{**_file_dict(dump), "url": url("/dumps/" + dump.name),
              "latest": url("/dumps/" + LATEST + dump.extension)} for dump in manifest.files]
    return {"build_id": manifest.build_id, "built_at": manifest.built_at,
            "generated_at": manifest.generated_at,
            "distinct_triples": manifest.distinct_triples, "quads": manifest.quads,
            "catalog": url("/catalog"), "void": url("/.well-known/void"), "files": files}


def _file_dict(dump: DumpFile) -> dict[str, Any]:
    return {"name": dump.name, "format": dump.format, "media_type": dump.media_type,
            "compression": dump.compression, "size": dump.size, "sha256": dump.sha256,
            "triples": dump.triples}


def _index_media() -> str:
    """HTML or JSON: ?format= first, then Accept; HTML for browsers and */*."""
    html = by_name("html")
    assert html is not None
    return negotiate_request([html, JSON_INDEX]).mime


@bp.route("/dumps/", methods=READ)
def dumps_index() -> Response:
    mime = _index_media()
    info, manifest = current_manifest()
    listing = _listing(manifest)
    if mime == JSON_MIME:
        body = json.dumps(listing, indent=2)
        response = Response(body, content_type=f"{JSON_MIME}; charset=utf-8")
        return finish(response, info, "dumps-json")
    lang = choose_language(request.args.get("lang"), request.accept_languages)
    html = render_template("publishing/dumps.html", listing=listing, info=info, lang=lang,
                           format_names=rdfpage.FORMAT_NAMES)
    response = Response(html, content_type="text/html; charset=utf-8")
    response.vary.add("Accept-Language")
    return finish(response, info, f"dumps-html-{lang}")


@bp.route("/dumps/<path:name>", methods=READ)
def dump_file(name: str) -> Response:
    if name.startswith(LATEST):
        return _latest(name[len(LATEST):])
    found = find_dump(runtime().config.store, name) if "/" not in name else None
    if found is None:
        raise NotFound(f"there is no dump file '{name}'; see {url('/dumps/')}")
    path, dump = found
    response = send_file(path, mimetype=dump.content_type, conditional=True,
                         etag=dump.sha256, max_age=IMMUTABLE, download_name=dump.name)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def _latest(extension: str) -> Response:
    """``/dumps/latest.<ext>``: 302 to the dated file of the current build (never cached)."""
    _, manifest = current_manifest()
    dump = manifest.by_extension(extension)
    if dump is None:
        known = ", ".join(LATEST + f.extension for f in manifest.files)
        raise NotFound(f"there is no dump 'latest.{extension}'; there are {known}")
    response = Response(status=302)
    response.headers["Location"] = public_base() + "/dumps/" + dump.name
    response.cache_control.no_cache = True
    response.headers["Link"] = f'<{url("/dumps/")}>; rel="collection"'
    return response
