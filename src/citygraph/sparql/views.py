"""The /sparql blueprint: SPARQL 1.1 Protocol queries, the service description and the
read-only Graph Store Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/)."""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime

from flask import Blueprint, Response, current_app, render_template, request
from werkzeug.exceptions import ClientDisconnected

from citygraph.errors import BadRequest, CitygraphError, MethodNotAllowed, NotAcceptable, NotFound
from citygraph.formats import Kind, MediaType, by_name
from citygraph.negotiation import choose, require, resolve
from citygraph.sparql import protocol, results
from citygraph.sparql.engine import Answer, Dataset, QueryJob
from citygraph.sparql.runtime import Runtime
from citygraph.sparql.service import describe_service
from citygraph.store import BuildInfo

bp = Blueprint("sparql", __name__)
READ_METHODS = ["GET", "HEAD", "POST"]
WRITE_METHODS = ["PUT", "DELETE", "PATCH"]
RDF_KINDS = (Kind.GRAPH, Kind.DATASET)


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["citygraph"]
    return rt


def _override() -> str | None:
    return request.args.get("format") or request.args.get("_mediatype") or None


def client_identity() -> tuple[str, bool]:
    addr = request.remote_addr or "unknown"
    try:
        loopback = ipaddress.ip_address(addr).is_loopback
    except ValueError:
        loopback = False
    return addr, loopback and not runtime().config.fair_use_loopback


def _respond(body: bytes, media: MediaType, info: BuildInfo, *, status: int = 200,
             tag: str = "") -> Response:
    response = Response(body, status=status, content_type=media.content_type)
    response.vary.add("Accept")
    response.set_etag(f"{info.build_id}-{media.name}{tag}-{_representation()}")
    response.last_modified = datetime.fromisoformat(info.built_at.replace("Z", "+00:00"))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    if request.method in ("GET", "HEAD") and status == 200:
        response.make_conditional(request)
    return response


def _representation() -> str:
    """What identifies the representation besides build and format: the URL (host, path,
    query, dataset, format parameters) and a POSTed body."""
    digest = hashlib.sha256(request.url.encode())
    if request.method == "POST":
        digest.update(b"\0" + (request.content_type or "").encode() + b"\0")
        digest.update(request.get_data())
    return digest.hexdigest()[:16]


def _format_params() -> list[str]:
    """Every format= / _mediatype= value, from the URL and from a form body."""
    values = request.args.getlist("format") + request.args.getlist("_mediatype")
    if request.mimetype == protocol.FORM:
        values += request.form.getlist("format") + request.form.getlist("_mediatype")
    return values


def _accept_names() -> tuple[str, ...]:
    """The format to use for results and the one for graphs: the first format= value that
    means one of them, else the Accept header (SPARQLWrapper sends several format= values)."""
    overrides = _format_params()
    chosen = [next((m for o in overrides if (m := resolve(o, kinds)) is not None), None)
              for kinds in ((Kind.RESULTS,), RDF_KINDS)]
    if overrides and not any(chosen):
        require(request.accept_mimetypes, (Kind.RESULTS, *RDF_KINDS), overrides[0])
    names = []
    for kinds, media in zip(((Kind.RESULTS,), RDF_KINDS), chosen, strict=True):
        media = media or choose(request.accept_mimetypes, kinds)
        if media is not None:
            names.append(media.name)
    if not names:
        require(request.accept_mimetypes, (Kind.RESULTS, *RDF_KINDS))
    return tuple(names)


def answer_response(answer: Answer, info: BuildInfo) -> Response:
    media = by_name(answer.media)
    assert media is not None
    limit = runtime().config.max_rows
    response = _respond(answer.body, media, info, status=206 if answer.truncated else 200)
    if answer.truncated:
        # Never a silent cut: status 206 and a header name the limit that was applied.
        response.headers["Citygraph-Truncated"] = f"rows={answer.rows}; max-rows={limit}"
    return response


def run(query: str, dataset: Dataset, max_rows: int) -> Response:
    rt = runtime()
    client, exempt = client_identity()
    rt.admit(query, client, exempt)  # before negotiation: a bad query is a 4xx whatever Accept is
    # Relative IRIs in the query resolve against the endpoint URL (Protocol test update_base_uri).
    job = QueryJob(query=query, dataset=dataset, accept=_accept_names(), max_rows=max_rows,
                   base_iri=request.base_url)
    answer, info = rt.answer(job, client, exempt)
    return answer_response(answer, info)


def _body() -> bytes:
    """The request body; 408 when the client does not send it within the server's read
    deadline (citygraph.server.DeadlineSocket raises a TimeoutError under werkzeug)."""
    try:
        return request.get_data()
    except ClientDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):
            raise CitygraphError("the request body did not arrive in time", status=408,
                                 code="request_timeout") from None
        raise


@bp.route("/sparql", methods=[*READ_METHODS, *WRITE_METHODS])
@bp.route("/sparql/", methods=[*READ_METHODS, *WRITE_METHODS])
def sparql() -> Response:
    parsed = protocol.parse(request.method, request.args.to_dict(flat=False),
                            request.content_type, _body())
    if parsed.query is None:
        return service_description()
    return run(parsed.query, parsed.dataset, runtime().config.max_rows)


def service_description() -> Response:
    media = choose(request.accept_mimetypes, (Kind.HTML, *RDF_KINDS), _override(),
                   default=by_name("turtle"))
    if media is None:
        raise NotAcceptable("the service description is available as HTML or RDF")
    info = runtime().build()
    if media.kind is Kind.HTML:
        html = render_template("sparql.html", info=info, endpoint=request.base_url)
        return _respond(html.encode(), media, info)
    triples = describe_service(request.base_url, info)
    body = results.graph(triples, media, {"sd": "http://www.w3.org/ns/sparql-service-description#",
                                          "void": "http://rdfs.org/ns/void#"})
    return _respond(body, media, info, tag="-sd")


@bp.route("/sparql/graph", methods=[*READ_METHODS, *WRITE_METHODS])
def graph_store() -> Response:
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed("the Graph Store is read-only here: use GET or HEAD",
                               headers={"Allow": "GET, HEAD, OPTIONS"})
    iri = request.args.get("graph")
    if ("default" in request.args) == (iri is not None):
        raise BadRequest("name exactly one graph: ?graph=IRI or ?default")
    media = require(request.accept_mimetypes, RDF_KINDS, _override())
    if iri is None:
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    else:
        if iri not in runtime().build().graphs:
            raise NotFound(f"there is no graph <{iri}> in this store")
        query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    dataset = Dataset(named_graphs=(iri,)) if iri else Dataset()
    answer, info = runtime().answer(
        QueryJob(query, dataset, (media.name,), max_rows=runtime().config.max_rows * 100),
        *client_identity())
    return answer_response(answer, info)
