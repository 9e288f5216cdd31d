"""The /sparql blueprint: SPARQL 1.1 Protocol queries, the service description and the
read-only Graph Store Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import ClientDisconnected

from citygraph.errors import (
    BadRequest,
    CitygraphError,
    ErrorCode,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
)
from citygraph.formats import Kind, by_name, of_kinds
from citygraph.sparql import protocol, results
from citygraph.sparql.engine import Dataset
from citygraph.sparql.service import describe_service
from citygraph.web.conditional import respond
from citygraph.web.current import runtime, site
from citygraph.web.negotiation import best_for_request, negotiate_request, query_formats
from citygraph.web.query import answer_response, run_query

bp = Blueprint("sparql", __name__)
READ_METHODS = ["GET", "HEAD", "POST"]
WRITE_METHODS = ["PUT", "DELETE", "PATCH"]
RDF_KINDS = (Kind.GRAPH, Kind.DATASET)




def _format_params() -> list[str]:
    """Every format= / _mediatype= value, from the URL and from a form body."""
    values = request.args.getlist("format") + request.args.getlist("_mediatype")
    if request.mimetype == protocol.FORM:
        values += request.form.getlist("format") + request.form.getlist("_mediatype")
    return values


def _accept_names() -> tuple[str, ...]:
    """The result format and the graph format of this request (web.negotiation)."""
    return query_formats(request.headers.get("Accept", ""), tuple(_format_params()))


def run(query: str, dataset: Dataset, max_rows: int) -> Response:
    # Relative IRIs in the query resolve against the endpoint URL (Protocol test update_base_uri).
    # request.base_url, put together directly: Werkzeug's quotes and unquotes the URL again,
    # which cost a tenth of a cached answer (the route's path is plain ASCII).
    base = f"{request.scheme}://{request.host}{request.root_path}{request.path}"
    answer, info, job = run_query(query, _accept_names, dataset=dataset, max_rows=max_rows,
                                  base_iri=base)
    return answer_response(answer, info, job)


def _body() -> bytes:
    """The request body; 408 when the client does not send it within the server's read
    deadline (citygraph.server.DeadlineSocket raises a TimeoutError under werkzeug)."""
    try:
        return request.get_data()
    except ClientDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):
            raise CitygraphError("the request body did not arrive in time", status=408,
                                 code=ErrorCode.REQUEST_TIMEOUT) from None
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
    media = best_for_request(of_kinds(Kind.HTML, *RDF_KINDS), default=by_name("turtle"))
    if media is None:
        raise NotAcceptable("the service description is available as HTML or RDF")
    info = runtime().build()
    if media.kind is Kind.HTML:
        html = render_template("sparql/service.html", info=info, endpoint=request.base_url,
                               site=site())
        return respond(html, media, info, f"sd/{request.base_url}")
    triples = describe_service(request.base_url, info, site().title)
    body = results.graph(triples, media, {"sd": "http://www.w3.org/ns/sparql-service-description#",
                                          "void": "http://rdfs.org/ns/void#",
                                          "dct": "http://purl.org/dc/terms/"})
    return respond(body, media, info, f"sd/{request.base_url}")


@bp.route("/sparql/graph", methods=[*READ_METHODS, *WRITE_METHODS])
def graph_store() -> Response:
    if request.method not in ("GET", "HEAD"):
        raise MethodNotAllowed("the Graph Store is read-only here: use GET or HEAD",
                               headers={"Allow": "GET, HEAD, OPTIONS"})
    iri = request.args.get("graph")
    if ("default" in request.args) == (iri is not None):
        raise BadRequest("name exactly one graph: ?graph=IRI or ?default")
    media = negotiate_request(of_kinds(*RDF_KINDS))
    if iri is None:
        query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    else:
        if iri not in runtime().build().graphs:
            raise NotFound(f"there is no graph <{iri}> in this store")
        query = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
    dataset = Dataset(named_graphs=(iri,)) if iri else Dataset()
    answer, info, job = run_query(query, lambda: (media.name,), dataset=dataset,
                                  max_rows=runtime().config.max_rows * 100)
    return answer_response(answer, info, job)
